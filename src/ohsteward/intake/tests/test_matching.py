"""Behaviour of the employer matcher that users rely on (pure Python: no database, no Django).

Run alone with ``PYTHONPATH=src pytest -p no:django src/ohsteward/declarations/tests/test_matching.py``.
"""

from __future__ import annotations

import pytest

from ohsteward.demo.world import evaluate, ingest, make_world, uscc_check_char
from ohsteward.intake.matching import (
    METHOD_FORMER_NAME,
    METHOD_FUZZY,
    METHOD_NAME_EXACT,
    METHOD_NEW,
    METHOD_REVIEW,
    METHOD_USCC,
    Matcher,
    MatchSettings,
    RegisterEntry,
    SourceRecord,
    _name_key,
    _uscc_clean,
    _uscc_valid,
)


def code(body: str) -> str:
    """A valid USCC for a 17-character body."""
    assert len(body) == 17
    return body + uscc_check_char(body)


def bad_check(valid: str) -> str:
    """The same code with a wrong check character."""
    return valid[:17] + ("0" if valid[17] != "0" else "1")


def mistyped(valid: str, i: int = 12) -> str:
    """The same code with one wrong character in the organisation code."""
    return valid[:i] + ("7" if valid[i] != "7" else "8") + valid[i + 1 :]


def swapped(valid: str, i: int = 10) -> str:
    assert valid[i] != valid[i + 1]
    return valid[:i] + valid[i + 1] + valid[i] + valid[i + 2 :]


C_CHANGJIANG = code("91500112MA5U00012")
C_BRANCH = code("91500105MA5U00023")
C_XINYUAN = code("91500106MA5U00034")
C_JINDING = code("91500108MA5U00045")
C_HUAYU_TRUE = code("91500113MA5U00056")  # the register does not know this one
C_STRANGER = code("91500112MA5U00067")  # an employer that is not in the register
C_LONG = code("91500103MA5U00078")
C_MISTYPED_IN_REGISTER = bad_check(code("91500113MA5U00089"))  # the register itself holds a typo

REGISTER = [
    RegisterEntry(1, C_CHANGJIANG, "重庆长江机械制造有限公司", (), "500112"),
    RegisterEntry(2, C_BRANCH, "重庆长江机械制造有限公司江北分公司", (), "500105"),
    RegisterEntry(3, C_XINYUAN, "重庆市鑫源汽车配件有限责任公司", ("重庆市鑫源汽车配件厂",), "500106"),
    RegisterEntry(4, None, "重庆新源汽车配件有限公司", (), "500106"),
    RegisterEntry(5, None, "重庆华宇建材有限公司", (), "500113"),
    RegisterEntry(6, C_JINDING, "重庆市金鼎化工有限公司", (), "500108"),
    RegisterEntry(7, C_LONG, "重庆宏图伟业环保科技有限公司", (), "500103"),
    RegisterEntry(8, C_MISTYPED_IN_REGISTER, "重庆蓝鲸建材有限公司", (), "500113"),
]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Overrides the project-wide autouse fixture (``ohsteward.accounts.testing``), which clears
    Django's cache: these tests must also run with ``-p no:django``, where Django is not set up."""


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(REGISTER)


# ------------------------------------------------------------------------------------- codes


def test_uscc_check_digit() -> None:
    assert _uscc_valid("91350100M000100Y43")  # the example in GB 32100-2015
    assert not _uscc_valid(bad_check("91350100M000100Y43"))
    assert not _uscc_valid("91350100M000100Y4")  # 17 characters
    assert not _uscc_valid("91350100M000100I43")  # I is not in the charset
    assert _uscc_valid(
        _uscc_clean(" ９１３５０１００ｍ０００１００ｙ４３ ")
    )  # full width, lower case, spaces
    for valid in (C_CHANGJIANG, C_BRANCH, C_XINYUAN, C_JINDING):
        assert _uscc_valid(valid)
        assert not _uscc_valid(swapped(valid))  # a swap of two neighbours is always detected
        assert not _uscc_valid(mistyped(valid))  # so is one wrong character


def test_same_rules_as_the_register_app() -> None:
    """The matcher's private helpers agree with ``registry.rules`` where that module exists."""
    try:
        from ohsteward.registry import rules
    except ImportError:  # pragma: no cover - the register app is optional for this module
        pytest.skip("ohsteward.registry.rules not available")
    for name in ("重庆长江机械（集团）有限责任公司", "  长江 机械股份有限公司 ", "ＡＢＣ【重庆】有限公司"):
        assert _name_key(name) == rules.normalize_name(name)
    for candidate in ("91350100M000100Y43", bad_check("91350100M000100Y43"), C_LONG, "123"):
        assert _uscc_valid(_uscc_clean(candidate)) == rules.uscc_is_valid(candidate)


# ------------------------------------------------------------------------------- table tests

