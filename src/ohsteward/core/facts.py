"""Facts about enterprises that a higher app knows and a lower app asks for.

The layers run one way (docs/development/architecture.md): stewardship's SME assistance sits below
monitoring and surveillance, yet its four rates need "定期检测已按时完成" and "职业健康检查已开展",
which only those apps know. The app that knows a fact provides it in its ``AppConfig.ready()``::

    facts.provide(facts.PERIODIC_DETECTION_DONE, periodic_detection_done)

and the app that needs it asks::

    done = facts.ask(facts.PERIODIC_DETECTION_DONE, enterprise_ids, year)
    if done is None:  # no installed app knows this fact: show "无数据", never 0
        ...

A provider takes a collection of enterprise primary keys and a calendar year and returns the subset
of those keys for which the fact holds. It must answer in a bounded number of queries (one or two
``IN`` queries over the given keys), whatever the number of keys.

Counts about institutions work the same way (``provide_counts`` / ``ask_counts``): a provider
takes institution primary keys and a year and returns ``{institution pk: count}`` (institutions
without a row count 0), or None when the year is not known to it (not yet computed); the grading of institutions asks supervision for the cross-check findings
about each institution without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

Provider = Callable[[Collection[int], int], set[int]]
CountProvider = Callable[[Collection[int], int], dict[int, int] | None]

# The facts with a known meaning. A provider for a name not listed here is refused, so that a typo
# cannot silently leave a rate at "无数据".
PERIODIC_DETECTION_DONE = "periodic_detection_done"
EXAMS_DONE = "exams_done"
HAS_OVER_LIMIT_POST = "has_over_limit_post"
OVER_LIMIT_FIXED = "over_limit_fixed"
CHRONIC_SCREENING_DONE = "chronic_screening_done"
HAS_OCCUPATIONAL_DISEASE_CASE = "has_occupational_disease_case"
UNDER_ENFORCEMENT_OR_RECTIFICATION = "under_enforcement_or_rectification"

MEANINGS: dict[str, str] = {
    # 001 附件3 一: 被帮扶企业…工作场所职业病危害因素定期检测率…达到100%
    PERIODIC_DETECTION_DONE: "该年度内完成定期检测，或上次定期检测尚未到期",
    # 001 附件3 一: 职业健康检查开展率
    EXAMS_DONE: "该年度内为接害劳动者开展了职业健康检查",
    # 001 附件3 二(二)7: 开展一次超标岗位职业病危害治理 (applies only where a post is over the limit)
    HAS_OVER_LIMIT_POST: "该年度内有超标岗位（检测结果不符合接触限值）",
    OVER_LIMIT_FIXED: "该年度内的超标岗位均已整改并复测合格",
    # 001 附件3 二(二)8: 开展一次慢病筛查与随访服务
    CHRONIC_SCREENING_DONE: "该年度内开展了慢性病筛查",
    # 001 附件3 二(一)1: 重点帮扶…存在职业病病例…的企业 (the window: surveillance.exams.facts.CASE_YEARS)
    HAS_OCCUPATIONAL_DISEASE_CASE: "截至该年度末的近几年内有疑似或确诊职业病个案（不含排除职业病）",
    # 001 附件3 二(一)1: 重点帮扶…专项整治的企业: 立案未结案，或责令限期改正尚未复查改正
    UNDER_ENFORCEMENT_OR_RECTIFICATION: "有未结案的执法案件，或责令限期改正尚未经复查确认改正",
}

_providers: dict[str, Provider] = {}


def provide(name: str, provider: Provider) -> None:
    """Register the function that answers ``name``; called from an app's ``ready()``."""
    if name not in MEANINGS:
        raise ValueError(f"unknown fact {name!r}; add it to core.facts.MEANINGS first")
    _providers[name] = provider


def ask(name: str, enterprise_ids: Collection[int], year: int) -> set[int] | None:
    """The keys among ``enterprise_ids`` for which ``name`` holds in ``year``; None when no
    installed app provides the fact (the caller shows "无数据")."""
    if name not in MEANINGS:
        raise ValueError(f"unknown fact {name!r}")
    provider = _providers.get(name)
    if provider is None:
        return None
    if not enterprise_ids:
        return set()
    return set(provider(enterprise_ids, year))


def provided(name: str) -> bool:
    return name in _providers


# Counts about institutions (pk -> number) with a known meaning.
CONFIRMED_CROSSCHECK_FINDINGS = "confirmed_crosscheck_findings"
PENDING_CROSSCHECK_FINDINGS = "pending_crosscheck_findings"

COUNT_MEANINGS: dict[str, str] = {
    # issue 9 item 5: the 三色管理 grade reads the cross-checks (supervision.findings)
    CONFIRMED_CROSSCHECK_FINDINGS: "该年度关于该机构、经质控核实属实的交叉核查发现数",
    PENDING_CROSSCHECK_FINDINGS: "该年度关于该机构、尚待核实且最近一次核查仍发现的交叉核查发现数",
}

_counters: dict[str, CountProvider] = {}


def provide_counts(name: str, provider: CountProvider) -> None:
    """Register the function that counts ``name`` per institution; called from ``ready()``."""
    if name not in COUNT_MEANINGS:
        raise ValueError(f"unknown count {name!r}; add it to core.facts.COUNT_MEANINGS first")
    _counters[name] = provider


def ask_counts(name: str, institution_ids: Collection[int], year: int) -> dict[int, int] | None:
    """``{pk: count}`` for every key of ``institution_ids`` (0 where the provider has no row);
    None when no installed app provides the count, or the provider does not know the year (the
    caller shows "无数据")."""
    if name not in COUNT_MEANINGS:
        raise ValueError(f"unknown count {name!r}")
    provider = _counters.get(name)
    if provider is None:
        return None
    ids = list(institution_ids)
    if not ids:
        return {}
    counted = provider(ids, year)
    if counted is None:
        return None
    return {pk: int(counted.get(pk, 0)) for pk in ids}


def counted(name: str) -> bool:
    return name in _counters
