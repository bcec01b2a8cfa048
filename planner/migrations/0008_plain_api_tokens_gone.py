"""API keys were kept in plain text (DRF's authtoken), readable by anyone with the database or
the admin; tokens are now django-rest-knox's, kept as a hash. The old keys are dropped, not
carried over: whoever used one signs in again for a new token."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0007_delivery_plan_index"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
