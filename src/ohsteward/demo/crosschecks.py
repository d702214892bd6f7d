"""Demo cross-check findings (issue 9 item 6): the year's checks re-run over the demo's detection
reports and exam results and stored (``supervision.findings.refresh``, what the background job
does), then a few verified by the QC team — findings in each status 待核实 / 属实 / 不属实, both
about institutions (which then lower their 交叉核查 grade factor) and about employers. Runs after
monitoring, exams and supervision, before the report cards recompute the grades."""

from __future__ import annotations

import datetime as dt

from ohsteward.supervision import actions, findings
from ohsteward.supervision.models import CrossCheckFinding

CONFIRMED_NOTE = "演示：质控现场核查，情况属实，已要求机构整改"
REJECTED_NOTE = "演示：经核实，相关记录已补录（资质范围/体检结论），不属实"


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    if CrossCheckFinding.objects.filter(year=year).exists():
        return {}
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
    return {**counts, "decided": decided}
