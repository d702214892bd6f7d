"""``district`` on workers: a copy of the employer's district (``Scope.enterprise_district``,
kept by the register), filled from the employers; an index for a district's workers by due date
(the indicators' worker counts and the district's due lists read it without joining the
employers; branch ind)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Enterprise = apps.get_model("registry", "Enterprise")
    Worker = apps.get_model("surveillance", "Worker")
    Worker.objects.update(
        district=Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("region_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_merge_20261202_0557"),
        ("surveillance", "0007_worker12_worker_login_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="district",
            field=models.CharField(blank=True, default="", editable=False, max_length=12, verbose_name="区县代码"),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="worker",
            index=models.Index(fields=["district", "next_exam_due"], name="worker_district_due"),
        ),
    ]
