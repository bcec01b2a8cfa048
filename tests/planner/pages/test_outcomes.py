"""The outcome questionnaires on pages: offered on today's page when due, answered by the
runner on a page each (the LEFS, the PSFS), refused to anyone else."""

from __future__ import annotations

import pytest
from django.test import Client

from planner.models import QuestionnaireAnswer
from tests.personas import People

pytestmark = pytest.mark.django_db


def signed_in(people: People, who: str) -> Client:
    client = Client()
    client.force_login(getattr(people, who))
    return client


def lefs_url(people: People) -> str:
    return f"/plans/{people.rosa_plan.pk}/questionnaires/lefs/"


def psfs_url(people: People) -> str:
    return f"/plans/{people.rosa_plan.pk}/questionnaires/psfs/"


def test_todays_page_offers_the_questionnaires_due(people: People) -> None:
    rosa = signed_in(people, "rosa")

    page = rosa.get(f"/plans/{people.rosa_plan.pk}/today/", follow=True).content.decode()

    assert "A questionnaire is due" in page
    assert lefs_url(people) in page and psfs_url(people) in page


def test_her_therapist_is_not_offered_her_questionnaires(people: People) -> None:
    page = signed_in(people, "theo").get(f"/plans/{people.rosa_plan.pk}/today/", follow=True)
    assert "A questionnaire is due" not in page.content.decode()


def test_rosa_answers_the_lefs_and_is_told_her_score(people: People) -> None:
    rosa = signed_in(people, "rosa")
    form = rosa.get(lefs_url(people)).content.decode()
    assert "Making sharp turns while running fast." in form
    assert "Extreme difficulty or unable to perform activity" in form

    answers = {f"item_{n}": "4" for n in range(1, 21)}
    sent = rosa.post(lefs_url(people), answers, follow=True).content.decode()

    assert "your LEFS score is 80" in sent
    assert QuestionnaireAnswer.objects.get().total == 80
    after = rosa.get(f"/plans/{people.rosa_plan.pk}/today/", follow=True).content.decode()
    assert lefs_url(people) not in after


def test_a_lefs_with_an_activity_left_out_says_which(people: People) -> None:
    answers = {f"item_{n}": "3" for n in range(1, 20)}  # item 20 left out

    page = signed_in(people, "rosa").post(lefs_url(people), answers)

    assert page.status_code == 200
    assert page.context["form"].errors == {
        "item_20": ["Choose one answer for this activity."],
        "__all__": ["Answer every activity: 1 left (number 20)."],
    }
    assert not QuestionnaireAnswer.objects.exists()


def test_the_psfs_activities_named_first_are_scored_again(people: People) -> None:
    rosa = signed_in(people, "rosa")
    first = {"name_1": "Running 5 km", "score_1": "2", "name_2": "Stairs", "score_2": "5"}
    refused = rosa.post(psfs_url(people), first)
    assert refused.status_code == 200
    assert "Name 3 to 5 activities (2 given)." in refused.content.decode()

    rosa.post(psfs_url(people), {**first, "name_3": "Hopping", "score_3": "2"})
    again = rosa.get(psfs_url(people)).content.decode()
    sent = rosa.post(
        psfs_url(people), {"score_1": "5", "score_2": "5", "score_3": "2"}, follow=True
    )

    assert "name_1" not in again and "Running 5 km" in again
    assert "your PSFS score is 4" in sent.content.decode()
    assert "3 points or more in one activity: Running 5 km" in sent.content.decode()
    assert [a.activities for a in QuestionnaireAnswer.objects.all()] == [
        ["Running 5 km", "Stairs", "Hopping"]
    ] * 2


def test_a_named_activity_without_a_score_is_refused_on_its_row(people: People) -> None:
    page = signed_in(people, "rosa").post(
        psfs_url(people),
        {"name_1": "Running", "score_1": "2", "name_2": "Stairs", "name_3": "Hop", "score_3": "1"},
    )
    assert page.context["form"].errors == {"score_2": ["Score this activity from 0 to 10."]}


@pytest.mark.parametrize(("who", "status"), [("theo", 403), ("alice", 403), ("oscar", 404)])
def test_nobody_else_answers_for_rosa(people: People, who: str, status: int) -> None:
    client = signed_in(people, who)
    answers = {f"item_{n}": "4" for n in range(1, 21)}

    assert client.get(lefs_url(people)).status_code == status
    assert client.post(lefs_url(people), answers).status_code == status
    assert client.get(psfs_url(people)).status_code == status
    assert not QuestionnaireAnswer.objects.exists()


def test_the_progress_page_shows_each_measure_with_its_change_chart_and_table(
    people: People,
) -> None:
    rosa = signed_in(people, "rosa")
    rosa.post(lefs_url(people), {f"item_{n}": "2" for n in range(1, 21)})
    rosa.post(lefs_url(people), {f"item_{n}": "3" if n <= 9 else "2" for n in range(1, 21)})

    page = rosa.get(f"/plans/{people.rosa_plan.pk}/progress/").content.decode()

    assert "Since the first answer: +9 points: a change of 9 or more is meaningful." in page
    assert f"/plans/{people.rosa_plan.pk}/charts/lefs.svg" in page
    assert (
        "40 of 80 at the first answer, 49 at the latest (2 answers): a meaningful change." in page
    )
    assert "<td>49</td><td>9 (meaningful)</td>" in page


@pytest.mark.parametrize(("who", "status"), [("rosa", 200), ("theo", 200), ("oscar", 404)])
def test_a_measures_chart_is_shown_to_those_who_may_see_the_plan(
    people: People, who: str, status: int
) -> None:
    chart = signed_in(people, who).get(f"/plans/{people.rosa_plan.pk}/charts/psfs.svg")

    assert chart.status_code == status
    if status == 200:
        assert chart["Content-Type"] == "image/svg+xml"
        assert "Not answered yet" in chart.content.decode()
