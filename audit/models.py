"""The access record: one row per look by someone other than the person themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessRecord(models.Model):
    """`viewer` saw `what` of `subject`'s data at `at`.

    Deleting the subject deletes their records (CASCADE): the record is about their health
    data. Deleting the viewer keeps the subject's record but forgets who it was (SET_NULL):
    the patient still learns that a therapist or an admin looked, and the viewer's name goes
    with their account. Django does both when it deletes a user.

    No foreign-key constraint in the database: a list of fifty patients is fifty records
    written on every look, and the constraints' checks at commit, a lookup and a row lock on
    each of the hundred users named, cost a look at the list about 0.4 ms on PostgreSQL
    (bench/api_bench.py). The records are only ever written with ids just read from the
    database, and only deleted through the ORM.
    """

    class Role(models.TextChoices):
        THERAPIST = "therapist", "Therapist"
        ADMIN = "admin", "Admin"

    # Indexed through (subject, -at), which leads with it.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_records",
        db_index=False,
        db_constraint=False,
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    viewer_role = models.CharField(max_length=10, choices=Role.choices)
    what = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Used by the access log: the subject's records, newest first.
            models.Index(fields=["subject", "-at"], name="access_record_subject_at")
        ]

    def __str__(self) -> str:
        return f"{self.viewer_role} {self.viewer_id} saw {self.what} of {self.subject_id}"
