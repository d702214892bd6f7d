"""Documents of classified supervision: the 监督意见书 of an inspection (.docx, GB/T 9704 layout
through ``core.documents``). The wording is ours (no official template was supplied); a district
can replace it once it provides its own."""

from __future__ import annotations

import datetime as dt
from functools import partial

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ohsteward.core import documents as docs
from ohsteward.supervision.models import Inspection

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def opinion_docx(inspection: Inspection, *, issuer: str, today: dt.date) -> bytes:
    """卫生监督意见书 for one inspection: findings, opinion, the deadline to correct."""
    doc = docs.gbt9704_document()
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None and not first.text:
        first._p.getparent().remove(first._p)

    para = partial(docs.paragraph, doc)

    e = inspection.enterprise
    para(issuer, font=docs.TITLE_FONT, size="二号", align=WD_ALIGN_PARAGRAPH.CENTER)
    para("卫生监督意见书", font=docs.TITLE_FONT, size="二号", align=WD_ALIGN_PARAGRAPH.CENTER)
    para()
    para(f"{e.name}（统一社会信用代码 {e.uscc}）：")
    on = docs.chinese_date(inspection.inspected_on) if inspection.inspected_on else "　　年　月　日"
    para(f"{on}，我单位对你单位开展职业卫生监督检查，发现以下问题：", indent=True)
    for i, line in enumerate(
        [x for x in inspection.findings.splitlines() if x.strip()] or ["未发现问题。"], start=1
    ):
        para(f"{docs.chinese_number(i)}、{line.strip()}", indent=True)
    if inspection.opinion.strip():
        para(f"监督意见：{inspection.opinion.strip()}", indent=True)
    if inspection.order_deadline:
        para(
            f"请你单位于{docs.chinese_date(inspection.order_deadline)}前改正上述问题，逾期未改正的，"
            "将依法立案查处。",
            indent=True,
        )
    para()
    para(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(docs.chinese_date(today), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return docs.to_bytes(doc)


def portrait_docx(p) -> bytes:
    """职业健康画像 as a printable .docx: the class and level, every indicator with its light,
    and what to fix first (a ``portrait.Portrait``)."""
    doc = docs.gbt9704_document()

    para = partial(docs.paragraph, doc)

    e, a = p.enterprise, p.assessment
    para("用人单位职业健康画像", font=docs.TITLE_FONT, size="二号", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(f"{e.name}（{e.uscc}）　{docs.chinese_date(p.on)}", align=WD_ALIGN_PARAGRAPH.CENTER)
    if a is None:
        para("综合风险：尚未评估")
    else:
        klass = f"{a.comprehensive_class}类" if a.comprehensive_class else "无法评估（无管理自查）"
        para(f"综合风险类别：{klass}（{a.scheme}，甲类风险最低）")
        para(f"职业病危害风险等级：{a.get_hazard_level_display()}；管理状况：{a.management_status or '无'}")
    for i in p.indicators:
        para(f"【{i.light_label}】{i.label}：{i.value}", size="四号")
    if p.advice:
        para("优先整改：", font=docs.TITLE_FONT)
        for n, text in enumerate(p.advice, start=1):
            para(f"{n}. {text}", size="四号")
    return docs.to_bytes(doc)
