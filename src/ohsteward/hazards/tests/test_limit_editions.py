"""Exposure-limit editions: the first editions from the shipped rows, the edition in force by date,
and the GBZ 2.1 表1/表2 import (template, dry run with what changes, Chinese row/column errors,
idempotent re-import, permissions, API)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from ohsteward.api.testing import bearer_client
from ohsteward.core.spreadsheets import read_table
from ohsteward.hazards.importers import ExposureLimitImporter
from ohsteward.hazards.lookup import resolve_factor, rows_on
from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition
from ohsteward.hazards.rules import editions_in_force

HEADERS = [
    "表",
    "中文名",
    "英文名",
    "CAS号",
    "MAC",
    "PC-TWA",
    "PC-STEL",
    "PC-TWA(总尘)",
    "PC-TWA(呼尘)",
    "条件",
    "临界不良健康效应",
    "备注",
    "版本",
    "施行日期",
]
V = "GBZ 2.1-2019 全表"
ROWS = [
    [
        "表1",
        "苯",
        "Benzene",
        "71-43-2",
        "",
        6,
        10,
        "",
        "",
        "",
        "神经系统损害；血液毒性",
        "皮，G1",
        V,
        "2020-04-01",
    ],
    [
        "表1",
        "甲醛",
        "Formaldehyde",
        "50-00-0",
        0.5,
        "",
        "",
        "",
        "",
        "",
        "上呼吸道和眼刺激",
        "敏，G1",
        V,
        "2020-04-01",
    ],
    [
        "表2",
        "矽尘",
        "Silica dust",
        "14808-60-7",
        "",
        "",
        "",
        1,
        0.7,
        "10%≤游离SiO2含量≤50%",
        "矽肺",
        "G1（结晶型）",
        V,
        "2020-04-01",
    ],
    [
        "表2",
        "煤尘",
        "Coal dust",
        "",
        "",
        "",
        "",
        4,
        2.5,
        "游离SiO2含量＜10%",
        "煤工尘肺",
        "",
        V,
        "2020-04-01",
    ],
]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(user, rows, *, dry_run=True, headers=HEADERS, partial=False):
    return ExposureLimitImporter().run(
        user=user,
        filename="gbz.xlsx",
        content=xlsx(rows, headers),
        dry_run=dry_run,
        all_or_nothing=not partial,
    )


@dataclass
class Ed:
    standard: str
    kind: str
    effective_from: dt.date
    effective_to: dt.date | None = None


BASE_2019 = Ed("GBZ 2.1", "base", dt.date(2020, 4, 1))
AMEND_1 = Ed("GBZ 2.1", "amendment", dt.date(2022, 11, 1))
BASE_2007 = Ed("GBZ 2.1", "base", dt.date(2007, 11, 1), None)
BASE_2030 = Ed("GBZ 2.1", "base", dt.date(2030, 1, 1))
PHYS = Ed("GBZ 2.2", "base", dt.date(2007, 11, 1))


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2019, 6, 1), [BASE_2007, PHYS]),  # before 2019's text: the 2007 text (no end entered)
        (dt.date(2021, 6, 1), [BASE_2019, PHYS]),  # the amendment is not yet in force
        (dt.date(2023, 6, 1), [BASE_2019, AMEND_1, PHYS]),
        (dt.date(2031, 1, 1), [BASE_2030, PHYS]),  # a new base text drops the old amendments
    ],
)
def test_editions_in_force_by_date(on, expected):
    chosen = editions_in_force([BASE_2007, BASE_2019, AMEND_1, BASE_2030, PHYS], on)
    assert chosen == expected


def test_same_date_base_editions_the_later_listed_wins():
    shipped, imported = Ed("GBZ 2.1", "base", dt.date(2020, 4, 1)), Ed("GBZ 2.1", "base", dt.date(2020, 4, 1))
    (chosen,) = editions_in_force([shipped, imported], dt.date(2021, 1, 1))
    assert chosen is imported  # equal fields: identity tells them apart


def test_verified_import_replaces_the_shipped_edition_in_judgements(cast):
    from ohsteward.api.testing import bearer_client as client_of  # local: the API client of this test

    rows = [
        [
            "表1",
            "甲苯",
            "Toluene",
            "108-88-3",
            "",
            50,
            100,
            "",
            "",
            "",
            "",
            "皮",
            "GBZ 2.1-2019 官方全表",
            "2020-04-01",
        ]
    ]
    headers = [*HEADERS, "已核对官方文本"]
    run(cast["cdc"], [[*r, "是"] for r in rows], dry_run=False, headers=headers)
    api = client_of(cast["manager"])
    body = api.post(
        "/api/v1/exposure/assess/", {"factor": "甲苯", "on": "2024-06-01", "c_twa": 10}, format="json"
    ).json()
    assert [(x["version"], x["verified"]) for x in body["limit"]] == [("GBZ 2.1-2019 官方全表", True)]
    assert not any(u.startswith("限值") for u in body["unverified"])
    shipped = ExposureLimitEdition.objects.get(version="GBZ 2.1-2019")
    assert shipped.verified is False


def test_shipped_rows_belong_to_first_editions(db):
    assert not ExposureLimit.objects.filter(edition__isnull=True).exists()
    versions = set(ExposureLimitEdition.objects.values_list("version", "kind", "verified"))
    assert ("GBZ 2.1-2019", "base", False) in versions
    assert ("GBZ 2.1-2019 第1号修改单", "amendment", False) in versions
    assert ("GBZ 2.2-2007", "base", False) in versions
    amendment = ExposureLimitEdition.objects.get(version="GBZ 2.1-2019 第1号修改单")
    assert amendment.effective_from == dt.date(2022, 11, 1)


def test_a_row_cannot_be_verified_in_an_unverified_edition(db):
    row = ExposureLimit.objects.filter(agent_name="苯").first()
    row.verified = True
    with pytest.raises(ValidationError, match="所属版本未核对"):
        row.full_clean()


def test_template_has_the_standard_columns(cast):
    content = ExposureLimitImporter().template(user=cast["cdc"])
    table = read_table("t.xlsx", content)
    for header in (
        "中文名",
        "英文名",
        "CAS号",
        "MAC",
        "PC-TWA",
        "PC-STEL",
        "PC-TWA(总尘)",
        "PC-TWA(呼尘)",
        "临界不良健康效应",
        "备注",
        "版本",
        "施行日期",
    ):
        assert header in table.headers


def test_dry_run_shows_what_changes_and_saves_nothing(cast):
    before = ExposureLimit.objects.count()
    report = run(cast["cdc"], ROWS)
    assert not report.errors and not report.applied
    # 苯 PC-TWA + PC-STEL, 甲醛 MAC, 矽尘 总尘 + 呼尘, 煤尘 总尘 + 呼尘
    assert len(report.created) == 7 and report.unit == "条"
    assert "GBZ 2.1-2019 全表 矽尘（10%≤游离SiO2含量≤50%, 呼尘） PC-TWA = 0.7 mg/m3" in [
        str(c) for c in report.created
    ]
    assert ExposureLimit.objects.count() == before
    assert not ExposureLimitEdition.objects.filter(version=V).exists()


def test_import_creates_an_edition_and_reimport_changes_nothing(cast):
    report = run(cast["cdc"], ROWS, dry_run=False)
    assert report.applied and len(report.created) == 7
    edition = ExposureLimitEdition.objects.get(version=V)
    assert edition.kind == "base" and edition.effective_from == dt.date(2020, 4, 1) and not edition.verified
    silica = ExposureLimit.objects.get(
        edition=edition, agent_name="矽尘", condition="10%≤游离SiO2含量≤50%, 总尘"
    )
    assert silica.category == "dust" and silica.limit_type == "PC-TWA" and silica.notes == "G1（结晶型）"
    benzene = ExposureLimit.objects.get(edition=edition, agent_name="苯", limit_type="PC-STEL")
    assert benzene.hazard_factor is not None and benzene.hazard_factor.name == "苯"
    assert benzene.agent_name_en == "Benzene" and benzene.notes == "皮，G1" and not benzene.verified
    again = run(cast["cdc"], ROWS, dry_run=False)
    assert again.unchanged == 7 and not again.created and not again.updated


def test_changed_value_is_an_update_shown_old_to_new(cast):
    run(cast["cdc"], ROWS, dry_run=False)
    changed = [r[:] for r in ROWS]
    changed[0][5] = 3  # benzene PC-TWA 6 → 3
    report = run(cast["cdc"], changed)
    assert [str(c) for c in report.updated] == ["GBZ 2.1-2019 全表 苯 PC-TWA: 6 mg/m3 → 3 mg/m3"]
    assert report.unchanged == 6


@pytest.mark.parametrize(
    ("change", "column", "text"),
    [
        ({1: ""}, "中文名", "必填"),
        ({5: -1}, "PC-TWA", "不能为负数"),
        ({5: "abc"}, "PC-TWA", "应为数值"),
        ({3: "71-43"}, "CAS号", "CAS号格式"),
        ({0: "表3"}, "表", "表1"),
        ({5: "", 6: ""}, "PC-TWA", "至少填写一项"),
        ({13: "明天"}, "施行日期", ""),
        ({12: ""}, "版本", "必填"),
    ],
)
def test_row_errors_name_row_and_column(cast, change, column, text):
    row = ROWS[0][:]
    for i, v in change.items():
        row[i] = v
    report = run(cast["cdc"], [row, ROWS[1]])
    (error,) = report.errors
    assert error.row == 2 and error.column == column and text in error.message
    assert str(error).startswith(f"第2行 {column}: ")


def test_inconsistent_dates_within_an_edition(cast):
    second = ROWS[1][:]
    second[13] = "2021-01-01"
    report = run(cast["cdc"], [ROWS[0], second])
    assert [str(e) for e in report.errors] == [
        "第3行 施行日期: 与第2行同一版本“GBZ 2.1-2019 全表”的施行日期不一致"
    ]


def test_all_or_nothing_and_partial(cast):
    bad = ROWS[1][:]
    bad[4] = "x"
    assert not run(cast["cdc"], [ROWS[0], bad], dry_run=False).applied
    assert not ExposureLimitEdition.objects.filter(version=V).exists()
    report = run(cast["cdc"], [ROWS[0], bad], dry_run=False, partial=True)
    assert report.applied and len(report.created) == 2


def test_only_cdc_and_city_may_import(cast):
    from django.core.exceptions import PermissionDenied  # local: only this test needs it

    for name in ("yubei", "institution", "manager"):
        with pytest.raises(PermissionDenied):
            run(cast[name], ROWS)
    assert not run(cast["city"], ROWS).errors


def test_amendment_edition_in_force_by_measurement_date(cast):
    amendment = [
        [
            "表1",
            "乙草胺",
            "Acetochlor",
            "34256-82-1",
            "",
            0.3,
            "",
            "",
            "",
            "",
            "",
            "",
            "测试 第9号修改单",
            "2030-01-01",
        ]
    ]
    run(cast["cdc"], amendment, dry_run=False)
    edition = ExposureLimitEdition.objects.get(version="测试 第9号修改单")
    assert edition.kind == "amendment"
    rows = resolve_factor("乙草胺").rows
    assert edition.pk not in {r.edition_id for r in rows_on(rows, dt.date(2026, 1, 1))}
    assert edition.pk in {r.edition_id for r in rows_on(rows, dt.date(2030, 6, 1))}


def test_web_import_flow(client, cast):
    client.force_login(cast["cdc"])
    assert client.get("/hazards/limits/import/template/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile  # local: only the upload test needs it

    page = client.post("/hazards/limits/import/", {"file": SimpleUploadedFile("gbz.xlsx", xlsx(ROWS))})
    body = page.content.decode()
    assert page.status_code == 200 and "试导入" in body and "将新增的限值" in body
    assert 'id="limit-changes-1"' in body and "10%≤游离SiO2含量≤50%, 呼尘" in body
    assert client.get("/hazards/editions/").status_code == 200
    client.force_login(cast["manager"])
    assert client.get("/hazards/limits/import/").status_code == 403


def test_api_import_dry_run_and_apply(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile  # local: only the upload test needs it

    api = bearer_client(cast["cdc"])
    body = api.post(
        "/api/v1/exposure-limits/import/",
        {"file": SimpleUploadedFile("gbz.xlsx", xlsx(ROWS))},
        format="multipart",
    ).json()
    assert body["dry_run"] is True and body["applied"] is False and len(body["created"]) == 7
    body = api.post(
        "/api/v1/exposure-limits/import/",
        {"file": SimpleUploadedFile("gbz.xlsx", xlsx(ROWS)), "dry_run": "false"},
        format="multipart",
    ).json()
    assert body["applied"] is True
    from ohsteward.core.models import AuditLog  # local: only this test reads the audit trail

    logged = AuditLog.objects.filter(content_type__model="exposurelimit", action="create").order_by("-pk")[:7]
    assert {entry.user_id for entry in logged} == {cast["cdc"].pk}
    editions = api.get("/api/v1/exposure-limit-editions/").json()["results"]
    assert any(e["version"] == V and e["limits"] == 7 for e in editions)
    denied = bearer_client(cast["manager"]).post(
        "/api/v1/exposure-limits/import/",
        {"file": SimpleUploadedFile("gbz.xlsx", xlsx(ROWS))},
        format="multipart",
    )
    assert denied.status_code == 403


def test_cli_import_dry_run_then_apply(db, tmp_path, capsys):
    from django.core.management import call_command  # local: only the CLI test needs it

    path = tmp_path / "gbz.xlsx"
    path.write_bytes(xlsx(ROWS))
    call_command("import_limits", str(path), "--dry-run")
    assert (
        "将新增7条" in capsys.readouterr().out and not ExposureLimitEdition.objects.filter(version=V).exists()
    )
    call_command("import_limits", str(path))
    assert ExposureLimit.objects.filter(edition__version=V).count() == 7
