"""Workflow tests with the clock controlled (every deadline takes ``today``)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from openpyxl import load_workbook

from ohsteward.core import documents
from ohsteward.core.models import AuditLog
from ohsteward.declarations import actions, reports, rules
from ohsteward.declarations import actions as a
from ohsteward.declarations.choices import EntryStatus
from ohsteward.declarations.models import (
    Declaration,
    DispatchSnapshotRow,
    FrozenError,
    HazardList,
    HazardListEntry,
    Notice,
    NoticeTemplate,
)
from ohsteward.declarations.reports import DEFAULT_NOTICE_TEMPLATE
from ohsteward.declarations.templates_docx import build_notice_template
from ohsteward.registry.models import Enterprise, Industry, Region
from ohsteward.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
D = dt.date
YUBEI, WANZHOU = "500112", "500101"


def _ent(name, region=YUBEI, industry="3311", **kw):
    return EnterpriseFactory(
        name=name,
        region=Region.objects.get(code=region),
        industry=Industry.objects.get(code=industry) if industry else None,
        **kw,
    )


@pytest.fixture
def world(db):
    """Employers of every inclusion case (3311 金属结构制造 is 严重; 5211 百货零售 is unlisted)."""
    return {
        "serious": _ent("重庆严重行业甲有限公司"),
        "unlisted": _ent("重庆百货零售乙有限公司", industry="5211"),
        "cancelled": _ent("重庆已注销丙有限公司", status="cancelled", cancelled_on=D(2025, 5, 1)),
        "suspended_recent": _ent("重庆停业不久丁有限公司", status="suspended", suspended_on=D(2025, 10, 1)),
        "suspended_long": _ent("重庆停业很久戊有限公司", status="suspended", suspended_on=D(2025, 3, 1)),
        "candidate": _ent("重庆未登记己有限公司", region=WANZHOU, registration="candidate"),
    }


AS_OF = D(2026, 1, 20)


def _generate(year=2026, as_of=AS_OF):
    return actions.hazard_list_generate(user=None, year=year, as_of=as_of)


def _declare(
    enterprise,
    receipt_no,
    declared_on,
    *,
    kind="initial",
    employees=50,
    exposed=10,
    hazard="噪声",
    principal="",
    hygiene_manager="",
):
    """An imported declaration by the system, with one hazard that all its exposed workers share."""
    return actions.declaration_import(
        user=None,
        enterprise=enterprise,
        receipt_no=receipt_no,
        kind=kind,
        declared_on=declared_on,
        employees=employees,
        exposed_total=exposed,
        hazards=[(None, hazard, exposed)],
        principal=principal,
        hygiene_manager=hygiene_manager,
    )


def test_generation_applies_inclusion_rules(world):
    assert Industry.objects.get(code="3311").risk_class == "serious"
    hl = _generate()
    on_list = set(HazardListEntry.objects.filter(hazard_list=hl).values_list("enterprise__name", flat=True))
    assert world["serious"].name in on_list
    assert world["suspended_recent"].name in on_list
    assert world["candidate"].name in on_list
    assert world["unlisted"].name not in on_list  # no evidence at all
    assert world["cancelled"].name not in on_list
    assert world["suspended_long"].name not in on_list
    entry = HazardListEntry.objects.get(hazard_list=hl, enterprise=world["serious"])
    assert entry.reasons == ["industry_serious"]
    assert hl.summary["excluded"]["已注销"] == 1


def test_declared_hazards_put_an_unlisted_employer_on_the_list(world):
    _declare(
        world["unlisted"], "R1", D(2025, 6, 1), employees=20, exposed=3, principal="王", hygiene_manager="李"
    )
    hl = _generate()
    entry = HazardListEntry.objects.get(hazard_list=hl, enterprise=world["unlisted"])
    assert entry.reasons == ["declared_hazards"]


def test_regeneration_is_idempotent_and_keeps_confirmations(world, cast):
    hl = _generate()
    n = hl.entries.count()
    entry = HazardListEntry.objects.get(hazard_list=hl, enterprise=world["serious"])
    actions.entry_confirm(user=cast["yubei"], entry=entry, status=EntryStatus.NO_HAZARDS, today=D(2026, 2, 3))
    hl = _generate()
    assert hl.entries.count() == n
    assert hl.summary["created"] == 0
    entry.refresh_from_db()
    assert entry.status == EntryStatus.NO_HAZARDS and entry.confirmed_on == D(2026, 2, 3)
    # The employer has meanwhile been cancelled: a confirmed entry stays, a pending one goes.
    Enterprise.objects.filter(pk=world["suspended_recent"].pk).update(
        status="cancelled", cancelled_on=D(2026, 1, 5)
    )
    Enterprise.objects.filter(pk=world["serious"].pk).update(status="cancelled", cancelled_on=D(2026, 1, 5))
    hl = _generate()
    assert not hl.entries.filter(enterprise=world["suspended_recent"]).exists()
    assert hl.entries.filter(enterprise=world["serious"]).exists()


def test_push_confirm_overdue_and_hand_over(world, cast):
    hl = _generate()
    assert (
        actions.hazard_list_push(user=cast["city"], hazard_list=hl, today=D(2026, 1, 31))
        == hl.entries.count()
    )
    entry = HazardListEntry.objects.get(hazard_list=hl, enterprise=world["suspended_recent"])
    assert entry.due_on == D(2026, 2, 28)  # one month after 01-31, clamped
    assert not HazardListEntry.objects.confirmation_overdue(D(2026, 2, 28)).filter(pk=entry.pk).exists()
    assert HazardListEntry.objects.confirmation_overdue(D(2026, 3, 1)).filter(pk=entry.pk).exists()
    assert entry.is_overdue(D(2026, 3, 1))
    # 万州 cannot confirm a 渝北 entry.
    with pytest.raises(PermissionDenied):
        actions.entry_confirm(user=cast["wanzhou"], entry=entry, status=EntryStatus.HAZARDS)
    # 渝北 hands it over to 万州 on 03-05: the clock restarts there.
    actions.entry_hand_over(
        user=cast["yubei"],
        entry=entry,
        to_region=Region.objects.get(code=WANZHOU),
        reason="实际经营地在万州",
        today=D(2026, 3, 5),
    )
    entry.refresh_from_db()
    assert (
        entry.region_id == WANZHOU and entry.due_on == D(2026, 4, 5) and entry.status == EntryStatus.PENDING
    )
    assert entry.enterprise.region_id == WANZHOU
    assert not HazardListEntry.objects.for_user(cast["yubei"]).filter(pk=entry.pk).exists()
    assert HazardListEntry.objects.for_user(cast["wanzhou"]).filter(pk=entry.pk).exists()
    assert not HazardListEntry.objects.confirmation_overdue(D(2026, 3, 20)).filter(pk=entry.pk).exists()
    actions.entry_confirm(user=cast["wanzhou"], entry=entry, status=EntryStatus.HAZARDS, today=D(2026, 4, 10))
    assert not HazardListEntry.objects.confirmation_overdue(D(2026, 5, 1)).filter(pk=entry.pk).exists()
    with pytest.raises(ValidationError):
        actions.entry_confirm(user=cast["wanzhou"], entry=entry, status="handed_over")


def test_duplicate_without_own_entry_moves_the_entry(world, cast):
    hl = _generate()
    keep = _ent("重庆保留单位有限公司", industry="5211")  # not on the list itself
    dup = HazardListEntry.objects.get(hazard_list=hl, enterprise=world["serious"])
    result = actions.entry_mark_duplicate(user=cast["yubei"], entry=dup, keep=keep, today=D(2026, 2, 10))
    assert result.status == EntryStatus.DUPLICATE and result.duplicate_of == keep
    # With the intake merge present the employer is merged away and the entry now points to ``keep``.
    assert not Enterprise.objects.filter(pk=world["serious"].pk).exists()
    assert result.enterprise_id == keep.pk


def test_duplicate_records_the_link(world, cast):
    hl = _generate()
    other = _ent("重庆严重行业甲有限公司（重复）")
    entry = HazardListEntry.objects.create(
        hazard_list=hl, enterprise=other, region_id=YUBEI, reasons=["industry_serious"]
    )
    result = actions.entry_mark_duplicate(
        user=cast["yubei"], entry=entry, keep=world["serious"], today=D(2026, 2, 10)
    )
    assert result.status in (EntryStatus.DUPLICATE, EntryStatus.PENDING)
    if result.pk == entry.pk:
        assert result.duplicate_of == world["serious"]


def test_district_found_report_deadline(world, cast):
    hl = _generate()
    e = _ent("重庆区县发现庚有限公司", industry="5211")
    entry = actions.entry_add_found(
        user=cast["yubei"], hazard_list=hl, enterprise=e, discovered_on=D(2026, 3, 31), today=D(2026, 4, 1)
    )
    assert entry.reasons == ["district_found"] and entry.report_due_on == D(2026, 4, 30)
    assert not HazardListEntry.objects.report_overdue(D(2026, 4, 30)).filter(pk=entry.pk).exists()
    assert HazardListEntry.objects.report_overdue(D(2026, 5, 1)).filter(pk=entry.pk).exists()
    actions.entry_report(user=cast["yubei"], entry=entry, today=D(2026, 5, 2))
    assert not HazardListEntry.objects.report_overdue(D(2026, 6, 1)).filter(pk=entry.pk).exists()
    # Re-generation keeps district additions (with their reason).
    hl = _generate()
    entry.refresh_from_db()
    assert "district_found" in entry.reasons
    with pytest.raises(PermissionDenied):
        actions.entry_add_found(
            user=cast["wanzhou"],
            hazard_list=hl,
            enterprise=e,
            discovered_on=D(2026, 3, 1),
            today=D(2026, 4, 1),
        )


def test_undeclared_ordered_by_priority(db):
    general = Industry.objects.filter(risk_class="general", section="C").first().code
    small_industrial = _ent("重庆小型制造甲有限公司", employees=3)
    big_general = _ent("重庆一般行业乙有限公司", industry=general, employees=900)
    construction_small = _ent("重庆建筑施工丙有限公司", industry="4710", employees=4)
    construction_big = _ent("重庆建筑施工丁有限公司", industry="4710", employees=30)
    big_industrial = _ent("重庆大型制造戊有限公司", employees=400)
    hl = _generate()
    mine = [small_industrial, big_general, construction_small, construction_big, big_industrial]
    qs = (
        HazardListEntry.objects.filter(hazard_list=hl, enterprise__in=mine)  # not the test cast's employers
        .with_declaration()
        .with_priority()
        .undeclared()
        .order_by("priority", "-enterprise__employees")
    )
    assert [e.enterprise_id for e in qs] == [
        big_industrial.pk,
        small_industrial.pk,
        construction_big.pk,
        construction_small.pk,
        big_general.pk,
    ]
    world = {"serious": big_industrial}
    _declare(world["serious"], "R9", D(2026, 2, 1), hazard="电焊烟尘", principal="a", hygiene_manager="b")
    undeclared = HazardListEntry.objects.filter(hazard_list=hl).with_declaration().undeclared()
    assert not undeclared.filter(enterprise=world["serious"]).exists()
    # A later 注销 makes the employer count as not declared again.
    actions.declaration_import(
        user=None,
        enterprise=world["serious"],
        receipt_no="R10",
        kind="cancel",
        declared_on=D(2026, 3, 1),
        employees=None,
        exposed_total=None,
        hazards=[],
        principal="",
        hygiene_manager="",
    )
    undeclared = HazardListEntry.objects.filter(hazard_list=hl).with_declaration().undeclared()
    assert undeclared.filter(enterprise=world["serious"]).exists()


def test_priority_expression_agrees_with_rule(world):

    _ent("重庆批发零售壬有限公司", industry="5211", employees=300)
    hl = _generate()
    for entry in (
        HazardListEntry.objects.filter(hazard_list=hl).with_priority().select_related("enterprise__industry")
    ):
        e = entry.enterprise
        assert entry.priority == rules.priority(
            industry_risk=e.industry_risk,
            section=e.industry.section if e.industry else None,
            employees=e.employees,
        )


def test_notice_docx_has_legal_basis_and_number(world, cast):

    n1 = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 3, 2))
    n2 = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 3, 3))
    assert n1.number == "渝职申告-500112-2026-0001" and n2.number.endswith("-0002")
    text = "\n".join(
        p.text for p in Document(io.BytesIO(bytes(Notice.objects.get(pk=n1.pk).file.content))).paragraphs
    )
    assert "第十六条" in text and "第七十一条" in text and "第48号）第二条" in text
    assert "第八条" in text and world["serious"].name in text and "自收到本告知单之日起15日内" in text
    with pytest.raises(PermissionDenied):
        actions.notice_issue(user=cast["wanzhou"], enterprise=world["serious"], today=D(2026, 3, 2))
    # The employer declares after the notice: the notice is answered.
    _declare(world["serious"], "N1", D(2026, 3, 10), kind="初次申报", exposed=5)
    assert set(Notice.objects.values_list("status", flat=True)) == {"declared"}


def test_online_declaration_receipt_and_change_triggers(world, cast, enterprises):
    ent = enterprises["yubei"]
    manager = cast["manager"]
    todo = actions.declaration_todo(enterprise=ent, today=D(2026, 11, 3))
    assert todo[0]["message"].startswith("您单位尚未进行职业病危害项目申报")
    with pytest.raises(ValidationError):  # change before any declaration
        actions.declaration_submit(
            user=manager, enterprise=ent, kind="change", data={}, hazards=[{"hazard_name": "噪声"}]
        )
    d = actions.declaration_submit(
        user=manager,
        enterprise=ent,
        kind="initial",
        declared_on=D(2026, 10, 1),
        data={"employees": 50, "exposed_total": 12, "principal": "张"},
        hazards=[{"workplace": "焊接车间", "hazard_name": "电焊烟尘", "exposed_count": 12}],
    )
    assert d.receipt_no == "渝职申-500112-2026-000001"
    assert d.hazards.get().workplace == "焊接车间"
    trigger = actions.change_trigger_record(
        user=manager, enterprise=ent, kind="name_change", occurred_on=D(2026, 11, 2), today=D(2026, 11, 3)
    )
    todo = actions.declaration_todo(enterprise=ent, today=D(2026, 11, 3))
    assert [t["message"] for t in todo] == ["您单位于2026-11-02变更了名称，请在2026-11-17前完成变更申报"]
    assert actions.declaration_todo(enterprise=ent, today=D(2026, 11, 18))[0]["overdue"] is True
    d2 = actions.declaration_submit(
        user=manager,
        enterprise=ent,
        kind="change",
        declared_on=D(2026, 11, 10),
        data={"employees": 50, "exposed_total": 12},
        hazards=[{"hazard_name": "电焊烟尘", "exposed_count": 12}],
    )
    trigger.refresh_from_db()
    assert trigger.fulfilled_by == d2 and d2.receipt_no.endswith("000002")
    assert actions.declaration_todo(enterprise=ent, today=D(2026, 11, 18)) == []
    with pytest.raises(PermissionDenied):
        actions.declaration_submit(
            user=manager,
            enterprise=enterprises["wanzhou"],
            kind="initial",
            data={},
            hazards=[{"hazard_name": "噪声"}],
        )


def test_annual_update_is_configuration(enterprises, settings):
    ent = enterprises["yubei"]
    _declare(ent, "A1", D(2025, 3, 1), exposed=5)
    settings.OHSTEWARD_DECLARATION_ANNUAL_UPDATE = ""
    assert actions.declaration_todo(enterprise=ent, today=D(2026, 7, 1)) == []
    settings.OHSTEWARD_DECLARATION_ANNUAL_UPDATE = "06-30"
    todo = actions.declaration_todo(enterprise=ent, today=D(2026, 7, 1))
    assert todo[0]["kind"] == "annual" and todo[0]["overdue"] and "2026-06-30" in todo[0]["message"]


def test_spot_check_sample_is_reproducible(world, cast):
    for i in range(30):
        _ent(f"重庆抽样{i}有限公司", region=YUBEI if i % 3 else WANZHOU)
    hl = _generate()
    a = actions.spot_check_create(user=cast["city"], hazard_list=hl, seed=7, fraction=0.2, minimum=2)
    b = actions.spot_check_create(user=cast["city"], hazard_list=hl, seed=7, fraction=0.2, minimum=2)
    ids = lambda c: sorted(c.items.values_list("enterprise_id", flat=True))  # noqa: E731
    assert ids(a) == ids(b)
    by_region = {r: a.items.filter(region_id=r).count() for r in (YUBEI, WANZHOU)}
    assert by_region[YUBEI] >= 2 and by_region[WANZHOU] >= 2
    item = a.items.filter(region_id=YUBEI).first()
    # the city records; districts (whose assessment it is) cannot, not even for their own employers
    for district_user in (cast["wanzhou"], cast["yubei"]):
        with pytest.raises(PermissionDenied):
            actions.spot_check_record(user=district_user, item=item, data={"declared": True})
    actions.spot_check_record(
        user=cast["city"], item=item, data={"declared": True, "industry_ok": False}, today=D(2026, 9, 1)
    )
    rates = {r["region_id"]: r for r in reports.spot_check_rates(a, user=cast["city"])}
    assert rates[YUBEI]["declared_rate"] == 100.0 and rates[YUBEI]["industry_ok_rate"] == 0.0
    assert rates[YUBEI]["checked"] == 1
    assert [r["region_id"] for r in reports.spot_check_rates(a, user=cast["yubei"])] == [YUBEI]


def test_dispatch_figures(world, cast):
    hl = _generate()
    actions.hazard_list_push(user=None, hazard_list=hl, today=D(2026, 2, 1))
    entry = hl.entries.get(enterprise=world["serious"])
    actions.entry_confirm(user=cast["yubei"], entry=entry, status=EntryStatus.HAZARDS, today=D(2026, 2, 10))
    _declare(world["serious"], "Q1", D(2026, 8, 1))
    actions.guidance_visit_record(
        user=cast["yubei"],
        enterprise=world["serious"],
        visited_on=D(2026, 7, 15),
        visitors="张、李",
        findings="未申报",
        today=D(2026, 7, 15),
    )
    f = reports.dispatch_figures(user=cast["city"], year=2026, quarter=3, today=D(2026, 10, 8))
    yubei = next(r for r in f["districts"] if r["region_id"] == YUBEI)
    # 渝北: 严重甲, 停业不久丁 and the cast's two 渝北 employers (all 3311 严重).
    assert yubei["list_size"] == 4 and yubei["confirmed"] == 1 and yubei["confirmed_pct"] == 25.0
    assert yubei["declared"] == 1 and yubei["declaration_rate"] == 25.0
    assert yubei["serious"] == 4 and yubei["serious_declared"] == 1 and yubei["serious10"] == 4
    assert yubei["new_declared"] == 1 and yubei["visits"] == 1 and yubei["overdue"] == 3
    assert f["total"]["list_size"] == hl.entries.count()
    only = reports.dispatch_figures(user=cast["yubei"], year=2026, quarter=3, today=D(2026, 10, 8))
    assert [r["region_id"] for r in only["districts"]] == [YUBEI]

    wb = load_workbook(io.BytesIO(reports.dispatch_xlsx(f)))
    ws = wb.active
    assert ws.cell(1, 1).value == "区县" and ws.cell(ws.max_row, 1).value == "合计"


def test_hazard_list_exists():
    assert HazardList.objects.count() == 0 and Declaration.objects.count() == 0


@pytest.mark.django_db
def test_only_city_wide_users_generate_push_or_draw_a_spot_check_whatever_the_entry_point(cast, enterprises):
    """The city-only rules live in the actions, so the API and the CLI obey them too (issue 7 item 4)."""

    with pytest.raises(PermissionDenied, match="只有市级用户可以生成名单"):
        a.hazard_list_generate(user=cast["yubei"], year=2026)
    hazard_list = a.hazard_list_generate(user=cast["city"], year=2026)
    with pytest.raises(PermissionDenied, match="只有市级用户可以下发名单"):
        a.hazard_list_push(user=cast["yubei"], hazard_list=hazard_list)
    with pytest.raises(PermissionDenied, match="只有市级用户可以发起抽查"):
        a.spot_check_create(user=cast["yubei"], hazard_list=hazard_list, seed=1, fraction=0.5, minimum=1)
    assert a.hazard_list_push(user=cast["city"], hazard_list=hazard_list) >= 0


# --------------------------------------------------------------------------------------------
# Quarterly dispatch as of the quarter's last day (issue 8 item 1)
# --------------------------------------------------------------------------------------------


def _yubei(figures):
    return next(r for r in figures["districts"] if r["region_id"] == YUBEI)


def test_a_confirmation_in_december_does_not_change_q1(world, cast):
    hl = _generate()
    actions.hazard_list_push(user=None, hazard_list=hl, today=D(2026, 2, 1))
    entry = hl.entries.get(enterprise=world["serious"])
    q1_before = reports.dispatch_figures(user=cast["city"], year=2026, quarter=1, today=D(2026, 11, 30))
    actions.entry_confirm(user=cast["yubei"], entry=entry, status=EntryStatus.HAZARDS, today=D(2026, 12, 1))
    q1 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=1, today=D(2026, 12, 2))
    q4 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=4, today=D(2026, 12, 2))
    assert _yubei(q1)["confirmed"] == _yubei(q1_before)["confirmed"] == 0
    assert (
        _yubei(q1)["overdue"] == _yubei(q1)["list_size"]
    )  # all pending past the 2026-03-01 deadline on 03-31
    assert _yubei(q4)["confirmed"] == 1 and _yubei(q4)["overdue"] == _yubei(q4)["list_size"] - 1


def test_past_quarter_counts_only_declarations_dated_by_its_end(world, cast):
    hl = _generate()
    actions.hazard_list_push(user=None, hazard_list=hl, today=D(2026, 2, 1))
    _declare(world["serious"], "AUG", D(2026, 8, 1))
    q2 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=2, today=D(2026, 12, 1))
    q3 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=3, today=D(2026, 12, 1))
    assert _yubei(q2)["declared"] == 0 and _yubei(q3)["declared"] == 1


def test_a_reopened_confirmation_still_counts_for_the_quarter_it_was_made_in(world, cast):
    hl = _generate()
    actions.hazard_list_push(user=None, hazard_list=hl, today=D(2026, 2, 1))
    entry = hl.entries.get(enterprise=world["serious"])
    actions.entry_confirm(
        user=cast["yubei"], entry=entry, status=EntryStatus.NO_HAZARDS, today=D(2026, 2, 10)
    )
    actions.entry_reopen(user=cast["yubei"], entry=entry, today=D(2026, 7, 1))
    q1 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=1, today=D(2026, 12, 1))
    q3 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=3, today=D(2026, 12, 1))
    assert _yubei(q1)["confirmed"] == 1 and _yubei(q1)["with_hazards"] == _yubei(q1)["list_size"] - 1
    assert _yubei(q3)["confirmed"] == 0


def test_a_later_hand_over_leaves_the_entry_in_its_old_district_for_past_quarters(world, cast):
    hl = _generate()
    actions.hazard_list_push(user=None, hazard_list=hl, today=D(2026, 2, 1))
    entry = hl.entries.get(enterprise=world["serious"])
    before = _yubei(reports.dispatch_figures(user=cast["city"], year=2026, quarter=1, today=D(2026, 12, 1)))
    actions.entry_hand_over(
        user=cast["yubei"], entry=entry, to_region=Region.objects.get(code=WANZHOU), today=D(2026, 11, 20)
    )
    q1 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=1, today=D(2026, 12, 1))
    q4 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=4, today=D(2026, 12, 1))
    assert _yubei(q1)["list_size"] == before["list_size"]
    assert _yubei(q4)["list_size"] == before["list_size"] - 1
    # the district's own view of Q1 still has it (as of then it was the district's)
    own = reports.dispatch_figures(user=cast["yubei"], year=2026, quarter=1, today=D(2026, 12, 1))
    assert [r["region_id"] for r in own["districts"]] == [YUBEI]


def test_entries_pushed_after_a_quarter_are_not_in_it(world, cast):
    hl = _generate()
    actions.hazard_list_push(user=None, hazard_list=hl, today=D(2026, 4, 2))
    q1 = reports.dispatch_figures(user=cast["city"], year=2026, quarter=1, today=D(2026, 12, 1))
    assert q1["districts"] == [] and q1["total"]["confirmed_pct"] is None


def test_a_published_quarter_is_frozen(world, cast):
    hl = _generate()
    actions.hazard_list_push(user=None, hazard_list=hl, today=D(2026, 2, 1))
    entry = hl.entries.get(enterprise=world["serious"])
    actions.entry_confirm(user=cast["yubei"], entry=entry, status=EntryStatus.HAZARDS, today=D(2026, 2, 10))
    with pytest.raises(ValidationError):  # the quarter is not over
        actions.dispatch_publish(user=cast["city"], year=2026, quarter=1, today=D(2026, 3, 31))
    with pytest.raises(PermissionDenied):
        actions.dispatch_publish(user=cast["yubei"], year=2026, quarter=1, today=D(2026, 4, 1))
    snapshot = actions.dispatch_publish(user=cast["city"], year=2026, quarter=1, today=D(2026, 4, 1))
    assert snapshot.published_by == cast["city"] and snapshot.as_of == D(2026, 3, 31)
    published = reports.dispatch_for(user=cast["city"], year=2026, quarter=1, today=D(2026, 4, 1))
    # later facts dated inside the quarter (an import of a February declaration) do not change it
    _declare(world["serious"], "FEB", D(2026, 2, 15))
    later = reports.dispatch_for(user=cast["city"], year=2026, quarter=1, today=D(2026, 12, 1))
    assert later["snapshot"] == snapshot
    assert _yubei(later) == _yubei(published) and _yubei(later)["declared"] == 0
    assert (
        reports.dispatch_figures(user=cast["city"], year=2026, quarter=1, today=D(2026, 12, 1))["total"][
            "declared"
        ]
        == 1
    )  # what a recomputation would say
    with pytest.raises(ValidationError):
        actions.dispatch_publish(user=cast["city"], year=2026, quarter=1, today=D(2026, 12, 1))

    row = DispatchSnapshotRow.objects.filter(snapshot=snapshot).first()
    row.figures = {"list_size": 0}
    with pytest.raises(FrozenError):
        row.save()
    # a district sees only its own frozen row
    own = reports.dispatch_for(user=cast["yubei"], year=2026, quarter=1, today=D(2026, 12, 1))
    assert [r["region_id"] for r in own["districts"]] == [YUBEI]
    assert own["total"]["list_size"] == _yubei(published)["list_size"]


# --------------------------------------------------------------------------------------------
# Notice delivery (issue 8 item 4)
# --------------------------------------------------------------------------------------------


def test_a_generated_notice_is_not_delivered_and_sets_no_deadline(world, cast):
    notice = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 3, 2))
    assert notice.status == "issued" and notice.get_status_display() == "已制作，未送达"
    assert notice.deadline_on is None and not notice.delivered
    assert list(Notice.objects.for_user(cast["yubei"]).undelivered()) == [notice]


def test_the_notice_deadline_counts_from_delivery(world, cast):

    notice = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 3, 2))
    actions.notice_deliver(
        user=cast["yubei"],
        notice=notice,
        delivered_on=D(2026, 3, 20),
        method="post",
        note="EMS 1234",
        today=D(2026, 3, 25),
    )
    notice.refresh_from_db()
    assert notice.status == "delivered" and notice.deadline_on == D(2026, 4, 4)  # 20 March + 15 days
    assert notice.delivered_by == cast["yubei"] and Notice.objects.undelivered().count() == 0
    assert AuditLog.objects.filter(
        content_type__model="notice",
        object_id=str(notice.pk),
        action="update",
        changes__has_key="delivered_on",
    ).exists()


def test_notice_delivery_is_validated_and_scoped(world, cast):
    notice = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        actions.notice_deliver(
            user=cast["wanzhou"],
            notice=notice,
            delivered_on=D(2026, 3, 3),
            method="post",
            today=D(2026, 3, 5),
        )
    for kwargs, field in [
        ({"delivered_on": D(2026, 3, 1), "method": "post"}, "delivered_on"),
        ({"delivered_on": D(2026, 3, 9), "method": "post"}, "delivered_on"),
        ({"delivered_on": D(2026, 3, 3), "method": "fax"}, "delivery_method"),
        ({"delivered_on": D(2026, 3, 3), "method": "direct"}, "signed_by"),
        (
            {"delivered_on": D(2026, 3, 3), "method": "post", "scan": b"x", "scan_type": "text/html"},
            "receipt_scan",
        ),
    ]:
        with pytest.raises(ValidationError) as exc:
            actions.notice_deliver(user=cast["yubei"], notice=notice, today=D(2026, 3, 5), **kwargs)
        assert field in exc.value.message_dict, kwargs


def test_a_signed_receipt_scan_is_stored_with_the_delivery(world, cast):
    notice = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 3, 2))
    actions.notice_deliver(
        user=cast["yubei"],
        notice=notice,
        delivered_on=D(2026, 3, 3),
        method="direct",
        signed_by="王某",
        scan=b"%PDF-1.4 scan",
        scan_name="回执.pdf",
        scan_type="application/pdf",
        today=D(2026, 3, 5),
    )
    stored = Notice.objects.get(pk=notice.pk)
    assert stored.signed_by == "王某" and bytes(stored.file.receipt_scan) == b"%PDF-1.4 scan"
    assert stored.file.receipt_scan_name == "回执.pdf"


# --------------------------------------------------------------------------------------------
# The notice as an official document (issue 8 item 13)
# --------------------------------------------------------------------------------------------


def _notice_document(notice):

    return Document(io.BytesIO(bytes(Notice.objects.get(pk=notice.pk).file.content)))


def test_the_notice_is_an_a4_gbt9704_document_with_named_chinese_fonts(world, cast):

    notice = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 12, 1))
    doc = _notice_document(notice)
    section = doc.sections[0]
    mm = [
        round(x.mm)
        for x in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.left_margin,
            section.right_margin,
            section.bottom_margin,
        )
    ]
    assert mm == [210, 297, 37, 28, 26, 35]  # A4; 天头 37, 订口 28, 版心 156 × 225
    assert not any(p.style.name.startswith("Heading") or p.style.name == "Title" for p in doc.paragraphs)
    assert "Heading 1" not in [s.name for s in doc.styles]
    title = doc.paragraphs[0]
    assert title.text == "职业病危害项目申报告知单"
    rfonts = title.runs[0]._r.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    body = next(p for p in doc.paragraphs if p.text.startswith("经核查"))
    assert body.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.runs[0].font.size.pt == 16
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    font_table = doc.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    ).blob.decode()
    assert 'w:name="方正小标宋简体"' in font_table and '<w:altName w:val="宋体"/>' in font_table
    assert '<w:altName w:val="仿宋"/>' in font_table


def test_the_notice_carries_doc_number_seal_and_chinese_date_with_placeholders_filled(world, cast):
    for _ in range(11):
        actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 11, 30))
    notice = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 12, 1))
    assert notice.doc_number == "渝北卫健告〔2026〕12号"
    doc = _notice_document(notice)
    texts = [p.text for p in doc.paragraphs]
    full = "\n".join(texts) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "渝北卫健告〔2026〕12号" in texts and "渝北区卫生健康委员会（盖章）" in texts
    assert "二〇二六年十二月一日" in texts
    assert "{{" not in full and "{%" not in full and "自收到本告知单之日起15日内" in full
    assert world["serious"].name + "：" in texts


def test_the_notice_quotes_the_declaration_rules_verbatim_or_not_at_all(world, cast):
    notice = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 12, 1))
    full = "\n".join(p.text for p in _notice_document(notice).paragraphs)
    # 48号令 第二条 as published (it names the then 安全生产监督管理部门), the reform noted outside the quotes
    assert (
        "“用人单位（煤矿除外）工作场所存在职业病目录所列职业病的危害因素的，应当及时、如实向所在地安全生产监督管理部门"
        "申报危害项目，并接受安全生产监督管理部门的监督管理。”" in full
    )
    assert (
        "“用人单位（煤矿除外）工作场所存在职业病目录所列职业病的危害因素的，应当及时、如实向所在地卫生健康主管部门"
        not in full
    )


def test_a_district_template_replaces_the_default_and_unknown_placeholders_are_refused(world, cast):

    yubei = Region.objects.get(code=YUBEI)
    doc = documents.gbt9704_document()
    doc.add_paragraph("渝北区专用告知单 {{ doc_number }} {{ enterprise_name }} {{ date_cn }}")
    actions.notice_template_upload(
        user=cast["yubei"], region=yubei, content=documents.to_bytes(doc), name="渝北.docx"
    )
    notice = actions.notice_issue(user=cast["yubei"], enterprise=world["serious"], today=D(2026, 12, 1))
    texts = [p.text for p in _notice_document(notice).paragraphs]
    assert f"渝北区专用告知单 渝北卫健告〔2026〕1号 {world['serious'].name} 二〇二六年十二月一日" in texts
    bad = documents.gbt9704_document()
    bad.add_paragraph("{{ unknown_field }}")
    with pytest.raises(ValidationError, match="unknown_field"):
        actions.notice_template_upload(
            user=cast["yubei"], region=yubei, content=documents.to_bytes(bad), name="x.docx"
        )
    with pytest.raises(ValidationError):
        actions.notice_template_upload(user=cast["yubei"], region=yubei, content=b"not a docx", name="x.docx")
    with pytest.raises(PermissionDenied):
        actions.notice_template_upload(
            user=cast["wanzhou"], region=yubei, content=documents.to_bytes(doc), name="x.docx"
        )
    actions.notice_template_reset(user=cast["yubei"], region=yubei)
    assert not NoticeTemplate.objects.exists()


def test_the_default_template_is_reproducible_from_its_build_script():

    committed = Document(str(DEFAULT_NOTICE_TEMPLATE))
    rebuilt = Document(io.BytesIO(build_notice_template.build()))
    assert [p.text for p in committed.paragraphs] == [p.text for p in rebuilt.paragraphs]
    assert DocxTemplate(str(DEFAULT_NOTICE_TEMPLATE)).get_undeclared_template_variables() == set(
        build_notice_template.PLACEHOLDERS
    )


def test_an_online_declaration_with_exposed_workers_but_no_workforce_is_refused(world, cast):
    with pytest.raises(ValidationError, match="请同时填写从业人员数"):
        actions.declaration_submit(
            user=None,
            enterprise=world["serious"],
            kind="initial",
            data={"employees": None, "exposed_total": 50},
            hazards=[{"hazard_name": "噪声", "exposed_count": 50}],
            declared_on=D(2026, 3, 1),
        )
    with pytest.raises(ValidationError, match="不能超过从业人员数"):
        actions.declaration_submit(
            user=None,
            enterprise=world["serious"],
            kind="initial",
            data={"employees": 10, "exposed_total": 50},
            hazards=[{"hazard_name": "噪声", "exposed_count": 50}],
            declared_on=D(2026, 3, 1),
        )
