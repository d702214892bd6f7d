"""Tables of training: list pages and .xlsx exports share the columns."""

from __future__ import annotations

from ohsteward.core.tables import Column, Table


class TrainingSessionTable(Table):
    html_id = "training-table"
    select_related = ("team",)
    prefetch_related = ("links__enterprise",)
    default_sort = "-held_on"
    columns = [
        Column("编号", "pk", key="id", export=True),
        Column("培训日期", "held_on", key="held_on", sortable="held_on"),
        Column("培训主题", "topic", link="stewardship:training_detail"),
        Column("授课人", "trainer"),
        Column("学时", "hours", css="num"),
        Column("方式", "get_mode_display", key="mode"),
        Column("用人单位", "employer_names", key="enterprises"),
        Column("管家服务团队", "team.name", key="team"),
    ]  # fmt: skip


class TrainingRecordTable(Table):
    html_id = "training-record-table"
    select_related = ("trainee", "enterprise", "session", "lecture")
    default_sort = "-trained_on"
    columns = [
        Column("编号", "pk", key="id", export=True),
        Column("姓名", "trainee.name", key="person_name"),
        Column("人员类别", "trainee.get_role_display", key="role"),
        Column("用人单位", "enterprise.name", key="enterprise"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc", export=True),
        Column("培训日期", "trained_on", sortable="trained_on"),
        Column("学时", "hours", css="num"),
        Column("培训/课程", "source"),
    ]  # fmt: skip


NEED_STATE_LABELS = {"due": "待培训", "overdue": "已逾期", "met": "已培训"}


class TrainingNeedTable(Table):
    """Training needs raised from visit findings; rows carry ``state`` and ``met_on``
    (``TrainingNeedQuerySet.with_state``)."""

    html_id = "training-need-table"
    select_related = ("enterprise",)
    default_sort = "due_on"
    columns = [
        Column("编号", "pk", key="id", export=True),
        Column("用人单位", "enterprise.name", key="enterprise"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc", export=True),
        Column("培训内容", "topic"),
        Column("提出日期", "raised_on", sortable="raised_on"),
        Column("应完成日期", "due_on", sortable="due_on"),
        Column("状态", lambda n: NEED_STATE_LABELS.get(getattr(n, "state", ""), ""), key="status"),
        Column("完成培训日期", "met_on"),
    ]  # fmt: skip
