"""The people behind the accounts: the name each wants shown, and a therapist's clinic."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Clinic(models.Model):
    """A practice: its name and how to reach it, printed on handouts and shown on its runners'
    plan pages. Its therapists share the templates they mark for the clinic. A therapist may
    start a clinic of their own; only an admin adds a therapist to an existing one (joining by
    typing a name would hand a stranger the clinic's shared templates)."""

    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    address = models.TextField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """The name a person wants shown (a runner to their therapist, a therapist to their
    patients), and a therapist's clinic. No row yet reads as no name and no clinic."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=80, blank=True)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.SET_NULL, null=True, blank=True, related_name="therapists"
    )
    # The language of the person's pages, emails and push messages; empty follows the
    # browser's (pages) and English (messages sent while she is away).
    language = models.CharField(max_length=8, blank=True, default="", choices=settings.LANGUAGES)
    # The IANA zone the person's emails and pages show times in; empty: her latest plan's,
    # else the project's TIME_ZONE (planner.accounts.clock.zone_of). A therapist has no plan:
    # this is how her alerts' times read on her own clock. Checked by
    # planner.accounts.profile.set_time_zone.
    time_zone = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.display_name or str(self.user)
