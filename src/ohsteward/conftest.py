"""Constants of the test cast, for tests that import them (fixtures: ohsteward.core.testing)."""

from ohsteward.core.testing import PASSWORD, WANZHOU, YUBEI  # noqa: F401
