"""Fixtures of the supervision tests: a small factor catalogue (the test database has none)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.hazards.models import ExposureLimit, HazardFactor
from ohsteward.institutions.tests.factories import two_institutions  # noqa: F401  (a fixture for the tests)

TODAY = timezone.localdate()


@pytest.fixture
def factors(db):
    rows = {
        "benzene": ("2013", "苯", "chemical", "71-43-2"),
        "toluene": ("2145", "甲苯", "chemical", "108-88-3"),
        "silica": ("1038", "矽尘", "dust", "14808-60-7"),
        "wood": ("1099", "木粉尘", "dust", ""),
        "noise": ("3001", "噪声", "physical", ""),
        "xray": ("5001", "X射线", "radiation", ""),
        "nickel": ("2232", "镍及其无机化合物(按 Ni计)", "chemical", "7440-02-0"),
    }
    made = {
        key: HazardFactor.objects.update_or_create(
            code=code, defaults={"name": name, "category": cat, "cas": cas}
        )[0]
        for key, (code, name, cat, cas) in rows.items()
    }
    ExposureLimit.objects.get_or_create(
        hazard_factor=made["nickel"], agent_name="镍", category="chemical", limit_type="PC-TWA",
        notes="G1", standard="GBZ 2.1", standard_version="GBZ 2.1-2019",
        effective_from=dt.date(2020, 4, 1), source="test",
    )  # fmt: skip
    return made


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    """Each test has its own factor rows: no catalogue cached by an earlier test's incremental run."""
    from ohsteward.supervision import recompute  # local: a fixture of every test, models loaded by then

    recompute._CATALOGUE.clear()
    yield
    recompute._CATALOGUE.clear()
