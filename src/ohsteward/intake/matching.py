"""Match rows of departmental employer lists to the employer register (pure Python, no Django).

City CDC staff upload lists from many departments (market-supervision registry, tax, social
insurance, examination records, detection reports, inspection findings, tip-offs). Every row must
end up linked to a register employer, create a candidate employer, or wait in a review queue. This
module makes that decision for one row at a time; the ingest code owns the database.

Evidence, strongest first:

1. **A valid unified social credit code (USCC, GB 32100-2015) equal to a register code.** The code
   is the legal identity of the employer, so it wins even when the name differs (the employer may
   have been renamed). The one exception: when the name is nothing like the code owner's name but
   names *another* register employer exactly or confidently, the row contradicts itself (a code
   pasted from the neighbouring spreadsheet row is the usual cause) and goes to review — except in
   an authoritative list (the registration itself), where the register's name is out of date.
2. **The normalised name** (NFKC, brackets unified, white space removed, 有限责任公司 = 有限公司,
   leading 重庆/重庆市 dropped), first against current names, then against former names, then
   without its 行政区划 (``华鑫瑞纸制品厂`` for ``重庆市沙坪坝区华鑫瑞纸制品厂``; only within the row's
   district, since such a shortened name is not unique city-wide). Names are
   unique city-wide in practice, so a name that is unique in the register links even when the
   row's district differs; when several register employers share it the row's district decides.
3. **Fuzzy name similarity** (rapidfuzz OSA, i.e. edit distance counting a swap of two neighbours
   as one edit) between the *stems* of the names (字号 and industry, without the 行政区划 and the
   legal form), provided the 字号 agree and the names do not name different districts (names are
   compared by their parts, 企业名称登记管理规定 第六条), within a block of candidates that share
   rare characters with the row's name in the row's district (and in the district the name names). A fuzzy link needs a score of at least ``MatchSettings.fuzzy_accept``,
   at most ``fuzzy_max_edits`` edits, a clear margin over the runner-up and a compatible district.

Rules that hold whatever the score:

* A branch (…分公司, …分厂, …营业部, …) is a different employer from its parent and from its
  sibling branches. A branch name is only compared with branch names, and the part naming the
  branch (``渝北分公司``) must be equal for an automatic link. Only a valid, equal USCC links a
  row across that line.
* A USCC that fails its check digit is **weak evidence**. A wrong check digit proves the code was
  mistyped, and nothing tells which character is wrong, so the code cannot name an employer by
  itself. It still carries information: a mistyped code equal to a register code (both sides
  copied the same typo) or within two characters of one supports a name match to that employer
  and lowers the fuzzy threshold to ``code_supported_accept``; it never links without a name.
* Two different valid USCCs are two legal persons (a branch has its own code). A valid code that
  is not in the register is never linked to an employer holding another valid code: with a merely
  similar name the row creates a new employer; with exactly the employer's name it goes to
  review (one of the two codes may be wrong), except when the row comes from an authoritative
  source (``SourceRecord.authoritative``: the market-supervision register, whose codes are the
  legal identity) — then it creates the employer too.

Every result records the method (``uscc``, ``name_exact``, ``former_name``, ``fuzzy``, ``new``,
``review``) and a score in [0, 1]: 1.0 for code and exact-name links, the fuzzy score otherwise.

Codes are cleaned and checked by :mod:`ohsteward.registry.rules` (``uscc_clean``,
``uscc_is_valid``) and names normalised by ``registry.rules.normalize_name`` and cut into their
parts by ``intake.rules.name_parts``: the register, its importers, the API and the matcher accept
and reject exactly the same codes (docs/domain/matching.md). All three modules are pure Python.
"""

from __future__ import annotations

import gc
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA

from ohsteward.intake.rules import parts_of_normalised_name
from ohsteward.registry.rules import normalize_name, uscc_clean, uscc_is_valid

__all__ = [
    "AUTO_METHODS",
    "METHOD_FORMER_NAME",
    "METHOD_FUZZY",
    "METHOD_NAME_EXACT",
    "METHOD_NEW",
    "METHOD_REVIEW",
    "METHOD_USCC",
    "MatchResult",
    "MatchSettings",
    "Matcher",
    "RegisterEntry",
    "SourceRecord",
]

