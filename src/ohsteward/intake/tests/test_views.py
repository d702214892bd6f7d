"""Pages: batch list, upload (with column mapping), detail, rejected rows, review queue, merge."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from ohsteward.conftest import PASSWORD
from ohsteward.core.testing.queries import assert_constant_queries
from ohsteward.core.tests import hostile
from ohsteward.intake.choices import RowStatus, SourceKind
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.tables import SourceBatchTable
from ohsteward.intake.tests.factories import SourceBatchFactory, SourceRowFactory, xlsx_bytes
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.importers import enterprise_import_template
from ohsteward.registry.models import Enterprise

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
EXAM = ["用人单位名称", "所属区县", "体检日期", "危害因素"]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client, headers, rows, **extra):
    data = {
        "kind": SourceKind.EXAM,
        "department": "市职防院",
        "received_on": YESTERDAY.isoformat(),
        "file": SimpleUploadedFile("体检.xlsx", xlsx_bytes(headers, rows)),
        **extra,
    }
    return client.post("/intake/upload/", data)


def sheet(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_upload_then_detail_and_list(client, cast, enterprises):
    login(client, cast["yubei"])
    response = upload(
        client,
        EXAM,
        [
            [enterprises["yubei"].name, "渝北区", YESTERDAY, "噪声"],
            ["重庆页面新建有限公司", "渝北", YESTERDAY, "矽尘(3)"],
        ],
    )
    batch = SourceBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/intake/batches/{batch.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "导入完成" in text and "重庆页面新建有限公司" in text and "名称一致" in text
    assert batch.department == "市职防院" and batch.uploaded_by == cast["yubei"]
    listing = client.get("/intake/").content.decode()
    assert f"#{batch.pk}" in listing
    export = client.get("/intake/?format=xlsx")
    assert sheet(export.content)[1][0] == batch.pk


def test_refused_upload_offers_the_rejected_rows(client, cast, enterprises):
    login(client, cast["yubei"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = upload(
        client,
        EXAM,
        [["重庆甲公司", "渝北区", YESTERDAY, "噪声"], ["重庆乙公司", "万州区", tomorrow, "矽沉"]],
    )
    batch = SourceBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "整个文件未导入" in page and "下载错误行" in page
    content = client.get(f"/intake/batches/{batch.pk}/rejected/").content
    rows = sheet(content)
    assert rows[0][-2:] == ["原行号", "错误原因"] and rows[0][:3] == [
        "用人单位名称",
        "统一社会信用代码",
        "所属区县",
    ]
    assert rows[1][0] == "重庆乙公司" and rows[1][-2] == 3
    assert "第3行 体检日期: 日期不能晚于今天" in rows[1][-1]
    assert "第3行 所属区县: “万州区”不在您的管辖范围内" in rows[1][-1]
    assert "未知危害因素“矽沉”" in rows[1][-1]
    assert not Enterprise.objects.filter(name="重庆甲公司").exists()


def test_unknown_columns_are_mapped_on_the_upload_page(client, cast, enterprises):
    login(client, cast["city"])
    response = upload(
        client, ["单位全称", "所属区县", "检查时间点"], [[enterprises["yubei"].name, "渝北区", YESTERDAY]]
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "缺少必需的列" in text and "单位全称" in text
    token = response.context["token"]
    response = client.post(
        "/intake/upload/",
        {
            "step": "map",
            "token": token,
            "filename": "体检.xlsx",
            "kind": SourceKind.EXAM,
            "received_on": YESTERDAY.isoformat(),
            "map:单位全称": "用人单位名称",
            "map:检查时间点": "体检日期",
        },
    )
    assert response.status_code == 302
    assert SourceRow.objects.get().enterprise == enterprises["yubei"]


def test_template_download_has_district_and_origin_dropdowns(client, cast):
    login(client, cast["cdc"])
    response = client.get("/intake/templates/inspection/")
    assert response.status_code == 200
    wb = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert wb.get_sheet_by_index(0).to_python()[0][:4] == [
        "用人单位名称",
        "统一社会信用代码",
        "所属区县",
        "来源",
    ]
    lists = wb.get_sheet_by_name("选项").to_python(skip_empty_area=False)
    column = [r[2] for r in lists if r[2]]
    assert "渝北区" in column and [r[3] for r in lists if r[3]] == [
        "监督执法",
        "协管巡查",
        "有奖举报",
        "乡镇街道",
        "工业园区",
    ]


def test_review_queue_htmx_decisions(client, cast, enterprises):
    login(client, cast["yubei"])
    e = enterprises["yubei"]
    a = SourceRowFactory(
        name="重庆渝北示例机械制造公司", candidates=[[e.pk, 0.9], [enterprises["wanzhou"].pk, 0.7]]
    )
    b = SourceRowFactory(name="重庆评审新建厂")
    c = SourceRowFactory(name="张三个体户")
    page = client.get("/intake/review/").content.decode()
    assert e.name in page and "是此单位" in page
    exported = sheet(client.get("/intake/review/?format=xlsx").content)
    assert sorted(r[1] for r in exported[1:]) == sorted([a.name, b.name, c.name])
    assert enterprises["wanzhou"].name not in page  # candidates outside the officer's scope are not shown
    hx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(f"/intake/review/{a.pk}/", {"decision": "link", "enterprise": e.pk}, **hx)
    assert "已关联" in response.content.decode()
    client.post(f"/intake/review/{b.pk}/", {"decision": "create"}, **hx)
    client.post(f"/intake/review/{c.pk}/", {"decision": "reject", "reason": "个体户"}, **hx)
    statuses = dict(SourceRow.objects.values_list("pk", "status"))
    assert (statuses[a.pk], statuses[b.pk], statuses[c.pk]) == (
        RowStatus.LINKED,
        RowStatus.CREATED,
        RowStatus.REJECTED,
    )


def test_review_rows_of_other_districts_answer_404(client, cast):
    login(client, cast["yubei"])
    row = SourceRowFactory(district_id="500101")
    assert client.post(f"/intake/review/{row.pk}/", {"decision": "reject"}).status_code == 404
    assert client.get(f"/intake/batches/{row.batch_id}/").status_code == 404


def test_unlink_from_the_batch_page(client, cast, enterprises):
    login(client, cast["yubei"])
    row = SourceRowFactory(enterprise=enterprises["yubei"], status=RowStatus.LINKED, link_method="uscc")
    response = client.post(f"/intake/rows/{row.pk}/unlink/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == RowStatus.REVIEW


def test_merge_page_previews_then_merges(client, cast, enterprises):
    login(client, cast["city"])
    keep, dup = enterprises["yubei"], enterprises["yubei2"]
    SourceRowFactory(enterprise=dup, status=RowStatus.LINKED)
    preview = client.post("/intake/merge/", {"keep": keep.uscc, "merge": str(dup.pk)})
    assert "确认合并" in preview.content.decode() and "来源数据行 1 条" in preview.content.decode()
    assert Enterprise.objects.filter(pk=dup.pk).exists()
    done = client.post("/intake/merge/", {"keep": keep.uscc, "merge": str(dup.pk), "confirm": "1"})
    assert done.status_code == 302 and not Enterprise.objects.filter(pk=dup.pk).exists()


def test_roles_without_intake_permission_are_refused(client, cast):
    login(client, cast["institution"])
    assert client.get("/intake/").status_code == 403
    assert client.get("/intake/review/").status_code == 403


def test_review_link_with_a_malformed_choice_says_so(client, cast, enterprises):
    login(client, cast["yubei"])
    row = SourceRowFactory(name="重庆某公司")
    response = client.post(
        f"/intake/review/{row.pk}/", {"decision": "link", "enterprise": "abc"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "请选择一个候选单位" in response.content.decode()


def test_every_example_code_in_every_template_passes_the_check_digit(client, cast):
    """Issue 8 item 2: the templates' example credit codes are valid (GB 32100-2015)."""

    login(client, cast["city"])
    files = [client.get(f"/intake/templates/{kind}/").content for kind in SourceKind.values]
    files.append(enterprise_import_template())
    checked = 0
    for content in files:
        headers, example = sheet(content)[:2]
        for header, value in zip(headers, example, strict=False):
            if "信用代码" in str(header) and value:
                assert registry_rules.uscc_is_valid(str(value)), (header, value)
                checked += 1
    assert checked == len(files)


