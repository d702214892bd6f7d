"""Behaviour of the employer matcher that users rely on (pure Python: no database, no Django).

Run alone with ``PYTHONPATH=src pytest -p no:django src/ohsteward/intake/tests/test_matching.py``.
"""

from __future__ import annotations

import pytest

from ohsteward.demo.world import evaluate, ingest, make_world
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
    _parse_name,
    _similarity,
)
from ohsteward.intake.rules import name_parts
from ohsteward.registry import rules
from ohsteward.registry.rules import uscc_is_valid, uscc_with_check


def code(body: str) -> str:
    """A valid USCC for a 17-character body."""
    assert len(body) == 17
    return uscc_with_check(body)


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


def test_a_swap_or_one_wrong_character_never_passes_the_check() -> None:
    for valid in (C_CHANGJIANG, C_BRANCH, C_XINYUAN, C_JINDING):
        assert uscc_is_valid(valid)
        assert not uscc_is_valid(swapped(valid))
        assert not uscc_is_valid(mistyped(valid))


#: (code as written, valid?) — the register (``uscc_error``) and the matcher must agree on each.
CODE_TABLE = [
    ("91350100M000100Y43", True),  # GB 32100-2015 worked example (RULES.md §11.1)
    ("91350100M000100Y44", False),  # wrong check character
    ("91350100M000100Y4", False),  # 17 characters
    ("91350100M000100I43", False),  # I is not in the charset
    ("91350100m000100y43", True),  # lower case
    ("９１３５０１００Ｍ０００１００Ｙ４３", True),  # full width
    (" 91350100 M000100Y43\u3000", True),  # spaces, ideographic space
    ("9135-0100-M000100Y43", True),  # hyphens (the matcher accepted it, the register did not)
    ("9135－0100－M000100Y43", True),  # full-width hyphens
    ("913501_00M/000.100Y43", True),  # underscore, slash, dot
    ("9135—0100—M000100Y43", True),  # dashes
    ("91350100M000100Y43,", False),  # a comma is not a separator
    ("9135-0100-M000100Y44", False),  # separators do not hide a wrong check character
    ("", False),
    ("123", False),
]


@pytest.mark.parametrize(("written", "valid"), CODE_TABLE, ids=[c[0] or "empty" for c in CODE_TABLE])
def test_register_and_matcher_accept_the_same_codes(written: str, valid: bool) -> None:
    """One USCC check for the platform: what the register accepts links by code in the matcher,
    and what it rejects never does (issue 7 item 2: ``9135-0100-M000100Y43`` was accepted by the
    matcher's private copy only)."""

    assert (rules.uscc_error(written) is None) is valid
    assert rules.uscc_is_valid(written) is valid
    matcher = Matcher([RegisterEntry(1, "91350100M000100Y43", "福建某某有限公司", (), "500112")])
    result = matcher.match(SourceRecord(written, "重庆完全不同的名字有限公司", None))
    assert (result.method == METHOD_USCC) is valid, result


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
    ("one homophone in a 2-character 字号 with a 2-character industry, no district: review",
     SourceRecord(None, "重庆华雨建材有限公司", None), METHOD_REVIEW, None),
    ("one homophone in a 2-character 字号 with a 2-character industry, in its district: link",
     SourceRecord(None, "重庆华雨建材有限公司", "500113"), METHOD_FUZZY, 5),
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
    row = SourceRecord(None, "重庆华雨建材有限公司", None)  # one edit in a 4-character stem
    in_district = SourceRecord(None, "重庆华雨建材有限公司", "500113")
    assert Matcher(REGISTER).match(row).method == METHOD_REVIEW
    assert Matcher(REGISTER).match(in_district).method == METHOD_FUZZY  # district_witness
    no_witness = Matcher(REGISTER, MatchSettings(district_witness=0))
    assert no_witness.match(in_district).method == METHOD_REVIEW
    lenient = Matcher(REGISTER, MatchSettings(fuzzy_accept=0.75))
    assert (lenient.match(row).method, lenient.match(row).entry_id) == (METHOD_FUZZY, 5)
    strict = Matcher(REGISTER, MatchSettings(fuzzy_review=0.9, district_witness=0))
    assert strict.match(in_district).method == METHOD_NEW


# ------------------------------------------------------------ names compared by their parts