METHOD_USCC = "uscc"
METHOD_NAME_EXACT = "name_exact"
METHOD_FORMER_NAME = "former_name"
METHOD_FUZZY = "fuzzy"
METHOD_NEW = "new"
METHOD_REVIEW = "review"
#: Methods that link a row to an employer without a person looking at it.
AUTO_METHODS = frozenset({METHOD_USCC, METHOD_NAME_EXACT, METHOD_FORMER_NAME, METHOD_FUZZY})


# --------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchSettings:
    """Thresholds of the matcher; the defaults are tuned with ``benchmarks/bench_matching.py``.

    Fuzzy scores are ``1 - edits / length`` of the longer stem (字号 + industry, without the
    行政区划 and the legal form; names whose 字号 disagree score 0), where an edit is a wrong,
    missing or extra character or two swapped neighbours. One edit scores 0.75 in a 4-character stem (长江建材), 0.80 in five,
    0.83 in six, 0.875 in eight. Two companies with different 字号 in the same industry score
    0.5 or less; siblings with the same 字号 and another industry likewise.
    """

    #: A fuzzy candidate at or above this score may be linked automatically. 0.8 means one edit
    #: in a stem of five or more characters: in a 4-character stem (2-character 字号) one edit
    #: leaves a single distinctive character, and in a large register a different employer with
    #: that character and industry exists too often to link on the name alone (measured with
    #: the first matcher at 0.75: about one such link in six was wrong).
    fuzzy_accept: float = 0.8
    #: ``fuzzy_accept`` is lowered by this much when the row names a district and the candidate
    #: is in it: the district is a second witness, and the candidates are then only that
    #: district's. 0.05 lets one edit in a 4-character stem link within its district. Measured on
    #: the messy world (100k/300k, issue 7 item 8): recall 0.9865 → 0.9896, precision 0.9981 →
    #: 0.9972, review 1.25 % → 0.84 %; about one in five of the extra links is wrong, mostly a
    #: row about an unregistered look-alike. 0 restores the stricter rule (docs/domain/matching.md).
    district_witness: float = 0.05
    #: At most this many edits for an automatic fuzzy link, however long the name: typing one
    #: wrong character is common, two independent ones in one name are rarer than two different
    #: employers that differ in two characters of a long 字号.
    fuzzy_max_edits: int = 1
    #: Candidates from this score up are offered for review; below it the row creates a new
    #: candidate employer instead (nobody should review a list of mere namesakes).
    fuzzy_review: float = 0.7
    #: The best candidate must beat the runner-up by this much; two register employers that are
    #: equally like the row (``鑫源机械`` and ``新源机械`` for a row ``信源机械``) are a review case.
    margin: float = 0.05
    #: The fuzzy threshold for a candidate whose code equals or is close to the row's mistyped
    #: code: code and name are independent witnesses, so two partial agreements together are
    #: strong.
    code_supported_accept: float = 0.6
    #: A valid code whose owner's name scores below this (renamed employer, or a pasted code) is
    #: checked against the name: if the name links to another employer, or would be offered for
    #: review with one, the row is reviewed; otherwise the code links.
    code_name_floor: float = 0.6
    #: How many of the row name's rarest characters select the candidate block.
    block_chars: int = 3
    #: A pair of characters shared by more employers than this is too common (an industry word)
    #: to block on.
    max_block: int = 50
    #: How many candidates a review result carries, best first.
    max_candidates: int = 5


@dataclass
class RegisterEntry:
    """An employer known to the matcher (a register employer or a candidate created earlier).

    ``district`` is the 6-digit administrative division code (``"500112"`` for 渝北区).
    """

    id: int
    uscc: str | None
    name: str
    former_names: tuple[str, ...] = ()
    district: str | None = None


