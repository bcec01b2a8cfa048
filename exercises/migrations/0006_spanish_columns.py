"""A Spanish column beside each translated catalog field (django-modeltranslation), and the
English column filled from the field's own, which stays English: rows already loaded, or
edited by an admin, keep their English as it was until the loader brings their Spanish."""

from typing import Any

from django.db import migrations, models
from django.db.models import F

TRANSLATED = {
    "exercise": ["name", "summary", "equipment", "cautions"],
    "instructionstep": ["text"],
    "variation": ["name", "description", "equipment"],
}


def fill_english(apps: Any, schema_editor: Any) -> None:
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("exercises", model_name)
        model.objects.update(**{f"{name}_en": F(name) for name in fields})


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0005_walk_run_phases"),
    ]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="cautions_en",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="exercise",
            name="cautions_es",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="exercise",
            name="equipment_en",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="exercise",
            name="equipment_es",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="exercise",
            name="name_en",
            field=models.CharField(max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="exercise",
            name="name_es",
            field=models.CharField(max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="exercise",
            name="summary_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exercise",
            name="summary_es",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="instructionstep",
            name="text_en",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="instructionstep",
            name="text_es",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="variation",
            name="description_en",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="variation",
            name="description_es",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="variation",
            name="equipment_en",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="variation",
            name="equipment_es",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="variation",
            name="name_en",
            field=models.CharField(max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="variation",
            name="name_es",
            field=models.CharField(max_length=150, null=True),
        ),
        migrations.RunPython(fill_english, migrations.RunPython.noop),
    ]