CASES = [
    # (why, row, expected method, expected entry or None)
    ("exact code wins over a different name (renamed employer)",
     SourceRecord(C_CHANGJIANG, "重庆江腾智能装备有限公司", None), METHOD_USCC, 1),
    ("exact code in another layout (lower case, spaces)",
     SourceRecord(" " + C_JINDING.lower()[:6] + " " + C_JINDING.lower()[6:], "金鼎化工", "500108"), METHOD_USCC, 6),
    ("a branch code links the branch", SourceRecord(C_BRANCH, "长江机械江北分公司", None), METHOD_USCC, 2),
    ("wrong check digit alone is not an identity",
     SourceRecord(bad_check(C_CHANGJIANG), "", None), METHOD_REVIEW, None),
    ("wrong check digit and an unrelated name are not linked, a person looks",
     SourceRecord(bad_check(C_CHANGJIANG), "重庆蓝天纺织有限公司", "500112"), METHOD_REVIEW, None),
    ("wrong check digit with the right name links by the name",
     SourceRecord(bad_check(C_CHANGJIANG), "重庆长江机械制造有限公司", "500112"), METHOD_NAME_EXACT, 1),
    ("one wrong code character supports a borderline name",
     SourceRecord(mistyped(C_JINDING), "重庆金顶化工有限公司", "500108"), METHOD_FUZZY, 6),
    ("the register's own mistyped code, repeated, supports a borderline name",
     SourceRecord(C_MISTYPED_IN_REGISTER, "重庆蓝京建材有限公司", "500113"), METHOD_FUZZY, 8),
    ("the register's own mistyped code alone is not an identity",
     SourceRecord(C_MISTYPED_IN_REGISTER, "重庆红星纺织有限公司", "500113"), METHOD_REVIEW, None),
    ("swapped code characters with the right name link by the name",
     SourceRecord(swapped(C_XINYUAN), "鑫源汽车配件有限公司", None), METHOD_NAME_EXACT, 3),
    ("full-width and half-width brackets, 有限责任公司",
     SourceRecord(None, "重庆长江机械制造有限责任公司", "500112"), METHOD_NAME_EXACT, 1),
    ("dropped 重庆市 prefix, 有限公司 for 有限责任公司, stray spaces",
     SourceRecord(None, "鑫源汽车配件 有限公司\u3000", "500106"), METHOD_NAME_EXACT, 3),
    ("former name links", SourceRecord(None, "重庆鑫源汽车配件厂", None), METHOD_FORMER_NAME, 3),
    ("branch is not linked to its parent",
     SourceRecord(None, "重庆长江机械制造有限公司渝北分公司", "500112"), METHOD_NEW, None),
    ("parent is not linked to its branch by a branch-like row",
     SourceRecord(None, "重庆长江机械制造有限公司", "500105"), METHOD_NAME_EXACT, 1),
    ("known branch by name", SourceRecord(None, "长江机械制造有限公司江北分公司", None), METHOD_NAME_EXACT, 2),
    ("one homophone in a long name is a fuzzy link",
     SourceRecord(None, "重庆鸿图伟业环保科技有限公司", "500103"), METHOD_FUZZY, 7),
    ("one homophone in a 2-character 字号 with a 2-character industry goes to review",
     SourceRecord(None, "重庆华雨建材有限公司", "500113"), METHOD_REVIEW, None),
    ("a mistyped code close to the register's supports the borderline name",
     SourceRecord(bad_check(C_CHANGJIANG), "重庆长疆机械制造有限公司", None), METHOD_FUZZY, 1),
    ("two look-alikes equally like the row go to review",
     SourceRecord(None, "重庆信源汽车配件有限公司", "500106"), METHOD_REVIEW, None),
    ("valid unknown code, name of an employer with another valid code: review",
     SourceRecord(C_STRANGER, "重庆市金鼎化工有限公司", "500108"), METHOD_REVIEW, None),
    ("valid unknown code, name of an employer without a code: link",
     SourceRecord(C_HUAYU_TRUE, "华宇建材有限公司", "500113"), METHOD_NAME_EXACT, 5),
    ("a code pasted from another employer whose name is exact: review",
     SourceRecord(C_JINDING, "重庆长江机械制造有限公司", "500112"), METHOD_REVIEW, None),
    ("fuzzy search stays in the row's district",
     SourceRecord(None, "重庆鸿图伟业环保科技有限公司", "500243"), METHOD_NEW, None),
    ("a row without a district is searched city-wide",
     SourceRecord(None, "重庆鸿图伟业环保科技有限公司", None), METHOD_FUZZY, 7),
    ("a code-supported look-alike in another district is reviewed",
     SourceRecord(bad_check(C_LONG), "重庆鸿图伟业环保科技有限公司", "500243"), METHOD_REVIEW, None),
    ("a stranger creates a candidate", SourceRecord(None, "重庆蓝天纺织有限公司", "500112"), METHOD_NEW, None),
    ("no name and no code", SourceRecord(None, "  ", None), METHOD_REVIEW, None),
]  # fmt: skip


