"""Test helpers for the API: a client that authenticates with a Bearer token, the cast's employers."""

from __future__ import annotations

from rest_framework.test import APIClient

from ohsteward.accounts.actions import token_create


def bearer_client(user) -> APIClient:
    """An ``APIClient`` sending ``Authorization: Bearer <token>`` for a new token of ``user``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")
    return client


def cast_enterprises() -> dict:
    """The employers of the test cast: two in 渝北 (one in 双龙湖街道) and one in 万州.

    Same as ``conftest.enterprises`` except for the town: the conftest names 500112001, which is not
    a township code (渝北's first street is 500112002 双龙湖街道). Test modules of the API override
    the ``enterprises`` fixture with this until the shared fixture is corrected.

    It also refreshes the role groups: ``accounts`` syncs them on its own post_migrate, which runs
    before the permissions of registry/hazards exist, so on a fresh database the groups lack them.
    """
    from ohsteward.accounts.access import sync_role_groups
    from ohsteward.conftest import WANZHOU, YUBEI
    from ohsteward.registry.models import Region
    from ohsteward.registry.tests.factories import EnterpriseFactory

    sync_role_groups()

    return {
        "yubei": EnterpriseFactory(name="重庆渝北示例机械制造有限公司", region=Region.objects.get(code=YUBEI),
                                   town=Region.objects.get(code="500112002")),
        "yubei2": EnterpriseFactory(name="重庆渝北第二建材有限公司", region=Region.objects.get(code=YUBEI)),
        "wanzhou": EnterpriseFactory(name="重庆万州示例化工有限责任公司", region=Region.objects.get(code=WANZHOU)),
    }



def use_fast_password_hashing(settings) -> None:
    """Argon2 costs ~0.5 s per user, 3.5 s per test for the cast; tests do not need its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
