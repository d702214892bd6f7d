"""The worker's own monitoring file (职业健康监护档案, 职业病防治法 第36条; issue 12 item 9):
employment and posts with their hazard factors and 接害工龄, exams and conclusions per factor,
occupational-disease cases — one .docx in the GB/T 9704 layout of ``core.documents``.

The file shows what the requesting user may see: rows through ``for_user``; the abnormal items
only with ``surveillance.view_clinical_details``; the ID number masked unless the caller passes
the full number obtained through ``actions.person_reveal_id_number`` (recorded and audited). The
wording is ours (no official template was supplied)."""

from __future__ import annotations

import datetime as dt

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ohsteward.core import documents as docs
from ohsteward.surveillance import rules
from ohsteward.surveillance.exams.models import CLINICAL_PERMISSION, DiseaseCase, Exam
from ohsteward.surveillance.models import Worker, WorkerPost


def _date(day: dt.date | None) -> str:
    return docs.chinese_date(day) if day else "—"


def worker_record_docx(worker: Worker, *, user, today: dt.date, id_number: str | None = None) -> bytes:
    """The monitoring file of ``worker`` as seen by ``user`` (in scope: the caller checked it).
    ``id_number``: the full number when the caller revealed it; otherwise the masked one."""
    doc = docs.gbt9704_document()
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None and not first.text:
        first._p.getparent().remove(first._p)

    def para(text="", *, font=docs.BODY_FONT, size="三号", align=None, indent=False):
        p = doc.add_paragraph()
        if text:
            docs.set_fonts(p.add_run(text), east_asia=font, size=size)
        if align is not None:
            p.alignment = align
        docs.exact_line_spacing(p)
        if indent:
            docs.first_line_indent_chars(p, 2, size)
        return p

    def heading(n: int, text: str):
        para(f"{docs.chinese_number(n)}、{text}", font=docs.HEITI_FONT)

    person = worker.person
    para("劳动者职业健康监护档案", font=docs.TITLE_FONT, size="二号", align=WD_ALIGN_PARAGRAPH.CENTER)
    para()
    heading(1, "基本情况")
    for line in (
        f"姓名：{worker.name}　性别：{person.get_sex_display()}　出生日期：{_date(person.birth_date)}",
        f"身份证号：{id_number or person.id_number_masked}",
        f"用人单位：{worker.enterprise.name}（统一社会信用代码 {worker.enterprise.uscc}）",
        f"用工形式：{worker.get_employment_type_display()}"
        + (f"（派遣单位：{worker.dispatcher}）" if worker.dispatcher else ""),
        f"入职日期：{_date(worker.hire_date)}　离职日期：{_date(worker.leave_date)}",
    ):
        para(line, indent=True)

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
        para(
            f"{i}. {wp.post.workplace.name} {wp.post.name}，{_date(wp.start_date)}至"
            f"{_date(wp.end_date) if wp.end_date else '今'}；危害因素：{'、'.join(factors) or '无'}",
            indent=True,
        )
    if not periods and not posts:
        para("无岗位记录。", indent=True)
    for name, spans in sorted(periods.items()):
        para(
            f"{name} 接害工龄：{rules.exposure_years(spans, on=worker.leave_date or today):.1f} 年",
            indent=True,
        )

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
        para(f"{i}. {_date(exam.date)} {exam.get_kind_display()}，{exam.institution.name}", indent=True)
        for r in sorted(exam.results.all(), key=lambda r: r.factor.code):
            detail = f"（{r.items}）" if clinical and r.items else ""
            recheck = f"，复查期限{_date(r.recheck_by)}" if r.recheck_by else ""
            para(f"{r.factor.name}：{r.get_conclusion_display()}{detail}{recheck}", indent=True)
    if not exams:
        para("无职业健康检查记录。", indent=True)

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
        para(text, indent=True)
    if not cases:
        para("无。", indent=True)
    para()
    para(worker.enterprise.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(f"（盖章）　{docs.chinese_date(today)}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return docs.to_bytes(doc)
