"""Pages: every page renders for the roles that use it; scope answers 404; HTMX partials."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ohsteward.conftest import PASSWORD
from ohsteward.declarations import actions
from ohsteward.declarations.choices import EntryStatus
from ohsteward.declarations.models import Declaration, HazardListEntry, Notice

pytestmark = pytest.mark.django_db


def _client(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def listed(cast, enterprises):
    today = timezone.localdate()
    hl = actions.hazard_list_generate(user=None, year=today.year, as_of=today)
    actions.hazard_list_push(user=None, hazard_list=hl, today=today - dt.timedelta(days=40))
    return hl


def test_pages_render_for_city(client, cast, listed):
    c = _client(client, cast["city"])
    for name in ["home", "entry_list", "confirm", "undeclared", "notice_list", "declaration_list", "spotcheck_list",
                 "dispatch", "entry_add"]:
        r = c.get(reverse(f"declarations:{name}"))
        assert r.status_code == 200, name
    r = c.get(reverse("declarations:entry_list"))
    assert "重庆渝北示例机械制造有限公司" in r.content.decode() and "重庆万州示例化工有限责任公司" in r.content.decode()
    assert "行业风险严重" in r.content.decode()


def test_exports_are_xlsx(client, cast, listed):
    from openpyxl import load_workbook

    c = _client(client, cast["yubei"])
    for name in ["entry_export", "undeclared_export", "dispatch_export"]:
        r = c.get(reverse(f"declarations:{name}"))
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml"), name
        ws = load_workbook(io.BytesIO(r.content)).active
        text = " ".join(str(cell.value) for row in ws.iter_rows() for cell in row)
        assert "万州" not in text, name
    ws = load_workbook(io.BytesIO(c.get(reverse("declarations:entry_export")).content)).active
    assert ws.max_row == 3  # header + the two 渝北 employers


def test_district_sees_only_its_part(client, cast, listed, enterprises):
    c = _client(client, cast["yubei"])
    body = c.get(reverse("declarations:entry_list")).content.decode()
    assert "重庆渝北示例机械制造有限公司" in body and "重庆万州示例化工有限责任公司" not in body
    wanzhou_entry = HazardListEntry.objects.get(enterprise=enterprises["wanzhou"])
    assert c.get(reverse("declarations:entry_detail", args=[wanzhou_entry.pk])).status_code == 404
    r = c.post(reverse("declarations:entry_confirm", args=[wanzhou_entry.pk]), {"status": "hazards"})
    assert r.status_code == 404
    wanzhou_entry.refresh_from_db()
    assert wanzhou_entry.status == EntryStatus.PENDING
    assert c.post(reverse("declarations:notice_create", args=[wanzhou_entry.pk])).status_code == 404


def test_confirm_page_htmx_and_overdue(client, cast, listed, enterprises):
    c = _client(client, cast["yubei"])
    body = c.get(reverse("declarations:confirm")).content.decode()
    assert "overdue-badge" in body  # pushed 40 days ago
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei"])
    r = c.post(reverse("declarations:entry_confirm", args=[entry.pk]), {"status": "no_hazards"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "已核实：不存在职业病危害" in r.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.NO_HAZARDS and entry.confirmed_by == cast["yubei"]
    r = c.post(reverse("declarations:entry_reopen", args=[entry.pk]), HTTP_HX_REQUEST="true")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING


def test_hand_over_visit_notice_flow(client, cast, listed, enterprises):
    c = _client(client, cast["yubei"])
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei2"])
    r = c.post(reverse("declarations:visit_create", args=[entry.pk]),
               {"visited_on": timezone.localdate().isoformat(), "visitors": "张三、李四", "findings": "未申报，存在粉尘",
                "next_step": "两周内申报"})
    assert r.status_code == 302
    r = c.post(reverse("declarations:notice_create", args=[entry.pk]), {"deadline_days": 15})
    assert r.status_code == 302
    notice = Notice.objects.get()
    r = c.get(reverse("declarations:notice_download", args=[notice.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = c.get(reverse("declarations:notice_list") + "?export=1")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert _client(client, cast["wanzhou"]).get(reverse("declarations:notice_download", args=[notice.pk])).status_code == 404
    c = _client(client, cast["yubei"])
    r = c.post(reverse("declarations:entry_hand_over", args=[entry.pk]), {"to_region": "500101", "reason": "地址在万州"})
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.region_id == "500101"
    assert c.get(reverse("declarations:entry_detail", args=[entry.pk])).status_code == 404


def test_manager_declares_online(client, cast, enterprises):
    c = _client(client, cast["manager"])
    body = c.get(reverse("declarations:home")).content.decode()
    assert "尚未进行职业病危害项目申报" in body
    assert c.get(reverse("declarations:declare")).status_code == 200
    data = {"enterprise": enterprises["yubei"].pk, "kind": "initial", "employees": 50, "exposed_total": 12,
            "principal": "张三", "hygiene_manager": "李四", "principal_trained": "true", "manager_trained": "unknown",
            "hz-TOTAL_FORMS": 3, "hz-INITIAL_FORMS": 0, "hz-MIN_NUM_FORMS": 0, "hz-MAX_NUM_FORMS": 200,
            "hz-0-workplace": "焊接车间", "hz-0-hazard_name": "噪声", "hz-0-exposed_count": 12,
            "hz-1-workplace": "", "hz-1-hazard_name": "不存在的因素", "hz-1-exposed_count": 1}
    r = c.post(reverse("declarations:declare"), data)
    assert r.status_code == 200 and "不在目录中" in r.content.decode()
    data.update({"hz-1-hazard_name": ""})
    r = c.post(reverse("declarations:declare"), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Declaration.objects.get()
    assert d.receipt_no.startswith("渝职申-500112-") and d.hazards.get().hazard_factor is not None
    r = c.post(reverse("declarations:trigger_create"), {"kind": "name_change",
                                                         "occurred_on": timezone.localdate().isoformat()})
    body = c.get(reverse("declarations:home")).content.decode()
    assert "变更了名称，请在" in body
    # The manager cannot see the list nor another employer's declaration form.
    assert c.get(reverse("declarations:entry_list")).status_code == 403
    assert c.get(reverse("declarations:declare") + f"?enterprise={enterprises['wanzhou'].pk}").status_code == 404


def test_spot_check_pages(client, cast, listed):
    c = _client(client, cast["city"])
    r = c.post(reverse("declarations:spotcheck_list"), {"seed": 1, "fraction": "0.5", "minimum": 1, "name": ""})
    assert r.status_code == 302
    detail = c.get(r["Location"])
    assert detail.status_code == 200 and "申报率%" in detail.content.decode()
    c = _client(client, cast["yubei"])
    assert c.post(reverse("declarations:spotcheck_list"), {"seed": 1, "fraction": "0.5", "minimum": 1}).status_code == 403
    from ohsteward.declarations.models import SpotCheckItem

    item = SpotCheckItem.objects.filter(region_id="500112").first()
    r = c.post(reverse("declarations:spotcheck_item_record", args=[item.pk]), {"declared": "true"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "由市级卫生健康委录入" in r.content.decode()
    item.refresh_from_db()
    assert item.declared is None
    c = _client(client, cast["city"])
    r = c.post(reverse("declarations:spotcheck_item_record", args=[item.pk]),
               {"declared": "true", "industry_ok": "false"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "已保存" in r.content.decode()
    c = _client(client, cast["yubei"])
    item.refresh_from_db()
    assert item.declared is True and item.industry_ok is False and item.size_ok is None
    other = SpotCheckItem.objects.filter(region_id="500101").first()
    if other is not None:
        assert c.post(reverse("declarations:spotcheck_item_record", args=[other.pk]), {"declared": "true"}).status_code == 404


def test_dispatch_page_has_chart_data(client, cast, listed):
    r = _client(client, cast["city"]).get(reverse("declarations:dispatch"))
    body = r.content.decode()
    assert 'id="chart-data"' in body and "渝北区" in body and "echarts.min.js" in body
    r = client.get(reverse("declarations:district_geojson"))
    assert r.status_code == 200 and "梁平区" in r.content.decode() and "梁平县" not in r.content.decode()


def test_generate_only_citywide(client, cast):
    c = _client(client, cast["yubei"])
    assert c.post(reverse("declarations:list_generate"), {"year": 2026}).status_code == 403
    c = _client(client, cast["cdc"])
    r = c.post(reverse("declarations:list_generate"), {"year": 2026, "push": "1"})
    assert r.status_code == 302
    assert HazardListEntry.objects.filter(hazard_list__year=2026, pushed_on__isnull=False).count() == 3


def test_list_pages_query_count_does_not_grow(client, cast, listed, django_assert_max_num_queries):
    from ohsteward.registry.models import Region
    from ohsteward.registry.tests.factories import EnterpriseFactory

    c = _client(client, cast["city"])
    for i in range(15):
        EnterpriseFactory(name=f"重庆查询计数{i}有限公司", region=Region.objects.get(code="500112"))
    actions.hazard_list_generate(user=None, year=listed.year, as_of=timezone.localdate())
    for name in ["entry_list", "undeclared", "confirm", "dispatch"]:
        with django_assert_max_num_queries(14):
            assert c.get(reverse(f"declarations:{name}") + "?show=all").status_code == 200


def test_generating_the_list_over_a_large_register_runs_as_a_job_with_its_summary(client, cast, settings):
    settings.OHSTEWARD_JOB_THRESHOLD_ROWS = 2  # the cast's register has three employers
    c = _client(client, cast["city"])
    r = c.post(reverse("declarations:list_generate"), {"year": 2026, "push": "1"})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    page = c.get(r["Location"]).content.decode()
    assert "2026年名单生成并下发" in page and "2026年名单已生成：共3家" in page and "已下发3家" in page
    assert HazardListEntry.objects.filter(hazard_list__year=2026, pushed_on__isnull=False).count() == 3
