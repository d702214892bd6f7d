"""From a citation as rules and pages write it ("GBZ 2.1-2019 表1", "001 附件3 一",
"《职业病防治法》第三十五条") to the library entry it comes from.

Matching: both sides are normalised (no spaces or 《》, ASCII punctuation, upper case); the entry
whose number or alias is the longest prefix of the citation wins, so "GBZ 2.1-2007" finds the 2007
edition while "GBZ 2.1" finds the current one (only the current edition carries the short alias).
"""

from __future__ import annotations

import re
import unicodedata

from ohsteward.library.models import Regulation

_DROP = re.compile(r"[\s《》\"“”]")
# a citation list on a page: "GBZ 2.1-2019；GBZ 2.2-2007" / "A, B"
_SPLIT = re.compile(r"[；;，,、]\s*")


_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "－": "-"})


def normalize(text: str) -> str:
    """No spaces or 《》, full-width forms folded (NFKC), the standards' em dash ("GBZ 2.1—2019")
    read as the hyphen, upper case."""
    text = unicodedata.normalize("NFKC", text or "").translate(_DASHES)
    return _DROP.sub("", text).upper()


def _keys(regulation_number: str, aliases: str) -> list[str]:
    keys = [regulation_number, *[a for a in aliases.splitlines() if a.strip()]]
    return [k for k in (normalize(k) for k in keys) if k]


def index() -> list[tuple[str, int]]:
    """(normalised key, entry pk), longest keys first: one small query (the library has tens of
    entries, not thousands)."""
    pairs = [
        (key, pk)
        for pk, number, aliases in Regulation.objects.values_list("pk", "number", "aliases")
        for key in _keys(number, aliases)
    ]
    return sorted(pairs, key=lambda p: -len(p[0]))


def match(citation: str, keys: list[tuple[str, int]]) -> int | None:
    """The pk of the entry ``citation`` comes from, given ``index()``; None when none matches."""
    text = normalize(citation)
    if not text:
        return None
    for key, pk in keys:
        if text.startswith(key):
            return pk
    return None


def resolve(citation: str) -> Regulation | None:
    pk = match(citation, index())
    return Regulation.objects.filter(pk=pk).first() if pk else None


def split(citations: str) -> list[str]:
    """A page's source text cut into single citations (separators kept out)."""
    return [part for part in _SPLIT.split(citations or "") if part.strip()]