@dataclass
class SourceRecord:
    """One row of an uploaded list, reduced to what identifies the employer.

    ``authoritative`` marks a row of a list whose codes are the legal identity (the source kind
    ``registry``: market-supervision, tax, social-insurance registers): its valid code, when not
    in the register, is a new legal person even if the name equals a register employer's.
    """

    uscc: str | None
    name: str
    district: str | None = None
    authoritative: bool = False


@dataclass
class MatchResult:
    """The decision for one row.

    ``entry_id`` is the linked employer for automatic methods and None for ``review`` and
    ``new``. ``candidates`` lists ``(entry_id, score)`` best first; for ``review`` these are the
    employers a person chooses from. ``reason`` says in a few English words why a row was sent
    to review (shown with the review queue entry, and useful when tuning).
    """

    entry_id: int | None
    method: str
    score: float
    candidates: list[tuple[int, float]] = field(default_factory=list)
    reason: str = ""

    @property
    def is_auto(self) -> bool:
        return self.method in AUTO_METHODS


# --------------------------------------------------------------------------------------------
# USCC (GB 32100-2015): the check is ``registry.rules`` (one check for the whole platform)
# --------------------------------------------------------------------------------------------


def _code_block_keys(code: str) -> tuple[str, ...]:
    """Index keys under which a code is found again after a slip of the keyboard.

    The 17 body characters are dealt into three interleaved parts (positions 1, 4, 7, …;
    2, 5, 8, …; 3, 6, 9, …), so that each part samples the whole code, including the
    organisation code at the end where the entropy is (the type and region at the front are
    shared by thousands of employers, and recent organisation codes all start with ``MA``). A
    wrong check character keeps all three parts and one wrong character keeps two, so each pair
    of parts is a key; the sorted characters catch a swap of two neighbours (which touches two
    parts). Candidates found this way are confirmed with ``_near_code``, so the keys only have to
    be selective.
    """
    if len(code) != 18:
        return ()
    p0, p1, p2 = code[0:17:3], code[1:17:3], code[2:17:3]
    return ("a" + p0 + p1, "b" + p0 + p2, "c" + p1 + p2, "s" + "".join(sorted(code)))


def _near_code(a: str, b: str) -> bool:
    """Two 18-character codes that differ in at most two places (a typo or a swap)."""
    if len(a) != 18 or len(b) != 18:
        return False
    diffs = 0
    for x, y in zip(a, b, strict=True):
        if x != y:
            diffs += 1
            if diffs > 2:
                return False
    return True


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

#: Taken off a fuzzy score when both names carry a legal form and the forms differ.
_FORM_PENALTY = 0.2
#: The 字号 of two names must agree at least this much (OSA similarity) for the names to score at
#: all: the 字号 carries the identity, and district, industry and form are shared by thousands.
_ZIHAO_FLOOR = 0.5


class _Name(NamedTuple):
    """A parsed name (a tuple of strings: cheap, and invisible to the cyclic garbage collector).

    ``full`` is the normalised name and ``core`` the same without the city prefix (lists often
    drop it); exact matching uses ``core``. ``base``/``label`` split a branch name into its
    parent's name and the part naming the branch (``渝北分公司``). ``district`` is the code of the
    district named in the name (``重庆市沙坪坝区…`` → 500106), ``zihao`` the 字号, ``stem`` the 字号
    and industry words (without city, district and form), ``form`` the organisational form
    (``intake.rules.name_parts``). Fuzzy scores compare stems, because the shared boilerplate
    would make strangers look alike: ``重庆市沙坪坝区华鑫瑞纸制品厂`` and ``重庆市沙坪坝区宏恒祥纸制品厂``
    agree in 11 of 14 characters, their 字号 in none.
    """

    full: str
    core: str
    base: str
    label: str
    form: str
    stem: str
    zihao: str
    district: str

    @property
    def body(self) -> str:
        return self.stem + self.label

    @property
    def industry(self) -> str:
        return self.stem[len(self.zihao) :]

    @property
    def bare(self) -> str:
        """The name without its 行政区划: 字号, industry, form and branch part."""
        return self.stem + self.form + self.label


