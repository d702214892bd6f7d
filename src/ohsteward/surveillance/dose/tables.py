"""The dose records' table (API export; the ID number only masked)."""

from __future__ import annotations

from ohsteward.core.tables import Column, Table
from ohsteward.surveillance.dose import rules


def _flag(record) -> str:
    if not record.above_investigation:
        return ""
    return "超过调查水平" + ("" if rules.INVESTIGATION_VERIFIED else "（调查水平未核对）")


class DoseRecordTable(Table):
    html_id = "dose-table"
    select_related = ("worker__person", "worker__enterprise", "institution")
    default_sort = "-period_start"
    columns = [
        Column("劳动者", "worker.name", key="worker", sortable="worker__name"),
        Column("身份证号", "worker.person.id_number_masked", key="id_number_masked"),
        Column("用人单位", "worker.enterprise.name", key="enterprise"),
        Column("监测周期开始", "period_start", sortable="period_start"),
        Column("监测周期结束", "period_end"),
        Column("Hp(10)（mSv）", "hp10", key="hp10"),
        Column("Hp(0.07)（mSv）", "hp007", key="hp007"),
        Column("调查水平（mSv）", "investigation_level", key="investigation_level"),
        Column("提示", _flag, key="flag"),
        Column("监测机构", "institution.name", key="institution"),
        Column("编号", "pk", key="id", export=True),
    ]
