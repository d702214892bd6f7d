"""``district`` on measurements and rectification tasks: a copy of the employer's district
(``Scope.enterprise_district``, kept by the register), filled from the employers; the district
indexes of the over-limit and task lists; the additive-effect group a task rectifies (branch
monfast)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Enterprise = apps.get_model("registry", "Enterprise")
    for name in ("Measurement", "RectificationTask"):
        model = apps.get_model("monitoring", name)
        model.objects.update(
            district=Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("region_id")[:1])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_mon11c_over_limit"),
        ("registry", "0005_merge_20261202_0557"),
    ]

    operations = [
        migrations.AddField(
            model_name="measurement",
            name="district",
            field=models.CharField(blank=True, default="", editable=False, max_length=12, verbose_name="区县代码"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rectificationtask",
            name="district",
            field=models.CharField(blank=True, default="", editable=False, max_length=12, verbose_name="区县代码"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rectificationtask",
            name="mixture_group",
            field=models.CharField(blank=True, max_length=100, verbose_name="联合作用组"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="measurement",
            index=models.Index(
                models.F("district"),
                models.F("measured_on").desc(),
                models.F("id").desc(),
                condition=models.Q(("over_limit", True)),
                name="monitoring_over_limit_district",
            ),
        ),
        migrations.AddIndex(
            model_name="rectificationtask",
            index=models.Index(fields=["district", "status", "deadline", "id"], name="monitoring_task_district"),
        ),
    ]
