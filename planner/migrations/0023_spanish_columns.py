"""A Spanish column beside each translated catalog field (django-modeltranslation), and the
English column filled from the field's own, which stays English: rows already loaded, or
edited by an admin, keep their English as it was until the loader brings their Spanish."""

from typing import Any

from django.db import migrations, models
from django.db.models import F

TRANSLATED = {"program": ["name", "summary", "weeks_note"], "phase": ["name", "goal"]}


def fill_english(apps: Any, schema_editor: Any) -> None:
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("planner", model_name)
        model.objects.update(**{f"{name}_en": F(name) for name in fields})


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0022_session_log_client_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="phase",
            name="goal_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="phase",
            name="goal_es",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="phase",
            name="name_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="phase",
            name="name_es",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="program",
            name="name_en",
            field=models.CharField(max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="program",
            name="name_es",
            field=models.CharField(max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="program",
            name="summary_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="program",
            name="summary_es",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="program",
            name="weeks_note_en",
            field=models.TextField(
                blank=True, help_text="Where the length comes from, in words.", null=True
            ),
        ),
        migrations.AddField(
            model_name="program",
            name="weeks_note_es",
            field=models.TextField(
                blank=True, help_text="Where the length comes from, in words.", null=True
            ),
        ),
        migrations.RunPython(fill_english, migrations.RunPython.noop),
    ]
