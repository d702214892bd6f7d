"""Shared pytest fixtures (a plugin, loaded by the root conftest.py): the test cast and employers.

The cast (one user per role and jurisdiction, three employers) is written to the test database
**once per test session** (``django_db_setup`` below) and committed; every test runs in a
transaction that is rolled back, so it sees the cast and its own changes vanish. Tests that flush
the database (``transactional_db``, ``live_server``) get the cast back after the flush: Django
sends ``post_migrate`` after flushing (that is also how the reference data comes back), and the
receiver below rebuilds the cast. The ``cast`` and ``enterprises`` fixtures return fresh instances
from the database for every test, so nothing a test does to a Python object leaks to the next.

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

# key -> (name, district, credit-code serial). Fixed codes: the cast is the same after a rebuild.
EMPLOYERS = {
    "yubei": ("重庆渝北示例机械制造有限公司", YUBEI, 99990001),
    "yubei2": ("重庆渝北第二建材有限公司", YUBEI, 99990002),
    "wanzhou": ("重庆万州示例化工有限责任公司", WANZHOU, 99990003),
}
# key (also the user name) -> (role, region code, employer key)
USERS = {
    "city": ("city_admin", None, None),
    "yubei": ("district_admin", YUBEI, None),
    "wanzhou": ("district_admin", WANZHOU, None),
    "cdc": ("cdc_staff", "500000", None),
    "institution": ("institution_staff", YUBEI, None),
    "steward": ("steward_member", YUBEI, None),
    "manager": ("enterprise_manager", None, "yubei"),
}


def employer_uscc(key: str) -> str:
    """The credit code of the cast's employer ``key``."""
    # local: the factories import models; Django is set up after this plugin loads
    from ohsteward.registry.tests.factories import make_uscc

    _name, region, serial = EMPLOYERS[key]
    return make_uscc(region, serial=serial)


def build_cast() -> None:
    """Write the cast to the database unless it is there already (``--reuse-db``, a second call)."""
    from django.db import transaction  # local: Django is set up after this plugin loads
    from django.test import override_settings  # local: Django is set up after this plugin loads

    from ohsteward.accounts.actions import user_create  # local: Django is set up after loading
    from ohsteward.accounts.models import User  # local: Django is set up after this plugin loads

    # local: models need Django, which is set up after this plugin loads
    from ohsteward.registry.models import Enterprise, Region

    # local: models need Django, which is set up after this plugin loads
    from ohsteward.registry.tests.factories import EnterpriseFactory

    codes = [employer_uscc(k) for k in EMPLOYERS]
    have_users = User.objects.filter(username__in=USERS).count()
    have_employers = Enterprise.objects.filter(uscc__in=codes).count()
    if have_users == len(USERS) and have_employers == len(EMPLOYERS):
        return
    # MD5 as in every test (_fast_password_hasher): Argon2 would cost ~0.3 s a user
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        # a half-built cast (an interrupted earlier session with --reuse-db): start again
        User.objects.filter(username__in=USERS).delete()
        Enterprise.objects.filter(uscc__in=codes).delete()
        for key, (name, region, _serial) in EMPLOYERS.items():
            EnterpriseFactory(
                uscc=employer_uscc(key),
                name=name,
                region=Region.objects.get(code=region),
                # the first 渝北 town (双龙湖街道, 500112002) holds only the "yubei" employer
                town=Region.objects.filter(parent_id=YUBEI).order_by("code").first()
                if key == "yubei"
                else None,
            )
        for username, (role, region, employer) in USERS.items():
            user_create(
                username=username,
                password=PASSWORD,
                role=role,
                region_code=region,
                enterprise_uscc=employer_uscc(employer) if employer else None,
                check_password=False,
            )


def _rebuild_after_flush(sender, using, plan=None, **kwargs):
    """post_migrate receiver: a flush (transactional tests) emptied the tables; rebuild the cast.

    ``flush`` sends the signal without a migration plan; ``migrate`` (a test running ``ohsteward
    demo``) sends one, and then the cast is left alone."""
    from django.db import DEFAULT_DB_ALIAS  # local: Django is set up after this plugin loads

    if using == DEFAULT_DB_ALIAS and plan is None:
        build_cast()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus the cast, built once for the session."""
    from django.apps import apps  # local: Django is set up after this plugin loads
    from django.db.models.signals import post_migrate  # local: Django is set up after this plugin loads

    with django_db_blocker.unblock():
        build_cast()
    # After the last app's signal, when the reference data and the role groups are back
    # (accounts/apps.py connects sync_role_groups to the same sender earlier, so it runs first).
    last_app = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    post_migrate.connect(_rebuild_after_flush, sender=last_app, dispatch_uid="ohsteward_test_cast")
    yield
    post_migrate.disconnect(sender=last_app, dispatch_uid="ohsteward_test_cast")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Login throttling counters live in the cache: every test starts with none."""
    from django.conf import settings  # local: pure tests run without Django (-p no:django)

    if not settings.configured:  # pure tests run with -p no:django
        yield
        return
    from django.core.cache import cache  # local: Django is configured (checked above)

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(request):
    """Argon2 costs ~0.3 s a user; tests that are about hashing ask for ``argon2`` explicitly."""
    if "argon2" in request.keywords:
        yield
        return
    from django.conf import settings  # local: pure tests run without Django (-p no:django)

    if not settings.configured:
        yield
        return
    from django.test import override_settings  # local: Django is configured (checked above)

    # override_settings sends setting_changed, which clears Django's cached hasher list
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def enterprises(db):
    """Two employers in 渝北 (``yubei`` in 双龙湖街道) and one in 万州, fresh from the database."""
    from ohsteward.registry.models import Enterprise  # local: pure tests run without Django

    by_code = Enterprise.objects.in_bulk([employer_uscc(k) for k in EMPLOYERS], field_name="uscc")
    return {key: by_code[employer_uscc(key)] for key in EMPLOYERS}


@pytest.fixture
def no_cast(db):
    """No users, employers or audit entries, for tests about a fresh installation that count every
    row: the cast is deleted inside the test's transaction (and so comes back after it)."""
    from ohsteward.accounts.models import User  # local: pure tests run without Django
    from ohsteward.core.models import AuditLog  # local: pure tests run without Django
    from ohsteward.registry.models import Enterprise  # local: pure tests run without Django

    User.objects.filter(username__in=USERS).delete()
    Enterprise.objects.filter(uscc__in=[employer_uscc(k) for k in EMPLOYERS]).delete()
    AuditLog.objects.all().delete()  # the cast's creation and deletion


@pytest.fixture
def cast(db, enterprises):
    """The test cast: one user per role and jurisdiction, keyed by a short name (= user name)."""
    from ohsteward.accounts.models import User  # local: pure tests run without Django

    by_name = User.objects.in_bulk(list(USERS), field_name="username")
    return {key: by_name[key] for key in USERS}