@lru_cache(maxsize=1 << 17)
def _parse_name(name: str) -> _Name:
    full = normalize_name(name)
    parts = parts_of_normalised_name(full)
    core = full[len(parts.city) :]
    base = core[: len(core) - len(parts.branch)]
    return _Name(full, core, base, parts.branch, parts.form, parts.stem, parts.zihao, parts.district)


def _zihao_similarity(q: _Name, n: _Name) -> float:
    """How well the 字号 of two names agree, in [0, 1].

    The cut into 字号 and industry is a best effort (a typo in an industry word leaves that word
    in the 字号: ``长江机戒制造`` → 长江机戒), so each 字号 is also compared with the start of the
    other name's stem, and the best agreement counts.
    """
    a, b = q.zihao, n.zihao
    if a == b:
        return 1.0
    return max(
        OSA.normalized_similarity(a, b),
        OSA.normalized_similarity(a, n.stem[: len(a)]),
        OSA.normalized_similarity(b, q.stem[: len(b)]),
    )


def _kept_zihao(q: _Name, n: _Name) -> int:
    """The length of a 字号 that both names carry unchanged at the start of their stems (0 when
    the 字号 differ). When one name's industry words were not recognised (a typo in them, or a
    word the list lacks) its whole stem was taken as the 字号, so the other's 字号 at its start
    counts as kept; when both were recognised, the 字号 must be equal (长江 is not 长江源)."""
    if q.stem == n.stem:
        return 0
    if q.zihao == n.zihao:
        return len(q.zihao)
    if not q.industry and n.industry and q.stem.startswith(n.zihao):
        return len(n.zihao)
    if not n.industry and q.industry and n.stem.startswith(q.zihao):
        return len(q.zihao)
    return 0


def _similarity(q: _Name, n: _Name, cutoff: float = 0.0) -> float | None:
    """Fuzzy score in [0, 1] of two names of the same kind; None when one is a branch and the
    other is not (a branch is never its parent).

    The names are compared by their parts (企业名称登记管理规定 第六条, ``intake.rules.name_parts``):

    * two names that name different districts (``重庆市渝北区华鑫机械厂``, ``重庆市江北区华鑫机械厂``)
      are two employers: 0; a name without a district is compared with either;
    * the 字号 must agree (``_ZIHAO_FLOOR``), or the score is 0: two employers of one district,
      industry and form with different 字号 are strangers however long the shared words;
    * then the stems (字号 + industry) are compared by edit distance. For two branches the branch
      parts are compared too and the worse of the two counts: ``渝北分公司`` and ``江北分公司`` of one
      company are different employers however long the common parent name. A different legal
      form (厂 vs 有限公司) costs ``_FORM_PENALTY``: usually another legal person, or a
      restructuring that a person should confirm; a missing form (lists often write just
      ``长江机械``) costs nothing.

    Scores below ``cutoff`` may come back as 0 (rapidfuzz then stops early).
    """
    if bool(q.label) != bool(n.label):
        return None
    if q.district and n.district and q.district != n.district:
        return 0.0
    if _zihao_similarity(q, n) < _ZIHAO_FLOOR:
        return 0.0
    score = OSA.normalized_similarity(q.stem, n.stem, score_cutoff=cutoff)
    kept = _kept_zihao(q, n)
    if kept and OSA.distance(q.stem, n.stem, score_cutoff=1) == 1:
        # The 字号 is intact and one character of the industry words differs (a typo: 包装 →
        # 包海): industry characters say less about identity than 字号 characters, so the edit
        # counts half. (More than one difference there is another industry: a sibling company.)
        industry = max(len(q.stem), len(n.stem)) - kept
        score = max(score, 1 - 0.5 / (kept + 0.5 * industry))
    if q.label and score:
        score = min(score, OSA.normalized_similarity(q.label, n.label))
    if q.form and n.form and q.form != n.form:
        score -= _FORM_PENALTY
    return score


def _clean_district(district: str | None) -> str | None:
    """The 6-digit division code of a district given as a code (``"500112"``, ``500112``,
    ``"500112000000"``); None when there is none."""
    if not district:
        return None
    if type(district) is str and len(district) == 6 and district.isdigit():
        return district
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", str(district)) if ch.isdigit())
    return digits[:6] if len(digits) >= 6 else None


