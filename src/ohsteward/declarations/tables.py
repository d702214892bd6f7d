"""One Table per model: the columns of the list pages and of the .xlsx exports."""

from __future__ import annotations

from collections.abc import Iterator

from ohsteward.declarations import rules
from ohsteward.declarations.choices import DeclarationChannel, DeclarationKind, EntryStatus, ListReason
from ohsteward.registry.choices import RiskClass, SizeClass

_REASON = dict(ListReason.choices)
_STATUS = dict(EntryStatus.choices)
_RISK = dict(RiskClass.choices)
_SIZE = dict(SizeClass.choices)
_KIND = dict(DeclarationKind.choices)
_CHANNEL = dict(DeclarationChannel.choices)


class HazardListEntryTable:
    """The list (and the 应报未报 list): needs ``with_declaration()``; ``priority`` when present."""

    columns = [
        ("year", "年度"),
        ("uscc", "统一社会信用代码"),
        ("name", "用人单位名称"),
        ("region", "负责区县"),
        ("industry", "行业"),
        ("industry_risk", "行业风险分类"),
        ("employees", "从业人员数"),
        ("size_class", "企业规模"),
        ("reasons", "列入原因"),
        ("priority", "优先级"),
        ("status", "核实结果"),
        ("pushed_on", "下发日期"),
        ("due_on", "核实期限"),
        ("confirmed_on", "核实日期"),
        ("declared", "已申报"),
        ("last_declared_on", "最近申报日期"),
    ]

    @staticmethod
    def queryset(qs):
        return qs.select_related("hazard_list", "enterprise__industry", "region")

    needs_user = True  # the reasons column depends on who exports (有奖举报, issue 6 item 3)

    @classmethod
    def rows(cls, qs, *, user) -> Iterator[tuple]:
        from ohsteward.declarations.models import reasons_for

        for e in cls.queryset(qs).iterator(chunk_size=2000):
            ent = e.enterprise
            priority = getattr(e, "priority", None)
            yield (
                e.hazard_list.year,
                ent.uscc or "",
                ent.name,
                e.region.name,
                f"{ent.industry_id} {ent.industry.name}" if ent.industry_id else "",
                _RISK.get(ent.industry_risk, ""),
                ent.employees,
                _SIZE.get(ent.size_class, ""),
                "、".join(_REASON.get(r, r) for r in reasons_for(user, e.reasons)),
                rules.PRIORITY_LABELS.get(priority, "") if priority else "",
                _STATUS.get(e.status, ""),
                e.pushed_on,
                e.due_on,
                e.confirmed_on,
                getattr(e, "declared", None),
                getattr(e, "last_declared_on", None),
            )


class DeclarationTable:
    columns = [
        ("receipt_no", "申报回执编号"),
        ("uscc", "统一社会信用代码"),
        ("name", "用人单位名称"),
        ("region", "所属区县"),
        ("kind", "申报类型"),
        ("channel", "申报渠道"),
        ("declared_on", "申报日期"),
        ("employees", "从业人员数"),
        ("exposed_total", "接害总人数"),
        ("hazards", "危害因素"),
        ("principal", "主要负责人"),
        ("hygiene_manager", "职业卫生管理人员"),
        ("status", "状态"),
    ]

    @staticmethod
    def queryset(qs):
        return qs.select_related("enterprise__region").prefetch_related("hazards")

    @classmethod
    def rows(cls, qs) -> Iterator[tuple]:
        for d in cls.queryset(qs).iterator(chunk_size=2000):
            yield (
                d.receipt_no,
                d.enterprise.uscc or "",
                d.unit_name or d.enterprise.name,
                d.enterprise.region.name,
                _KIND.get(d.kind, ""),
                _CHANNEL.get(d.channel, ""),
                d.declared_on,
                d.employees,
                d.exposed_total,
                "、".join(str(h) for h in d.hazards.all()),
                d.principal,
                d.hygiene_manager,
                d.get_status_display(),
            )
