from ohsteward.institutions.tests.factories import two_institutions  # noqa: F401  (a fixture)
