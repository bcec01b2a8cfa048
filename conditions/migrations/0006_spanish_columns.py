"""A Spanish column beside each translated catalog field (django-modeltranslation), and the
English column filled from the field's own, which stays English: rows already loaded, or
edited by an admin, keep their English as it was until the loader brings their Spanish."""

from typing import Any

from django.db import migrations, models
from django.db.models import F

TRANSLATED = {
    "bodyregion": ["name", "description"],
    "condition": [
        "name",
        "summary",
        "symptoms",
        "causes",
        "treatment",
        "recovery_text",
        "care_note",
    ],
    "redflag": ["sign", "question", "advice"],
}


def fill_english(apps: Any, schema_editor: Any) -> None:
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("conditions", model_name)
        model.objects.update(**{f"{name}_en": F(name) for name in fields})


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0005_red_flag_sources_by_region"),
    ]

    operations = [
        migrations.AddField(
            model_name="bodyregion",
            name="description_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="bodyregion",
            name="description_es",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="bodyregion",
            name="name_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="bodyregion",
            name="name_es",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="care_note_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="care_note_es",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="causes_en",
            field=models.JSONField(
                blank=True, default=list, help_text="Causes and risk factors.", null=True
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="causes_es",
            field=models.JSONField(
                blank=True, default=list, help_text="Causes and risk factors.", null=True
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="name_en",
            field=models.CharField(max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="name_es",
            field=models.CharField(max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="recovery_text_en",
            field=models.TextField(blank=True, help_text="The article's own words.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="recovery_text_es",
            field=models.TextField(blank=True, help_text="The article's own words.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="summary_en",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="summary_es",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="symptoms_en",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="symptoms_es",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="treatment_en",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="treatment_es",
            field=models.JSONField(blank=True, default=list, null=True),
        ),
        migrations.AddField(
            model_name="redflag",
            name="advice_en",
            field=models.TextField(help_text="What to show, in the article's terms.", null=True),
        ),
        migrations.AddField(
            model_name="redflag",
            name="advice_es",
            field=models.TextField(help_text="What to show, in the article's terms.", null=True),
        ),
        migrations.AddField(
            model_name="redflag",
            name="question_en",
            field=models.CharField(
                help_text="The yes/no screening question.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="redflag",
            name="question_es",
            field=models.CharField(
                help_text="The yes/no screening question.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="redflag",
            name="sign_en",
            field=models.CharField(help_text="What the person notices.", max_length=300, null=True),
        ),
        migrations.AddField(
            model_name="redflag",
            name="sign_es",
            field=models.CharField(help_text="What the person notices.", max_length=300, null=True),
        ),
        migrations.RunPython(fill_english, migrations.RunPython.noop),
    ]
