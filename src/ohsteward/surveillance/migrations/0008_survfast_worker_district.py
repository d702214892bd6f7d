"""``district`` on workers: a copy of the employer's district (``Scope.enterprise_district``, kept
by the register), filled from the employers; the indexes of a district's worker list (default
order: name) and of its due/overdue counts, read from the index alone; the employer key's own
index dropped (the two indexes beginning with it serve its look-ups) — branch survfast, issue 12
Performance."""

import django.db.models.deletion
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
        ("surveillance", "0007_worker12_worker_login_permissions"),
        ("registry", "0005_merge_20261202_0557"),
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
            index=models.Index(
                fields=["district", "name", "id"], include=["next_exam_due"], name="worker_district_name"
            ),
        ),
        migrations.AlterField(
            model_name="worker",
            name="enterprise",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="workers",
                to="registry.enterprise",
                verbose_name="用人单位",
            ),
        ),
    ]
