"""Demo cross-check findings (issue 9 item 6): three exam institutions, whose filings cover exams
but not 物理因素 detection, each issue one noise detection report at an employer (what the 超出资质
范围 check exists to find); then the year's checks run over the demo data and are stored
(``supervision.findings.refresh``, what the background job does), and the QC team verifies some —
findings in each status 待核实 / 属实 / 不属实, about institutions (a confirmed one lowers that
institution's 交叉核查 grade factor) and about employers. Runs after monitoring, exams and
supervision, before the report cards recompute the grades."""

from __future__ import annotations

import datetime as dt

from ohsteward.demo.monitoring import POSTS
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Engagement, Institution
from ohsteward.monitoring import actions as monitoring_actions
from ohsteward.registry.models import Enterprise
from ohsteward.supervision import actions, findings
from ohsteward.supervision.models import CrossCheckFinding

# exam institutions of demo.institutions issuing a detection report they are not qualified for
OUTSIDE_SCOPE = ("重庆万州三峡职业健康检查中心", "贵州黔康职业健康体检中心", "重庆市职业病防治院")
CONFIRMED_NOTE = "演示：质控现场核查，情况属实，已要求机构整改并移交卫生监督"
REJECTED_NOTE = "演示：经核实，相关资质（备案）或体检结论已补录，不属实"


def _plant_reports(year: int, today: dt.date) -> int:
    noise = HazardFactor.objects.filter(name="噪声").order_by("code").first()
    if noise is None:
        return 0
    factor, post, workplace, inputs, _bad = next(p for p in POSTS if p[0] == "噪声")
    planted = 0
    for n, name in enumerate(OUTSIDE_SCOPE):
        institution = Institution.objects.filter(name=name).first()
        employer = Enterprise.objects.filter(status="active").order_by("pk")[20 + n : 21 + n].first()
        if institution is None or employer is None:
            continue
        sampled = max(dt.date(year, 1, 1), today - dt.timedelta(days=40 + 10 * n))
        Engagement.objects.get_or_create(
            institution=institution, enterprise=employer, end_date=None,
            defaults={"kind": "detection", "start_date": sampled - dt.timedelta(days=30)},
        )  # fmt: skip
        report = monitoring_actions.report_save(user=None, data={
            "kind": "periodic", "number": f"DEMO-JC-{year}-{n + 1:03d}", "institution": institution,
            "enterprise": employer, "sampling_start": sampled, "issued_on": sampled + dt.timedelta(days=7),
        })  # fmt: skip
        monitoring_actions.measurement_record(
            user=None, report=report, factor=noise, workplace_name=workplace, post_name=post, inputs=inputs
        )
        planted += 1
    return planted


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    if CrossCheckFinding.objects.filter(year=year).exists():
        return {}
    planted = _plant_reports(year, today)
    counts = findings.refresh(year)
    stored = list(CrossCheckFinding.objects.filter(year=year).order_by("kind", "key", "pk"))
    about_institutions = [f for f in stored if f.institution_id]
    about_employers = [f for f in stored if f.enterprise_id]
    # of each group: the first confirmed, the second rejected, the rest left pending
    decided = 0
    for group in (about_institutions, about_employers):
        for finding, (status, note) in zip(
            group, (("confirmed", CONFIRMED_NOTE), ("rejected", REJECTED_NOTE)), strict=False
        ):
            actions.crosscheck_finding_decide(user=None, finding=finding, status=status, note=note)
            decided += 1
    return {**counts, "planted": planted, "decided": decided}
