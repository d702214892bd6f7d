"""The enterprise's to-do list says one 变更申报 for several undeclared factors of one report."""

import datetime as dt

import pytest

from ohsteward.accounts import access
from ohsteward.declarations import actions
from ohsteward.declarations.choices import TriggerKind
from ohsteward.registry.models import Enterprise


@pytest.mark.django_db
def test_undeclared_factors_of_one_report_are_one_item_naming_each_factor(cast):
    employer = Enterprise.objects.get(pk=access.own_enterprise_id(cast["manager"]))
    day = dt.date(2026, 3, 11)
    for name in ("苯", "噪声", "苯"):
        actions.change_trigger_record(
            user=None,
            enterprise=employer,
            kind=TriggerKind.DETECTION_RESULT,
            occurred_on=day,
            description=f"检测报告R-1显示危害因素“{name}”，最近一次申报（2025-06-01）未申报",
        )
    todo = [i for i in actions.declaration_todo(enterprise=employer, today=day) if i.get("trigger")]
    assert len(todo) == 1
    assert todo[0]["count"] == 3
    assert todo[0]["message"].endswith("（未申报的危害因素：苯、噪声）")
    assert todo[0]["due_on"] == dt.date(2026, 3, 26)
