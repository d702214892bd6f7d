"""Constants of the test cast, for tests that import them (fixtures: ohsteward.accounts.testing)."""

from ohsteward.accounts.testing import PASSWORD, WANZHOU, YUBEI  # noqa: F401
