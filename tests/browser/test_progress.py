"""The progress page in a real browser: charts load as images under the content security
policy, the page fits a phone, and axe finds no serious violation; the therapist sees it too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from planner.engine import schedule
from planner.models import CareLink
from tests import factories
from tests.browser.conftest import Site, horizontal_overflow, serious_violations
from tests.browser.test_today import chart_loaded, sign_in_to
from tests.personas import therapist

pytestmark = pytest.mark.django_db(transaction=True)


def test_progress_charts_load_and_the_page_fits_a_phone(phone: Site) -> None:
    user = factories.person("nina")
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = factories.plan_for(user, today - timedelta(days=9))
    shells = plan.exercises.get(exercise__slug="clamshells")
    for n, pain in enumerate([2, 3, 2, 6, 2, 1, 2, 3]):
        day = plan.start_date + timedelta(days=n)
        factories.log_session(
            plan=plan, plan_exercise=shells, day=day, today=day, done=True, pain_during=pain
        )
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=user, status=CareLink.Status.ACTIVE)

    for who in ("nina", "theo"):
        phone.page.context.clear_cookies()
        page = sign_in_to(phone, who, f"/plans/{plan.pk}/progress/")
        for kind in ("pain", "dose"):
            assert chart_loaded(page, kind) > 0, kind
            box = page.locator(f"img[data-chart={kind}]").bounding_box()
            assert box is not None and box["width"] <= 375
        assert "on 7 of 8 days" in (page.locator("img[data-chart=pain]").get_attribute("alt") or "")
        page.get_by_text("Pain as a table").click()
        assert "6/10" in page.locator("details").first.inner_text()
        assert horizontal_overflow(page) == 0, who
        assert serious_violations(page) == [], who
