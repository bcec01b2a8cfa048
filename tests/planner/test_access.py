"""may_see_plan_of, the check the API makes on a plan it read by its key, says exactly what
plans_visible_to says: for every persona, and for the links and roles that come and go."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from planner.access import THERAPIST_GROUP, may_see_plan_of, plans_visible_to
from planner.models import CareLink, Plan
from tests.personas import People

pytestmark = pytest.mark.django_db


def agree_on_every_plan(people: People) -> None:
    for who in (people.rosa, people.oscar, people.theo, people.uma, people.alice, AnonymousUser()):
        visible = set(plans_visible_to(who).values_list("pk", flat=True))
        for plan in Plan.objects.all():
            assert may_see_plan_of(who, plan.user_id) == (plan.pk in visible), (who, plan)


def test_it_agrees_with_the_visible_plans_of_every_persona(people: People) -> None:
    assert may_see_plan_of(people.theo, people.rosa.pk)
    assert not may_see_plan_of(people.uma, people.rosa.pk)
    agree_on_every_plan(people)


@pytest.mark.parametrize(
    "status", [CareLink.Status.INVITED, CareLink.Status.DECLINED, CareLink.Status.ENDED]
)
def test_only_an_active_link_lets_the_therapist_see(people: People, status: str) -> None:
    CareLink.objects.filter(therapist=people.theo).update(status=status)

    assert not may_see_plan_of(people.theo, people.rosa.pk)
    agree_on_every_plan(people)


def test_a_therapist_whose_role_was_taken_away_sees_nothing(people: People) -> None:
    people.theo.groups.remove(Group.objects.get(name=THERAPIST_GROUP))

    assert not may_see_plan_of(people.theo, people.rosa.pk)
    agree_on_every_plan(people)


def test_the_owner_and_an_admin_cost_no_query(
    people: People, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert may_see_plan_of(people.rosa, people.rosa.pk)
        assert may_see_plan_of(people.alice, people.rosa.pk)
