"""Documents and figures: the 告知单 (.docx), the quarterly dispatch (季度调度), .xlsx workbooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from django.db.models import Count
from docx.enum.text import WD_ALIGN_PARAGRAPH

from ohsteward.accounts import access
from ohsteward.core import documents as docs
from ohsteward.core.documents import chinese_date, render_docx_template
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.declarations import rules
from ohsteward.declarations.choices import DeclarationKind, EntryStatus
from ohsteward.declarations.models import (
    Declaration,
    DispatchSnapshot,
    DispatchSnapshotRow,
    GuidanceVisit,
    HazardListEntry,
    NoticeTemplate,
    SpotCheckItem,
)
from ohsteward.registry.models import Region

# Quoted verbatim only where the wording was checked against the source; otherwise reported in
# indirect speech without quotation marks (RULES.md §8.1; the 48号令 text at guoqi.org id=8676).
LEGAL_BASIS = (
    "《中华人民共和国职业病防治法》第十六条第二款：“用人单位工作场所存在职业病目录所列职业病的危害因素的，"
    "应当及时、如实向所在地卫生行政部门申报危害项目，接受监督。”",
    "《职业病危害项目申报办法》（原国家安全生产监督管理总局令第48号）第二条第一款：“用人单位（煤矿除外）"
    "工作场所存在职业病目录所列职业病的危害因素的，应当及时、如实向所在地安全生产监督管理部门申报危害项目，"
    "并接受安全生产监督管理部门的监督管理。”2018年机构改革后，该项职责由卫生健康主管部门承担。",
    "依照《职业病危害项目申报办法》第八条，用人单位有新建、改建、扩建、技术改造或者技术引进建设项目，"
    "或者工作场所、名称、法定代表人或者主要负责人，技术、工艺、设备或者材料，检测、评价结果发生变化的，"
    "应当在规定期限内进行变更申报。",
    "依照《中华人民共和国职业病防治法》第七十一条，未按照规定及时、如实申报产生职业病危害的项目的，"
    "由卫生行政部门责令限期改正，给予警告，可以并处五万元以上十万元以下的罚款。",
)

DEFAULT_NOTICE_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "notice.docx"


def notice_context(notice) -> dict[str, Any]:
    """The placeholders of a 告知单 template (``templates_docx.build_notice_template.PLACEHOLDERS``)."""
    enterprise = notice.enterprise
    return {
        "doc_number": notice.doc_number,
        "number": notice.number,
        "enterprise_name": enterprise.name,
        "uscc": enterprise.uscc or "未提供",
        "address": enterprise.address or "未登记",
        "deadline_days": notice.deadline_days,
        "legal_basis": list(LEGAL_BASIS),
        "issuer": notice.issuer,
        "date_cn": chinese_date(notice.issued_on),
    }


def notice_template_for(region_id: str) -> bytes:
    """The district's own template if it uploaded one, else the default shipped in the package."""
    own = NoticeTemplate.objects.filter(region_id=region_id).first()
    return bytes(own.content) if own is not None else DEFAULT_NOTICE_TEMPLATE.read_bytes()


def notice_docx(*, notice) -> bytes:
    """职业病危害项目申报告知单 (.docx) from the district's template, laid out per GB/T 9704."""
    return render_docx_template(notice_template_for(notice.region_id), notice_context(notice))


