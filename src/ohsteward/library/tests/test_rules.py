"""Table tests of the library's pure rules and of citation matching."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.library import citations, rules


@pytest.mark.parametrize(
    "name, size, ok",
    [
        ("GBZ 2.1-2019.pdf", 1000, True),
        ("解读.DOCX", 1000, True),
        ("标准.ofd", 1000, True),
        ("x.exe", 10, False),
        ("x.html", 10, False),
        ("big.pdf", 20 * 1024 * 1024 + 1, False),
        ("edge.pdf", 20 * 1024 * 1024, True),
    ],
)
def test_file_error(name, size, ok):
    assert (rules.file_error(name, size) is None) is ok


@pytest.mark.parametrize(
    "status, repealed_on, effective_on, ok",
    [
        ("repealed", dt.date(2020, 4, 1), dt.date(2007, 11, 1), True),
        ("repealed", dt.date(2006, 1, 1), dt.date(2007, 11, 1), False),
        ("current", None, dt.date(2020, 4, 1), True),
        ("current", dt.date(2026, 8, 1), dt.date(2014, 10, 1), True),  # a replacement announced
    ],
)
def test_status_error(status, repealed_on, effective_on, ok):
    assert (rules.status_error(status, repealed_on, effective_on) is None) is ok


INDEX = sorted(
    [
        (citations.normalize(k), pk)
        for k, pk in [
            ("GBZ 2.1-2019", 1), ("GBZ 2.1", 1), ("GBZ 2.1-2007", 2), ("GBZ/T 229.1", 3),
            ("000", 4), ("渝卫发〔2023〕62号", 4), ("职业病防治法", 5), ("GBZ 2.2", 6),
        ]
    ],
    key=lambda p: -len(p[0]),
)  # fmt: skip


@pytest.mark.parametrize(
    "citation, pk",
    [
        ("GBZ 2.1-2019 表1", 1),
        ("GBZ 2.1", 1),
        ("GBZ 2.1-2007", 2),  # the longest key wins: the old edition
        ("gbz 2.1—2019", 1),  # the standards' own em dash, lower case
        ("GBZ 2.1—2007", 2),
        ("GBZ2.1-2019", 1),  # spaces do not matter
        ("GBZ／T 229.1", 3),  # full-width slash
        ("000 二(三)", 4),
        ("渝卫发〔2023〕62号 二(一)", 4),
        ("《职业病防治法》第三十五条", 5),
        ("GBZ 2.2-2007", 6),
        ("GBZ 188-2014", None),
        ("", None),
    ],
)
def test_match_finds_the_entry_a_citation_comes_from(citation, pk):
    assert citations.match(citation, INDEX) == pk


def test_split_cuts_a_source_list():
    assert citations.split("GBZ 2.1-2019；GBZ 2.2-2007, 000 二(三)、职业病防治法") == [
        "GBZ 2.1-2019", "GBZ 2.2-2007", "000 二(三)", "职业病防治法",
    ]  # fmt: skip
