"""Pages: every page renders for the roles that use it; scope answers 404; HTMX partials."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from ohsteward.conftest import PASSWORD
from ohsteward.core import documents
from ohsteward.declarations import actions
from ohsteward.declarations import urls as declarations_urls
from ohsteward.declarations.choices import EntryStatus
from ohsteward.declarations.models import Declaration, HazardListEntry, Notice, SpotCheckItem
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Post, PostExposure, Region, Workplace
from ohsteward.registry.tests.factories import EnterpriseFactory

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
    for name in [
        "home",
        "entry_list",
        "confirm",
        "undeclared",
        "notice_list",
        "declaration_list",
        "spotcheck_list",
        "dispatch",
        "entry_add",
    ]:
        r = c.get(reverse(f"declarations:{name}"))
        assert r.status_code == 200, name
    r = c.get(reverse("declarations:entry_list"))
    assert (
        "重庆渝北示例机械制造有限公司" in r.content.decode()
        and "重庆万州示例化工有限责任公司" in r.content.decode()
    )
    assert "行业风险严重" in r.content.decode()


def test_exports_are_xlsx(client, cast, listed):

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
    r = c.post(
        reverse("declarations:entry_confirm", args=[entry.pk]),
        {"status": "no_hazards"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "已核实：不存在职业病危害" in r.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.NO_HAZARDS and entry.confirmed_by == cast["yubei"]
    r = c.post(reverse("declarations:entry_reopen", args=[entry.pk]), HTTP_HX_REQUEST="true")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING


def test_hand_over_visit_notice_flow(client, cast, listed, enterprises):
    c = _client(client, cast["yubei"])
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei2"])
    r = c.post(
        reverse("declarations:visit_create", args=[entry.pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "visitors": "张三、李四",
            "findings": "未申报，存在粉尘",
            "next_step": "两周内申报",
        },
    )
    assert r.status_code == 302
    r = c.post(reverse("declarations:notice_create", args=[entry.pk]), {"deadline_days": 15})
    assert r.status_code == 302
    notice = Notice.objects.get()
    r = c.get(reverse("declarations:notice_download", args=[notice.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = c.get(reverse("declarations:notice_list") + "?export=1")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert (
        _client(client, cast["wanzhou"])
        .get(reverse("declarations:notice_download", args=[notice.pk]))
        .status_code
        == 404
    )
    c = _client(client, cast["yubei"])
    r = c.post(
        reverse("declarations:entry_hand_over", args=[entry.pk]),
        {"to_region": "500101", "reason": "地址在万州"},
    )
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.region_id == "500101"
    assert c.get(reverse("declarations:entry_detail", args=[entry.pk])).status_code == 404


def test_manager_declares_online(client, cast, enterprises):
    c = _client(client, cast["manager"])
    body = c.get(reverse("declarations:home")).content.decode()
    assert "尚未进行职业病危害项目申报" in body
    assert c.get(reverse("declarations:declare")).status_code == 200
    data = {
        "enterprise": enterprises["yubei"].pk,
        "kind": "initial",
        "employees": 50,
        "exposed_total": 12,
        "principal": "张三",
        "hygiene_manager": "李四",
        "principal_trained": "true",
        "manager_trained": "unknown",
        "hz-TOTAL_FORMS": 3,
        "hz-INITIAL_FORMS": 0,
        "hz-MIN_NUM_FORMS": 0,
        "hz-MAX_NUM_FORMS": 200,
        "hz-0-workplace": "焊接车间",
        "hz-0-hazard_name": "噪声",
        "hz-0-exposed_count": 12,
        "hz-1-workplace": "",
        "hz-1-hazard_name": "不存在的因素",
        "hz-1-exposed_count": 1,
    }
    r = c.post(reverse("declarations:declare"), data)
    assert r.status_code == 200 and "不在目录中" in r.content.decode()
    data.update({"hz-1-hazard_name": ""})
    r = c.post(reverse("declarations:declare"), data)
    assert r.status_code == 200 and "确认提交" in r.content.decode() and not Declaration.objects.exists()
    r = c.post(reverse("declarations:declare"), {**data, "confirm": "1"})
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Declaration.objects.get()
    assert d.receipt_no.startswith("渝职申-500112-") and d.hazards.get().hazard_factor is not None
    r = c.post(
        reverse("declarations:trigger_create"),
        {"kind": "name_change", "occurred_on": timezone.localdate().isoformat()},
    )
    body = c.get(reverse("declarations:home")).content.decode()
    assert "变更了名称，请在" in body
    # The manager cannot see the list nor another employer's declaration form.
    assert c.get(reverse("declarations:entry_list")).status_code == 403
    assert (
        c.get(reverse("declarations:declare") + f"?enterprise={enterprises['wanzhou'].pk}").status_code == 404
    )


def test_spot_check_pages(client, cast, listed):
    c = _client(client, cast["city"])
    r = c.post(
        reverse("declarations:spotcheck_list"), {"seed": 1, "fraction": "0.5", "minimum": 1, "name": ""}
    )
    assert r.status_code == 302
    detail = c.get(r["Location"])
    assert detail.status_code == 200 and "申报率%" in detail.content.decode()
    c = _client(client, cast["yubei"])
    assert (
        c.post(
            reverse("declarations:spotcheck_list"), {"seed": 1, "fraction": "0.5", "minimum": 1}
        ).status_code
        == 403
    )

    item = SpotCheckItem.objects.filter(region_id="500112").first()
    r = c.post(
        reverse("declarations:spotcheck_item_record", args=[item.pk]),
        {"declared": "true"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "由市级卫生健康委录入" in r.content.decode()
    item.refresh_from_db()
    assert item.declared is None
    c = _client(client, cast["city"])
    r = c.post(
        reverse("declarations:spotcheck_item_record", args=[item.pk]),
        {"declared": "true", "industry_ok": "false"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "已保存" in r.content.decode()
    c = _client(client, cast["yubei"])
    item.refresh_from_db()
    assert item.declared is True and item.industry_ok is False and item.size_ok is None
    other = SpotCheckItem.objects.filter(region_id="500101").first()
    if other is not None:
        assert (
            c.post(
                reverse("declarations:spotcheck_item_record", args=[other.pk]), {"declared": "true"}
            ).status_code
            == 404
        )


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

    c = _client(client, cast["city"])
    for i in range(15):
        EnterpriseFactory(name=f"重庆查询计数{i}有限公司", region=Region.objects.get(code="500112"))
    actions.hazard_list_generate(user=None, year=listed.year, as_of=timezone.localdate())
    for name in ["entry_list", "undeclared", "confirm", "dispatch"]:
        with django_assert_max_num_queries(14):
            assert c.get(reverse(f"declarations:{name}") + "?show=all").status_code == 200


def test_dispatch_page_shows_a_dash_not_dash_percent_for_an_empty_quarter(client, cast, listed):
    year = timezone.localdate().year - 1  # no list that year
    r = _client(client, cast["city"]).get(reverse("declarations:dispatch"), {"year": year, "quarter": 1})
    text = r.content.decode()
    assert "—%" not in text and "<strong>—</strong><span>核实率</span>" in text
    assert "未发布" in text and "发布本季度调度" in text


def test_dispatch_page_publishes_a_past_quarter_for_the_city_only(client, cast, listed):
    year = timezone.localdate().year - 1
    url = reverse("declarations:dispatch_publish")
    r = _client(client, cast["yubei"]).post(url, {"year": year, "quarter": 4})
    assert r.status_code == 403
    client.logout()
    c = _client(client, cast["city"])
    r = c.post(url, {"year": year, "quarter": 4}, follow=True)
    text = r.content.decode()
    assert "已发布" in text and "发布后不再改变" in text and "发布本季度调度" not in text
    current = c.get(reverse("declarations:dispatch")).content.decode()
    assert "实时" in current and "发布本季度调度" not in current


def test_notice_list_shows_undelivered_notices_and_records_delivery(client, cast, listed, enterprises):

    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei2"])
    notice = actions.notice_issue(
        user=cast["yubei"],
        enterprise=entry.enterprise,
        entry=entry,
        today=timezone.localdate() - dt.timedelta(days=2),
    )
    c = _client(client, cast["yubei"])
    text = c.get(reverse("declarations:notice_list"), {"show": "undelivered"}).content.decode()
    assert notice.number in text and '<span id="undelivered-count">1</span>' in text and "登记送达" in text
    url = reverse("declarations:notice_deliver", args=[notice.pk])
    assert c.get(url).status_code == 200
    r = c.post(
        url,
        {
            "delivered_on": timezone.localdate().isoformat(),
            "delivery_method": "direct",
            "signed_by": "",
            "note": "",
        },
    )
    assert r.status_code == 200 and "直接送达请填写签收人" in r.content.decode()
    scan = SimpleUploadedFile("回执.png", b"\x89PNG scan", content_type="image/png")
    r = c.post(
        url,
        {
            "delivered_on": timezone.localdate().isoformat(),
            "delivery_method": "direct",
            "signed_by": "王某",
            "note": "",
            "receipt_scan": scan,
        },
    )
    assert r.status_code == 302
    notice.refresh_from_db()
    assert (
        notice.delivered_on == timezone.localdate()
        and notice.deadline_on == timezone.localdate() + dt.timedelta(15)
    )
    text = c.get(reverse("declarations:notice_list"), {"show": "undelivered"}).content.decode()
    assert (
        f'<td class="mono nowrap">{notice.number}</td>' not in text
        and '<span id="undelivered-count">0</span>' in text
    )
    assert c.get(reverse("declarations:notice_scan", args=[notice.pk])).content == b"\x89PNG scan"
    client.logout()
    other = _client(client, cast["wanzhou"])
    assert other.get(url).status_code == 404
    assert other.get(reverse("declarations:notice_scan", args=[notice.pk])).status_code == 404


def test_a_district_uploads_its_own_notice_template_and_later_notices_use_it(
    client, cast, listed, enterprises
):

    c = _client(client, cast["yubei"])
    url = reverse("declarations:notice_template")
    r = c.get(url)
    assert r.status_code == 200 and "正在使用默认模板" in r.content.decode()
    assert c.get(url, {"default": 1}).content[:2] == b"PK"
    doc = documents.gbt9704_document()
    doc.add_paragraph("渝北专用 {{ doc_number }}")
    upload = SimpleUploadedFile("渝北告知单.docx", documents.to_bytes(doc))
    r = c.post(url, {"template": upload}, follow=True)
    assert "告知单模板已更新" in r.content.decode() and "渝北告知单.docx" in r.content.decode()
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei2"])
    c.post(reverse("declarations:notice_create", args=[entry.pk]), {"deadline_days": 15})
    notice = Notice.objects.get()
    body = c.get(reverse("declarations:notice_download", args=[notice.pk])).content
    assert f"渝北专用 {notice.doc_number}" in [p.text for p in Document(io.BytesIO(body)).paragraphs]


# --------------------------------------------------------------------------------------------
# The online declaration form (issue 8 item 17)
# --------------------------------------------------------------------------------------------


def _register_exposures(enterprise):

    noise, dust = HazardFactor.objects.get(name="噪声"), HazardFactor.objects.get(name="矽尘")
    welding = Workplace.objects.create(enterprise=enterprise, name="焊接车间")
    grinding = Workplace.objects.create(enterprise=enterprise, name="打磨车间")
    for post, factor, n in [
        (Post.objects.create(workplace=welding, name="电焊工"), noise, 6),
        (Post.objects.create(workplace=welding, name="装配工"), noise, 4),
        (Post.objects.create(workplace=grinding, name="打磨工"), dust, 3),
    ]:
        PostExposure.objects.create(post=post, hazard_factor=factor, exposed_count=n)


def _hazard_rows(html):

    names = re.findall(r'name="hz-(\d+)-hazard_name"[^>]*value="([^"]*)"', html)
    return [n for _, n in names]


def test_the_declaration_form_is_prefilled_from_registered_posts_and_factors(client, cast, enterprises):
    ent = enterprises["yubei"]
    _register_exposures(ent)
    actions.declaration_import(
        user=None,
        enterprise=ent,
        receipt_no="OLD",
        kind="initial",
        declared_on=dt.date(2025, 6, 1),
        employees=50,
        exposed_total=5,
        hazards=[(None, "苯", 5)],
        principal="",
        hygiene_manager="",
    )
    html = _client(client, cast["manager"]).get(reverse("declarations:declare")).content.decode()
    assert sorted(_hazard_rows(html)) == ["噪声", "矽尘"]  # from the register, not the last declaration's 苯

    counts = sorted(int(n) for n in re.findall(r'name="hz-\d+-exposed_count" value="(\d+)"', html))
    assert counts == [3, 10]  # 噪声 in 焊接车间: 6 + 4 over its two posts
    assert "已按本单位登记的工作场所、岗位和危害因素预填" in html


def test_the_declaration_form_falls_back_to_the_last_declaration(client, cast, enterprises):
    ent = enterprises["yubei"]
    actions.declaration_import(
        user=None,
        enterprise=ent,
        receipt_no="OLD",
        kind="initial",
        declared_on=dt.date(2025, 6, 1),
        employees=50,
        exposed_total=5,
        hazards=[(None, "苯", 5)],
        principal="",
        hygiene_manager="",
    )
    html = _client(client, cast["manager"]).get(reverse("declarations:declare")).content.decode()
    assert _hazard_rows(html) == ["苯"] and "已按上次申报预填" in html
    assert 'id="add-hazard-row"' in html and 'id="hazard-row-template"' in html
    assert "declarations/declare.js" in html and "<script>" not in html


def _declare_data(ent, **extra):
    return {
        "enterprise": ent.pk,
        "kind": "initial",
        "employees": 50,
        "exposed_total": 12,
        "principal": "张三",
        "hygiene_manager": "李四",
        "principal_trained": "true",
        "manager_trained": "unknown",
        "hz-TOTAL_FORMS": 1,
        "hz-INITIAL_FORMS": 0,
        "hz-MIN_NUM_FORMS": 0,
        "hz-MAX_NUM_FORMS": 200,
        "hz-0-workplace": "焊接车间",
        "hz-0-hazard_name": "噪声",
        "hz-0-exposed_count": 12,
        **extra,
    }


@pytest.mark.parametrize(
    ("employees", "exposed", "message"),
    [
        (10, 50, "接害总人数不能超过从业人员数"),
        ("", 50, "填写了接害总人数时，请同时填写从业人员数"),
    ],
)
def test_the_declaration_form_refuses_more_exposed_workers_than_employees(
    client, cast, enterprises, employees, exposed, message
):
    c = _client(client, cast["manager"])
    r = c.post(
        reverse("declarations:declare"),
        _declare_data(enterprises["yubei"], employees=employees, exposed_total=exposed, confirm="1"),
    )
    assert r.status_code == 200 and message in r.content.decode() and not Declaration.objects.exists()


def test_returning_from_the_preview_keeps_what_was_typed(client, cast, enterprises):
    c = _client(client, cast["manager"])
    r = c.post(
        reverse("declarations:declare"), _declare_data(enterprises["yubei"], principal="王五", edit="1")
    )
    html = r.content.decode()
    assert 'value="王五"' in html and "预览申报内容" in html and not Declaration.objects.exists()


def test_the_receipt_prints_and_downloads(client, cast, enterprises):

    c = _client(client, cast["manager"])
    c.post(reverse("declarations:declare"), _declare_data(enterprises["yubei"], confirm="1"))
    d = Declaration.objects.get()
    html = c.get(reverse("declarations:declaration_receipt", args=[d.pk])).content.decode()
    assert d.receipt_no in html and "declarations/receipt.css" in html and "data-print" in html
    body = c.get(reverse("declarations:declaration_receipt", args=[d.pk]), {"format": "docx"}).content
    texts = [p.text for p in Document(io.BytesIO(body)).paragraphs]
    assert "职业病危害项目申报回执" in texts and f"回执编号：{d.receipt_no}" in texts
    client.logout()
    assert (
        _client(client, cast["wanzhou"])
        .get(reverse("declarations:declaration_receipt", args=[d.pk]))
        .status_code
        == 404
    )


def test_spot_check_detail_labels_every_result_column_and_shows_the_fraction_in_percent(client, cast, listed):
    c = _client(client, cast["city"])
    r = c.post(
        reverse("declarations:spotcheck_list"), {"seed": 1, "fraction": "0.05", "minimum": 1, "name": ""}
    )
    detail_url = r["Location"]
    city = c.get(detail_url).content.decode()
    assert "抽样比例 5%" in city and "0.0500" not in city and "随机种子 1" in city
    assert "<summary>抽样详情</summary>" in city
    assert "5%" in c.get(reverse("declarations:spotcheck_list")).content.decode()
    client.logout()
    district = _client(client, cast["yubei"]).get(detail_url).content.decode()
    header = district.split('id="spotcheck-items"')[1].split("</thead>")[0]
    for label in ["已申报", "行业类别准确", "规模准确", "危害因素准确", "接害人数准确", "备注"]:
        assert f"<th>{label}</th>" in header
    assert "colspan" not in header


@pytest.fixture
def tipped(listed, enterprises):
    """The 渝北 employer is listed (also) because of a 有奖举报; its neighbour after an inspection."""
    HazardListEntry.objects.filter(enterprise=enterprises["yubei"]).update(
        reasons=["industry_serious", "tip_off"]
    )
    HazardListEntry.objects.filter(enterprise=enterprises["yubei2"]).update(reasons=["inspection"])
    return listed


def _page_and_exports(c) -> str:

    texts = [c.get(reverse(f"declarations:{name}")).content.decode() for name in ("entry_list", "undeclared")]
    entry = HazardListEntry.objects.filter(reasons__icontains="tip_off").get()
    texts.append(c.get(reverse("declarations:entry_detail", args=[entry.pk])).content.decode())
    for name in ("entry_export", "undeclared_export"):
        ws = load_workbook(io.BytesIO(c.get(reverse(f"declarations:{name}")).content)).active
        texts.append(" ".join(str(cell.value) for row in ws.iter_rows() for cell in row))
    return "\n".join(texts)


@pytest.mark.parametrize("who", ["institution", "steward"])
def test_tip_off_reasons_are_hidden_from_page_filter_and_export_for_non_regulators(client, cast, tipped, who):
    c = _client(client, cast[who])
    text = _page_and_exports(c)
    assert "重庆渝北示例机械制造有限公司" in text and "有奖举报" not in text and 'value="tip_off"' not in text
    # the tip-off reads as the inspection find it also is, and the filter treats both alike
    body = c.get(reverse("declarations:entry_list"), {"reason": "inspection"}).content.decode()
    assert "重庆渝北示例机械制造有限公司" in body and "重庆渝北第二建材有限公司" in body
    body = c.get(reverse("declarations:entry_list"), {"reason": "tip_off"}).content.decode()
    assert "重庆渝北第二建材有限公司" in body  # not a choice for this role: ignored, names nothing


@pytest.mark.parametrize("who", ["yubei", "cdc", "city"])
def test_regulators_see_and_filter_tip_off_reasons(client, cast, tipped, who):
    c = _client(client, cast[who])
    assert "有奖举报" in _page_and_exports(c)
    body = c.get(reverse("declarations:entry_list"), {"reason": "tip_off"}).content.decode()
    assert "重庆渝北示例机械制造有限公司" in body and "重庆渝北第二建材有限公司" not in body


def _token(body: str) -> str:

    return re.search(r'name="submission_token" value="([^"]+)"', body).group(1)


def test_a_declaration_form_sent_twice_files_one_declaration(client, cast, enterprises):
    c = _client(client, cast["manager"])
    token = _token(c.get(reverse("declarations:declare")).content.decode())
    data = {
        "enterprise": enterprises["yubei"].pk,
        "kind": "initial",
        "employees": 50,
        "exposed_total": 12,
        "principal": "张三",
        "hygiene_manager": "李四",
        "principal_trained": "true",
        "manager_trained": "unknown",
        "hz-TOTAL_FORMS": 1,
        "hz-INITIAL_FORMS": 0,
        "hz-MIN_NUM_FORMS": 0,
        "hz-MAX_NUM_FORMS": 200,
        "hz-0-workplace": "焊接车间",
        "hz-0-hazard_name": "噪声",
        "hz-0-exposed_count": 12,
        "submission_token": token,
    }
    preview = c.post(reverse("declarations:declare"), data).content.decode()
    assert f'name="submission_token" value="{token}"' in preview  # the preview carries the token on
    data["confirm"] = "1"
    first = c.post(reverse("declarations:declare"), data)
    second = c.post(reverse("declarations:declare"), data, follow=True)
    declaration = Declaration.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse(
        "declarations:declaration_detail", args=[declaration.pk]
    )
    assert second.redirect_chain[0][0] == first["Location"] and "未重复创建" in second.content.decode()
    assert declaration.receipt_no in second.content.decode()


def test_a_notice_form_sent_twice_issues_one_notice(client, cast, listed, enterprises):
    c = _client(client, cast["yubei"])
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei2"])
    token = _token(c.get(reverse("declarations:entry_detail", args=[entry.pk])).content.decode())
    for _ in range(2):
        r = c.post(
            reverse("declarations:notice_create", args=[entry.pk]),
            {"deadline_days": 15, "submission_token": token},
        )
        assert r.status_code == 302
    assert Notice.objects.count() == 1
    # a new page has a new token: a second notice on purpose is still possible
    token = _token(c.get(reverse("declarations:entry_detail", args=[entry.pk])).content.decode())
    c.post(
        reverse("declarations:notice_create", args=[entry.pk]),
        {"deadline_days": 15, "submission_token": token},
    )
    assert Notice.objects.count() == 2


def test_hand_over_offers_other_districts_only_and_the_sender_keeps_a_trace(
    client, cast, listed, enterprises
):
    """Issue 8 item 18: the 移交给 list leaves out the own district; after the hand-over the sender sees
    on its 已移交 tab what it handed over, to whom, when, and the receiver's decision."""
    c = _client(client, cast["yubei"])
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei2"])
    page = c.get(reverse("declarations:entry_detail", args=[entry.pk])).content.decode()
    to_region = page[page.index('name="to_region"') : page.index("</select>", page.index('name="to_region"'))]
    assert 'value="500101"' in to_region and 'value="500112"' not in to_region
    assert (
        c.post(
            reverse("declarations:entry_hand_over", args=[entry.pk]), {"to_region": "500112", "reason": ""}
        ).status_code
        == 302
    )  # refused with a message
    entry.refresh_from_db()
    assert entry.region_id == "500112"
    r = c.post(
        reverse("declarations:entry_hand_over", args=[entry.pk]),
        {"to_region": "500101", "reason": "地址在万州"},
    )
    assert r["Location"].endswith("?show=handed")
    handed = c.get(reverse("declarations:confirm") + "?show=handed").content.decode()
    assert enterprises["yubei2"].name in handed and "移交万州区" in handed and "地址在万州" in handed
    assert "已移交 1" in handed and "万州区待核实" in handed
    entry.refresh_from_db()
    actions.entry_confirm(
        user=cast["wanzhou"], entry=entry, status=EntryStatus.HAZARDS, today=timezone.localdate()
    )
    handed = (
        _client(client, cast["yubei"]).get(reverse("declarations:confirm") + "?show=handed").content.decode()
    )
    assert "万州区已核实：存在职业病危害" in handed
    # the receiver does not see the hand-over in its own 已移交 tab
    received = (
        _client(client, cast["wanzhou"])
        .get(reverse("declarations:confirm") + "?show=handed")
        .content.decode()
    )
    assert enterprises["yubei2"].name not in received and "已移交 0" in received


