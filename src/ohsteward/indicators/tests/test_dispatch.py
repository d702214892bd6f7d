"""The monthly dispatch (月调度): entered figures, comments and problems per district and month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ohsteward.indicators import actions, figures
from ohsteward.indicators.models import Indicator, MonthlyDispatch
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import parse_period
from ohsteward.indicators.tests.conftest import WANZHOU, YUBEI
from ohsteward.interdept.models import InsuranceRecord

pytestmark = pytest.mark.django_db
CODE = "work-injury-insurance-rate"


@pytest.fixture(autouse=True)
def _no_imported_list(world):
    """These tests are about districts without an imported 工伤保险参保名单 (the entered fallback;
    ``test_other_lists.py`` has both)."""
    InsuranceRecord.objects.all().delete()


def _enter(user, district, month, numerator, denominator):
    return actions.dispatch_save(
        user=user,
        district=district,
        month=month,
        comments="推进参保",
        problems="部分小微企业未参保",
        inputs={CODE: {"numerator": numerator, "denominator": denominator, "source": "区人力社保局",
                       "source_date": dt.date(2025, 3, 25)}},
    )  # fmt: skip


def _figure(user, area, period):
    return figures.compute(Indicator.objects.get(code=CODE), user, area, parse_period(period))


def test_without_an_entry_the_insurance_rate_is_no_data_with_the_reason(world):
    f = _figure(world["city"], Area("district", YUBEI), "2025")
    assert f.display == "无数据" and "尚未填报" in f.no_data and "人力社保" in f.no_data


def test_entered_figures_count_per_district_and_sum_for_the_city(world):
    _enter(world["yubei"], YUBEI, "2025-02", 10, 100)
    _enter(world["yubei"], YUBEI, "2025-03", 80, 100)  # the latest month of the period counts
    _enter(world["wanzhou"], WANZHOU, "2025-01", 50, 50)
    yubei = _figure(world["city"], Area("district", YUBEI), "2025Q1")
    assert (yubei.numerator, yubei.denominator, yubei.value, yubei.met) == (80, 100, Decimal("80.0"), False)
    assert "区人力社保局" in yubei.entered_note
    feb = _figure(world["city"], Area("district", YUBEI), "2025-02")
    assert (feb.numerator, feb.value) == (10, Decimal("10.0"))
    city = _figure(world["city"], Area("city"), "2025")
    assert (city.numerator, city.denominator, city.value) == (130, 150, Decimal("86.7"))
    assert _figure(world["city"], Area("district", YUBEI), "2024").no_data  # nothing entered then
    dispatch = MonthlyDispatch.objects.get(district_id=YUBEI, month="2025-03")
    assert dispatch.problems == "部分小微企业未参保" and dispatch.inputs.count() == 1


def test_a_district_enters_only_its_own_dispatch_and_only_entered_indicators(world):
    with pytest.raises(PermissionDenied):
        _enter(world["wanzhou"], YUBEI, "2025-03", 1, 2)
    with pytest.raises(ValidationError, match="不是月调度填报"):
        actions.dispatch_save(
            user=world["yubei"], district=YUBEI, month="2025-03",
            inputs={"declaration-rate": {"numerator": 1, "denominator": 2, "source": "x",
                                         "source_date": dt.date(2025, 3, 1)}},
        )  # fmt: skip
    with pytest.raises(ValidationError, match="分子不能大于分母"):
        _enter(world["yubei"], YUBEI, "2025-03", 3, 2)
    with pytest.raises(ValidationError, match="按月"):
        _enter(world["yubei"], YUBEI, "2025Q1", 1, 2)


def test_the_dispatch_page_saves_the_form_and_shows_the_entered_figure(client, world):
    client.force_login(world["yubei"])
    url = reverse("indicators:dispatch")
    r = client.get(url, {"region": YUBEI, "period": "2025-03"})
    assert r.status_code == 200 and "保存月调度" in r.content.decode()
    data = {
        "comments": "本月完成3家检测",
        "problems": "",
        f"{CODE}__numerator": "9",
        f"{CODE}__denominator": "",
        f"{CODE}__source": "区人力社保局",
        f"{CODE}__source_date": "2025-03-20",
    }
    r = client.post(f"{url}?region={YUBEI}&period=2025-03", data)
    assert r.status_code == 200 and "须填写分母" in r.content.decode()  # a rate needs its denominator
    data[f"{CODE}__denominator"] = "10"
    r = client.post(f"{url}?region={YUBEI}&period=2025-03", data)
    assert r.status_code == 302
    html = client.get(reverse("indicators:table"), {"region": YUBEI, "period": "2025-03"}).content.decode()
    assert "90.0%" in html and "填报" in html
    client.force_login(world["wanzhou"])
    assert client.get(url, {"region": YUBEI, "period": "2025-03"}).status_code == 404
    client.force_login(world["city"])
    html = client.get(url, {"period": "2025-03"}).content.decode()
    assert "渝北区" in html and "已填报" in html
