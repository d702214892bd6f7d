"""``Measurement.over_limit`` (超标: the factor's own judgement or its additive-effect group,
``assess.is_over_limit``), filled from the stored ``compliant`` and ``mixture``; the partial index
of the over-limit list (branch mon11c)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Measurement = apps.get_model("monitoring", "Measurement")
    Measurement.objects.filter(compliant=False).update(over_limit=True)
    # a failing mixture: read in Python (JSON lookups differ between SQLite and PostgreSQL)
    failed = [
        pk
        for pk, mixture in Measurement.objects.exclude(mixture={}).values_list("pk", "mixture").iterator()
        if mixture and mixture.get("compliant") is False
    ]
    for start in range(0, len(failed), 5000):
        Measurement.objects.filter(pk__in=failed[start : start + 5000]).update(over_limit=True)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_measurement_mixture"),
    ]

    operations = [
        migrations.AddField(
            model_name="measurement",
            name="over_limit",
            field=models.BooleanField(default=False, verbose_name="超标"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="measurement",
            index=models.Index(
                models.F("measured_on").desc(),
                models.F("id").desc(),
                condition=models.Q(("over_limit", True)),
                name="monitoring_over_limit_recent",
            ),
        ),
        migrations.AddIndex(
            model_name="measurement",
            index=models.Index(
                models.F("enterprise"),
                models.F("measured_on").desc(),
                models.F("id").desc(),
                condition=models.Q(("over_limit", True)),
                name="monitoring_over_limit_employer",
            ),
        ),
    ]
