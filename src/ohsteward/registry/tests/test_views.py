"""Employer pages: scope on list/detail/export, filters, HTMX partials, edit/create, import flow."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from ohsteward.accounts.testing import PASSWORD, WANZHOU, YUBEI
from ohsteward.core.models import AuditLog
from ohsteward.core.testing.queries import assert_constant_queries
from ohsteward.registry.models import Enterprise, Industry, Region
from ohsteward.registry.tests.factories import EnterpriseFactory, WorkplaceFactory, make_uscc

LIST = reverse("registry:enterprise_list")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Argon2 with production parameters costs ~0.3 s per user; the cast has seven
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


EXPORT = reverse("registry:enterprise_export")


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def detail(e):
    return reverse("registry:enterprise_detail", args=[e.uscc])


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


# ---- scope ------------------------------------------------------------------------------------


def test_list_shows_only_the_district(client, cast, enterprises):
    body = login(client, "yubei").get(LIST).content.decode()
    assert enterprises["yubei"].name in body and enterprises["yubei2"].name in body
    assert enterprises["wanzhou"].name not in body
    assert "共 <strong>2</strong> 家" in body


def test_list_for_enterprise_manager_is_own_only(client, cast, enterprises):
    body = login(client, "manager").get(LIST).content.decode()
    assert enterprises["yubei"].name in body
    assert enterprises["yubei2"].name not in body


def test_detail_out_of_scope_is_404(client, cast, enterprises):
    login(client, "yubei")
    assert client.get(detail(enterprises["yubei"])).status_code == 200
    response = client.get(detail(enterprises["wanzhou"]))
    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.content.decode()
    assert (
        client.get(reverse("registry:enterprise_detail", args=[enterprises["wanzhou"].pk])).status_code == 404
    )
    assert (
        client.get(reverse("registry:enterprise_edit", args=[enterprises["wanzhou"].uscc])).status_code == 404
    )


def test_detail_by_pk_and_lower_case_code(client, cast, enterprises):
    login(client, "yubei")
    e = enterprises["yubei"]
    assert client.get(reverse("registry:enterprise_detail", args=[e.pk])).status_code == 200
    assert client.get(reverse("registry:enterprise_detail", args=[e.uscc.lower()])).status_code == 200
    assert client.get(reverse("registry:enterprise_detail", args=["garbage"])).status_code == 404


def test_manager_cannot_open_a_neighbour(client, cast, enterprises):
    login(client, "manager")
    assert client.get(detail(enterprises["yubei"])).status_code == 200
    assert client.get(detail(enterprises["yubei2"])).status_code == 404


def test_export_is_scoped_and_has_chinese_headers(client, cast, enterprises):
    rows = sheet_rows(login(client, "yubei").get(EXPORT))
    assert rows[0][0] == "统一社会信用代码" and rows[0][1] == "用人单位名称"
    codes = {r[0] for r in rows[1:]}
    assert codes == {enterprises["yubei"].uscc, enterprises["yubei2"].uscc}


def test_export_follows_the_filters(client, cast, enterprises):
    rows = sheet_rows(login(client, "city").get(EXPORT, {"region": WANZHOU}))
    assert [r[0] for r in rows[1:]] == [enterprises["wanzhou"].uscc]


def test_district_officer_cannot_widen_scope_with_a_filter(client, cast, enterprises):
    login(client, "yubei")
    body = client.get(LIST, {"region": WANZHOU}).content.decode()
    assert enterprises["wanzhou"].name not in body
    assert len(sheet_rows(client.get(EXPORT, {"region": WANZHOU}))) == 1  # header only


# ---- filters and HTMX -------------------------------------------------------------------------


@pytest.fixture
def varied(enterprises):
    yubei = Region.objects.get(code=YUBEI)
    return {
        "chem": EnterpriseFactory(
            name="渝北化工厂",
            region=yubei,
            industry_id="2614",
            employees=400,
            revenue=30000,
            total_assets=90000,
        ),
        "shop": EnterpriseFactory(
            name="渝北小卖部",
            region=yubei,
            industry_id="5211",
            employees=3,
            revenue=20,
            total_assets=10,
            status="suspended",
            suspended_on="2024-05-01",
        ),
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "化工厂"}, {"chem"}),
        ({"status": "suspended"}, {"shop"}),
        ({"industry": "2614"}, {"chem"}),
        ({"industry": "52"}, {"shop"}),
        ({"industry": "零售"}, {"shop"}),
        ({"industry_risk": "unlisted"}, {"shop"}),
        ({"size_class": "micro", "q": "渝北小"}, {"shop"}),
    ],
)
def test_filters(client, cast, varied, query, expected):
    body = login(client, "yubei").get(LIST, query).content.decode()
    shown = {key for key, e in varied.items() if e.name in body}
    assert shown == expected


def test_filter_by_town(client, cast, enterprises):
    town = enterprises["yubei"].town_id
    body = login(client, "yubei").get(LIST, {"region": YUBEI, "town": town}).content.decode()
    assert enterprises["yubei"].name in body and enterprises["yubei2"].name not in body


def test_stale_town_of_another_district_is_ignored(client, cast, enterprises):
    town = enterprises["yubei"].town_id
    body = login(client, "city").get(LIST, {"region": WANZHOU, "town": town}).content.decode()
    assert enterprises["wanzhou"].name in body


def test_district_select_is_limited_to_jurisdiction(client, cast):
    body = login(client, "yubei").get(LIST).content.decode()
    select = body.split('id="id_region"')[1].split("</select>")[0]
    assert re.findall(r'value="(\d+)"', select) == [YUBEI]
    body = client.get(reverse("registry:town_options"), {"region": WANZHOU}).content.decode()
    assert body.count("<option") == 1  # only "全部"
    body = client.get(reverse("registry:town_options"), {"region": YUBEI}).content.decode()
    assert body.count("<option") == 1 + Region.objects.filter(parent_id=YUBEI, level="town").count()


def test_htmx_request_gets_the_table_partial(client, cast, enterprises):
    login(client, "yubei")
    response = client.get(LIST, {"q": "第二"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = response.content.decode()
    assert "<html" not in body and 'id="enterprise-table"' in body
    assert enterprises["yubei2"].name in body and enterprises["yubei"].name not in body
    assert f"{EXPORT}?q=" in body  # the export link carries the filters


def test_list_query_count_does_not_grow_with_rows(client, cast, enterprises):
    login(client, "city")
    # session, user, permissions, role, count, page keys, page rows, filter choices
    assert_constant_queries(
        lambda: client.get(LIST),
        lambda: [EnterpriseFactory(town=enterprises["yubei"].town) for _ in range(60)],
        at_most=13,
    )
    assert client.get(LIST).content.decode().count("<tr>") == 51  # header + one page of 50


def test_workplace_list_query_count_does_not_grow_with_rows(client, cast, enterprises):
    WorkplaceFactory(
        enterprise=enterprises["wanzhou"]
    )  # an empty page sends fewer queries: start with one row
    login(client, "city")
    url = reverse("registry:workplace_list")
    assert_constant_queries(
        lambda: client.get(url),
        lambda: [WorkplaceFactory(enterprise=enterprises["yubei"]) for _ in range(30)],
    )


def test_read_only_roles_see_no_write_buttons(client, cast, enterprises):
    body = login(client, "institution").get(LIST).content.decode()
    assert "新增用人单位" not in body and "导入名单" not in body
    assert client.get(reverse("registry:enterprise_create")).status_code == 403
    assert (
        client.get(reverse("registry:enterprise_edit", args=[enterprises["yubei"].uscc])).status_code == 403
    )
    assert client.get(reverse("registry:enterprise_import")).status_code == 403


# ---- detail, edit, create ---------------------------------------------------------------------


def test_detail_shows_fields_exposures_and_audit(client, cast, enterprises):
    from ohsteward.hazards.models import HazardFactor
    from ohsteward.registry import actions

    e = enterprises["yubei"]
    wp = actions.workplace_create(user=None, enterprise=e, name="焊接车间")
    actions.post_exposure_set(
        user=None,
        workplace=wp,
        post_name="电焊工",
        hazard_factor=HazardFactor.objects.filter(name="电焊烟尘").first() or HazardFactor.objects.first(),
        exposed_count=7,
    )
    body = login(client, "yubei").get(detail(e)).content.decode()
    for text in [
        "统一社会信用代码",
        e.uscc,
        "渝北区",
        "行业风险分类",
        e.get_industry_risk_display(),
        "焊接车间",
        "电焊工",
        ">7<",
        "最近的修改记录",
    ]:
        assert text in body, text
    client.logout()
    body = login(client, "institution").get(detail(e)).content.decode()
    assert "最近的修改记录" not in body  # no core.view_auditlog


def form_data(e, **changes):
    data = {
        "uscc": e.uscc,
        "name": e.name,
        "region": e.region_id,
        "town": e.town_id or "",
        "status": e.status,
        "industry": e.industry_id or "",
        "employees": e.employees,
        "exposed_workers": e.exposed_workers,
        "revenue": e.revenue,
        "total_assets": e.total_assets,
    }
    data.update(changes)
    return {k: "" if v is None else v for k, v in data.items()}


def errors_of(response) -> str:
    """The error texts of a re-displayed form (what a person reads in red)."""
    return " ".join(re.findall(r'<ul class="errors"><li>(.*?)</li>', response.content.decode()))


def test_edit_writes_audit_log(client, cast, enterprises):
    e = enterprises["yubei2"]
    login(client, "yubei")
    AuditLog.objects.all().delete()
    response = client.post(reverse("registry:enterprise_edit", args=[e.uscc]), form_data(e, employees=12))
    assert response.status_code == 302 and response["Location"] == detail(e)
    e.refresh_from_db()
    assert e.employees == 12
    entry = AuditLog.objects.get()
    assert entry.user == cast["yubei"] and entry.source == "web" and entry.changes["employees"] == [50, 12]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"status": "suspended"}, "停产停业的单位须填写停产停业日期"),
        ({"exposed_workers": 999}, "接害人数不能大于从业人员数"),
        ({"industry": "9999"}, "没有这个行业小类代码"),
        ({"name": ""}, "该字段是必填项"),
        ({"region": WANZHOU}, "选择一个有效的选项"),
    ],
)
def test_edit_errors_in_chinese(client, cast, enterprises, changes, message):
    e = enterprises["yubei2"]
    response = login(client, "yubei").post(
        reverse("registry:enterprise_edit", args=[e.uscc]), form_data(e, **changes)
    )
    assert response.status_code == 200
    assert message in errors_of(response) + response.content.decode().split('class="form-errors"')[-1][:300]
    e.refresh_from_db()
    assert e.region_id == YUBEI and e.status == "active"


def test_manager_edits_own_but_cannot_move_it(client, cast, enterprises):
    e = enterprises["yubei"]
    login(client, "manager")
    response = client.post(
        reverse("registry:enterprise_edit", args=[e.uscc]),
        form_data(e, region=WANZHOU, contact_phone="023-12345678"),
    )
    assert response.status_code == 302, errors_of(response)
    e.refresh_from_db()
    assert e.region_id == YUBEI and e.contact_phone == "023-12345678"
    assert client.get(reverse("registry:enterprise_create")).status_code == 403


def test_create(client, cast):
    login(client, "yubei")
    uscc = make_uscc(YUBEI)
    response = client.post(
        reverse("registry:enterprise_create"),
        {
            "uscc": uscc,
            "name": "新登记的有限公司",
            "region": YUBEI,
            "status": "active",
            "industry": "3311",
            "employees": 30,
            "revenue": 500,
        },
    )
    assert response.status_code == 302
    e = Enterprise.objects.get(uscc=uscc)
    assert e.industry_risk == "serious" and e.size_class == "small"
    assert AuditLog.objects.filter(object_id=str(e.pk), action="create", user=cast["yubei"]).exists()


def test_create_with_wrong_check_digit(client, cast):
    uscc = make_uscc(YUBEI)
    wrong = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    response = login(client, "yubei").post(
        reverse("registry:enterprise_create"),
        {"uscc": wrong, "name": "某公司", "region": YUBEI, "status": "active"},
    )
    assert response.status_code == 200
    assert "校验" in response.content.decode()
    assert not Enterprise.objects.filter(name="某公司").exists()


# ---- import -----------------------------------------------------------------------------------

HEADERS = ["统一社会信用代码", "用人单位名称", "所属区县", "行业代码", "从业人员数", "经营状态"]


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, content, name="名单.xlsx", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("registry:enterprise_import"), {"file": SimpleUploadedFile(name, content), **extra}
    )


def token_of(response) -> str:
    return re.search(r"/registry/import/([\w-]+)/confirm/", response.content.decode()).group(1)


def test_import_page_states_limits_and_template(client, cast, settings):
    settings.OHSTEWARD_MAX_UPLOAD_MB = 7
    settings.OHSTEWARD_MAX_IMPORT_ROWS = 1234
    body = login(client, "yubei").get(reverse("registry:enterprise_import")).content.decode()
    assert "7 MB" in body and "1234 行" in body
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "统一社会信用代码*" in [c.value for c in wb.worksheets[0][1]]


def test_import_dry_run_then_confirm(client, cast, enterprises, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    e = enterprises["yubei2"]
    new = make_uscc(YUBEI)
    content = xlsx(
        [
            [new, "导入的新公司", "渝北区", "3311", 20, "在业"],
            [e.uscc, e.name, "渝北区", "2614", 51, "在业"],
            [enterprises["yubei"].uscc, enterprises["yubei"].name, "渝北区", None, None, None],
        ]
    )
    login(client, "yubei")
    response = upload(client, content)
    body = response.content.decode()
    assert "还没有修改任何数据" in body
    assert 'id="n-created">1<' in body and 'id="n-updated">1<' in body and 'id="n-unchanged">1<' in body
    assert (
        "从业人员数" in body and '<span class="diff-old">50</span> → <span class="diff-new">51</span>' in body
    )
    assert (
        '<span class="diff-old">3311 金属结构制造</span> → <span class="diff-new">2614 有机化学原料制造</span>'
        in body
    )
    assert not Enterprise.objects.filter(uscc=new).exists()
    token = token_of(response)
    assert list((tmp_path / "uploads").iterdir())  # the bytes stay on the server
    response = client.post(reverse("registry:import_confirm", args=[token]))
    assert "导入完成" in response.content.decode()
    assert Enterprise.objects.filter(uscc=new, name="导入的新公司").exists()
    e.refresh_from_db()
    assert e.employees == 51
    assert not list((tmp_path / "uploads").iterdir())


def test_import_errors_all_or_nothing_and_partial(client, cast, enterprises, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    good, bad = make_uscc(YUBEI), make_uscc(YUBEI)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    content = xlsx(
        [
            [good, "好公司", "渝北区", "3311", 20, "在业"],
            [bad, "坏公司", "渝北区", "3311", 20, "在业"],
            [make_uscc(WANZHOU), "万州公司", "万州区", "3311", 20, "在业"],
        ]
    )
    login(client, "yubei")
    response = upload(client, content)
    body = response.content.decode()
    assert "第3行 统一社会信用代码: 校验位错误" in body
    assert "第4行 统一社会信用代码: 该统一社会信用代码无法由您登记，请联系市级管理员处理" in body
    token = token_of(response)

    errors = client.get(reverse("registry:import_errors", args=[token]))
    rows = list(openpyxl.load_workbook(io.BytesIO(errors.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [3, 4]

    response = client.post(reverse("registry:import_confirm", args=[token]))
    assert "没有导入" in response.content.decode()
    assert 'id="confirm-partial"' in response.content.decode()
    assert not Enterprise.objects.filter(uscc=good).exists()

    response = client.post(reverse("registry:import_confirm", args=[token]), {"partial": "on"})
    assert "导入完成" in response.content.decode() and "跳过有错误的 2 行" in response.content.decode()
    assert Enterprise.objects.filter(uscc=good).exists()
    assert not Enterprise.objects.filter(name__in=["坏公司", "万州公司"]).exists()


def test_import_token_belongs_to_the_session(client, cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    login(client, "yubei")
    token = token_of(upload(client, xlsx([[make_uscc(YUBEI), "甲公司", "渝北区", "3311", 20, "在业"]])))
    client.logout()
    login(client, "city")
    assert client.post(reverse("registry:import_confirm", args=[token])).status_code == 404
    assert client.post(reverse("registry:import_confirm", args=["forged"])).status_code == 404


def test_import_rejects_unusable_files_in_chinese(client, cast):
    login(client, "yubei")
    body = upload(client, b"hello", name="list.txt").content.decode()
    assert "请上传 .xlsx、.xls 或 .csv 文件" in body
    body = upload(client, "名称\n甲\n".encode(), name="list.csv").content.decode()
    assert "缺少必需的列" in body


def test_stale_uploads_are_removed(client, cast, settings, tmp_path):
    import os
    import time

    settings.DATA_DIR = tmp_path
    (tmp_path / "uploads").mkdir()
    old = tmp_path / "uploads" / "abandoned.bin"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    login(client, "yubei")
    upload(client, xlsx([[make_uscc(YUBEI), "甲公司", "渝北区", "3311", 20, "在业"]]))
    assert not old.exists()
    assert len(list((tmp_path / "uploads").iterdir())) == 1


def test_export_link_and_pager_carry_only_the_filters_set(client, cast, enterprises):
    for _ in range(55):
        EnterpriseFactory()
    body = (
        login(client, "yubei")
        .get(LIST, {"q": "", "region": YUBEI, "status": "active", "page": "1"})
        .content.decode()
    )
    assert f'href="{EXPORT}?region={YUBEI}&amp;status=active"' in body
    assert f'href="?region={YUBEI}&amp;status=active&page=2"' in body
    body = client.get(LIST, {"region": YUBEI}).content.decode()
    assert "符合条件" not in body  # the officer's own district is not a filter they chose


def test_industry_hint_explains_a_code_or_finds_codes_by_name(client, cast):
    login(client, "yubei")
    url = reverse("registry:industry_hint")
    body = client.get(url, {"industry": "3311"}).content.decode()
    assert "金属结构制造" in body and "严重" in body
    body = client.get(url, {"industry": "金属结构"}).content.decode()
    assert "3311" in body
    assert "没有找到" in client.get(url, {"industry": "9999"}).content.decode()
    body = client.get(reverse("registry:enterprise_create")).content.decode()
    assert f'hx-get="{url}"' in body and 'id="industry-hint"' in body


def test_an_all_or_nothing_import_offers_the_good_rows_by_their_number(client, cast, settings, tmp_path):
    """Issue 8 item 5: 1 good + 1 bad row → "也可以先导入没有错误的 1 家", as the card says 将新增 1."""
    settings.DATA_DIR = tmp_path
    bad = make_uscc(YUBEI)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    content = xlsx(
        [
            [make_uscc(YUBEI), "好公司", "渝北区", "3311", 20, "在业"],
            [bad, "坏公司", "渝北区", "3311", 20, "在业"],
        ]
    )
    login(client, "yubei")
    preview = upload(client, content)
    assert 'id="n-created">1<' in preview.content.decode()
    body = client.post(reverse("registry:import_confirm", args=[token_of(preview)])).content.decode()
    assert "没有导入" in body and "也可以先导入没有错误的 1 家" in body
    template = client.get(reverse("registry:import_template")).content
    example = upload(client, template, name="模板.xlsx").content.decode()
    assert "第2行是模板示例，已跳过" in example


def test_list_sorts_by_a_sortable_column_and_ignores_other_sort_keys(client, cast, enterprises):
    Enterprise.objects.filter(pk=enterprises["yubei"].pk).update(employees=10)
    Enterprise.objects.filter(pk=enterprises["yubei2"].pk).update(employees=900)
    first, second = enterprises["yubei"].name, enterprises["yubei2"].name
    login(client, "yubei")
    body = client.get(LIST, {"sort": "employees"}).content.decode()
    assert body.index(first) < body.index(second)
    assert 'aria-sort="ascending"' in body and "sort=-employees" in body  # the header link flips the order
    body = client.get(LIST, {"sort": "-employees"}).content.decode()
    assert body.index(second) < body.index(first)
    assert 'aria-sort="descending"' in body
    for key in ("contact_phone", "password", "-region__name"):  # not a sortable column: the default order
        body = client.get(LIST, {"sort": key}).content.decode()
        assert "aria-sort" not in body


def test_export_follows_the_sort_of_the_list(client, cast, enterprises):
    login(client, "yubei")
    names = [r[1] for r in sheet_rows(client.get(EXPORT, {"sort": "-name"}))[1:]]
    assert names == sorted(names, reverse=True) and len(names) == 2


def test_workplace_pages_list_detail_edit_export_in_scope(client, cast, enterprises):
    mine = WorkplaceFactory(enterprise=enterprises["yubei"], name="一车间")
    other = WorkplaceFactory(enterprise=enterprises["wanzhou"], name="万州车间")
    login(client, "yubei")
    body = client.get(reverse("registry:workplace_list")).content.decode()
    assert "一车间" in body and "万州车间" not in body
    assert client.get(reverse("registry:workplace_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("registry:workplace_edit", args=[other.pk])).status_code == 404
    rows = sheet_rows(client.get(reverse("registry:workplace_export")))
    assert rows[0][:2] == ("车间/工作场所", "用人单位") and [r[0] for r in rows[1:]] == ["一车间"]
    response = client.post(reverse("registry:workplace_edit", args=[mine.pk]), {"name": "二车间"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:workplace_detail", args=[mine.pk]
    )
    mine.refresh_from_db()
    assert mine.name == "二车间"
    assert AuditLog.objects.filter(object_id=str(mine.pk), action="update").exists()
    body = client.get(reverse("registry:workplace_detail", args=[mine.pk])).content.decode()
    assert "二车间" in body and enterprises["yubei"].name in body


def test_workplace_filter_shows_all_instead_of_dashes(client, cast, enterprises):
    body = login(client, "city").get(reverse("registry:workplace_list")).content.decode()
    select = body.split('name="region"')[1].split("</select>")[0]
    assert '<option value="" selected>全部</option>' in select and "---------" not in body
    client.logout()
    body = login(client, "yubei").get(reverse("registry:workplace_list")).content.decode()
    select = body.split('name="region"')[1].split("</select>")[0]
    assert re.findall(r'value="(\d+)"', select) == [YUBEI]  # only districts the officer can see


def test_import_refuses_a_sheet_whose_range_would_exhaust_memory(client, cast):
    from ohsteward.core.tests import hostile

    login(client, "yubei")
    body = upload(client, hostile.far_cell_xlsx(HEADERS, [])).content.decode()
    assert "范围过大" in body and "XFD1048576" in body
    body = upload(client, hostile.zip_bomb_xlsx(HEADERS, megabytes=5)).content.decode()
    assert "疑似压缩炸弹" in body


def test_a_confirm_sent_twice_imports_once_and_tells_the_second_request(client, cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    new = make_uscc(YUBEI)
    login(client, "yubei")
    token = token_of(upload(client, xlsx([[new, "重复确认的公司", "渝北区", "3311", 20, "在业"]])))
    assert "导入完成" in client.post(reverse("registry:import_confirm", args=[token])).content.decode()
    again = client.post(reverse("registry:import_confirm", args=[token]), follow=True)
    assert again.status_code == 200 and "该导入已确认，请勿重复提交" in again.content.decode()
    assert Enterprise.objects.filter(uscc=new).count() == 1


def test_a_confirm_while_another_holds_the_file_is_told_so(client, cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    login(client, "yubei")
    token = token_of(
        upload(client, xlsx([[make_uscc(YUBEI), "并发确认的公司", "渝北区", "3311", 20, "在业"]]))
    )
    stored = tmp_path / "uploads" / f"{token}.bin"
    stored.rename(
        stored.with_suffix(".first.claimed")
    )  # the first request is still importing (UploadStash.claim)
    response = client.post(reverse("registry:import_confirm", args=[token]), follow=True)
    assert "该导入已确认（或正在处理），请勿重复提交" in response.content.decode()
    assert not Enterprise.objects.filter(name="并发确认的公司").exists()


def test_district_confirms_or_rejects_change_requests_on_a_page_with_htmx(client, cast, enterprises):
    import datetime as dt

    from ohsteward.registry.actions import enterprise_submit
    from ohsteward.registry.models import EnterpriseChangeRequest

    e = enterprises["yubei"]
    enterprise_submit(
        user=cast["manager"], enterprise=e, data={"status": "suspended", "suspended_on": dt.date(2026, 2, 1)}
    )
    enterprise_submit(
        user=cast["manager"], enterprise=e, data={"industry": Industry.objects.get(code="2614")}
    )
    status, industry = (EnterpriseChangeRequest.objects.get(field=f) for f in ("status", "industry"))
    login(client, "wanzhou")
    assert e.name not in client.get(reverse("registry:change_request_list")).content.decode()
    assert (
        client.post(
            reverse("registry:change_request_decide", args=[status.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    client.logout()
    login(client, "yubei")
    body = client.get(reverse("registry:change_request_list")).content.decode()
    assert e.name in body and "停产停业（2026-02-01）" in body and "2614 有机化学原料制造" in body
    row = client.post(
        reverse("registry:change_request_decide", args=[status.pk]),
        {"decision": "approve"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-status="approved"' in row and "<html" not in row
    client.post(
        reverse("registry:change_request_decide", args=[industry.pk]),
        {"decision": "reject", "note": "行业未变"},
        HTTP_HX_REQUEST="true",
    )
    e.refresh_from_db()
    assert e.status == "suspended" and e.industry_id != "2614"
    client.logout()
    login(client, "manager")
    assert (
        client.post(
            reverse("registry:change_request_decide", args=[industry.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )


def test_the_form_refuses_a_name_of_invisible_characters(client, cast):
    login(client, "yubei")
    response = client.post(
        reverse("registry:enterprise_create"),
        {"uscc": make_uscc(YUBEI), "name": "\u200b\u200b\u200b", "region": YUBEI, "status": "active"},
    )
    assert response.status_code == 200 and "不能只由空白或不可见字符组成" in response.content.decode()
    assert not Enterprise.objects.filter(region_id=YUBEI, name__in=["", "\u200b\u200b\u200b"]).exists()


def test_an_employer_form_without_credit_code_sent_twice_creates_one_employer(client, cast):
    login(client, "yubei")
    body = client.get(reverse("registry:enterprise_create")).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', body).group(1)
    data = {"name": "重庆无代码双击有限公司", "region": YUBEI, "status": "active", "submission_token": token}
    first = client.post(reverse("registry:enterprise_create"), data)
    second = client.post(reverse("registry:enterprise_create"), data, follow=True)
    assert first.status_code == 302 and second.redirect_chain[0][0] == first["Location"]
    assert "未重复创建" in second.content.decode()
    assert Enterprise.objects.filter(name="重庆无代码双击有限公司").count() == 1
    # a failed submit gives the token back: the corrected form goes through once
    body = client.get(reverse("registry:enterprise_create")).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', body).group(1)
    bad = client.post(
        reverse("registry:enterprise_create"), {**data, "name": "\u200b", "submission_token": token}
    )
    assert bad.status_code == 200 and f'value="{token}"' in bad.content.decode()
    client.post(
        reverse("registry:enterprise_create"),
        {**data, "name": "重庆更正后有限公司", "submission_token": token},
    )
    assert Enterprise.objects.filter(name="重庆更正后有限公司").count() == 1


def test_import_template_offers_a_district_officer_only_their_own_district(client, cast):
    """Issue 8 item 18: the 所属区县 drop-down lists the districts the user may write, not all 38."""

    def options(user):
        content = login(client, user).get(reverse("registry:import_template")).content
        return {
            c.value for row in openpyxl.load_workbook(io.BytesIO(content))["选项"].iter_rows() for c in row
        }

    yubei = options("yubei")
    assert "渝北区" in yubei and "万州区" not in yubei
    assert {"渝北区", "万州区"} <= options("city")


def test_a_large_import_previews_as_a_job_and_the_confirmation_applies_it_as_a_second_job(
    client, cast, enterprises, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    settings.OHSTEWARD_JOB_THRESHOLD_ROWS = 2
    new = [make_uscc(YUBEI) for _ in range(3)]
    content = xlsx(
        [[code, f"重庆大批导入{i}号有限公司", "渝北区", "3311", 20, "在业"] for i, code in enumerate(new)]
    )
    login(client, "yubei")
    response = upload(client, content)
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    preview = client.get(response["Location"]).content.decode()
    assert "将新增3家" in preview and "确认导入" in preview
    assert not Enterprise.objects.filter(uscc__in=new).exists()
    confirm = re.search(r'action="(/registry/import/jobs/\d+/confirm/)"', preview).group(1)
    applied = client.post(confirm)
    assert applied.status_code == 302 and applied["Location"].startswith("/jobs/")
    assert "已新增3家" in client.get(applied["Location"]).content.decode()
    assert Enterprise.objects.filter(uscc__in=new).count() == 3
    # another user cannot confirm (404), and confirming the preview again changes nothing
    login(client, "wanzhou")
    assert client.post(confirm).status_code == 404
    login(client, "yubei")
    again = client.get(client.post(confirm)["Location"]).content.decode()
    assert "无变化3家" in again and Enterprise.objects.filter(uscc__in=new).count() == 3


def test_a_large_export_runs_as_a_job_with_the_file_to_download(
    client, cast, enterprises, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    settings.OHSTEWARD_JOB_THRESHOLD_ROWS = 1
    login(client, "yubei")
    response = client.get(reverse("registry:enterprise_export"))
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    page = client.get(response["Location"]).content.decode()
    assert "已导出2家用人单位" in page
    download = client.get(re.search(r'href="(/jobs/\d+/download/)"', page).group(1))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)
    assert {r[1] for r in rows[1:]} == {enterprises["yubei"].name, enterprises["yubei2"].name}  # 渝北 only
