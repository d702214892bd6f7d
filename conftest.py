"""Root conftest: the project's shared fixtures live in ohsteward.core.testing."""

pytest_plugins = ["ohsteward.core.testing"]
