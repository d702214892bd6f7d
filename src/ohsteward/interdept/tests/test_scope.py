"""Who sees the other departments' lists: through the employer (the district its own, the city
all, the employer its own rows), on the shared scope suite; plus the list page and its export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ohsteward.accounts.testing import PASSWORD
from ohsteward.accounts.tests.scope import ScopeCase, ScopeSuite
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord, PersonAward

pytestmark = pytest.mark.django_db


class TestInterdeptScope(ScopeSuite):
    cases = [
        ScopeCase(
            InsuranceRecord,
            make=lambda world, employer: InsuranceRecord.objects.create(
                enterprise=employer,
                as_of=world.today - dt.timedelta(days=30),
                insured=12,
                source="区人力社保局",
            ),
            api="/api/v1/work-injury-insurance/",
            export_column="编号",
        ),
        ScopeCase(
            HealthyEnterprise,
            make=lambda world, employer: HealthyEnterprise.objects.create(
                enterprise=employer, level="district", year=world.today.year
            ),
            api="/api/v1/healthy-enterprises/",
            export_column="编号",
        ),
        ScopeCase(
            PersonAward,
            make=lambda world, employer: PersonAward.objects.create(
                enterprise=employer, person_name="张三", kind="health_expert", year=world.today.year
            ),
            api="/api/v1/health-awards/",
            export_column="编号",
        ),
    ]


def _web(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


@pytest.mark.parametrize(
    ("user", "sees"),
    [("city", {"yubei", "wanzhou"}), ("yubei", {"yubei"}), ("wanzhou", {"wanzhou"}), ("manager", {"yubei"})],
)
def test_the_list_page_and_its_export_show_the_rows_in_scope(cast, enterprises, user, sees):
    today = dt.date(2025, 6, 30)
    for key in ("yubei", "wanzhou"):
        InsuranceRecord.objects.create(enterprise=enterprises[key], as_of=today, insured=3, source="人社")
    web = _web(user)
    html = web.get("/lists/insurance/").content.decode()
    for key in ("yubei", "wanzhou"):
        assert (enterprises[key].name in html) == (key in sees)
    export = web.get("/lists/insurance/export/")
    assert export.status_code == 200 and export.content[:2] == b"PK"
