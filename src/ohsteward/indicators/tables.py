"""Tables of the indicators app (list columns and the .xlsx export share them)."""

from __future__ import annotations

from ohsteward.core.tables import Column, Table


def _inputs(dispatch) -> str:
    """The entered figures of a month, one "indicator numerator/denominator (source, date)" each."""
    parts = []
    for item in dispatch.inputs.all():
        source = "，".join(str(x) for x in (item.source, item.source_date) if x)
        parts.append(
            f"{item.indicator.name} {item.numerator}/{item.denominator}" + (f"（{source}）" if source else "")
        )
    return "；".join(parts)


class MonthlyDispatchTable(Table):
    html_id = "dispatch-table"
    select_related = ("district",)
    prefetch_related = ("inputs__indicator",)
    columns = [
        Column("月份", "month"),
        Column("区县", "district.name", key="region"),
        Column("工作进展与说明", "comments", css="wide"),
        Column("存在的问题", "problems", css="wide"),
        Column("填报数字", _inputs, key="inputs", css="wide"),
        Column("更新时间", "updated_at"),
    ]
