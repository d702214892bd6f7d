"""Cross-checks that find what reports hide (issue 9 item 6), for the city CDC's QC team.

They read monitoring (detection reports and measurements) and surveillance (exam results) together,
so they live here: supervision sits above both (docs/development/architecture.md). The institutions
pages link to the list by URL, never by import. Nothing is stored: each check is computed on read
from the rows the user sees (``for_user``; ``user=None``: every row, the system's city-wide run that
``findings.refresh`` stores), for one calendar year, and answers with flagged items, each carrying
the records behind it and a stable ``key`` (what the item is about, so a re-run finds it again). The thresholds are versioned data
(``data/crosscheck_thresholds_v1.json``) shown as "未核对".

The checks:
- ``noise_no_audiometry``: an employer with a noise measurement over the limit in the year, and no
  exam result for the noise factor (the GBZ 188 noise exam, whose core item is pure-tone
  audiometry: an exam "for 噪声" is how audiometry is recognised) of its workers in the year or the
  ``audiometry_lookback_years`` before.
- ``dust_exam_no_detection``: exam results for a dust factor at an employer with no measurement of
  that dust there in the year or the ``dust_detection_lookback_years`` before.
- ``out_of_scope``: a detection report measuring a factor whose category (粉尘/化学因素/物理因素…)
  is named in none of the institution's qualifications valid on the sampling day (or no valid
  qualification at all). Qualifications without a registered scope text are not judged.
- ``uniform_results``: an institution whose year's measurements repeat one value on at least
  ``same_value_min_points`` points making ``same_value_min_share`` of them; or with no exceedance
  across at least ``no_exceedance_min_points`` points where the city-wide exceedance rate of the
  same industries, weighted by the institution's points, is at least ``high_industry_exceedance_rate``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from ohsteward.hazards.choices import HazardCategory
from ohsteward.institutions.models import Institution, Qualification
from ohsteward.monitoring.models import DetectionReport, Measurement
from ohsteward.registry.models import Enterprise
from ohsteward.supervision.choices import CrossCheckKind
from ohsteward.surveillance.exams.models import ExamResult

DATA_DIR = Path(__file__).resolve().parent / "data"
CURRENT_VERSION = "v1"

KINDS: dict[str, str] = {k: str(label) for k, label in CrossCheckKind.choices}


@dataclass(frozen=True)
class Thresholds:
    version: str
    verified: bool
    source: str
    noise_factor_names: tuple[str, ...]
    audiometry_lookback_years: int
    dust_detection_lookback_years: int
    same_value_min_points: int
    same_value_min_share: float
    no_exceedance_min_points: int
    high_industry_exceedance_rate: float
    records_shown: int


def load_thresholds(version: str = CURRENT_VERSION) -> Thresholds:
    raw = json.loads((DATA_DIR / f"crosscheck_thresholds_{version}.json").read_text(encoding="utf-8"))
    return Thresholds(
        version=raw["version"],
        verified=bool(raw["verified"]),
        source=raw["source"],
        noise_factor_names=tuple(raw["noise_factor_names"]),
        audiometry_lookback_years=int(raw["audiometry_lookback_years"]),
        dust_detection_lookback_years=int(raw["dust_detection_lookback_years"]),
        same_value_min_points=int(raw["same_value_min_points"]),
        same_value_min_share=float(raw["same_value_min_share"]),
        no_exceedance_min_points=int(raw["no_exceedance_min_points"]),
        high_industry_exceedance_rate=float(raw["high_industry_exceedance_rate"]),
        records_shown=int(raw["records_shown"]),
    )


@dataclass
class Item:
    """One flagged item: what was found, about whom, and the records behind it ((label, url))."""

    kind: str
    summary: str
    institution: Institution | None = None
    enterprise: Enterprise | None = None
    records: list[tuple[str, str]] = field(default_factory=list)
    detail: str = ""  # what else tells two items of one kind and subject apart (a factor's pk)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def key(self) -> str:
        """What the item is about, stable across re-runs: ``e<employer pk>`` or ``i<institution
        pk>``, with ``-<detail>`` (``e12-f7``: employer 12, factor 7)."""
        subject = (
            f"e{self.enterprise.pk}"
            if self.enterprise is not None
            else f"i{self.institution.pk}"
            if self.institution is not None
            else ""
        )
        return f"{subject}-{self.detail}" if self.detail else subject


def _seen(manager, user):
    """The rows ``user`` sees; every row for ``user=None`` (the system's stored run)."""
    return manager.all() if user is None else manager.for_user(user)


# ---- pure rules -------------------------------------------------------------------------------


def scope_covers(category: str, scope_texts: Iterable[str]) -> bool | None:
    """Whether one of the scope texts names the factor category (its Chinese label, e.g. "粉尘");
    None when no scope text is registered (not judged)."""
    texts = [t for t in scope_texts if t.strip()]
    if not texts:
        return None
    label = HazardCategory(category).label if category in HazardCategory.values else category
    return any(label in t for t in texts)


def same_value_flag(values: Iterable[float], t: Thresholds) -> tuple[float, int, int] | None:
    """(value, repeats, points) when one value repeats on enough points and share of them."""
    counts = Counter(round(v, 6) for v in values)
    points = sum(counts.values())
    if not points:
        return None
    value, repeats = counts.most_common(1)[0]
    if repeats >= t.same_value_min_points and repeats / points >= t.same_value_min_share:
        return value, repeats, points
    return None


def expected_exceedance_rate(
    points_by_industry: Mapping[Any, int], rate_by_industry: Mapping[Any, float]
) -> float:
    """The city-wide exceedance rate of the institution's industries, weighted by its points there."""
    total = sum(points_by_industry.values())
    if not total:
        return 0.0
    return sum(n * rate_by_industry.get(k, 0.0) for k, n in points_by_industry.items()) / total


def no_exceedance_flag(points: int, exceedances: int, expected_rate: float, t: Thresholds) -> bool:
    return (
        exceedances == 0
        and points >= t.no_exceedance_min_points
        and expected_rate >= t.high_industry_exceedance_rate
    )


# ---- the checks ---------------------------------------------------------------------------------


def _report_link(report_id: int, number: str) -> tuple[str, str]:
    return f"检测报告 {number}", reverse("monitoring:report_detail", args=[report_id])


def noise_no_audiometry(user, year: int, t: Thresholds) -> list[Item]:
    over = (
        _seen(Measurement.objects, user)
        .filter(measured_on__year=year, compliant=False, factor__name__in=t.noise_factor_names)
        .values_list("enterprise_id", "report_id", "report__number", "post__name")
        .order_by("enterprise_id", "report_id")
    )
    by_employer: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for enterprise_id, report_id, number, post in over:
        by_employer[enterprise_id].append((report_id, number, post))
    if not by_employer:
        return []
    examined = set(
        ExamResult.objects.filter(
            exam__worker__enterprise_id__in=list(by_employer),
            factor__name__in=t.noise_factor_names,
            exam__date__year__gte=year - t.audiometry_lookback_years,
            exam__date__year__lte=year,
        )
        .values_list("exam__worker__enterprise_id", flat=True)
        .distinct()
    )
    employers = Enterprise.objects.in_bulk([e for e in by_employer if e not in examined])
    items = []
    for pk in sorted(employers):
        rows = by_employer[pk]
        reports = {r: n for r, n, _ in rows}
        items.append(
            Item(
                "noise_no_audiometry",
                f"{year}年 {len(rows)} 个岗位噪声超标，{year - t.audiometry_lookback_years}—{year}年无劳动者噪声作业体检结论",
                enterprise=employers[pk],
                records=[_report_link(r, n) for r, n in sorted(reports.items())][: t.records_shown],
            )
        )
    return items


def dust_exam_no_detection(user, year: int, t: Thresholds) -> list[Item]:
    exams = (
        _seen(ExamResult.objects, user)
        .filter(exam__date__year=year, factor__category=HazardCategory.DUST)
        .values_list("exam__worker__enterprise_id", "factor_id", "factor__name", "exam_id")
        .order_by("exam_id")
    )
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for enterprise_id, factor_id, factor_name, exam_id in exams:
        pairs[(enterprise_id, factor_id)].append(exam_id)
        names[factor_id] = factor_name
    if not pairs:
        return []
    detected = set(
        Measurement.objects.filter(
            enterprise_id__in={e for e, _ in pairs},
            factor_id__in={f for _, f in pairs},
            measured_on__year__gte=year - t.dust_detection_lookback_years,
            measured_on__year__lte=year,
        )
        .values_list("enterprise_id", "factor_id")
        .distinct()
    )
    missing = sorted(p for p in pairs if p not in detected)
    employers = Enterprise.objects.in_bulk({e for e, _ in missing})
    items = []
    for enterprise_id, factor_id in missing:
        exam_ids = sorted(set(pairs[(enterprise_id, factor_id)]))
        items.append(
            Item(
                "dust_exam_no_detection",
                f"{year}年 {len(exam_ids)} 人次{names[factor_id]}作业体检，"
                f"{year - t.dust_detection_lookback_years}—{year}年无该粉尘检测",
                enterprise=employers[enterprise_id],
                detail=f"f{factor_id}",
                records=[
                    (f"体检 {e}", reverse("surveillance:exam_detail", args=[e]))
                    for e in exam_ids[: t.records_shown]
                ],
            )
        )
    return items


def out_of_scope(user, year: int, t: Thresholds) -> list[Item]:
    rows = (
        _seen(Measurement.objects, user)
        .filter(report__sampling_start__year=year)
        .values_list(
            "report_id",
            "report__number",
            "report__institution_id",
            "report__sampling_start",
            "factor__category",
        )
        .distinct()
        .order_by("report_id")
    )
    reports: dict[int, tuple[str, int, dt.date, set[str]]] = {}
    for report_id, number, institution_id, on, category in rows:
        reports.setdefault(report_id, (number, institution_id, on, set()))[3].add(category)
    if not reports:
        return []
    quals: dict[int, list[tuple[dt.date | None, dt.date | None, str]]] = defaultdict(list)
    for inst, issued, until, text in Qualification.objects.filter(
        institution_id__in={r[1] for r in reports.values()}
    ).values_list("institution_id", "issued_on", "valid_until", "scope_text"):
        quals[inst].append((issued, until, text))
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for report_id, (number, inst, on, categories) in reports.items():
        valid = [
            text
            for issued, until, text in quals[inst]
            if (issued is None or issued <= on) and (until is None or until >= on)
        ]
        if not valid:
            found[inst].append((report_id, number, "采样日无有效资质"))
            continue
        uncovered = [c for c in sorted(categories) if scope_covers(c, valid) is False]
        if uncovered:
            labels = "、".join(HazardCategory(c).label for c in uncovered)
            found[inst].append((report_id, number, f"{labels}不在资质范围内"))
    institutions = Institution.objects.in_bulk(list(found))
    items = []
    for inst in sorted(found, key=lambda pk: institutions[pk].name):
        hits = found[inst]
        items.append(
            Item(
                "out_of_scope",
                f"{year}年 {len(hits)} 份检测报告超出资质范围："
                + "；".join(f"{n}（{why}）" for _, n, why in hits[:3]),
                institution=institutions[inst],
                records=[_report_link(r, n) for r, n, _ in hits[: t.records_shown]],
            )
        )
    return items


def uniform_results(user, year: int, t: Thresholds) -> list[Item]:
    mine = _seen(Measurement.objects, user).filter(measured_on__year=year)
    values: dict[int, list[float]] = defaultdict(list)
    for inst, value in (
        mine.exclude(value__isnull=True).values_list("report__institution_id", "value").order_by("pk")
    ):
        values[inst].append(value)
    points = {
        r["report__institution_id"]: r
        for r in mine.values("report__institution_id")
        .annotate(n=Count("pk"), over=Count("pk", filter=Q(compliant=False) | Q(over_limit=True)))
        .order_by("report__institution_id")
    }
    by_industry: dict[int, dict[Any, int]] = defaultdict(dict)
    for r in (
        mine.values("report__institution_id", "enterprise__industry_id")
        .annotate(n=Count("pk"))
        .order_by("report__institution_id")
    ):
        by_industry[r["report__institution_id"]][r["enterprise__industry_id"]] = r["n"]
    # the city-wide rate per industry: an aggregate over every institution's points (no row shown)
    rates = {
        r["enterprise__industry_id"]: r["over"] / r["n"]
        for r in Measurement.objects.filter(measured_on__year=year)
        .values("enterprise__industry_id")
        .annotate(n=Count("pk"), over=Count("pk", filter=Q(compliant=False) | Q(over_limit=True)))
        .order_by("enterprise__industry_id")
        if r["n"]
    }
    institutions = Institution.objects.in_bulk(list(points))
    items = []
    for inst in sorted(points, key=lambda pk: institutions[pk].name):
        reasons = []
        same = same_value_flag(values.get(inst, []), t)
        if same:
            value, repeats, n = same
            reasons.append(f"{n} 个检测点中 {repeats} 个判定值同为 {value:g}")
        expected = expected_exceedance_rate(by_industry[inst], rates)
        if no_exceedance_flag(points[inst]["n"], points[inst]["over"], expected, t):
            reasons.append(f"{points[inst]['n']} 个检测点无一超标，同行业全市超标率 {expected * 100:.1f}%")
        if reasons:
            reports = (
                DetectionReport.objects.filter(institution_id=inst, measurements__measured_on__year=year)
                .distinct()
                .order_by("pk")
                .values_list("pk", "number")[: t.records_shown]
            )
            items.append(
                Item(
                    "uniform_results",
                    f"{year}年" + "；".join(reasons),
                    institution=institutions[inst],
                    records=[_report_link(r, n) for r, n in reports],
                )
            )
    return items


CHECKS = {
    "noise_no_audiometry": noise_no_audiometry,
    "dust_exam_no_detection": dust_exam_no_detection,
    "out_of_scope": out_of_scope,
    "uniform_results": uniform_results,
}


def run(user, year: int, kinds: Iterable[str] | None = None, t: Thresholds | None = None) -> list[Item]:
    """Every check (or ``kinds``) for ``year`` over the rows the user sees."""
    t = t or load_thresholds()
    items: list[Item] = []
    for kind in kinds or CHECKS:
        items.extend(CHECKS[kind](user, year, t))
    return items
