"""The worker's monitoring file (.docx, 职业病防治法 第36条): employment, exposures, exams and
conclusions, cases; the number masked unless revealed (recorded); clinical items by permission."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from docx import Document

from ohsteward.accounts.testing import PASSWORD
from ohsteward.surveillance.exams import actions as exam_actions
from ohsteward.surveillance.models import IdNumberReveal
from ohsteward.surveillance.tests.exam_helpers import TODAY, factor, make_post, make_worker, place, set_today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def login(name: str) -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    return c


def text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Cache-Control"] == "no-store"
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


@pytest.fixture
def examined(enterprises, clinic):
    worker = make_worker(enterprises["yubei"], name="档案工")
    place(worker, make_post(enterprises["yubei"], "噪声岗", "噪声"), start=dt.date(2020, 3, 1))
    exam_actions.exam_record(
        user=None, worker=worker, date=dt.date(2026, 4, 1), kind="periodic", institution=clinic,
        results=[{"factor": factor("噪声"), "conclusion": "e", "items": "脂肪肝"}],
    )  # fmt: skip
    return worker


def test_the_employer_gets_the_file_with_posts_exams_and_the_masked_number(cast, examined):
    body = text(login("manager").get(f"/surveillance/workers/{examined.pk}/record.docx"))
    assert "劳动者职业健康监护档案" in body and "档案工" in body
    assert "噪声岗" in body and "噪声 接害工龄" in body
    assert "其他疾病或异常" in body
    assert "脂肪肝" not in body  # the employer sees conclusions, not clinical details
    assert examined.person.id_number_masked in body and examined.id_number not in body
    assert not IdNumberReveal.objects.exists()


def test_the_exam_institution_sees_the_abnormal_items(cast, examined):
    assert "脂肪肝" in text(login("institution").get(f"/surveillance/workers/{examined.pk}/record.docx"))


def test_a_file_with_the_full_number_is_a_recorded_reveal(cast, examined):
    body = text(login("manager").post(f"/surveillance/workers/{examined.pk}/record.docx", {"reason": "离岗"}))
    assert examined.id_number in body
    assert IdNumberReveal.objects.filter(worker=examined, user=cast["manager"], reason="离岗").exists()


def test_without_the_reveal_permission_the_full_number_is_refused(cast, enterprises, examined):
    response = login("steward").post(f"/surveillance/workers/{examined.pk}/record.docx", {"reason": "x"})
    assert response.status_code == 403
    assert not IdNumberReveal.objects.exists()


def test_another_district_gets_404(cast, examined):
    assert login("wanzhou").get(f"/surveillance/workers/{examined.pk}/record.docx").status_code == 404


def test_a_worker_who_left_has_the_file_offered_on_the_page(cast, examined):
    examined.leave_date = dt.date(2026, 5, 1)
    examined.save()
    page = login("manager").get(f"/surveillance/workers/{examined.pk}/").content.decode()
    assert "监护档案复印件已可下载" in page
    body = text(login("manager").get(f"/surveillance/workers/{examined.pk}/record.docx"))
    assert "离职日期：二〇二六年五月一日" in body


def test_the_pdf_is_the_same_file_with_a_chinese_font_embedded(cast, examined):
    from ohsteward.surveillance import record  # local: the module loads fpdf2 and python-docx

    response = login("manager").get(f"/surveillance/workers/{examined.pk}/record.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store" and ".pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-") and b"NotoSansCJK" in response.content
    blocks = record.record_blocks(examined, user=cast["manager"], today=TODAY)
    lines = [t for _k, t in blocks]
    assert (
        "title",
        "劳动者职业健康监护档案",
    ) in blocks and f"身份证号：{examined.person.id_number_masked}" in lines
    assert not any("脂肪肝" in t for t in lines) and not any(examined.id_number in t for t in lines)
    assert not IdNumberReveal.objects.exists()
    assert "record.pdf" in login("manager").get(f"/surveillance/workers/{examined.pk}/").content.decode()
    assert login("wanzhou").get(f"/surveillance/workers/{examined.pk}/record.pdf").status_code == 404
    assert (
        login("steward").post(f"/surveillance/workers/{examined.pk}/record.pdf", {"reason": "x"}).status_code
        == 403
    )


def test_the_pdf_with_the_full_number_is_a_recorded_reveal(cast, examined):
    response = login("manager").post(f"/surveillance/workers/{examined.pk}/record.pdf", {"reason": "离岗"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert IdNumberReveal.objects.filter(worker=examined, user=cast["manager"], reason="离岗").exists()


def test_without_a_chinese_font_the_pdf_is_refused_in_words(cast, examined, settings, tmp_path):
    settings.OHSTEWARD_PDF_FONT = str(tmp_path / "none.ttf")
    response = login("manager").get(f"/surveillance/workers/{examined.pk}/record.pdf", follow=True)
    assert "未找到中文字体" in response.content.decode() and "docx" in response.content.decode()
