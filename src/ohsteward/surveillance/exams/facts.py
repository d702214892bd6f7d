"""Facts this app knows for lower apps (core.facts): called from the surveillance AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Collection

from ohsteward.core import facts


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


def provide_all() -> None:
    facts.provide(facts.EXAMS_DONE, exams_done)
    facts.provide(facts.CHRONIC_SCREENING_DONE, chronic_screening_done)
