"""Existing limit rows become the first editions: one ExposureLimitEdition per standard_version
(dated by its earliest row, 修改单 as amendments, unverified), and every row points to its edition."""

from django.db import migrations


def forwards(apps, schema_editor):
    Edition = apps.get_model("hazards", "ExposureLimitEdition")
    Limit = apps.get_model("hazards", "ExposureLimit")
    for row in Limit.objects.filter(edition__isnull=True).order_by("effective_from", "pk"):
        edition, _ = Edition.objects.get_or_create(
            version=row.standard_version,
            defaults={
                "standard": row.standard,
                "kind": "amendment" if "修改单" in row.standard_version else "base",
                "effective_from": row.effective_from,
                "source": "随系统提供的第三方转录（部分），未核对官方文本",
                "verified": False,
            },
        )
        row.edition = edition
        row.save(update_fields=["edition"])


def backwards(apps, schema_editor):
    apps.get_model("hazards", "ExposureLimit").objects.update(edition=None)
    apps.get_model("hazards", "ExposureLimitEdition").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_exposure_limit_editions")]

    operations = [migrations.RunPython(forwards, backwards)]
