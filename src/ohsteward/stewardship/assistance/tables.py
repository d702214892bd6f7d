"""Tables of SME assistance: list pages and .xlsx exports share the columns."""

from __future__ import annotations

from ohsteward.core.tables import Column, Table
from ohsteward.stewardship.assistance import queries, rules


def _flag(attr: str):
    def cell(entry) -> str:
        value = getattr(entry, attr, None)  # set by queries.with_flags (seen_by)
        return "无数据" if value is None else "是" if value else "否"

    return cell


def _item_state(code: str):
    def cell(entry) -> str:
        for item in entry.items.all():  # prefetched
            if item.item == code:
                if item.state == "done":
                    return f"已完成 {item.done_on:%Y-%m-%d}"
                if item.state == "na":
                    return f"不适用（{item.na_reason}）"
                return "未完成"
        return ""

    return cell


class AssistancePlanTable(Table):
    html_id = "assistance-plan-table"
    select_related = ("district",)
    default_sort = "-year"
    columns = [
        Column("区县", "district.name", key="district", link="stewardship:assistance_plan_detail", sortable="district_id"),
        Column("年度", "year", sortable="year"),
        Column("目标家数", "target", css="num"),
        Column("已列入", "enrolled_count", key="enrolled", css="num"),
        Column("已完成事项", "items_done_count", key="items_done", css="num"),
        Column("完成时限", "deadline"),
    ]  # fmt: skip


class AssistanceEntryTable(Table):
    html_id = "assistance-entry-table"
    select_related = ("enterprise", "plan__district", "team")
    prefetch_related = ("items",)
    default_sort = "enterprise__name"
    columns = [
        Column("用人单位", "enterprise.name", key="enterprise", link="stewardship:assistance_entry_detail", sortable="enterprise__name"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("区县", "plan.district.name", key="district"),
        Column("年度", "plan.year", key="year", sortable="plan__year"),
        Column("企业规模", "enterprise.get_size_class_display", key="size_class"),
        Column("重点帮扶原因", "priority"),
        *[Column(header, _flag(attr), key=attr) for attr, _name, header in queries.FLAG_FACTS],
        Column("帮扶团队/专家组", "helper"),
        Column("完成时限", "deadline", sortable="deadline"),
        *[Column(rules.ITEM_SHORT[code], _item_state(code), key=code) for code, _l in rules.ITEMS],
        Column("一企一策", "strategy", export=True),
    ]  # fmt: skip

    @classmethod
    def seen_by(cls, user, objects: list) -> list:
        return queries.with_flags(list(objects))
