import pytest

from ohsteward.core import facts


@pytest.fixture
def clean(monkeypatch):
    monkeypatch.setattr(facts, "_providers", {})


def test_a_fact_nobody_provides_is_unknown_not_empty(clean):
    assert facts.ask(facts.EXAMS_DONE, [1, 2], 2025) is None
    assert not facts.provided(facts.EXAMS_DONE)


def test_a_provided_fact_answers_the_subset_it_returns(clean):
    facts.provide(facts.EXAMS_DONE, lambda ids, year: {i for i in ids if i % 2 == 0 and year == 2025})
    assert facts.ask(facts.EXAMS_DONE, [1, 2, 3, 4], 2025) == {2, 4}
    assert facts.ask(facts.EXAMS_DONE, [1, 2], 2024) == set()


def test_no_keys_means_no_query(clean):
    calls = []
    facts.provide(facts.EXAMS_DONE, lambda ids, year: calls.append(ids) or set())
    assert facts.ask(facts.EXAMS_DONE, [], 2025) == set()
    assert calls == []


def test_a_misspelt_fact_is_refused(clean):
    with pytest.raises(ValueError):
        facts.provide("exams_dnoe", lambda ids, year: set())
    with pytest.raises(ValueError):
        facts.ask("exams_dnoe", [1], 2025)


# ---- counts about institutions -----------------------------------------------------------------


@pytest.fixture
def no_counters(monkeypatch):
    monkeypatch.setattr(facts, "_counters", {})


def test_a_count_nobody_provides_is_unknown_not_zero(no_counters):
    assert facts.ask_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, [1, 2], 2025) is None
    assert not facts.counted(facts.CONFIRMED_CROSSCHECK_FINDINGS)


def test_a_provided_count_answers_every_key_with_zero_for_the_missing(no_counters):
    facts.provide_counts(
        facts.CONFIRMED_CROSSCHECK_FINDINGS, lambda ids, year: {2: 3} if year == 2025 else None
    )
    assert facts.ask_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, [1, 2], 2025) == {1: 0, 2: 3}
    # the provider does not know the year (not computed): unknown, not zero
    assert facts.ask_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, [1, 2], 2024) is None
    assert facts.ask_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, [], 2025) == {}


def test_a_misspelt_count_is_refused(no_counters):
    with pytest.raises(ValueError):
        facts.provide_counts("confirmed_findings", lambda ids, year: {})
    with pytest.raises(ValueError):
        facts.ask_counts(facts.EXAMS_DONE, [1], 2025)
