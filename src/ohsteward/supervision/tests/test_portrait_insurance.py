"""The portrait's 工伤保险 light, from the employer's latest record of the human-resources
department's list (interdept); no record → 无数据 with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.interdept.models import InsuranceRecord
from ohsteward.registry.models import Enterprise
from ohsteward.supervision import portrait

pytestmark = pytest.mark.django_db


def _light(employer, on):
    return {i.key: i for i in portrait.build(employer, on).indicators}["insurance"]


def test_without_a_record_the_insurance_light_is_no_data_with_the_reason(enterprises):
    got = _light(enterprises["yubei"], timezone.localdate())
    assert (got.light, got.value) == ("none", "无数据（未导入人社部门参保名单）")
    assert got.score is None  # left off the radar


def test_the_latest_record_up_to_the_day_lights_insured_against_employees_and_exposed(enterprises):
    today = timezone.localdate()
    yubei = enterprises["yubei"]
    Enterprise.objects.filter(pk=yubei.pk).update(employees=50, exposed_workers=10)
    yubei.refresh_from_db()
    old = InsuranceRecord.objects.create(enterprise=yubei, as_of=today - dt.timedelta(days=100), insured=5)
    got = _light(yubei, today)
    assert got.light == "red" and "少于接害 10 人" in got.value and got.advice
    InsuranceRecord.objects.create(enterprise=yubei, as_of=today - dt.timedelta(days=10), insured=20)
    got = _light(yubei, today)
    assert (got.light, got.value.split("（")[0]) == ("amber", "参保 20/50 人")
    assert _light(yubei, today - dt.timedelta(days=50)).light == "red"  # the record of that day
    InsuranceRecord.objects.create(enterprise=yubei, as_of=today, insured=50)
    got = _light(yubei, today)
    assert got.light == "green" and got.value.startswith("全员参保 50 人") and f"={yubei.uscc}" in got.url
    assert old.pk  # the older record stays, it is history
