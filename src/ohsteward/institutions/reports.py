"""Documents of the institutions app: the yearly red/yellow/green publication list (三色管理公示).

Source: 001 附件1 第10条 (重庆市职业病防治机构提质合规行动（2024—2025年）实施方案): 市卫生健康委每年开展
职业病防治技术服务机构年度绩效评估，按高、中、低风险程度实行红、黄、绿“三色管理”，并向社会公示质量和效率
评估结果. The layout follows GB/T 9704 through ``core.documents``, as the declarations receipt does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from ohsteward.core import documents as docs
from ohsteward.institutions.choices import Colour
from ohsteward.institutions.models import Institution, InstitutionGrade
from ohsteward.institutions.tables import version_label

ISSUER = "重庆市卫生健康委员会"
SOURCE = "《重庆市职业病防治机构提质合规行动（2024—2025年）实施方案》"
# the publication order: low risk first, as 001 第10条 lists the colours by risk (绿 低, 黄 中, 红 高)
ORDER = (Colour.GREEN, Colour.YELLOW, Colour.RED)
RISK = {Colour.GREEN: "低风险", Colour.YELLOW: "中风险", Colour.RED: "高风险"}
HEADERS = ("序号", "机构名称", "统一社会信用代码", "所在地", "得分")


@dataclass(frozen=True)
class Publication:
    year: int
    groups: list[tuple[str, str, list[InstitutionGrade]]]  # (colour, label, grades by score)
    ungraded: int
    versions: list[str]

    @property
    def graded(self) -> int:
        return sum(len(g) for _c, _l, g in self.groups)


def publication(user, year: int) -> Publication:
    """The year's grades ``user`` may see, grouped by colour (green, yellow, red), each group by
    score from the highest, with the number of institutions the rules could not grade. Two queries."""
    grades = list(
        InstitutionGrade.objects.for_user(user)
        .filter(year=year)
        .select_related("institution__region")
        .order_by("-score", "institution__name")
    )
    labels = dict(Colour.choices)
    groups = [(c.value, str(labels[c]), [g for g in grades if g.colour == c]) for c in ORDER]
    graded_ids = {g.institution_id for g in grades}
    ungraded = Institution.objects.for_user(user).exclude(pk__in=graded_ids).count()
    versions = sorted({g.rules_version for g in grades})
    return Publication(year, groups, ungraded, versions)


def _place(institution: Institution) -> str:
    if institution.out_of_province:
        return f"{institution.province}（外省来渝）"
    return institution.region.name if institution.region_id else ""


def publication_docx(user, year: int, *, today: dt.date) -> bytes:
    """{year}年度职业病防治技术服务机构“三色管理”评定结果公示 (.docx, GB/T 9704 layout)."""
    pub = publication(user, year)
    doc = docs.gbt9704_document()
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None and not first.text:
        first._p.getparent().remove(first._p)

    para = partial(docs.paragraph, doc)

    para(
        f"{year}年度职业病防治技术服务机构“三色管理”评定结果公示",
        font=docs.TITLE_FONT,
        size="二号",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    para()
    counts = "，".join(f"{label}{len(grades)}家" for _c, label, grades in pub.groups)
    para(
        f"根据{SOURCE}关于实行风险分色管理的要求，依据{year}年度质控检查、能力验证与比对、质控问题整改等"
        f"情况，对{pub.graded}家职业病防治技术服务机构评定了红、黄、绿“三色”等级（{counts}），现予公示。",
        indent=True,
    )
    if pub.ungraded:
        para(f"另有{pub.ungraded}家机构本年度评定所需数据不足，暂不评定。", indent=True)
    versions = "、".join(version_label(v) for v in pub.versions) or "—"
    para(f"评定规则版本：{versions}。", indent=True)
    numerals = "一二三"
    for n, (colour, label, grades) in enumerate(pub.groups):
        para(
            f"{numerals[n]}、{label}（{RISK[Colour(colour)]}，{len(grades)}家）",
            font=docs.HEITI_FONT,
            indent=True,
        )
        if not grades:
            para("无。", indent=True)
            continue
        table = doc.add_table(rows=len(grades) + 1, cols=len(HEADERS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        rows = [HEADERS] + [
            (str(k), g.institution.name, g.institution.uscc, _place(g.institution), f"{g.score:.1f}")
            for k, g in enumerate(grades, start=1)
        ]
        for row, values in zip(table.rows, rows, strict=True):
            for cell, text in zip(row.cells, values, strict=True):
                run = cell.paragraphs[0].add_run(text)
                docs.set_fonts(run, east_asia=docs.BODY_FONT, size="小四", bold=values is HEADERS)
    para()
    para(ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(docs.chinese_date(today), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return docs.to_bytes(doc)
