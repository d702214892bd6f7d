"""Fixtures of the declarations tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def cast(cast):
    """The shared test cast, with the role groups refreshed.

    ``accounts`` syncs the role groups on its own post_migrate, before the permissions of later
    apps exist; on a fresh test database the groups therefore lack them (see api/testing.py).
    """
    from ohsteward.accounts.access import sync_role_groups

    sync_role_groups()
    for user in cast.values():
        for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(attr, None)
    return cast
