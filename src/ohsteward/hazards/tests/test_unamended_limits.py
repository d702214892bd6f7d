"""The GBZ 2.1-2019 values as issued that a 修改单 replaced (refdata gbz2_1_2019_unamended_oels.csv):
shipped with a fresh install and added to an existing one by the data migration."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from ohsteward.hazards.models import ExposureLimit

pytestmark = pytest.mark.django_db

migration = importlib.import_module("ohsteward.hazards.migrations.0004_gbz21_unamended_values")


def benzene_as_issued():
    return ExposureLimit.objects.filter(agent_name="苯", standard_version="GBZ 2.1-2019").order_by(
        "limit_type"
    )


def test_a_fresh_install_ships_benzene_as_issued_in_the_base_edition():
    rows = list(benzene_as_issued())
    assert [(r.limit_type, float(r.value)) for r in rows] == [("PC-STEL", 10.0), ("PC-TWA", 6.0)]
    assert all(r.edition.version == "GBZ 2.1-2019" and r.edition.kind == "base" for r in rows)
    assert all(r.effective_from == dt.date(2020, 4, 1) and r.verified is False for r in rows)
    amended = ExposureLimit.objects.filter(
        agent_name="苯", standard_version="GBZ 2.1-2019 第1号修改单"
    ).first()
    assert rows[0].hazard_factor_id == amended.hazard_factor_id is not None


def test_the_migration_adds_them_to_an_existing_installation_once():
    benzene_as_issued().delete()
    migration.forwards(apps, None)
    assert benzene_as_issued().count() == 2
    migration.forwards(apps, None)  # again: nothing new
    assert benzene_as_issued().count() == 2
