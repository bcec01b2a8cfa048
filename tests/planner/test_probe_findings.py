"""Edge inputs an outside probe sent (issue "Accounts people can trust"), each answered as
what it is instead of a 500: the first and the last date a calendar has, a JSON body nested a
thousand deep, an id past the database's integer."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.personas import People

pytestmark = pytest.mark.django_db

BIG_ID = 2**63


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("page", ["", "along/"])
def test_the_first_and_last_calendar_days_are_no_page(people: People, day: str, page: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(people.rosa)

    response = client.get(f"/plans/{people.rosa_plan.pk}/day/{day}/{page}")

    assert response.status_code == 404


def test_a_body_nested_a_thousand_deep_is_a_bad_request(people: People) -> None:
    response = people.client("rosa").post(
        f"/api/v1/plans/{people.rosa_plan.pk}/logs",
        data="[" * 1000,
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize(
    "path", [f"/plans/{BIG_ID}/", f"/plans/{BIG_ID}/today/", f"/media/{BIG_ID}/file/"]
)
def test_an_id_past_the_databases_integer_is_not_found(people: People, path: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(people.rosa)

    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "spelling",
    [
        # All fullwidth, and one fullwidth letter: the same name once normalized.
        "\uff30\uff32\uff2f\uff22\uff25-\uff32\uff35\uff2e\uff2e\uff25\uff32-\uff22",
        "\uff50robe-runner-b",
    ],
)
def test_a_fullwidth_spelling_of_a_taken_name_is_taken(db: None, spelling: str) -> None:
    client = Client(raise_request_exception=False)
    first = {"username": "probe-runner-b", "email": "b@example.com", "password": "long-enough-42!"}
    assert (
        client.post("/api/v1/auth/signup", first, content_type="application/json").status_code
        == 201
    )

    again = client.post(
        "/api/v1/auth/signup",
        {**first, "username": spelling, "email": "c@example.com"},
        content_type="application/json",
    )

    assert again.status_code == 400
    assert again.json() == {"username": ["This username is taken."]}


@pytest.mark.parametrize(
    "spelling",
    [
        "\uff30\uff32\uff2f\uff22\uff25-\uff32\uff35\uff2e\uff2e\uff25\uff32-\uff22",
        "\uff30\uff32\uff2f\uff22\uff25-runner-b",
    ],
)
def test_a_fullwidth_spelling_of_a_taken_name_is_taken_on_the_pages_and_apps_too(
    db: None, spelling: str
) -> None:
    """The sign-up page and allauth's app API (the same form) took 'PROBE-runner-b' in
    fullwidth letters beside probe-runner-b: a second account whose name reads as hers."""
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    User.objects.create_user("probe-runner-b", "b@example.com", "long-enough-42!")
    password = "long-runs-on-sunday-42"

    page = Client().post(
        "/accounts/signup/",
        {
            "username": spelling,
            "email": "c@example.com",
            "password1": password,
            "password2": password,
        },
    )
    app = APIClient().post(
        "/_allauth/app/v1/auth/signup",
        {"username": spelling, "email": "d@example.com", "password": password},
        format="json",
    )

    assert page.status_code == 200 and "username" in page.context["form"].errors
    assert app.status_code == 400
    assert list(User.objects.values_list("username", flat=True)) == ["probe-runner-b"]


def test_staff_without_the_health_data_permission_read_no_ones_plan(people: People) -> None:
    from django.contrib.auth.models import Permission, User
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from audit.models import AccessRecord

    curator = User.objects.create_user("cora", password="cora-pass-4242", is_staff=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=curator)[1]}")
    plan_url = f"/api/v1/plans/{people.rosa_plan.pk}"

    refused = api.get(plan_url)
    curator.user_permissions.add(Permission.objects.get(codename="view_plan"))
    allowed = api.get(plan_url)

    assert refused.status_code == 404
    assert allowed.status_code == 200
    # The look with the permission is recorded, as any admin's.
    assert AccessRecord.objects.filter(viewer=curator).count() == 1


def test_a_deleted_account_leaves_no_name_in_the_admins_history(people: People) -> None:
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    from planner.accounts.deletion import delete_account

    LogEntry.objects.log_actions(
        user_id=people.alice.pk,
        queryset=[people.rosa],
        action_flag=CHANGE,
        change_message="Made her a runner again.",
        single_object=True,
    )
    users = ContentType.objects.get_for_model(User)
    assert LogEntry.objects.filter(content_type=users, object_repr="rosa").exists()

    delete_account(people.rosa)

    assert not LogEntry.objects.filter(object_repr="rosa").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/_allauth/app/v1/auth/login",
        "/_allauth/app/v1/auth/signup",
        "/_allauth/app/v1/auth/password/request",
    ],
)
@pytest.mark.parametrize("body", ["[" * 1000, '{"a":' * 1000, "[" * 1000 + "]" * 1000])
def test_a_deeply_nested_body_to_allauths_api_is_a_400(path: str, body: str) -> None:
    client = Client(raise_request_exception=False)

    response = client.post(path, body, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        f"/patients/{BIG_ID}/",
        f"/patients/{2**64}/",
        f"/api/v1/patients/{BIG_ID}/plans",
        f"/api/v1/plans/{BIG_ID}",
        f"/notifications/{BIG_ID}/read/",
    ],
)
def test_an_id_past_64_bits_is_not_found_for_a_therapist_either(people: People, path: str) -> None:
    """A probe found these routes 500 on SQLite: an id of more than 18 digits matches no route."""
    client = Client(raise_request_exception=False)
    client.force_login(people.theo)

    assert client.get(path).status_code == 404
    assert client.post(path, {}).status_code == 404
