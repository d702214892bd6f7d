"""Yearly figures of institution quality compliance, as a viewer sees them (every count starts
from ``for_user``): QC coverage, rectification rate, proficiency participation (001 目标(三),
附件1 第8、12条). A constant number of queries whatever the number of institutions."""

from __future__ import annotations

from dataclasses import dataclass

from ohsteward.institutions import rules
from ohsteward.institutions.choices import InspectionStatus, RectificationStatus
from ohsteward.institutions.models import Institution, ProficiencyResult, QcInspection, Rectification


@dataclass(frozen=True)
class Figure:
    label: str
    numerator: int
    denominator: int
    target: float | None = None  # percent

    @property
    def rate(self) -> float | None:
        return rules.rate(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        if self.target is None or self.rate is None:
            return None
        return self.rate >= self.target


def qc_coverage(user, year: int, *, out_of_province: bool = False) -> Figure:
    """Institutions with a recorded QC inspection in ``year`` / institutions (质控覆盖率, target
    100 % a year in Chongqing; out-of-province institutions: ≥ 50 % sampled, 001 附件1 第12条)."""
    institutions = Institution.objects.for_user(user)
    if out_of_province:
        institutions = institutions.out_of_province()
    inspected = (
        QcInspection.objects.for_user(user)
        .filter(year=year, status=InspectionStatus.RECORDED, institution__in=institutions.values("pk"))
        .values("institution_id")
        .distinct()
        .count()
    )
    if out_of_province:
        return Figure("外省来渝机构质控抽查比例", inspected, institutions.count(), 50.0)
    return Figure("质控覆盖率", inspected, institutions.count(), 100.0)


def rectification_rate(user, year: int) -> Figure:
    """Rectification demands on ``year``'s inspections that were accepted / all of them (质控问题整改率, 100 %)."""
    demands = Rectification.objects.for_user(user).filter(inspection__year=year)
    closed = demands.filter(status=RectificationStatus.CLOSED).count()
    return Figure("质控问题整改率", closed, demands.count(), 100.0)


def proficiency_participation(user, year: int) -> Figure:
    """Places on ``year``'s round lists with a recorded result / places ("应参加尽参加", 第8条)."""
    places = ProficiencyResult.objects.for_user(user).filter(round__year=year)
    done = places.exclude(outcome="").count()
    return Figure("能力验证参加率", done, places.count(), 100.0)


def year_figures(user, year: int) -> list[Figure]:
    return [
        qc_coverage(user, year),
        qc_coverage(user, year, out_of_province=True),
        rectification_rate(user, year),
        proficiency_participation(user, year),
    ]