def test_upload_refuses_a_sheet_whose_range_would_exhaust_memory(client, cast):
    client.force_login(cast["cdc"])
    response = client.post(
        "/intake/upload/",
        {
            "kind": "exam",
            "department": "市职防院",
            "received_on": YESTERDAY.isoformat(),
            "file": SimpleUploadedFile("体检.xlsx", hostile.far_cell_xlsx(EXAM, [])),
        },
    )
    assert response.status_code == 200 and "范围过大" in response.content.decode()


def test_review_filter_and_templates_offer_a_district_officer_only_their_own_district(client, cast):
    """Issue 8 item 18: the review queue's 区县 filter and the intake template list only the own district."""

    login(client, cast["yubei"])
    page = client.get("/intake/review/").content.decode()
    district_filter = page[
        page.index('id="id_district"') : page.index("</select>", page.index('id="id_district"'))
    ]
    assert "渝北区" in district_filter and "万州区" not in district_filter
    content = client.get(f"/intake/templates/{SourceKind.EXAM}/").content
    cells = {
        c.value for ws in load_workbook(io.BytesIO(content)).worksheets for row in ws.iter_rows() for c in row
    }
    assert "渝北区" in cells and "万州区" not in cells
    login(client, cast["city"])
    page = client.get("/intake/review/").content.decode()
    assert "万州区" in page[page.index('id="id_district"') :]


