"""Facts this app knows for lower apps (core.facts): called from the surveillance AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Collection

from ohsteward.core import facts

# 001 附件3 二(一)1 flags enterprises "存在职业病病例" as priorities but gives no time window; we
# count cases found in the plan's year and the two before it (3 calendar years), our choice to be
# checked with the CDC (docs/domain/stewardship.md).
CASE_YEARS = 3


def exams_done(enterprise_ids: Collection[int], year: int) -> set[int]:
    """001 附件3 一 职业健康检查开展率: employers with at least one occupational health exam of a
    worker dated in ``year`` (one query)."""
    # local: models are importable only once the app registry is ready (this module is imported from ready())
    from ohsteward.surveillance.exams.models import Exam

    return set(
        Exam.objects.filter(worker__enterprise_id__in=list(enterprise_ids), date__year=year)
        .values_list("worker__enterprise_id", flat=True)
        .distinct()
    )


def chronic_screening_done(enterprise_ids: Collection[int], year: int) -> set[int]:
    """001 附件3 二(二)8 开展一次慢病筛查与随访服务: employers with a chronic disease screening of a
    worker dated in ``year`` (one query)."""
    # local: models are importable only once the app registry is ready (this module is imported from ready())
    from ohsteward.surveillance.exams.models import ChronicScreening

    return set(
        ChronicScreening.objects.filter(
            worker__enterprise_id__in=list(enterprise_ids), screened_on__year=year
        )
        .values_list("worker__enterprise_id", flat=True)
        .distinct()
    )


def has_occupational_disease_case(enterprise_ids: Collection[int], year: int) -> set[int]:
    """001 附件3 二(一)1 存在职业病病例: employers with a suspected (待诊断) or confirmed case of a
    worker found in the ``CASE_YEARS`` calendar years ending with ``year``; a case diagnosed as not
    occupational (排除职业病) does not count (one query)."""
    # local: models are importable only once the app registry is ready (this module is imported from ready())
    from ohsteward.surveillance.exams.choices import DiagnosisOutcome
    from ohsteward.surveillance.exams.models import DiseaseCase

    return set(
        DiseaseCase.objects.filter(
            worker__enterprise_id__in=list(enterprise_ids),
            found_on__year__gte=year - CASE_YEARS + 1,
            found_on__year__lte=year,
        )
        .exclude(outcome=DiagnosisOutcome.EXCLUDED)
        .values_list("worker__enterprise_id", flat=True)
        .distinct()
    )


def provide_all() -> None:
    facts.provide(facts.EXAMS_DONE, exams_done)
    facts.provide(facts.CHRONIC_SCREENING_DONE, chronic_screening_done)
    facts.provide(facts.HAS_OCCUPATIONAL_DISEASE_CASE, has_occupational_disease_case)
