"""The accounts move to django-allauth: every session signs in again, through its pages (so
therapists and staff are asked for their second factor, and every session is one "sign out
everywhere" can end), and each existing address gets its allauth row, unconfirmed: nothing is
mailed to it until its owner confirms it from the account page (it was never confirmed)."""

from django.db import migrations


def start_afresh(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    Session.objects.all().delete()
    taken = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=user_id, email=email.lower(), primary=True, verified=False)
            for user_id, email in User.objects.exclude(email="").values_list("id", "email")
            if user_id not in taken
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0010_email_invitations"),
        ("sessions", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(start_afresh, migrations.RunPython.noop)]