def test_declaration_filters_offer_all_not_dashes(client, cast, listed):
    """Issue 8 item 18: the 申报类型 and 渠道 filters' empty choice reads "全部"."""
    body = _client(client, cast["city"]).get(reverse("declarations:declaration_list")).content.decode()
    assert "---------" not in body
    kind = body[body.index('name="kind"') : body.index("</select>", body.index('name="kind"'))]
    assert '<option value="" selected>全部</option>' in kind


def test_generating_the_list_over_a_large_register_runs_as_a_job_with_its_summary(client, cast, settings):
    settings.OHSTEWARD_JOB_THRESHOLD_ROWS = 2  # the cast's register has three employers
    c = _client(client, cast["city"])
    r = c.post(reverse("declarations:list_generate"), {"year": 2026, "push": "1"})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    page = c.get(r["Location"]).content.decode()
    assert "2026年名单生成并下发" in page and "2026年名单已生成：共3家" in page and "已下发3家" in page
    assert HazardListEntry.objects.filter(hazard_list__year=2026, pushed_on__isnull=False).count() == 3


# --------------------------------------------------------------------------------------------
# Every page on the shared bases: login first, one Table for page and export, htmx partials
# --------------------------------------------------------------------------------------------


def _declarations_urls() -> list[str]:
    """Every declarations URL, with sample arguments: a page added later is covered too."""
    samples = {"pk": 1, "year": 2026}
    return [
        reverse(f"declarations:{p.name}", kwargs={k: samples[k] for k in p.pattern.converters})
        for p in declarations_urls.urlpatterns
    ]


