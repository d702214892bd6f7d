"""The cross-checks page (issue 9 item 6) and its .xlsx export, for the city CDC's QC team."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from ohsteward.core.spreadsheets import xlsx_response
from ohsteward.core.views import requires
from ohsteward.supervision import crosschecks

# the QC team: who records QC inspections (the city and the city CDC)
PERMISSION = "institutions.change_qcinspection"

COLUMNS = [
    ("kind", "核查类别"),
    ("institution", "机构"),
    ("institution_uscc", "机构信用代码"),
    ("enterprise", "用人单位"),
    ("enterprise_uscc", "用人单位信用代码"),
    ("summary", "发现"),
    ("records", "相关记录"),
]


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@requires(PERMISSION)
def crosscheck_list(request, export: bool = False):
    year = _year(request)
    kind = request.GET.get("kind", "")
    kinds = [kind] if kind in crosschecks.KINDS else None
    thresholds = crosschecks.load_thresholds()
    items = crosschecks.run(request.user, year, kinds, thresholds)
    if export:
        rows = [
            (
                i.kind_label,
                i.institution.name if i.institution else "",
                i.institution.uscc if i.institution else "",
                i.enterprise.name if i.enterprise else "",
                i.enterprise.uscc if i.enterprise else "",
                i.summary,
                "；".join(label for label, _ in i.records),
            )
            for i in items
        ]
        return xlsx_response(f"交叉核查-{year}.xlsx", COLUMNS, rows)
    return render(
        request,
        "supervision/crosscheck_list.html",
        {"year": year, "kind": kind, "kinds": crosschecks.KINDS, "items": items, "thresholds": thresholds},
    )
