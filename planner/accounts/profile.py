"""A person's profile: the name they want shown, the language of their pages and messages, and
a therapist's clinic.

Names are free text a person chooses (a full name, a first name, a nickname); they are shown
to the people they share plans with, escaped like any text. A clinic's details are printed on
its therapists' handouts and shown on their patients' plan pages, so a runner knows whom to
call. Errors name the field and the rule."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from kit.text import plain_text
from planner import names
from planner.access import is_therapist
from planner.accounts import language
from planner.engine import schedule
from planner.models import Clinic, Profile

NAME_MAX = Profile._meta.get_field("display_name").max_length or 80
CLINIC_NAME_MAX = Clinic._meta.get_field("name").max_length or 120
PHONE_MAX = Clinic._meta.get_field("phone").max_length or 40
ADDRESS_MAX = 300
# Digits with the separators people write in phone numbers: "+34 91 123 45 67", "(555) 010-0199".
PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,}$")


def profile_of(user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def chosen_name(user: User) -> str:
    """The name `user` chose ("" when none), read without making a profile."""
    name: str | None = (
        Profile.objects.filter(user_id=user.pk).values_list("display_name", flat=True).first()
    )
    return name or ""


def set_name(user: User, display_name: str) -> Profile:
    """The name `user` wants shown; an empty one goes back to the username."""
    name = plain_text(display_name, "display_name", NAME_MAX)
    profile = profile_of(user)
    profile.display_name = name
    profile.save(update_fields=["display_name", "updated_at"])
    return profile


def set_language(user: User, code: str) -> Profile:
    """The language `user` wants pages and messages in: a code of settings.LANGUAGES, or ""
    to follow the browser (pages) and English (messages sent while away)."""
    code = code.strip()
    if code and not language.known(code):
        raise ValidationError(
            {
                "language": [
                    _("Choose one of: %(codes)s, or empty to follow your browser.")
                    % {"codes": ", ".join(known for known, _name in settings.LANGUAGES)}
                ]
            }
        )
    profile = profile_of(user)
    profile.language = code
    profile.save(update_fields=["language", "updated_at"])
    return profile


def clinic_of(user: User) -> Clinic | None:
    """The clinic of a therapist (None for a runner, or a therapist with none)."""
    return names.clinic_of(user.pk)


@transaction.atomic
def set_clinic(therapist: User, *, name: str, phone: str, email: str, address: str) -> Clinic:
    """A therapist's clinic details: their clinic's, updated (any of its therapists may keep
    them current), or a new clinic of their own. Joining an existing clinic is an admin's
    act (a clinic shares its therapists' templates)."""
    if not is_therapist(therapist):
        raise ValidationError({"clinic": [_("Only therapists have a clinic.")]})
    details = {
        "name": plain_text(name, "name", CLINIC_NAME_MAX),
        "phone": plain_text(phone, "phone", PHONE_MAX),
        "email": plain_text(email, "email", 254),
        "address": plain_text(address, "address", ADDRESS_MAX, lines=True),
    }
    if not details["name"]:
        raise ValidationError({"name": [_("Give the clinic's name: handouts print it.")]})
    if details["phone"] and not PHONE.match(details["phone"]):
        raise ValidationError({"phone": [_("A phone number: digits, spaces, + ( ) - . / only.")]})
    if details["email"]:
        try:
            validate_email(details["email"])
        except ValidationError:
            raise ValidationError(
                {"email": [_("An email address, like desk@clinic.example.")]}
            ) from None
    profile = Profile.objects.select_for_update().get_or_create(user=therapist)[0]
    clinic = profile.clinic
    if clinic is None:
        clinic = Clinic.objects.create(**details)
        profile.clinic = clinic
        profile.save(update_fields=["clinic", "updated_at"])
    else:
        for field, value in details.items():
            setattr(clinic, field, value)
        clinic.save()
    return clinic


def chosen_time_zone(user: User) -> str:
    """The zone `user` chose ("" when none), read without making a profile."""
    zone: str | None = (
        Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
    )
    return zone or ""


def set_time_zone(user: User, time_zone: str) -> Profile:
    """The IANA zone `user`'s emails and pages show times in ("Europe/Madrid"); an empty one
    goes back to her latest plan's, else the project's (planner.accounts.clock.zone_of)."""
    zone = time_zone.strip()
    if zone:
        try:
            zone = schedule.validate_time_zone(zone)
        except ValueError:
            raise ValidationError(
                {"time_zone": [_("An IANA time zone name, like Europe/Madrid.")]}
            ) from None
    profile = profile_of(user)
    profile.time_zone = zone
    profile.save(update_fields=["time_zone", "updated_at"])
    return profile