C_HUAXINRUI = code("91500106MA5U00101")
C_HUAXIN_YUBEI = code("91500112MA5U00112")
C_ANWAN_NANAN = code("91500108MA5U00134")
PARTS_REGISTER = [
    *REGISTER,
    RegisterEntry(20, C_HUAXINRUI, "重庆市沙坪坝区华鑫瑞纸制品厂", (), "500106"),
    RegisterEntry(21, C_HUAXIN_YUBEI, "重庆市渝北区华鑫机械厂", (), "500112"),
    RegisterEntry(22, None, "重庆市沙坪坝区联丰祥纸制品厂", (), "500106"),
    RegisterEntry(23, C_ANWAN_NANAN, "重庆市南岸区安万塑料制品有限公司", (), "500108"),
    RegisterEntry(24, code("91500107MA5U00145"), "重庆市九龙坡区安万塑料制品有限公司", (), "500107"),
]

PARTS_CASES = [
    ("another 字号 with the same district, industry and form is a stranger",
     SourceRecord(None, "重庆市沙坪坝区宏恒祥纸制品厂", "500106"), METHOD_NEW, None),
    ("another 字号 is a stranger even without the district in the row",
     SourceRecord(None, "重庆市沙坪坝区宏恒祥纸制品厂", None), METHOD_NEW, None),
    ("the same 字号 in another district is another employer",
     SourceRecord(None, "重庆市江北区华鑫机械厂", None), METHOD_NEW, None),
    ("a row that drops the 行政区划 links by 字号, industry and form",
     SourceRecord(None, "华鑫瑞纸制品厂", "500106"), METHOD_NAME_EXACT, 20),
    ("a row that writes the district short links, whatever district the row says",
     SourceRecord(None, "重庆市沙坪坝华鑫瑞纸制品厂", "500112"), METHOD_NAME_EXACT, 20),
    ("a row of another district that drops the 行政区划 is reviewed (the 字号 may exist there too)",
     SourceRecord(None, "华鑫瑞纸制品厂", "500112"), METHOD_REVIEW, None),
    ("a typo and a dropped 行政区划 link by the parts",
     SourceRecord(None, "华鑫瑞纸制吕厂", "500106"), METHOD_FUZZY, 20),
    ("a typo in a name of another district than the row's: the name's district is searched",
     SourceRecord(None, "重庆市沙坪坝区华鑫瑞纸制吕厂", "500112"), METHOD_FUZZY, 20),
    ("a typo in the industry word with the 字号 intact links",
     SourceRecord(None, "重庆华宇建才有限公司", "500113"), METHOD_FUZZY, 5),
    ("a typo in a 2-character 字号 without a district is still reviewed",
     SourceRecord(None, "重庆华雨建材有限公司", None), METHOD_REVIEW, None),
    ("the same name in two districts, no district in the row: review",
     SourceRecord(None, "安万塑料制品有限公司", None), METHOD_REVIEW, None),
    ("the same name in two districts, the row's district decides",
     SourceRecord(None, "安万塑料制品有限公司", "500107"), METHOD_NAME_EXACT, 24),
    ("two equally similar names, the mistyped code resembles one of them: link",
     SourceRecord(bad_check(C_ANWAN_NANAN), "安万塑料制吕有限公司", None), METHOD_FUZZY, 23),
    ("two equally similar names and no code: review",
     SourceRecord(None, "安万塑料制吕有限公司", None), METHOD_REVIEW, None),
]  # fmt: skip


@pytest.mark.parametrize(("why", "row", "method", "entry_id"), PARTS_CASES, ids=[c[0] for c in PARTS_CASES])
def test_names_are_compared_by_their_parts(
    why: str, row: SourceRecord, method: str, entry_id: int | None
) -> None:
    result = Matcher(PARTS_REGISTER).match(row)
    assert (result.method, result.entry_id) == (method, entry_id), result


def test_shared_district_industry_and_form_do_not_make_names_similar() -> None:
    """Issue 7 item 8: ``华鑫瑞`` and ``宏恒祥`` in one district and industry scored 0.70 and went
    to review; only the 字号 tells such employers apart, and here it differs entirely."""

    a, b = _parse_name("重庆市沙坪坝区华鑫瑞纸制品厂"), _parse_name("重庆市沙坪坝区宏恒祥纸制品厂")
    assert _similarity(a, b) == 0.0
    assert _similarity(a, _parse_name("华鑫瑞纸制品厂")) == 1.0


# ---------------------------------------------------------------- two valid codes, two entities

