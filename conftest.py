"""Root conftest: the project's shared fixtures live in ohsteward.accounts.testing."""

import pytest

# The shared scope suite's checks are plain asserts in a helper module: let pytest explain them.
pytest.register_assert_rewrite("ohsteward.accounts.tests.scope")

pytest_plugins = ["ohsteward.accounts.testing"]
