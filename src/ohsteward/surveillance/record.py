"""The worker's own monitoring file (职业健康监护档案, 职业病防治法 第36条; issue 12 item 9):
employment and posts with their hazard factors and 接害工龄, exams and conclusions per factor,
occupational-disease cases — one .docx in the GB/T 9704 layout of ``core.documents``, and the
same blocks as a PDF (fpdf2 with Noto Sans CJK, ADR 0012).

The file shows what the requesting user may see: rows through ``for_user``; the abnormal items
only with ``surveillance.view_clinical_details``; the ID number masked unless the caller passes
the full number obtained through ``actions.person_reveal_id_number`` (recorded and audited). The
wording is ours (no official template was supplied)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

from django.conf import settings
from docx.enum.text import WD_ALIGN_PARAGRAPH
from fpdf import FPDF

from ohsteward.core import documents as docs
from ohsteward.surveillance import rules
from ohsteward.surveillance.exams.models import CLINICAL_PERMISSION, DiseaseCase, Exam
from ohsteward.surveillance.models import Worker, WorkerPost


def _date(day: dt.date | None) -> str:
    return docs.chinese_date(day) if day else "—"


# One block of the file: (kind, text), kind in title / heading / line / blank / right. Both the
# .docx and the PDF are laid out from the same blocks, so they cannot say different things.
Block = tuple[str, str]


def record_blocks(worker: Worker, *, user, today: dt.date, id_number: str | None = None) -> list[Block]:
    """The content of ``worker``'s monitoring file as seen by ``user`` (in scope: the caller
    checked it). ``id_number``: the full number when the caller revealed it; otherwise masked."""
    out: list[Block] = []

    def line(text: str) -> None:
        out.append(("line", text))

    def heading(n: int, text: str) -> None:
        out.append(("heading", f"{docs.chinese_number(n)}、{text}"))

    person = worker.person
    out += [("title", "劳动者职业健康监护档案"), ("blank", "")]
    heading(1, "基本情况")
    for text in (
        f"姓名：{worker.name}　性别：{person.get_sex_display()}　出生日期：{_date(person.birth_date)}",
        f"身份证号：{id_number or person.id_number_masked}",
        f"用人单位：{worker.enterprise.name}（统一社会信用代码 {worker.enterprise.uscc}）",
        f"用工形式：{worker.get_employment_type_display()}"
        + (f"（派遣单位：{worker.dispatcher}）" if worker.dispatcher else ""),
        f"入职日期：{_date(worker.hire_date)}　离职日期：{_date(worker.leave_date)}",
    ):
        line(text)

    heading(2, "岗位经历及接触的职业病危害因素")
    periods: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    posts = (
        WorkerPost.objects.for_user(user)
        .filter(worker=worker)
        .select_related("post__workplace")
        .prefetch_related("post__exposures__hazard_factor")
        .order_by("start_date", "pk")
    )
    for i, wp in enumerate(posts, start=1):
        factors = [pe.hazard_factor.name for pe in wp.post.exposures.all()]
        for name in factors:
            periods.setdefault(name, []).append((wp.start_date, wp.end_date))
        line(
            f"{i}. {wp.post.workplace.name} {wp.post.name}，{_date(wp.start_date)}至"
            f"{_date(wp.end_date) if wp.end_date else '今'}；危害因素：{'、'.join(factors) or '无'}"
        )
    if not periods and not posts:
        line("无岗位记录。")
    for name, spans in sorted(periods.items()):
        line(f"{name} 接害工龄：{rules.exposure_years(spans, on=worker.leave_date or today):.1f} 年")

    heading(3, "职业健康检查及结论")
    clinical = user is None or user.has_perm(CLINICAL_PERMISSION)
    exams = (
        Exam.objects.for_user(user)
        .filter(worker=worker)
        .select_related("institution")
        .prefetch_related("results__factor")
        .order_by("date", "pk")
    )
    for i, exam in enumerate(exams, start=1):
        line(f"{i}. {_date(exam.date)} {exam.get_kind_display()}，{exam.institution.name}")
        for r in sorted(exam.results.all(), key=lambda r: r.factor.code):
            detail = f"（{r.items}）" if clinical and r.items else ""
            recheck = f"，复查期限{_date(r.recheck_by)}" if r.recheck_by else ""
            line(f"{r.factor.name}：{r.get_conclusion_display()}{detail}{recheck}")
    if not exams:
        line("无职业健康检查记录。")

    heading(4, "疑似职业病及职业病诊断")
    cases = (
        DiseaseCase.objects.for_user(user)
        .filter(worker=worker)
        .select_related("factor", "disease", "referred_to")
        .order_by("found_on", "pk")
    )
    for i, case in enumerate(cases, start=1):
        text = f"{i}. {_date(case.found_on)}发现疑似职业病（{case.factor.name}），{case.get_status_display()}"
        if case.disease is not None:
            text += f"；诊断：{case.disease.name}{case.stage}，{_date(case.diagnosed_on)}"
        if case.certificate_number:
            text += f"，证明书 {case.certificate_number}"
        line(text)
    if not cases:
        line("无。")
    out += [
        ("blank", ""),
        ("right", worker.enterprise.name),
        ("right", f"（盖章）　{docs.chinese_date(today)}"),
    ]
    return out


def worker_record_docx(worker: Worker, *, user, today: dt.date, id_number: str | None = None) -> bytes:
    """The monitoring file of ``worker`` as seen by ``user`` (in scope: the caller checked it).
    ``id_number``: the full number when the caller revealed it; otherwise the masked one."""
    doc = docs.gbt9704_document()
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None and not first.text:
        first._p.getparent().remove(first._p)

    para = partial(docs.paragraph, doc)

    for kind, text in record_blocks(worker, user=user, today=today, id_number=id_number):
        if kind == "title":
            para(text, font=docs.TITLE_FONT, size="二号", align=WD_ALIGN_PARAGRAPH.CENTER)
        elif kind == "heading":
            para(text, font=docs.HEITI_FONT)
        elif kind == "right":
            para(text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif kind == "blank":
            para()
        else:
            para(text, indent=True)
    return docs.to_bytes(doc)


# Noto Sans CJK (fonts-noto-cjk, SIL OFL): the collection's Simplified Chinese face. A deployment
# may point ``OHSTEWARD_PDF_FONT`` (regular) and ``OHSTEWARD_PDF_FONT_BOLD`` at other files.
PDF_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
PDF_FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
PDF_FONT_INDEX_SC = 2  # in the .ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK


class PdfFontMissing(RuntimeError):
    """No Chinese font on this machine: the PDF cannot be made (the .docx still can)."""


def pdf_fonts() -> tuple[Path, Path]:
    regular = Path(getattr(settings, "OHSTEWARD_PDF_FONT", None) or PDF_FONT)
    bold = Path(getattr(settings, "OHSTEWARD_PDF_FONT_BOLD", None) or PDF_FONT_BOLD)
    if not regular.is_file():
        raise PdfFontMissing(f"未找到中文字体 {regular}，无法生成 PDF，请下载 .docx 版本")
    return regular, bold if bold.is_file() else regular


def worker_record_pdf(worker: Worker, *, user, today: dt.date, id_number: str | None = None) -> bytes:
    """The same monitoring file as a PDF (A4, margins of GB/T 9704: 37/35/28/26 mm), the fonts
    embedded as subsets, so it prints and is stamped as it shows on any machine."""
    regular, bold = pdf_fonts()
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(left=28, top=37, right=26)
    pdf.set_auto_page_break(auto=True, margin=35)
    pdf.set_title(f"职业健康监护档案-{worker.name}")
    pdf.set_creator("ohsteward")
    index = lambda p: PDF_FONT_INDEX_SC if p.suffix.lower() == ".ttc" else 0  # noqa: E731
    pdf.add_font("cjk", "", str(regular), collection_font_number=index(regular))
    pdf.add_font("cjk", "B", str(bold), collection_font_number=index(bold))
    pdf.add_page()
    width = pdf.epw
    for kind, text in record_blocks(worker, user=user, today=today, id_number=id_number):
        if kind == "title":
            pdf.set_font("cjk", "B", 20)
            pdf.multi_cell(width, 12, text, align="C", new_x="LMARGIN", new_y="NEXT")
        elif kind == "heading":
            pdf.set_font("cjk", "B", 14)
            pdf.multi_cell(width, 9, text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "blank":
            pdf.ln(6)
        elif kind == "right":
            pdf.set_font("cjk", "", 14)
            pdf.multi_cell(width, 9, text, align="R", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("cjk", "", 14)
            pdf.multi_cell(width, 8.5, "　　" + text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
