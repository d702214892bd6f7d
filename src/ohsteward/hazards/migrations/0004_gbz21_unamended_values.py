"""Existing installations get the GBZ 2.1-2019 values as issued that a 修改单 later replaced
(``refdata/data/gbz2_1_2019_unamended_oels.csv``: 苯 6/10 before 2022-11-01), in the base edition,
unverified, so that measurements dated before the amendment are judged. A fresh database gets them
from ``hazards.refdata.load_limits`` after migrate (nothing to do here then)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

from ohsteward.core import refdata as files

COLUMNS = (("mac", "MAC"), ("pc_twa", "PC-TWA"), ("pc_stel", "PC-STEL"))


def forwards(apps, schema_editor):
    Edition = apps.get_model("hazards", "ExposureLimitEdition")
    Limit = apps.get_model("hazards", "ExposureLimit")
    if not Limit.objects.exists():
        return  # a fresh database: load_limits ships the file with the others
    for r in files.rows("gbz2_1_2019_unamended_oels.csv"):
        amended = Limit.objects.filter(agent_name=r["name_cn"], standard="GBZ 2.1").order_by("pk").first()
        if amended is None:
            continue
        edition, _ = Edition.objects.get_or_create(
            version=r["standard_version"],
            defaults={
                "standard": "GBZ 2.1",
                "kind": "base",
                "effective_from": dt.date(2020, 4, 1),
                "source": "随系统提供的第三方转录（部分），未核对官方文本",
                "verified": False,
            },
        )
        for column, limit_type in COLUMNS:
            if not r[column]:
                continue
            Limit.objects.get_or_create(
                edition=edition,
                agent_name=r["name_cn"],
                limit_type=limit_type,
                condition=r["condition"],
                defaults={
                    "hazard_factor_id": amended.hazard_factor_id,
                    "agent_name_en": r["name_en"][:200],
                    "category": r["category"],
                    "cas": r["cas"],
                    "value": Decimal(r[column]),
                    "unit": r["unit"],
                    "notes": r["notes"],
                    "critical_effect": r["critical_effect"],
                    "standard": "GBZ 2.1",
                    "standard_version": r["standard_version"],
                    "effective_from": edition.effective_from,
                    "source": r["source"][:400],
                    "verified": False,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("hazards", "0003_limit_rows_first_editions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
