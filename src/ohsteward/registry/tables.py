"""One Table per model: the columns of the list page and of the .xlsx export."""

from __future__ import annotations

from collections.abc import Iterator

from ohsteward.registry.choices import EconomicType, EnterpriseStatus, RiskClass, SizeClass
from ohsteward.registry.models import Enterprise

_RISK = dict(RiskClass.choices)
_SIZE = dict(SizeClass.choices)
_STATUS = dict(EnterpriseStatus.choices)
_ECON = dict(EconomicType.choices)


class EnterpriseTable:
    columns = [
        ("uscc", "统一社会信用代码"),
        ("name", "用人单位名称"),
        ("region", "所属区县"),
        ("town", "所属乡镇街道"),
        ("zone", "功能区"),
        ("industry_code", "行业代码"),
        ("industry", "行业名称"),
        ("industry_risk", "行业风险分类"),
        ("economic_type", "经济类型"),
        ("employees", "从业人员数"),
        ("exposed_workers", "接害人数"),
        ("revenue", "营业收入(万元)"),
        ("total_assets", "资产总额(万元)"),
        ("size_class", "企业规模"),
        ("status", "经营状态"),
        ("status_date", "状态日期"),
        ("address", "地址"),
        ("legal_representative", "法定代表人"),
        ("contact_name", "联系人"),
        ("contact_phone", "联系电话"),
        ("former_names", "曾用名"),
    ]

    @staticmethod
    def queryset(qs):
        return qs.select_related("region", "town", "zone", "industry")

    @classmethod
    def rows(cls, qs) -> Iterator[tuple]:
        for e in cls.queryset(qs).iterator(chunk_size=2000):
            yield cls.row(e)

    @staticmethod
    def row(e: Enterprise) -> tuple:
        status_date = e.suspended_on if e.status == "suspended" else e.cancelled_on if e.status == "cancelled" else None
        return (
            e.uscc or "", e.name, e.region.name if e.region_id else "", e.town.name if e.town_id else "",
            e.zone.name if e.zone_id else "", e.industry_id or "", e.industry.name if e.industry_id else "",
            _RISK.get(e.industry_risk, ""), _ECON.get(e.economic_type, ""), e.employees, e.exposed_workers,
            e.revenue, e.total_assets, _SIZE.get(e.size_class, "未能判定"), _STATUS.get(e.status, ""), status_date,
            e.address, e.legal_representative, e.contact_name, e.contact_phone, "；".join(e.former_names or []),
        )
