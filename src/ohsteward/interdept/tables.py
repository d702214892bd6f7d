"""Tables of the other departments' lists: list pages and .xlsx exports share the columns."""

from __future__ import annotations

from ohsteward.core.tables import Column, Table
from ohsteward.registry.tables import enterprise_key


def _employer_columns() -> list[Column]:
    return [
        Column("编号", "pk", key="id", export=True),
        Column(
            "用人单位",
            "enterprise.name",
            key="enterprise",
            link="registry:enterprise_detail",
            link_arg=lambda o: enterprise_key(o.enterprise),
            sortable="enterprise__name",
        ),  # fmt: skip
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("区县", "enterprise.region.name", key="district", sortable="enterprise__region_id"),
    ]


_SOURCE = [
    Column("数据来源", "source", key="source"),
    Column("来源日期", "source_date", key="source_date", sortable="source_date"),
]


class InsuranceRecordTable(Table):
    html_id = "insurance-record-table"
    select_related = ("enterprise", "enterprise__region")
    default_sort = "-as_of"
    columns = [
        *_employer_columns(),
        Column("参保数据日期", "as_of", sortable="as_of"),
        Column("参保人数", "insured", css="num", sortable="insured"),
        Column("应参保人数", "employees", css="num"),
        Column("登记接害人数", "enterprise.exposed_workers", key="exposed", css="num"),
        *_SOURCE,
    ]


class HealthyEnterpriseTable(Table):
    html_id = "healthy-enterprise-table"
    select_related = ("enterprise", "enterprise__region")
    default_sort = "-year"
    columns = [
        *_employer_columns(),
        Column("命名级别", "get_level_display", key="level", sortable="level"),
        Column("命名年度", "year", sortable="year"),
        Column("命名文号", "document_number"),
        *_SOURCE,
    ]


class PersonAwardTable(Table):
    html_id = "person-award-table"
    select_related = ("enterprise", "enterprise__region")
    default_sort = "-year"
    columns = [
        Column("编号", "pk", key="id", export=True),
        Column("姓名", "person_name", sortable="person_name"),
        *_employer_columns()[1:],
        Column("荣誉类别", "get_kind_display", key="kind", sortable="kind"),
        Column("年度", "year", sortable="year"),
        Column("级别", "get_level_display", key="level"),
        Column("文号", "document_number"),
        *_SOURCE,
    ]
