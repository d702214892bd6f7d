"""Root conftest: the project's shared fixtures live in ohsteward.accounts.testing."""

pytest_plugins = ["ohsteward.accounts.testing"]
