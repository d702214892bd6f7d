"""The fact UNDER_ENFORCEMENT_OR_RECTIFICATION (core.facts) as supervision provides it: a case not
closed, or an order to correct that no re-inspection found corrected and no case took over."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.core import facts
from ohsteward.supervision.models import EnforcementCase, Inspection

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 5, 1)


def _order(employer, corrected: bool | None = None) -> Inspection:
    order = Inspection.objects.create(
        enterprise=employer, status="done", inspected_on=DAY, order_deadline=DAY + dt.timedelta(days=30)
    )
    if corrected is not None:
        Inspection.objects.create(
            enterprise=employer, status="done", inspected_on=DAY + dt.timedelta(days=31),
            reinspection_of=order, corrected=corrected,
        )  # fmt: skip
    return order


@pytest.mark.parametrize(
    ("setup", "flagged"),
    [
        ("nothing", False),
        ("inspection_without_order", False),
        ("open_order", True),
        ("order_not_corrected", True),
        ("order_corrected", False),
        ("open_case", True),
        ("closed_case", False),
    ],
)
def test_open_cases_and_orders_flag_the_employer(cast, enterprises, setup, flagged):
    yubei, other = enterprises["yubei"], enterprises["yubei2"]
    if setup == "inspection_without_order":
        Inspection.objects.create(enterprise=yubei, status="done", inspected_on=DAY)
    elif setup == "open_order":
        _order(yubei)
    elif setup == "order_not_corrected":
        _order(yubei, corrected=False)
    elif setup == "order_corrected":
        _order(yubei, corrected=True)
    elif setup in ("open_case", "closed_case"):
        EnforcementCase.objects.create(
            enterprise=yubei, opened_on=DAY, violations="x", provisions="y",
            status="open" if setup == "open_case" else "closed",
            closed_on=None if setup == "open_case" else DAY + dt.timedelta(days=60),
        )  # fmt: skip
    held = facts.ask(facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, {yubei.pk, other.pk}, 2025)
    assert held == ({yubei.pk} if flagged else set())


def test_an_order_that_a_case_took_over_counts_only_while_the_case_is_open(cast, enterprises):
    yubei = enterprises["yubei"]
    order = _order(yubei, corrected=False)
    case = EnforcementCase.objects.create(
        enterprise=yubei, inspection=order, opened_on=DAY, violations="x", provisions="y"
    )
    assert facts.ask(facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, {yubei.pk}, 2025) == {yubei.pk}
    case.status, case.closed_on = "closed", DAY + dt.timedelta(days=90)
    case.save()
    assert facts.ask(facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, {yubei.pk}, 2025) == set()
    # a case opened after the asked year does not count for it
    assert facts.ask(facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, {yubei.pk}, 2024) == set()
