"""The bulletin (通报) .docx from its docxtpl template: the ranking table and each district's
shortfalls read back with python-docx agree with the figures; the city's own template is used."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docxtpl import DocxTemplate

from ohsteward.core import jobs
from ohsteward.core.models import Job
from ohsteward.indicators import reports
from ohsteward.indicators.rules import parse_period
from ohsteward.indicators.templates_docx import build_bulletin_template

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")


def _read(content: bytes):
    return Document(io.BytesIO(content))


def _expected_ranking(data) -> list[list[str]]:
    """The ranking computed here from the figures, independently of ``reports``."""
    rows = []
    for _code, name, figs in data.districts:
        met = [f.met for f in figs]
        rows.append((name, met.count(True), met.count(False), met.count(None)))
    rows.sort(key=lambda r: (-r[1], r[2], r[0]))
    return [[str(n), name, str(a), str(b), str(c)] for n, (name, a, b, c) in enumerate(rows, start=1)]


def test_the_bulletins_ranking_table_rows_are_the_computed_ranking(world):
    data = reports.report_data(world["city"], Y2025)
    doc = _read(reports.report_docx(data))
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "名次")
    rows = [[c.text for c in r.cells] for r in ranking.rows]
    assert rows[0] == ["名次", "区县", "达标项数", "未达标项数", "无目标或无数据项数"]
    expected = _expected_ranking(data)
    assert len(expected) >= 2 and rows[1:] == expected
    # a spread: the districts do not all meet the same number of targets
    assert len({r[2] for r in expected}) > 1 or len({r[3] for r in expected}) > 1


def test_the_bulletin_lists_every_unmet_target_of_each_district_and_nothing_else(world):
    data = reports.report_data(world["city"], Y2025)
    text = [p.text for p in _read(reports.report_docx(data)).paragraphs]
    section = text[text.index("四、各区县未达标指标") + 1 :]
    section = section[: next(i for i, t in enumerate(section) if t.startswith(("五、", "请各区县")))]
    listed = {line.split("：", 1)[0]: line for line in section if line}
    unmet = {name: [f for f in figs if f.met is False] for _c, name, figs in data.districts}
    assert {name for name, short in unmet.items() if short} == set(listed)
    assert any(unmet.values())
    for name, short in unmet.items():
        if not short:
            continue
        items = listed[name].split("：", 1)[1].rstrip("。").split("；")
        assert [i.split("（目标")[0] for i in items] == [f"{f.indicator.name}{f.display}" for f in short]


def test_the_bulletin_has_the_official_parts_title_doc_number_recipients_signature_and_date(world):
    data = reports.report_data(world["city"], Y2025)
    doc = _read(reports.report_docx(data, doc_number="渝卫职健通〔2026〕3号"))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "关于2025年职业健康工作指标情况的通报"
    assert text[1] == "渝卫职健通〔2026〕3号"
    assert text[3].startswith("各区县（自治县）卫生健康委") and text[3].endswith("：")
    signature = [t for t in text if t][-2:]
    assert signature[0] == "重庆市卫生健康委员会" and signature[1].endswith("日") and "〇" in signature[1]
    title_run = doc.paragraphs[0].runs[0]
    assert (
        title_run.element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "方正小标宋简体"
    )
    city = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    assert [r.cells[0].text for r in city.rows[1:]] == [f.indicator.name for f in data.city]


def test_the_shipped_template_is_what_its_builder_writes_and_uses_only_known_placeholders():
    shipped = reports.DEFAULT_BULLETIN_TEMPLATE.read_bytes()
    built = build_bulletin_template.build()
    assert [p.text for p in _read(shipped).paragraphs] == [p.text for p in _read(built).paragraphs]
    used = DocxTemplate(io.BytesIO(shipped)).get_undeclared_template_variables()
    assert used == set(build_bulletin_template.PLACEHOLDERS)


def test_the_citys_own_template_replaces_the_shipped_one(world, settings, tmp_path):
    # a city template: the shipped one with another title line
    doc = _read(reports.DEFAULT_BULLETIN_TEMPLATE.read_bytes())
    doc.paragraphs[0].runs[0].text = "{{ title }}（市卫健委格式）"
    own = tmp_path / "own.docx"
    doc.save(own)
    settings.OHSTEWARD_BULLETIN_TEMPLATE = str(own)
    data = reports.report_data(world["city"], Y2025)
    assert _read(reports.report_docx(data)).paragraphs[0].text.endswith("（市卫健委格式）")


def test_the_bulletin_job_reports_progress_and_carries_the_doc_number(client, world):
    from django.urls import reverse

    client.force_login(world["city"])
    r = client.post(
        reverse("indicators:report"),
        {"period": "2025", "format": "docx", "doc_number": "渝卫职健通〔2026〕9号"},
    )
    assert r.status_code == 302
    job = Job.objects.filter(kind="indicators.report").order_by("-pk").first()
    assert job.status == "succeeded", job.error
    assert job.progress == 100 and job.result_name.endswith(".docx")
    assert job.result["districts"] == 38 and "已生成" in job.result["summary"]
    doc = _read(jobs.result_path(job).read_bytes())
    assert doc.paragraphs[1].text == "渝卫职健通〔2026〕9号"


def _text(content: bytes) -> list[str]:
    doc = _read(content)
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def test_a_published_periods_bulletin_does_not_change_when_records_change_or_days_pass(
    world, enterprises, monkeypatch
):
    import datetime as dt

    from django.utils import timezone

    from ohsteward.declarations.tests.factories import DeclarationFactory
    from ohsteward.indicators import actions

    snapshot = actions.snapshot_publish(user=world["city"], period="2025", today=dt.date(2026, 3, 1))
    before = _text(reports.report_docx(reports.report_data(world["city"], Y2025)))
    DeclarationFactory(enterprise=enterprises["yubei2"], declared_on=dt.date(2025, 12, 1))  # late entry
    later = timezone.localdate() + dt.timedelta(days=40)
    monkeypatch.setattr(reports.timezone, "localdate", lambda *a: later)
    after = _text(reports.report_docx(reports.report_data(world["city"], Y2025)))
    assert after == before
    published_day = timezone.localtime(snapshot.published_at).date()
    paragraphs = [
        p.text for p in _read(reports.report_docx(reports.report_data(world["city"], Y2025))).paragraphs
    ]
    assert [t for t in paragraphs if t][-1] == reports.docs.chinese_date(published_day)
    # the frozen 申报率 (1 of 2) stays, though the live one is now 2 of 2
    assert "渝北区：职业病危害项目申报率50.0%" in "".join(before)
