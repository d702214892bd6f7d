"""Fixtures of the surveillance tests (the exam tests' institutions live in exam_helpers)."""

from ohsteward.surveillance.tests.exam_helpers import clinic, diagnosis_centre  # noqa: F401 (fixtures)