# ---- the pages on the core bases: exports, jobs, login, permission then scope (issue 7 item 3)


def test_the_batch_list_exports_its_filtered_rows_from_the_pages_table(client, cast):
    exam = SourceRowFactory(
        batch=SourceBatchFactory(kind=SourceKind.EXAM, file_name="体检甲.xlsx", counts={"rows": 2})
    ).batch
    SourceRowFactory(batch=exam)
    registry = SourceRowFactory(batch=SourceBatchFactory(kind=SourceKind.REGISTRY)).batch
    SourceRowFactory(batch=SourceBatchFactory(kind=SourceKind.EXAM), district_id="500101")  # 万州
    login(client, cast["yubei"])
    page = client.get("/intake/", {"kind": SourceKind.EXAM})
    assert [b.pk for b in page.context["page"].object_list] == [exam.pk]
    assert 'href="/intake/export/?kind=exam"' in page.content.decode()
    rows = sheet(client.get("/intake/export/", {"kind": SourceKind.EXAM}).content)
    header = [h for _, h in SourceBatchTable.export_header()]
    assert rows[0] == header and [r[0] for r in rows[1:]] == [exam.pk]
    assert rows[1][header.index("文件名")] == "体检甲.xlsx" and rows[1][header.index("行数")] == 2
    assert sheet(client.get("/intake/", {"kind": SourceKind.EXAM, "format": "xlsx"}).content) == rows
    both = sheet(client.get("/intake/export/").content)
    assert sorted(r[0] for r in both[1:]) == sorted([exam.pk, registry.pk])  # not 万州's batch


def test_the_review_queue_exports_the_rows_under_the_pages_filters(client, cast, enterprises):
    a = SourceRowFactory(name="张三个体户")
    SourceRowFactory(name="重庆评审新建厂")
    SourceRowFactory(name="李四个体户", district_id="500101")  # 万州: not in 渝北's queue
    login(client, cast["yubei"])
    page = client.get("/intake/review/", {"q": "个体户"})
    assert [item["row"].pk for item in page.context["items"]] == [a.pk]
    assert 'href="/intake/review/export/?q=' in page.content.decode()
    rows = sheet(client.get("/intake/review/export/", {"q": "个体户"}).content)
    assert rows[0][:3] == ["行号", "用人单位名称", "统一社会信用代码"]
    assert [r[1] for r in rows[1:]] == ["张三个体户"]
    by_district = sheet(client.get("/intake/review/export/", {"district": "500112"}).content)
    assert sorted(r[1] for r in by_district[1:]) == ["张三个体户", "重庆评审新建厂"]


def test_a_batchs_rows_export_keeps_the_status_filter_and_is_404_out_of_scope(client, cast, enterprises):
    batch = SourceBatchFactory()
    SourceRowFactory(batch=batch, name="关联甲", status=RowStatus.LINKED, enterprise=enterprises["yubei"])
    SourceRowFactory(batch=batch, name="待核乙")
    other = SourceRowFactory(district_id="500101").batch
    login(client, cast["yubei"])
    page = client.get(f"/intake/batches/{batch.pk}/", {"status": RowStatus.LINKED})
    assert f'href="/intake/batches/{batch.pk}/export/?status=linked"' in page.content.decode()
    rows = sheet(client.get(f"/intake/batches/{batch.pk}/export/", {"status": RowStatus.LINKED}).content)
    assert [r[1] for r in rows[1:]] == ["关联甲"] and rows[1][8] == enterprises["yubei"].name
    assert client.get(f"/intake/batches/{other.pk}/export/").status_code == 404