@pytest.mark.parametrize(("why", "row", "method", "entry_id"), CASES, ids=[c[0] for c in CASES])
def test_match(matcher: Matcher, why: str, row: SourceRecord, method: str, entry_id: int | None) -> None:
    result = matcher.match(row)
    assert (result.method, result.entry_id) == (method, entry_id), result
    if result.is_auto:
        assert 0 < result.score <= 1
    if method == METHOD_REVIEW and row.name.strip():
        assert result.candidates and result.reason


def test_review_lists_both_look_alikes(matcher: Matcher) -> None:
    result = matcher.match(SourceRecord(None, "重庆信源汽车配件有限公司", "500106"))
    assert {i for i, _ in result.candidates} == {3, 4}
    assert result.reason == "several similar names"


def test_pasted_code_review_offers_both(matcher: Matcher) -> None:
    result = matcher.match(SourceRecord(C_JINDING, "重庆长江机械制造有限公司", "500112"))
    assert [i for i, _ in result.candidates] == [1, 6]  # the name's employer first


def test_fuzzy_thresholds_are_settings() -> None:
    row = SourceRecord(None, "重庆华雨建材有限公司", "500113")  # one edit in a 4-character stem
    assert Matcher(REGISTER).match(row).method == METHOD_REVIEW
    lenient = Matcher(REGISTER, MatchSettings(fuzzy_accept=0.75))
    assert (lenient.match(row).method, lenient.match(row).entry_id) == (METHOD_FUZZY, 5)
    strict = Matcher(REGISTER, MatchSettings(fuzzy_review=0.9))
    assert strict.match(row).method == METHOD_NEW


# --------------------------------------------------------------------------- within a batch


def test_candidates_created_in_a_batch_are_found_again(matcher: Matcher) -> None:
    first = SourceRecord(C_STRANGER, "重庆蓝天纺织有限公司", "500112")
    assert matcher.match(first).method == METHOD_NEW
    matcher.add(RegisterEntry(100, first.uscc, first.name, (), first.district))

    again = [
        (SourceRecord(None, "蓝天纺织有限责任公司", "500112"), METHOD_NAME_EXACT),
        (SourceRecord(C_STRANGER, "重庆蓝天纺织品有限公司", None), METHOD_USCC),
        (SourceRecord(None, "重庆蓝天纺织印染有限公司", "500112"), METHOD_NEW),
    ]
    for row, method in again:
        result = matcher.match(row)
        assert result.method == method, (row, result)
        if method != METHOD_NEW:
            assert result.entry_id == 100


def test_add_replaces_an_entry_with_the_same_id(matcher: Matcher) -> None:
    matcher.add(
        RegisterEntry(5, C_HUAYU_TRUE, "重庆华宇新型建材有限公司", ("重庆华宇建材有限公司",), "500113")
    )
    assert len(matcher) == len(REGISTER)
    assert matcher.match(SourceRecord(None, "重庆华宇建材有限公司", None)).method == METHOD_FORMER_NAME
    assert matcher.match(SourceRecord(C_HUAYU_TRUE, "x", None)).entry_id == 5


def test_ingest_dedupes_unregistered_employers() -> None:
    rows = [SourceRecord(None, "重庆蓝天纺织有限公司", "500112")] * 3
    results = ingest(Matcher(REGISTER), rows, first_new_id=1000)
    assert [(r.method, r.entry_id) for r in results] == [
        (METHOD_NEW, 1000),
        (METHOD_NAME_EXACT, 1000),
        (METHOD_NAME_EXACT, 1000),
    ]


# ------------------------------------------------------------------------- the noisy world


def test_world_is_deterministic_and_realistic() -> None:
    a, b = make_world(300, 900, seed=3), make_world(300, 900, seed=3)
    assert a.rows == b.rows and a.truth == b.truth
    assert len(a.register) == 300 and len(a.rows) == 900
    unregistered = sum(t is None for t in a.truth) / len(a.truth)
    assert 0.05 < unregistered < 0.15
    codes = [e.uscc for e in a.register if e.uscc]
    assert len(codes) > 0.95 * len(a.register)
    for c in codes:  # the generator's own check character and the matcher's check agree
        assert _uscc_valid(c) == (c[17] == uscc_check_char(c[:17]))
        assert c.startswith("9150")
    assert any("分公司" in e.name for e in a.register)
    assert any(e.former_names for e in a.register)
    assert sum(r.uscc is None for r in a.rows) / len(a.rows) > 0.4


def test_quality_contract_on_a_small_world() -> None:
    """The aims of the issue, on a small fixed world (not a timing test)."""
    world = make_world(2000, 6000, seed=11)
    results = ingest(Matcher(world.register), world.rows, first_new_id=10_000)
    figures = evaluate(world, results)
    assert figures["precision"] >= 0.99, figures
    assert figures["recall"] >= 0.97, figures
    assert figures["review_share"] <= 0.05, figures
