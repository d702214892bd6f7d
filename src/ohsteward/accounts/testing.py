"""Shared pytest fixtures (a plugin, loaded by the root conftest.py): the test cast and employers.

Reference data is loaded by the post-migrate hook, so every test database has regions,
industries and hazard factors.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("OHSTEWARD_DEMO", "1")

YUBEI = "500112"  # 渝北区
WANZHOU = "500101"  # 万州区
PASSWORD = "Ohs-test-pass-2024"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Login throttling counters live in the cache: every test starts with none."""
    from django.conf import settings

    if not settings.configured:  # pure tests run with -p no:django
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(request):
    """Argon2 costs ~0.3 s a user; tests that are about hashing ask for ``argon2`` explicitly."""
    if "argon2" in request.keywords:
        yield
        return
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from django.test import override_settings

    # override_settings sends setting_changed, which clears Django's cached hasher list
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def enterprises(db):
    """Two employers in 渝北 and one in 万州."""
    from ohsteward.registry.models import Region
    from ohsteward.registry.tests.factories import EnterpriseFactory

    return {
        "yubei": EnterpriseFactory(
            name="重庆渝北示例机械制造有限公司",
            region=Region.objects.get(code=YUBEI),
            town=Region.objects.filter(parent_id=YUBEI).order_by("code").first(),
        ),
        "yubei2": EnterpriseFactory(name="重庆渝北第二建材有限公司", region=Region.objects.get(code=YUBEI)),
        "wanzhou": EnterpriseFactory(
            name="重庆万州示例化工有限责任公司", region=Region.objects.get(code=WANZHOU)
        ),
    }


@pytest.fixture
def cast(db, enterprises):
    """The test cast: one user per role and jurisdiction, keyed by a short name."""
    from ohsteward.accounts.actions import user_create

    def make(username, role, region=None, uscc=None):
        return user_create(
            username=username,
            password=PASSWORD,
            role=role,
            region_code=region,
            enterprise_uscc=uscc,
            check_password=False,
        )

    return {
        "city": make("city", "city_admin"),
        "yubei": make("yubei", "district_admin", YUBEI),
        "wanzhou": make("wanzhou", "district_admin", WANZHOU),
        "cdc": make("cdc", "cdc_staff", "500000"),
        "institution": make("institution", "institution_staff", YUBEI),
        "steward": make("steward", "steward_member", YUBEI),
        "manager": make("manager", "enterprise_manager", uscc=enterprises["yubei"].uscc),
    }