def test_the_batch_page_answers_its_row_table_and_progress_to_htmx(client, cast):
    batch = SourceRowFactory(name="片段甲").batch
    SourceBatch.objects.filter(pk=batch.pk).update(status="running", progress=40)
    login(client, cast["yubei"])
    hx = {"HTTP_HX_REQUEST": "true"}
    rows = client.get(f"/intake/batches/{batch.pk}/", HTTP_HX_TARGET="rows", **hx)
    assert "<html" not in rows.content.decode() and 'id="row-table"' in rows.content.decode()
    progress = client.get(f"/intake/batches/{batch.pk}/", HTTP_HX_TARGET="batch-progress", **hx)
    assert "<html" not in progress.content.decode() and "正在处理……40%" in progress.content.decode()
    assert all("HX-Request" in r["Vary"] for r in (rows, progress))
    listing = client.get("/intake/", HTTP_HX_TARGET="results", **hx).content.decode()
    assert "<html" not in listing and 'hx-trigger="every 3s"' in listing  # a running batch: it polls


@pytest.mark.parametrize(
    ("url", "list_name"), [("/intake/export/", "批次"), ("/intake/review/export/", "待")]
)
def test_a_long_export_runs_as_a_job_with_the_pages_filters(client, cast, settings, tmp_path, url, list_name):
    settings.DATA_DIR = tmp_path
    settings.OHSTEWARD_JOB_THRESHOLD_ROWS = 1
    kept = [SourceRowFactory(name=f"重庆导出{i}个体户", batch=SourceBatchFactory()) for i in range(2)]
    SourceRowFactory(name="重庆其他厂", batch=SourceBatchFactory(kind=SourceKind.REGISTRY))
    SourceRowFactory(name="万州导出个体户", district_id="500101")
    login(client, cast["yubei"])
    query = {"kind": SourceKind.EXAM} if "review" not in url else {"q": "个体户"}
    response = client.get(url, query)
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    page = client.get(response["Location"]).content.decode()
    assert "已导出2" in page and list_name in page
    download = client.get(re.search(r'href="(/jobs/\d+/download/)"', page).group(1))
    rows = sheet(b"".join(download.streaming_content))
    if "review" in url:
        assert sorted(r[1] for r in rows[1:]) == sorted(r.name for r in kept)
    else:
        assert sorted(r[0] for r in rows[1:]) == sorted(r.batch_id for r in kept)


INTAKE_PAGES = [
    "/intake/",
    "/intake/export/",
    "/intake/upload/",
    "/intake/templates/exam/",
    "/intake/batches/{batch}/",
    "/intake/batches/{batch}/export/",
    "/intake/batches/{batch}/rejected/",
    "/intake/review/",
    "/intake/review/export/",
    "/intake/merge/",
]


@pytest.mark.parametrize("url", INTAKE_PAGES)
def test_anonymous_users_are_sent_to_the_login_page_from_every_intake_page(client, db, url):
    batch = SourceRowFactory().batch
    response = client.get(url.format(batch=batch.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login") + "?next=")


def test_the_permission_is_checked_before_the_scope_and_out_of_scope_is_404(client, cast):
    wanzhou_batch = SourceRowFactory(district_id="500101").batch
    urls = [u.format(batch=wanzhou_batch.pk) for u in INTAKE_PAGES if "{batch}" in u]
    login(client, cast["institution"])  # no intake permission: 403, whether the batch is in scope or not
    assert {client.get(u).status_code for u in urls} == {403}
    login(client, cast["yubei"])
    assert {client.get(u).status_code for u in urls} == {404}
    login(client, cast["wanzhou"])
    assert {client.get(u).status_code for u in urls} == {200}


def test_a_stashed_file_waiting_for_its_mapping_is_useless_to_another_user(client, cast, enterprises):
    login(client, cast["city"])
    response = upload(
        client, ["单位全称", "所属区县", "体检日期"], [[enterprises["yubei"].name, "渝北区", YESTERDAY]]
    )
    token = response.context["token"]
    mapping = {
        "step": "map",
        "token": token,
        "kind": SourceKind.EXAM,
        "received_on": YESTERDAY.isoformat(),
        "map:单位全称": "用人单位名称",
    }
    login(client, cast["yubei"])
    assert client.post("/intake/upload/", mapping).status_code == 404
    assert not SourceBatch.objects.exists()


@pytest.mark.parametrize("who", ["city", "yubei"])  # stored counts, and counts over the rows seen
def test_the_batch_list_and_review_queue_send_no_query_per_row(client, cast, enterprises, who):
    e = enterprises["yubei"]
    SourceRowFactory(candidates=[[e.pk, 0.9]])
    login(client, cast[who])

    def more():
        for _ in range(4):
            batch = SourceBatchFactory()
            SourceRowFactory(batch=batch, candidates=[[e.pk, 0.8], [enterprises["yubei2"].pk, 0.7]])
            SourceRowFactory(batch=batch, status=RowStatus.LINKED, enterprise=e)

    assert_constant_queries(lambda: client.get("/intake/"), more)
    assert_constant_queries(lambda: client.get("/intake/review/"), more)
