"""Re-judging stored results after a limit edition was imported (``actions.measurements_rejudge``,
``ohsteward rejudge_measurements``): a result dated before every shipped edition says what is
missing; once an edition for its date exists, re-judging uses it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition
from ohsteward.monitoring.tests.factories import factor, make_report, record

pytestmark = pytest.mark.django_db


def test_a_result_before_every_edition_is_judged_once_an_edition_for_its_date_is_imported(lab, capsys):
    user, institution, employer = lab
    report = make_report(user, employer, institution, number="JC-2019-001", on=dt.date(2019, 6, 1))
    m = record(user, report, "苯", {"c_twa": 4})
    assert m.compliant is None
    assert "早于限值施行日期 2020-04-01" in m.explanation[0] and "导入该版本" in m.explanation[0]
    # an earlier edition as the limit import would create it (test values, not the standard's)
    edition = ExposureLimitEdition.objects.create(
        standard="GBZ 2.1", version="测试版 GBZ 2.1-2007", effective_from=dt.date(2007, 11, 1),
        effective_to=dt.date(2020, 4, 1), source="测试",
    )  # fmt: skip
    ExposureLimit.objects.create(
        edition=edition, hazard_factor=factor("苯"), agent_name="苯", category="chemical", limit_type="PC-TWA",
        value=Decimal(6), unit="mg/m3", standard="GBZ 2.1", standard_version=edition.version,
        effective_from=edition.effective_from, source="测试",
    )  # fmt: skip
    call_command("rejudge_measurements")
    assert "判定有变化 1 条" in capsys.readouterr().out
    m.refresh_from_db()
    assert m.compliant is True and m.limits[0]["version"] == "测试版 GBZ 2.1-2007"
    call_command("rejudge_measurements", "--all")
    assert "判定有变化 0 条" in capsys.readouterr().out  # nothing else changed
