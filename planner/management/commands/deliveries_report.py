"""`manage.py deliveries_report`: deliveries stuck or failed, for cron and monitoring.

Stuck means past the sweeper's own thresholds (planner.delivery.dispatch): pending longer than
PENDING_GRACE, or claimed by a worker (sending) longer than SENDING_LEASE. The command exits
with status 1 when anything is stuck, so a cron job or monitor can alert on it. Only ids,
kinds, dates and errors are printed: never what a message says.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.utils import timezone

from planner.delivery import dispatch, lag
from planner.models import Delivery

LISTED = 50  # rows printed per section; the counts cover all of them


def stuck_filter(now: datetime) -> Q:
    return Q(state=Delivery.State.PENDING, created_at__lt=now - dispatch.PENDING_GRACE) | Q(
        state=Delivery.State.SENDING, claimed_at__lt=now - dispatch.SENDING_LEASE
    )


class Command(BaseCommand):
    help = "Report deliveries stuck or failed and the dispatcher's lag; exit 1 if any is stuck."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--failed-limit", type=int, default=LISTED, help="How many failed rows to list."
        )

    def handle(self, *args: Any, failed_limit: int, **options: Any) -> None:
        now = timezone.now()
        out = self.stdout
        counts = dict(
            Delivery.objects.values_list("state").annotate(n=Count("id")).order_by("state")
        )
        out.write(
            "Deliveries by state: "
            + ", ".join(f"{state} {counts.get(state, 0)}" for state in Delivery.State.values)
        )
        measured = lag.measure(now)
        out.write(f"Dispatcher lag: {describe_age(measured.dispatcher_seconds)}")
        out.write(
            f"Oldest pending delivery: {describe_age(measured.oldest_pending_delivery_seconds)}"
        )

        stuck = Delivery.objects.filter(stuck_filter(now)).order_by("created_at")
        stuck_count = stuck.count()
        out.write(f"Stuck: {stuck_count}")
        for row in stuck[:LISTED]:
            since = row.claimed_at if row.state == Delivery.State.SENDING else row.created_at
            out.write(
                f"  delivery {row.pk} plan {row.plan_id} {row.kind} {row.local_date}: "
                f"{row.state} for {describe_age(lag.age_seconds(since, now))}, "
                f"{row.attempts} attempt(s)"
            )

        failed = Delivery.objects.filter(state=Delivery.State.FAILED).order_by("-created_at")
        out.write(f"Failed: {counts.get(Delivery.State.FAILED, 0)}")
        for row in failed[:failed_limit]:
            out.write(
                f"  delivery {row.pk} plan {row.plan_id} {row.kind} {row.local_date}: "
                f"{row.last_error or 'no reason recorded'}"
            )
        if stuck_count:
            self.stderr.write(f"{stuck_count} deliveries are stuck.")
            sys.exit(1)


def describe_age(seconds: float | None) -> str:
    if seconds is None:
        return "none waiting"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