# --------------------------------------------------------------------------------------------
# The matcher
# --------------------------------------------------------------------------------------------


class _Entry(NamedTuple):
    """A register entry as the indexes hold it: cleaned code, parsed names (current first)."""

    id: int
    code: str
    code_valid: bool
    names: tuple[_Name, ...]
    district: str | None


def _make_entry(entry: RegisterEntry) -> _Entry:
    code = uscc_clean(entry.uscc)
    current = _parse_name(entry.name or "")
    formers = {
        f.core: f for f in map(_parse_name, entry.former_names or ()) if f.core and f.core != current.core
    }
    return _Entry(
        entry.id,
        code,
        uscc_is_valid(code),
        (current, *formers.values()),
        _clean_district(entry.district),
    )


class _Scored(NamedTuple):
    score: float  # fuzzy name score
    entry: _Entry
    name: _Name  # the entry's name (current or former) that scored best


_Index = dict[str, tuple[int, ...]]


def _push(index: _Index, key: str, entry_id: int) -> None:
    # Tuples rather than lists: hundreds of thousands of index values then cost the cyclic
    # garbage collector nothing (tuples of ints are untracked).
    index[key] = index.get(key, ()) + (entry_id,)


def _pull(index: _Index, key: str, entry_id: int) -> None:
    ids = tuple(i for i in index.get(key, ()) if i != entry_id)
    if ids:
        index[key] = ids
    else:
        index.pop(key, None)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while indexes are built in bulk.

    Building creates hundreds of thousands of long-lived objects, none of them in a reference
    cycle; the collector would otherwise re-scan them over and over (a third of the build time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Matcher:
    """Links source rows to register entries using code, name and fuzzy indexes.

    Building the indexes is linear in the register. Matching a row costs a few dict look-ups;
    rows without a code hit or an exact name score a small block of candidates that share rare
    characters with the name, in the row's district (in all districts when the row has none).

    Call :meth:`add` with the candidate employer created for a ``new`` row, so that later rows
    of the same upload link to it instead of creating it again.
    """

    def __init__(self, entries: Iterable[RegisterEntry] = (), settings: MatchSettings | None = None) -> None:
        self.settings = settings or MatchSettings()
        s = self.settings
        # Candidates scoring below this can be neither linked, nor listed, nor spoil the margin
        # of a candidate that could be linked, so their exact score never matters.
        self._floor = min(
            s.fuzzy_review,
            s.fuzzy_accept - s.district_witness - s.margin,
            s.code_supported_accept - s.margin,
        )
        self._entries: dict[int, _Entry] = {}
        self._by_code: _Index = {}
        self._by_code_block: _Index = {}
        self._by_core: _Index = {}
        self._by_former: _Index = {}
        self._by_bare: _Index = {}  # current names without their 行政区划
        # character of a stem → ids, per district (None: entries without one) and city-wide
        self._chars_by_district: defaultdict[str | None, defaultdict[str, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self._chars: defaultdict[str, set[int]] = defaultdict(set)
        with _gc_paused():
            for entry in entries:
                self.add(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    # ---------------------------------------------------------------- indexes

    def add(self, entry: RegisterEntry) -> None:
        """Index an employer. An entry whose id is known replaces the earlier version (e.g. a
        candidate that has since been given a code)."""
        if entry.id in self._entries:
            self._remove(entry.id)
        e = _make_entry(entry)
        self._entries[e.id] = e
        if e.code:
            _push(self._by_code, e.code, e.id)
            for key in _code_block_keys(e.code):
                _push(self._by_code_block, key, e.id)
        current, *formers = e.names
        if current.core:
            _push(self._by_core, current.core, e.id)
            _push(self._by_bare, current.bare, e.id)
        for former in formers:
            _push(self._by_former, former.core, e.id)
        district_chars, city_chars = self._chars_by_district[e.district], self._chars
        for char in {c for n in e.names for c in n.stem}:
            district_chars[char].add(e.id)
            city_chars[char].add(e.id)

    def _remove(self, entry_id: int) -> None:
        e = self._entries.pop(entry_id)
        if e.code:
            _pull(self._by_code, e.code, entry_id)
            for key in _code_block_keys(e.code):
                _pull(self._by_code_block, key, entry_id)
        current, *formers = e.names
        _pull(self._by_core, current.core, entry_id)
        _pull(self._by_bare, current.bare, entry_id)
        for former in formers:
            _pull(self._by_former, former.core, entry_id)
        for char in {c for n in e.names for c in n.stem}:
            self._chars_by_district[e.district][char].discard(entry_id)
            self._chars[char].discard(entry_id)

    # ---------------------------------------------------------------- matching

    def match(self, rec: SourceRecord) -> MatchResult:
        """Decide one row: a link (with method and score), review (with candidates), or new."""
        q = _parse_name(rec.name or "")
        code = uscc_clean(rec.uscc)
        valid = uscc_is_valid(code)
        district = _clean_district(rec.district)
        if valid:
            owners = self._by_code.get(code)
            if owners:
                return self._code_hit(q, district, owners, rec.authoritative)
        support = self._code_support(code, valid) if code else frozenset()
        if not q.core:
            if support:
                return self._review([(i, 0.0) for i in support], "no name; code resembles a register code")
            return MatchResult(None, METHOD_REVIEW, 0.0, [], "no name and no usable code")
        return self._match_name(q, code, valid, district, support, rec.authoritative)

    def _match_name(
        self,
        q: _Name,
        code: str,
        valid: bool,
        district: str | None,
        support: frozenset[int],
        authoritative: bool = False,
    ) -> MatchResult:
        ids = self._by_core.get(q.core)
        if ids:
            return self._exact(q, ids, METHOD_NAME_EXACT, code, valid, district, support, authoritative)
        ids = self._by_former.get(q.core)
        if ids:
            return self._exact(q, ids, METHOD_FORMER_NAME, code, valid, district, support, authoritative)
        ids = self._by_bare.get(q.bare)
        if ids:
            # Equal but for the 行政区划 (``华鑫瑞纸制品厂`` for ``重庆市沙坪坝区华鑫瑞纸制品厂``): lists
            # drop it, or write the district short. A district the name itself names must be the
            # employer's; unlike a whole name, a name without its 行政区划 is not unique
            # city-wide (the same 字号 exists in other districts), so a row of another district
            # is reviewed rather than linked, or made a new employer that duplicates this one.
            cands = [i for i in ids if not q.district or self._entries[i].district in (None, q.district)]
            here = [
                i
                for i in cands
                if district is None or self._entries[i].district in (None, district, q.district)
            ]
            if here:
                return self._exact(
                    q, tuple(here), METHOD_NAME_EXACT, code, valid, district, support, authoritative
                )
            if cands and not (valid and authoritative):
                return self._review([(i, 1.0) for i in cands], "same name in another district")
        return self._fuzzy(q, code, valid, district, support)

    def _code_hit(
        self, q: _Name, district: str | None, owners: tuple[int, ...], authoritative: bool = False
    ) -> MatchResult:
        """A valid code held by a register entry: the code is the identity, unless the name
        clearly names somebody else in a list whose codes are typed by hand (in an authoritative
        list code and name are the registration itself: a different name is a renaming)."""
        if len(owners) == 1:  # the usual case
            scored = [(self._plain_score(q, self._entries[owners[0]]), owners[0])]
        else:
            scored = sorted(((self._plain_score(q, self._entries[i]), i) for i in owners), reverse=True)
        best_score, best_id = scored[0]
        if len(scored) > 1 and scored[1][0] >= best_score:
            # The code is on several register entries (a duplicate in the register) and the
            # name does not tell them apart.
            return self._review([(i, s) for s, i in scored], "code shared by several register entries")
        if best_score < self.settings.code_name_floor and q.core and not authoritative:
            # The owner's name is nothing like the row's. Renamed, or a code pasted from the
            # wrong line? If the name links to, or is offered for review with, another employer,
            # a person decides.
            by_name = self._match_name(q, "", False, district, frozenset())
            others = [
                (i, s) for i, s in by_name.candidates[:1] if i != best_id and by_name.method != METHOD_NEW
            ]
            if others:
                return self._review(
                    [(best_id, round(best_score, 4)), *others], "code and name point to different employers"
                )
        return MatchResult(best_id, METHOD_USCC, 1.0, [(best_id, 1.0)])

    def _code_support(self, code: str, valid: bool) -> frozenset[int]:
        """Entries that a row's code speaks for without proving identity (module docstring)."""
        found: set[int] = set()
        if not valid:
            found.update(self._by_code.get(code, ()))  # equal, but both carry the same typo
        for key in _code_block_keys(code):
            for i in self._by_code_block.get(key, ()):
                e = self._entries[i]
                # Two different valid codes belong to two legal persons, however close they are.
                if e.code != code and not (valid and e.code_valid) and _near_code(code, e.code):
                    found.add(i)
        return frozenset(found)

    def _conflict(self, e: _Entry, code: str, valid: bool, support: frozenset[int]) -> str:
        """Why the row's code speaks against linking ``e`` (empty when it does not)."""
        if valid and e.code_valid and e.code != code:
            return "valid code differs from the register's"
        if support and e.id not in support:
            return "mistyped code resembles another employer's"
        return ""

    def _exact(
        self,
        q: _Name,
        ids: tuple[int, ...],
        method: str,
        code: str,
        valid: bool,
        district: str | None,
        support: frozenset[int],
        authoritative: bool,
    ) -> MatchResult:
        """Rows whose normalised name equals a current (or former) register name."""
        cands = [self._entries[i] for i in ids]
        if valid and authoritative:
            # The row's valid code is the legal identity and not in the register: an employer
            # holding another valid code is another legal person, whatever its name.
            cands = [e for e in cands if not (e.code_valid and e.code != code)]
            if not cands:
                return MatchResult(None, METHOD_NEW, 0.0, [], "valid new code from an authoritative source")
        if len(cands) > 1:
            # Several employers carry the name: narrow by district, by the exact prefix form
            # (重庆X and X may be two employers) and by the code, keeping a step only if it
            # leaves somebody.
            for keep in (
                lambda e: district is not None and e.district == district,
                lambda e: any(n.full == q.full for n in e.names),
                lambda e: e.id in support,
            ):
                narrowed = [e for e in cands if keep(e)]
                if narrowed:
                    cands = narrowed
                if len(cands) == 1:
                    break
        if len(cands) > 1:
            return self._review([(e.id, 1.0) for e in cands], "name shared by several register entries")
        e = cands[0]
        conflict = self._conflict(e, code, valid, support)
        if conflict:
            return self._review([(e.id, 1.0)], conflict)
        return MatchResult(e.id, method, 1.0, [(e.id, 1.0)])

    def _block(self, q: _Name, district: str | None) -> set[int]:
        """Candidates sharing at least two of the row name's rarest characters.

        One wrong character removes at most one of them, so the true employer stays in the
        block; common characters (industry words) are only chosen when the name has no rarer
        ones, and a pair shared by more than ``max_block`` employers is skipped.
        """
        settings = self.settings
        if district is None:
            indexes = [self._chars]
        else:
            indexes = [
                m for m in (self._chars_by_district.get(district), self._chars_by_district.get(None)) if m
            ]
        found: set[int] = set()
        chars = set(q.stem)
        for index in indexes:
            # (sorted by size, then character: set order of strings changes from run to run)
            rarest = sorted((len(p), c) for c in chars if (p := index.get(c)))[: settings.block_chars]
            postings = [index[c] for _, c in rarest]
            if len(postings) == 1:
                if len(postings[0]) <= settings.max_block:
                    found |= postings[0]
                continue
            for i, first in enumerate(postings):
                for second in postings[i + 1 :]:
                    common = first & second
                    if len(common) <= settings.max_block:
                        found |= common
        return found

    def _fuzzy(
        self, q: _Name, code: str, valid: bool, district: str | None, support: frozenset[int]
    ) -> MatchResult:
        settings = self.settings
        floor = self._floor
        scored: list[_Scored] = []
        block = self._block(q, district)
        if q.district and district and q.district != district:
            # the name names a district the row's district column does not: search both
            block |= self._block(q, q.district)
        for i in block | support:
            e = self._entries[i]
            if valid and e.code_valid and e.code != code:
                continue  # two different valid codes: two legal persons, however alike the names
            supported = i in support
            found = self._kind_score(q, e, 0.0 if supported else floor)
            if found is None or (found[0] < floor and not supported):
                continue
            scored.append(_Scored(found[0], e, found[1]))
        if not scored:
            if support:  # e.g. a branch name with its parent's code, mistyped
                return self._review(
                    [(i, 0.0) for i in support], "code resembles a register code, name differs"
                )
            return MatchResult(None, METHOD_NEW, 0.0, [])
        # best first; among equal scores the employer the row's mistyped code resembles first
        scored.sort(key=lambda s: (s.score, s.entry.id in support), reverse=True)
        listed = [
            (s.entry.id, round(s.score, 4))
            for s in scored
            if s.score >= settings.fuzzy_review or s.entry.id in support
        ][: settings.max_candidates]
        best = scored[0]
        if not listed:
            return MatchResult(None, METHOD_NEW, round(best.score, 4), [])

        supported = best.entry.id in support
        # Code and name are independent witnesses: when the row's mistyped code resembles the
        # best candidate's and not the others', the others do not compete for the margin.
        rivals = [s.score for s in scored[1:] if not supported or s.entry.id in support]
        runner_up = rivals[0] if rivals else 0.0
        checks = (
            (
                best.score
                >= (
                    settings.code_supported_accept
                    if supported
                    else settings.fuzzy_accept - settings.district_witness
                    if district is not None and best.entry.district == district
                    else settings.fuzzy_accept
                ),
                "code resembles a register code, name differs"
                if supported
                else "similar name below the link threshold",
            ),
            (
                supported or OSA.distance(q.stem, best.name.stem) <= settings.fuzzy_max_edits,
                "similar name with several differences",
            ),
            (best.score - runner_up >= settings.margin, "several similar names"),
            (
                # Only a candidate found through the code, or in the district the name names,
                # can be in another district than the row's.
                district is None or best.entry.district in (None, district, q.district or None),
                "similar name in another district",
            ),
            (q.label == best.name.label, "different branch of a similar name"),
            (
                not q.form or not best.name.form or q.form == best.name.form,
                "same name with another legal form",
            ),
        )
        conflict = self._conflict(best.entry, code, valid, support)
        failed = [reason for ok, reason in checks if not ok]
        if not failed and not conflict:
            return MatchResult(best.entry.id, METHOD_FUZZY, round(best.score, 4), listed)
        return self._review(listed, conflict or failed[0])

    def _kind_score(self, q: _Name, e: _Entry, cutoff: float = 0.0) -> tuple[float, _Name] | None:
        """Best fuzzy score of the row's name against the names (current and former) of ``e``
        that are of the same kind (branch or not), with the name that scored it; None when no
        name is of the same kind."""
        best: tuple[float, _Name] | None = None
        for n in e.names:
            s = _similarity(q, n, cutoff)
            if s is not None and (best is None or s > best[0]):
                best = (s, n)
        return best

    def _plain_score(self, q: _Name, e: _Entry) -> float:
        """Similarity of the informative parts (stem and branch part) of the row's name to the
        names of ``e``, whatever their kind and form: does a code owner look like the row?"""
        body = q.body
        return max(OSA.normalized_similarity(body, n.body) for n in e.names)

    def _review(self, candidates: list[tuple[int, float]], reason: str) -> MatchResult:
        candidates = sorted(candidates, key=lambda c: c[1], reverse=True)[: self.settings.max_candidates]
        score = candidates[0][1] if candidates else 0.0
        return MatchResult(None, METHOD_REVIEW, score, candidates, reason)
