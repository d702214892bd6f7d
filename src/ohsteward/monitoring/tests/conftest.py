"""Fixtures of the monitoring tests."""

from __future__ import annotations

import pytest

from ohsteward.institutions.tests.factories import two_institutions  # noqa: F401  (a fixture used below)


@pytest.fixture
def lab(cast, enterprises, two_institutions):  # noqa: F811  (the imported fixture)
    """(user, institution, employer): the cast's institution user works for institution A, whose
    client is the 渝北 employer."""
    return cast["institution"], two_institutions["a"], enterprises["yubei"]
