"""The five individual conclusions of an occupational health exam and what each turns into.

Source: GBZ 188-2014 §4.8.3 (RULES.md §2.2 [S]): per hazard factor, one of
a 目前未见异常, b 复查, c 疑似职业病, d 职业禁忌证, e 其他疾病或异常. One person can carry several
conclusions across factors, so a conclusion belongs to an exam *result* (one per factor).

What each becomes (issue 12 item 5): b → a recheck task due on the date the report names
("the report must state what to re-examine and when", §2.2); c → a case referred to a diagnosis
institution, tracked against RULES.md §13 (``deadlines.py``); d → a reassignment task (the worker
must be removed from, or kept away from, that exposure); e → a note for the worker; a → nothing.

GBZ 188-2025 (exams from 2026-08-01) is said by one third-party summary to drop 复查 [3P,
unverified, RULES.md §2.4 addendum]. Until the official text is read we keep all five codes for
both versions and mark the 2025 set unverified, so a 2025 exam with 复查 is accepted and the
page shows "未核对".

Pure: no Django imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

NORMAL = "a"
RECHECK = "b"
SUSPECTED = "c"
CONTRAINDICATION = "d"
OTHER = "e"

# Effects (what a conclusion turns into); the task kinds of the API are recheck/reassignment/diagnosis.
EFFECT_NONE = "none"
EFFECT_RECHECK = "recheck"
EFFECT_DIAGNOSIS = "diagnosis"
EFFECT_REASSIGNMENT = "reassignment"
EFFECT_NOTE = "note"


@dataclass(frozen=True)
class Conclusion:
    code: str
    label: str
    meaning: str
    effect: str
    effect_label: str


CONCLUSIONS: dict[str, Conclusion] = {
    c.code: c
    for c in (
        Conclusion(NORMAL, "目前未见异常", "本次检查各项指标均在正常范围内", EFFECT_NONE, "无需处理"),
        Conclusion(RECHECK, "复查", "检查时发现单项或多项异常，需复查确定", EFFECT_RECHECK, "复查任务"),
        Conclusion(
            SUSPECTED,
            "疑似职业病",
            "检查发现疑似职业病，需提交职业病诊断机构进一步明确诊断",
            EFFECT_DIAGNOSIS,
            "职业病诊断个案",
        ),
        Conclusion(
            CONTRAINDICATION,
            "职业禁忌证",
            "检查发现有职业禁忌的患者，需写明具体疾病名称",
            EFFECT_REASSIGNMENT,
            "调岗任务",
        ),
        Conclusion(
            OTHER, "其他疾病或异常", "除目标疾病之外的其他疾病或某些检查指标的异常", EFFECT_NOTE, "告知劳动者"
        ),
    )
}
CODES = tuple(CONCLUSIONS)
CHOICES = tuple((c.code, c.label) for c in CONCLUSIONS.values())
_BY_LABEL = {c.label: c.code for c in CONCLUSIONS.values()}


@dataclass(frozen=True)
class ConclusionSet:
    """The conclusion codes a version of GBZ 188 uses, by exam date."""

    standard: str
    effective_from: dt.date
    codes: tuple[str, ...]
    verified: bool
    source: str


CONCLUSION_SETS: tuple[ConclusionSet, ...] = (
    ConclusionSet(
        "GBZ 188-2014", dt.date(2014, 10, 1), CODES, True, "GBZ 188-2014 §4.8.3 (RULES.md §2.2 [S])"
    ),
    ConclusionSet(
        "GBZ 188-2025",
        dt.date(2026, 8, 1),
        CODES,
        False,
        "GBZ 188-2025 的个体结论未取得原文；第三方称已删除“复查”[3P，未核对]，暂沿用五类结论",
    ),
)


def conclusion_set(on: dt.date) -> ConclusionSet:
    """The set in force for an exam on ``on`` (the latest that started on or before it)."""
    current = CONCLUSION_SETS[0]
    for s in CONCLUSION_SETS:
        if s.effective_from <= on:
            current = s
    return current


def parse(value: object) -> str | None:
    """A conclusion code from what a user typed: the letter (a–e, any case) or the Chinese label
    ("复查"), with or without the letter in front ("b 复查", "b.复查"). None when it is neither."""
    text = str(value or "").strip()
    if not text:
        return None
    if text.lower() in CONCLUSIONS:
        return text.lower()
    if text in _BY_LABEL:
        return _BY_LABEL[text]
    head, rest = text[0].lower(), text[1:].lstrip(" .、:：）)")
    if head in CONCLUSIONS and rest == CONCLUSIONS[head].label:
        return head
    return None


def code_error(value: object) -> str | None:
    """The Chinese message for a conclusion that is not one of a–e, or None."""
    if parse(value) is None:
        return "结论应为 a（目前未见异常）、b（复查）、c（疑似职业病）、d（职业禁忌证）或 e（其他疾病或异常）"
    return None


def label(code: str) -> str:
    return CONCLUSIONS[code].label


def effect(code: str) -> str:
    """What the conclusion turns into: none / recheck / diagnosis / reassignment / note."""
    return CONCLUSIONS[code].effect


def result_errors(
    *, code: str, items: str, recheck_items: str, recheck_by: dt.date | None, exam_date: dt.date
) -> dict[str, str]:
    """Field → message for one result (one hazard factor of one exam).

    GBZ 188-2014 §4.8.3: 复查 must say what to re-examine and when, so b needs ``recheck_by``
    (after the exam) and what to recheck (``recheck_items``, or the abnormal ``items`` when the
    report names the abnormal items only); 职业禁忌证 must name the disease, so d needs ``items``.
    A date to recheck on any other conclusion is refused: no task would carry it.
    """
    errors: dict[str, str] = {}
    if code == RECHECK:
        if recheck_by is None:
            errors["recheck_by"] = "结论为复查时须填写复查期限"
        elif recheck_by <= exam_date:
            errors["recheck_by"] = "复查期限应晚于检查日期"
        if not (recheck_items.strip() or items.strip()):
            errors["recheck_items"] = "结论为复查时须写明复查项目"
    elif recheck_by is not None:
        errors["recheck_by"] = "只有结论为复查时才填写复查期限"
    if code == CONTRAINDICATION and not items.strip():
        errors["items"] = "结论为职业禁忌证时须写明具体疾病名称"
    if code == SUSPECTED and not items.strip():
        errors["items"] = "结论为疑似职业病时须写明疑似的职业病或异常项目"
    return errors


# 表5-1 (the employer's summary of a batch): columns in the order of the form.
SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("expected", "应检人数"),
    ("examined", "实检人数"),
    ("normal", "目前未见异常"),
    ("recheck", "复查"),
    ("suspected", "疑似职业病"),
    ("contraindication", "职业禁忌证"),
    ("other", "其他疾病或异常"),
)
_COLUMN_OF = {
    RECHECK: "recheck",
    SUSPECTED: "suspected",
    CONTRAINDICATION: "contraindication",
    OTHER: "other",
}


def summary(expected: int, conclusions_by_worker: Mapping[Any, Iterable[str]]) -> dict[str, int]:
    """The 表5-1 counts of a batch: persons, not results.

    ``expected`` is 应检 (the workers due in the batch: the caller counts them); 实检 is the number
    of workers with at least one result; a worker counts once in each of 复查 / 疑似职业病 / 职业禁忌证 /
    其他 for which any of their factors carries that conclusion, and in 目前未见异常 only when
    every factor is a (a person with several conclusions appears in several columns, §2.2 note).
    """
    counts = {key: 0 for key, _ in SUMMARY_COLUMNS}
    counts["expected"] = expected
    for codes in conclusions_by_worker.values():
        seen = set(codes)
        if not seen:
            continue
        counts["examined"] += 1
        if seen == {NORMAL}:
            counts["normal"] += 1
        for code in seen - {NORMAL}:
            counts[_COLUMN_OF[code]] += 1
    return counts
