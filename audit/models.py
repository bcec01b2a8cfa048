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

    The subject's foreign key is checked by the database: a look written while the person's
    account is being deleted must fail rather than leave a record of someone gone. The
    viewer's is not: a list of fifty patients is fifty records on every look, and checking the
    viewer's key on each, a lookup and a row lock at commit, cost about 0.2 ms a look on
    PostgreSQL (bench/api_bench.py); a viewer deleted meanwhile leaves an id that names nobody,
    which the access log shows as it shows a deleted viewer, without a name.
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