@pytest.mark.parametrize("url", _declarations_urls())
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login_from_every_page(client, url, method):
    r = getattr(client, method)(url)
    assert r.status_code == 302, url
    assert r["Location"].startswith(reverse("web:login") + "?next="), url


def _sheet(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxml")
    return [
        list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    ]


@pytest.mark.parametrize(
    ("page", "export"),
    [
        ("entry_list", "entry_export"),
        ("undeclared", "undeclared_export"),
        ("notice_list", "notice_export"),
        ("declaration_list", "declaration_export"),
        ("spotcheck_list", "spotcheck_export"),
    ],
)
def test_each_list_page_and_its_export_come_from_one_table(client, cast, listed, enterprises, page, export):
    """The page's columns are export columns (same headers) and both hold the same rows."""
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei2"])
    actions.notice_issue(user=None, enterprise=entry.enterprise, entry=entry, issuer="渝北区卫健委")
    actions.spot_check_create(user=None, hazard_list=listed, seed=1, fraction=1.0, minimum=1, name="全查")
    actions.declaration_submit(
        user=None,
        enterprise=enterprises["yubei"],
        kind="initial",
        data={"employees": 10, "exposed_total": 2},
        hazards=[{"hazard_name": "噪声", "exposed_count": 2}],
    )
    c = _client(client, cast["yubei"])
    body = c.get(reverse(f"declarations:{page}")).content.decode()
    rows = _sheet(c.get(reverse(f"declarations:{export}")))
    header, data = rows[0], rows[1:]
    shown = re.findall(r"<th[^>]*>(?:<a [^>]*>)?([^<▲▼]+)", body)
    assert shown and set(h.strip() for h in shown) <= set(header) | {"文件"}
    count = int(re.search(r'id="result-count">共 <strong>([\d,]+)</strong>', body).group(1).replace(",", ""))
    assert count == len(data) > 0


def test_list_export_keeps_the_page_filters_and_the_scope(client, cast, listed, enterprises):
    c = _client(client, cast["city"])
    everything = _sheet(c.get(reverse("declarations:entry_export")))[1:]
    yubei = _sheet(c.get(reverse("declarations:entry_export"), {"region": "500112"}))[1:]
    assert len(everything) == 3 and len(yubei) == 2
    assert {r[2] for r in yubei} == {enterprises["yubei"].name, enterprises["yubei2"].name}
    district = _sheet(_client(client, cast["wanzhou"]).get(reverse("declarations:entry_export")))[1:]
    assert [r[2] for r in district] == [enterprises["wanzhou"].name]


def test_old_export_links_answer_the_same_file(client, cast, listed):
    c = _client(client, cast["city"])
    old = _sheet(c.get(reverse("declarations:declaration_list"), {"export": "1"}))
    assert old == _sheet(c.get(reverse("declarations:declaration_export")))


def test_entry_list_sorts_by_a_sortable_column_and_ignores_others(client, cast, listed, enterprises):
    enterprises["wanzhou"].employees, enterprises["yubei"].employees = 900, 5
    enterprises["wanzhou"].save(update_fields=["employees"])
    enterprises["yubei"].save(update_fields=["employees"])
    c = _client(client, cast["city"])
    body = c.get(reverse("declarations:entry_list"), {"sort": "-employees"}).content.decode()
    assert body.index(enterprises["wanzhou"].name) < body.index(enterprises["yubei"].name)
    body = c.get(reverse("declarations:entry_list"), {"sort": "employees"}).content.decode()
    assert body.index(enterprises["yubei"].name) < body.index(enterprises["wanzhou"].name)
    assert c.get(reverse("declarations:entry_list"), {"sort": "reasons"}).status_code == 200  # not sortable


def test_htmx_list_request_gets_the_results_partial_with_vary(client, cast, listed, enterprises):
    c = _client(client, cast["city"])
    r = c.get(reverse("declarations:undeclared"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = r.content.decode()
    assert "<html" not in body and 'id="entry-table"' in body and "优先级" in body
    assert "HX-Request" in r["Vary"]
    assert "<html" in c.get(reverse("declarations:undeclared")).content.decode()


def test_declared_column_reads_the_annotation_on_the_page(client, cast, listed, enterprises):
    """Rows are loaded page by page by primary key: the page still has ``with_declaration()``."""
    actions.declaration_submit(
        user=None,
        enterprise=enterprises["yubei"],
        kind="initial",
        data={"employees": 10, "exposed_total": 2},
        hazards=[{"hazard_name": "噪声", "exposed_count": 2}],
    )
    body = _client(client, cast["yubei"]).get(reverse("declarations:entry_list")).content.decode()
    row = next(r for r in body.split("<tr>") if enterprises["yubei"].name in r)
    assert "已申报" in row and "未申报" not in row


def test_notice_list_offers_delivery_only_to_those_who_may_deliver(client, cast, listed, enterprises):
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei2"])
    actions.notice_issue(user=None, enterprise=entry.enterprise, entry=entry, issuer="渝北区卫健委")
    notice = Notice.objects.get()
    deliver = reverse("declarations:notice_deliver", args=[notice.pk])
    assert deliver in _client(client, cast["yubei"]).get(reverse("declarations:notice_list")).content.decode()
    client.logout()
    # a role that may read notices but not deliver them (none has that today: give one the view)
    group = Group.objects.get(name="role:institution_staff")
    group.permissions.add(Permission.objects.get(codename="view_notice"))
    viewer = _client(client, cast["institution"])
    body = viewer.get(reverse("declarations:notice_list")).content.decode()
    assert notice.number in body and deliver not in body
    assert viewer.get(deliver).status_code == 403


def test_spot_check_list_offers_the_draw_to_city_users_only(client, cast, listed):
    city = _client(client, cast["city"]).get(reverse("declarations:spotcheck_list")).content.decode()
    assert "组织抽查" in city
    client.logout()
    district = _client(client, cast["yubei"]).get(reverse("declarations:spotcheck_list")).content.decode()
    assert "组织抽查" not in district