C_NEW_PAPER = code("91500106MA5U00123")

CODE_CASES = [
    ("registry row: a new valid code with a similar name creates the employer",
     SourceRecord(C_NEW_PAPER, "重庆市沙坪坝区华鑫瑞纸制品有限公司", "500106", authoritative=True), METHOD_NEW, None),
    ("registry row: a new valid code with exactly the employer's name creates the employer",
     SourceRecord(C_NEW_PAPER, "重庆市沙坪坝区华鑫瑞纸制品厂", "500106", authoritative=True), METHOD_NEW, None),
    ("any row: a new valid code with a merely similar name is another employer",
     SourceRecord(C_NEW_PAPER, "重庆市金鼎化工厂", "500108"), METHOD_NEW, None),
    ("any row: a new valid code with exactly the name of an employer with another code: review",
     SourceRecord(C_NEW_PAPER, "重庆市金鼎化工有限公司", "500108"), METHOD_REVIEW, None),
    ("registry row: a new valid code links an employer whose register code is missing",
     SourceRecord(C_HUAYU_TRUE, "重庆华宇建材有限公司", "500113", authoritative=True), METHOD_NAME_EXACT, 5),
    ("registry row: a new valid code links an employer whose register code is mistyped",
     SourceRecord(C_NEW_PAPER, "重庆蓝鲸建材有限公司", "500113", authoritative=True), METHOD_NAME_EXACT, 8),
    ("registry row: a register code with another employer's exact name links by the code (renamed)",
     SourceRecord(C_JINDING, "重庆长江机械制造有限公司", "500108", authoritative=True), METHOD_USCC, 6),
    ("registry row: the register's code links as always",
     SourceRecord(C_HUAXINRUI, "重庆市沙坪坝区华鑫瑞纸制品厂", "500106", authoritative=True), METHOD_USCC, 20),
]  # fmt: skip


@pytest.mark.parametrize(("why", "row", "method", "entry_id"), CODE_CASES, ids=[c[0] for c in CODE_CASES])
def test_two_different_valid_codes_are_two_entities(
    why: str, row: SourceRecord, method: str, entry_id: int | None
) -> None:
    result = Matcher(PARTS_REGISTER).match(row)
    assert (result.method, result.entry_id) == (method, entry_id), result


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
    assert sum(uscc_is_valid(c) for c in codes) > 0.99 * len(codes)  # a few are held mistyped
    assert all(c.startswith("9150") for c in codes)
    assert any("分公司" in e.name for e in a.register)
    assert any(e.former_names for e in a.register)
    assert sum(r.uscc is None for r in a.rows) / len(a.rows) > 0.4


def test_messy_world_has_the_multi_source_noise() -> None:
    """Issue 7 item 8: clusters sharing district, industry and form; one 字号 in several
    districts; market-supervision rows with true codes. The old world has none of it."""

    world = make_world(3000, 9000, seed=5)
    parts = [name_parts(e.name) for e in world.register]
    clusters: dict[tuple[str, str, str], set[str]] = {}
    districts_of: dict[tuple[str, str, str], set[str]] = {}
    for p in parts:
        if p.district:
            clusters.setdefault((p.district, p.industry, p.form), set()).add(p.zihao)
            districts_of.setdefault((p.zihao, p.industry, p.form), set()).add(p.district)
    assert max(len(z) for z in clusters.values()) >= 10
    assert sum(len(d) > 1 for d in districts_of.values()) >= 10
    authoritative = [r for r in world.rows if r.authoritative]
    assert 0.15 < len(authoritative) / len(world.rows) < 0.25
    assert all(uscc_is_valid(r.uscc) for r in authoritative)
    old = make_world(3000, 9000, seed=5, messy=False)
    assert not any(r.authoritative for r in old.rows)
    assert not any(name_parts(e.name).district for e in old.register)


@pytest.mark.parametrize("messy", [False, True], ids=["old world", "messy world"])
def test_quality_contract_on_a_small_world(messy: bool) -> None:
    """The aims of issue 7 item 8 on a small fixed world (not a timing test)."""
    world = make_world(2000, 6000, seed=11, messy=messy)
    results = ingest(Matcher(world.register), world.rows, first_new_id=10_000)
    figures = evaluate(world, results)
    assert figures["precision"] >= 0.995, figures
    assert figures["recall"] >= 0.99, figures
    assert figures["review_share"] <= 0.02, figures
