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