def receipt_docx(declaration) -> bytes:
    """职业病危害项目申报回执 (.docx, GB/T 9704 layout via ``core.documents``)."""
    d = declaration
    doc = docs.gbt9704_document()
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None and not first.text:
        first._p.getparent().remove(first._p)

    para = partial(docs.paragraph, doc)

    name = d.unit_name or d.enterprise.name
    para("职业病危害项目申报回执", font=docs.TITLE_FONT, size="二号", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(f"回执编号：{d.receipt_no}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para()
    para(f"{name}：")
    para(
        f"你单位于{docs.chinese_date(d.declared_on)}通过{d.get_channel_display()}提交的职业病危害项目"
        f"{d.get_kind_display()}已收到，申报内容如下。",
        indent=True,
    )
    hazards = "；".join(str(h) for h in d.hazards.all()) or "无"
    rows = [
        ("用人单位", name),
        ("统一社会信用代码", d.enterprise.uscc or "未提供"),
        ("申报类型", d.get_kind_display()),
        ("从业人员 / 接害总人数", f"{_dash(d.employees)} 人 / {_dash(d.exposed_total)} 人"),
        ("主要负责人 / 职业卫生管理人员", f"{d.principal or '—'} / {d.hygiene_manager or '—'}"),
        ("职业病危害因素", hazards),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, (label, value), strict=True):
            docs.set_fonts(cell.paragraphs[0].add_run(text), east_asia=docs.BODY_FONT, size="四号")
    para()
    authority = f"{d.enterprise.region.name}卫生健康委员会" if d.enterprise.region_id else "卫生健康行政部门"
    para(authority, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(docs.chinese_date(d.declared_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return docs.to_bytes(doc)


def _dash(value) -> str:
    return "—" if value is None else str(value)


# --------------------------------------------------------------------------------------------
# Quarterly dispatch
# --------------------------------------------------------------------------------------------

DISPATCH_COLUMNS: list[tuple[str, str]] = [
    ("region_name", "区县"),
    ("list_size", "名单单位数"),
    ("confirmed", "已核实"),
    ("confirmed_pct", "核实率%"),
    ("with_hazards", "存在危害（含待核实）"),
    ("declared", "已申报"),
    ("declaration_rate", "申报率%"),
    ("serious", "严重行业单位"),
    ("serious_declared", "严重行业已申报"),
    ("serious_rate", "严重行业申报率%"),
    ("serious10", "严重行业10人及以上"),
    ("serious10_declared", "其中已申报"),
    ("serious10_rate", "10人及以上申报率%"),
    ("new_declared", "本季度新申报"),
    ("overdue", "逾期未核实"),
    ("visits", "本季度入户指导"),
]


COUNTERS = (
    "list_size",
    "confirmed",
    "with_hazards",
    "declared",
    "serious",
    "serious_declared",
    "serious10",
    "serious10_declared",
    "overdue",
    "new_declared",
    "visits",
)


def dispatch_figures(*, user, year: int, quarter: int, today: dt.date) -> dict[str, Any]:
    """Per-district figures and a city summary for the quarter, **as of its last day** (or today
    while the quarter runs), scoped by ``for_user``: one query for the entries' state, two aggregates.

    Every count uses only what is dated on or before ``as_of = min(today, quarter end)``: the
    entries on the list then, their status, district and deadline from their dated history
    (``HazardListEntry.objects.as_of``), declarations dated by then. A confirmation made in
    December does not change Q1. Rates are over the employers that may have hazards (pending or
    confirmed with hazards); "newly declared" counts first declarations dated inside the quarter;
    overdue = pending on ``as_of`` with the deadline then running already passed.

    The employer's industry risk and size are today's (the register keeps no history of them).
    """
    start, end = rules.quarter_range(year, quarter)
    as_of = min(today, end)
    scoped = HazardListEntry.objects.for_user(user).filter(hazard_list__year=year).as_of(as_of)
    district = access.own_district_code(user)
    if district:
        # a district's rows are its own entries as of then (not those handed to it later)
        scoped = scoped.filter(as_of_region=district)
    # One pass over the entries: each row's state on ``as_of`` is computed once by the database
    # (a handful of indexed correlated lookups) and counted here; aggregating with
    # ``Count(filter=…)`` would repeat those lookups in every counter.
    state = scoped.with_declaration(until=as_of).values_list(
        "as_of_region",
        "as_of_status",
        "as_of_due",
        "enterprise__industry_risk",
        "enterprise__employees",
        "declared",
    )
    may_have_hazards = {EntryStatus.PENDING.value, EntryStatus.HAZARDS.value}
    rows: dict[str, dict[str, Any]] = {}
    for code, status, due, risk, employees, declared in state.iterator(chunk_size=5000):
        row = rows.get(code)
        if row is None:
            row = rows[code] = {k: 0 for k in COUNTERS}
        row["list_size"] += 1
        if status == EntryStatus.PENDING:
            if due is not None and due < as_of:
                row["overdue"] += 1
        else:
            row["confirmed"] += 1
        if status not in may_have_hazards:
            continue
        row["with_hazards"] += 1
        row["declared"] += bool(declared)
        if risk == "serious":
            row["serious"] += 1
            row["serious_declared"] += bool(declared)
            if (employees or 0) >= rules.SEVERE_MIN_EMPLOYEES:
                row["serious10"] += 1
                row["serious10_declared"] += bool(declared)
    new = (
        Declaration.objects.for_user(user)
        .valid()
        .filter(kind=DeclarationKind.INITIAL)
        .declared_between(start, as_of)
        .values("enterprise__region_id")
        .order_by()
        .annotate(n=Count("enterprise_id", distinct=True))
    )
    visits = (
        GuidanceVisit.objects.for_user(user)
        .filter(visited_on__gte=start, visited_on__lte=as_of)
        .values("enterprise__region_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    extra = {
        "new_declared": {r["enterprise__region_id"]: r["n"] for r in new},
        "visits": {r["enterprise__region_id"]: r["n"] for r in visits},
    }
    codes = set(rows) | set(extra["new_declared"]) | set(extra["visits"])
    districts = []
    for code in sorted(codes):
        row = rows.get(code) or {k: 0 for k in COUNTERS}
        row["new_declared"] = extra["new_declared"].get(code, 0)
        row["visits"] = extra["visits"].get(code, 0)
        row["region_id"] = code
        districts.append(row)
    return _assemble(year, quarter, start, end, as_of, districts, snapshot=None)


def _assemble(year, quarter, start, end, as_of, districts, *, snapshot) -> dict[str, Any]:
    names = dict(Region.objects.filter(pk__in=[r["region_id"] for r in districts]).values_list("pk", "name"))
    for row in districts:
        row["region_name"] = names.get(row["region_id"], row["region_id"])
        _with_rates(row)
    total = {k: sum(r.get(k) or 0 for r in districts) for k in COUNTERS}
    total.update(region_id="500000", region_name="合计")
    return {
        "year": year,
        "quarter": quarter,
        "start": start,
        "end": end,
        "today": as_of,
        "as_of": as_of,
        "districts": districts,
        "total": _with_rates(total),
        "snapshot": snapshot,
    }


def dispatch_for(*, user, year: int, quarter: int, today: dt.date) -> dict[str, Any]:
    """What the dispatch page, its export and ``ohsteward dispatch`` show for a quarter.

    A published quarter: its frozen snapshot (the user's districts only). Otherwise computed as of
    the quarter's last day — "实时" while the quarter runs.
    """
    snapshot = (
        DispatchSnapshot.objects.filter(year=year, quarter=quarter).select_related("published_by").first()
    )
    if snapshot is None:
        figures = dispatch_figures(user=user, year=year, quarter=quarter, today=today)
    else:
        start, end = rules.quarter_range(year, quarter)
        rows = DispatchSnapshotRow.objects.for_user(user).filter(snapshot=snapshot).order_by("region_id")
        districts = [{**{k: 0 for k in COUNTERS}, **r.figures, "region_id": r.region_id} for r in rows]
        figures = _assemble(year, quarter, start, end, snapshot.as_of, districts, snapshot=snapshot)
    figures["live"] = snapshot is None and not rules.quarter_closed(year, quarter, today)
    figures["closed"] = rules.quarter_closed(year, quarter, today)
    return figures


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    row["confirmed_pct"] = rules.rate(row["confirmed"], row["list_size"])
    row["declaration_rate"] = rules.rate(row["declared"], row["with_hazards"])
    row["serious_rate"] = rules.rate(row["serious_declared"], row["serious"])
    row["serious10_rate"] = rules.rate(row["serious10_declared"], row["serious10"])
    return row


def dispatch_xlsx(figures: dict[str, Any]) -> bytes:
    rows: Iterable[list[Any]] = (
        [r.get(k) for k, _ in DISPATCH_COLUMNS] for r in [*figures["districts"], figures["total"]]
    )
    return write_xlsx(DISPATCH_COLUMNS, rows, sheet=f"{figures['year']}年第{figures['quarter']}季度调度")


def spot_check_rates(spot_check, *, user) -> list[dict[str, Any]]:
    """Per-district declaration and accuracy rates of a spot check (feeds the district assessment)."""
    by_region: dict[str, list[dict[str, Any]]] = {}
    for item in (
        SpotCheckItem.objects.for_user(user)
        .filter(spot_check=spot_check)
        .values("region_id", "declared", *rules.ACCURACY_FIELDS)
    ):
        by_region.setdefault(item["region_id"], []).append(item)
    names = dict(Region.objects.filter(pk__in=by_region).values_list("pk", "name"))
    out = []
    for code in sorted(by_region):
        items = by_region[code]
        out.append(
            {
                "region_id": code,
                "region_name": names.get(code, code),
                "sampled": len(items),
                "checked": sum(1 for i in items if i["declared"] is not None),
                **rules.check_accuracy(items),
            }
        )
    return out
