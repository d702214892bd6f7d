"""Imports of teams (one row per member) and agreements from .xlsx/.xls/.csv.

Each row is applied through the same actions as the forms, inside a savepoint: a row that
fails reports "第N行 列名: 原因" and leaves nothing behind. A dry run (and an all-or-nothing
import with errors) rolls the whole file back at the end, so the preview says exactly what the
import would do — overlaps between rows of the same file included.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ohsteward.accounts import access
from ohsteward.core.cells import CellError, cell_text, parse_date
from ohsteward.core.imports import ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship import actions, rules
from ohsteward.stewardship.choices import FundingChannel, Qualification, ServiceContent, TeamLevel
from ohsteward.stewardship.forms import institutions
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam, TeamMember

YES = {"是", "Y", "y", "yes", "1", "签订", "已签订"}


class _Rollback(Exception):
    """Ends the outer transaction of a dry run (or of an all-or-nothing import with errors)."""


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _label_map(choices) -> dict[str, str]:
    """Label or code → code, compared without spaces and with ASCII brackets."""
    out = {}
    for code, label in choices:
        out[_norm(str(label))] = code
        out[_norm(code)] = code
    return out


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).replace("“", "").replace("”", "").lower()


def _yuan(value: Any, column: str) -> Decimal | None:
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(",", "").removesuffix("元").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RowProblem(column, f"应为金额（元），实际为“{cell_text(value)}”") from None
    if amount < 0:
        raise RowProblem(column, "金额不能为负数")
    return amount.quantize(Decimal("0.01"))


def _date(value: Any, column: str) -> dt.date | None:
    try:
        return parse_date(value)
    except CellError as error:
        raise RowProblem(column, str(error)) from None


def _run(
    *,
    user,
    filename: str,
    content: bytes,
    dry_run: bool,
    all_or_nothing: bool,
    required: Sequence[str],
    unit: str,
    headers_of: dict[str, str],
    apply_row: Callable[[Any, dict[str, Any], ImportReport], None],
) -> ImportReport:
    table = read_table(filename, content, required=required)
    report = ImportReport(total_rows=len(table.rows), headers=list(table.headers), unit=unit, dry_run=dry_run)
    try:
        with transaction.atomic():
            for row_no, values in table.rows:
                report.raw_rows[row_no] = values
                record = dict(zip(table.headers, values, strict=False))
                try:
                    with transaction.atomic():
                        apply_row(user, record, report)
                except RowProblem as problem:
                    report.errors.append(RowError(row_no, problem.column, problem.message))
                except ValidationError as error:
                    if hasattr(error, "error_dict"):
                        for field, messages in error.message_dict.items():
                            for message in messages:
                                report.errors.append(RowError(row_no, headers_of.get(field, ""), message))
                    else:
                        for message in error.messages:
                            report.errors.append(RowError(row_no, "", message))
                except PermissionDenied as error:
                    report.errors.append(RowError(row_no, "", str(error) or "您无权导入该行"))
            if dry_run or (all_or_nothing and report.errors):
                raise _Rollback
            report.applied = True
    except _Rollback:
        pass
    return report


# --------------------------------------------------------------------------------------------
# Teams: one row per member; the team's own columns repeat (or are left empty after the first)
# --------------------------------------------------------------------------------------------

TEAM_COLUMNS = [
    ("团队名称", True, "同一团队的成员写在多行，团队名称相同"),
    ("服务区县", True, "区县名称或代码，如 渝北区 或 500112"),
    ("团队层级", False, "市级、区县级或基层"),
    ("牵头机构信用代码", False, "牵头医疗机构的统一社会信用代码（须已在平台登记）"),
    ("联系电话", False, ""),
    ("成员姓名", False, ""),
    ("资质类别", False, "五师两员之一，或专科医师、工程防护人员、其他"),
    ("证书编号", False, ""),
    ("证书有效期至", False, "如 2027-06-30；过期的证书不计入五师两员"),
]
TEAM_HEADERS = {
    "name": "团队名称",
    "district": "服务区县",
    "level": "团队层级",
    "lead_institution": "牵头机构信用代码",
    "contact_phone": "联系电话",
    "qualification": "资质类别",
    "certificate_no": "证书编号",
    "valid_until": "证书有效期至",
}


class TeamImporter:
    template_filename = "管家服务团队导入模板.xlsx"

    def template(self, user=None) -> bytes:
        districts = [r.name for r in access.writable_districts(user)]
        choices = {
            "服务区县": districts,
            "团队层级": [str(label) for _c, label in TeamLevel.choices],
            "资质类别": [str(label) for _c, label in Qualification.choices],
        }
        return template_xlsx(
            [
                TemplateColumn(h + ("*" if req else ""), choices.get(h, ()), comment=c)
                for h, req, c in TEAM_COLUMNS
            ],
            notes=[
                "每行一名成员；同一团队的多名成员写在多行，团队名称和服务区县相同。",
                "已有的团队（名称和区县相同）将更新；成员按姓名和资质类别匹配，已有的更新，没有的新增。",
                "五师两员：职业病诊断医师、全科医师、营养师、公共卫生医师、心理健康指导师、职业卫生检测技术人员、"
                "法律专业人员（渝卫发〔2023〕62号 二(一)）。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        return _run(
            user=user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            required=["团队名称", "服务区县"],
            unit="条",
            headers_of=TEAM_HEADERS,
            apply_row=_team_row,
        )


LEVELS = _label_map(TeamLevel.choices)
QUALIFICATIONS = _label_map(Qualification.choices)


def _district(text: str) -> Region:
    region = (
        Region.objects.filter(level=RegionLevel.DISTRICT, code=text).first()
        or Region.objects.filter(level=RegionLevel.DISTRICT, name=text).first()
    )
    if region is None:
        raise RowProblem("服务区县", f"未知的区县“{text}”")
    return region


def _team_row(user, record: dict[str, Any], report: ImportReport) -> None:
    name = cell_text(record.get("团队名称"))
    if not name:
        raise RowProblem("团队名称", "不能为空")
    district = _district(cell_text(record.get("服务区县")))
    data: dict[str, Any] = {"name": name, "district": district}
    level_text = cell_text(record.get("团队层级"))
    if level_text:
        if _norm(level_text) not in LEVELS:
            raise RowProblem("团队层级", f"应为 市级、区县级 或 基层，实际为“{level_text}”")
        data["level"] = LEVELS[_norm(level_text)]
    lead = cell_text(record.get("牵头机构信用代码")).upper()
    if lead:
        institution = institutions().filter(uscc=lead).first()
        if institution is None:
            raise RowProblem("牵头机构信用代码", f"平台中没有统一社会信用代码为 {lead} 的机构")
        data["lead_institution"] = institution
    phone = cell_text(record.get("联系电话"))
    if phone:
        data["contact_phone"] = phone
    team = StewardTeam.objects.filter(name=name, district=district).first()
    if team is None:
        team = actions.team_create(user=user, data=data)
        report.created.append(f"团队 {name}")
    else:
        if user is not None and not StewardTeam.objects.for_user(user).filter(pk=team.pk).exists():
            raise RowProblem("团队名称", "该团队不在您的管辖范围内")
        changed = any(getattr(team, k) != v for k, v in data.items())
        if changed:
            actions.team_update(user=user, team=team, data=data)
            report.updated.append(f"团队 {name}")
    member_name = cell_text(record.get("成员姓名"))
    if not member_name:
        return
    q_text = cell_text(record.get("资质类别"))
    if _norm(q_text) not in QUALIFICATIONS:
        raise RowProblem("资质类别", f"未知的资质类别“{q_text}”")
    member_data = {
        "name": member_name,
        "qualification": QUALIFICATIONS[_norm(q_text)],
        "certificate_no": cell_text(record.get("证书编号")),
        "valid_until": _date(record.get("证书有效期至"), "证书有效期至"),
    }
    member = TeamMember.objects.filter(
        team=team, name=member_name, qualification=member_data["qualification"]
    ).first()
    label = f"成员 {member_name}（{q_text}）"
    if member is None:
        actions.member_create(user=user, team=team, data=member_data)
        report.created.append(label)
    elif any(getattr(member, k) != v for k, v in member_data.items()):
        actions.member_update(user=user, member=member, data=member_data)
        report.updated.append(label)
    else:
        report.unchanged += 1


# --------------------------------------------------------------------------------------------
# Agreements
# --------------------------------------------------------------------------------------------

AGREEMENT_COLUMNS = [
    ("服务团队", True, "团队名称（须已在平台组建）"),
    ("用人单位统一社会信用代码", True, "18位"),
    ("开始日期", True, "如 2026-01-01"),
    ("结束日期", False, "不填为一年（渝卫发〔2023〕62号 二(三)）"),
    ("服务内容", True, "内容和数量，用分号分隔，如：职业病危害因素检测2；职业健康培训2；职业健康监护30"),
    ("服务费用（元）", False, ""),
    ("筹资渠道", False, "渠道和金额，用分号分隔，如：企业自筹5000；政府购买服务3000"),
    ("是否签订", False, "是：签订并生成服务日程；否：保存为草拟"),
]
AGREEMENT_HEADERS = {
    "team": "服务团队",
    "enterprise": "用人单位统一社会信用代码",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "contents": "服务内容",
    "fee": "服务费用(元)",
    "funding": "筹资渠道",
}
CONTENT_ALIASES = {
    **_label_map(ServiceContent.choices),
    "风险评估": "risk_assessment",
    "职业卫生管理": "management",
    "培训": "training",
    "检测": "detection",
    "体检": "surveillance",
    "职业健康检查": "surveillance",
    "健康环境": "environment",
    "医疗服务": "medical",
    "其他": "other",
}
CHANNELS = {**_label_map(FundingChannel.choices), _norm("工会渝工安康项目"): "trade_union"}
_ITEM = re.compile(r"^(?P<label>.*?)[:：×xX*]?(?P<n>\d+(?:\.\d+)?)?(?:次/年|次|人|元)?$")


def _items(text: str, table: dict[str, str], column: str, number: Callable[[str], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for piece in re.split(r"[；;，,、\n]+", unicodedata.normalize("NFKC", text)):
        piece = "".join(piece.split())
        if not piece:
            continue
        m = _ITEM.match(piece)
        label = _norm(m["label"]) if m else ""
        if label not in table:
            raise RowProblem(column, f"无法识别“{piece}”")
        out[table[label]] = number(m["n"]) if m and m["n"] else None
    return out


def _quantity(n: str) -> int:
    return max(1, int(Decimal(n)))


class AgreementImporter:
    template_filename = "管家服务协议导入模板.xlsx"

    def template(self, user=None) -> bytes:
        teams = [t.name for t in StewardTeam.objects.for_user(user).order_by("name")[:500]] if user else []
        return template_xlsx(
            [
                TemplateColumn(h + ("*" if req else ""), ["是", "否"] if h == "是否签订" else (teams if h == "服务团队" else ()), comment=c, width=24)
                for h, req, c in AGREEMENT_COLUMNS
            ],
            notes=[
                "服务内容（渝卫发〔2023〕62号 三(一)–(八)）：" + "、".join(str(lab) for _c, lab in ServiceContent.choices),
                "筹资渠道（同上 四(一)–(六)）：" + "、".join(str(lab) for _c, lab in FundingChannel.choices),
                "一个用人单位同一时期只能有一份生效协议；与已生效协议期限重叠的行会被拒绝。",
            ],
        )  # fmt: skip

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        return _run(
            user=user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            required=["服务团队", "用人单位统一社会信用代码", "开始日期", "服务内容"],
            unit="份",
            headers_of=AGREEMENT_HEADERS,
            apply_row=_agreement_row,
        )


def _agreement_row(user, record: dict[str, Any], report: ImportReport) -> None:
    team_name = cell_text(record.get("服务团队"))
    teams = StewardTeam.objects.for_user(user) if user is not None else StewardTeam.objects.all()
    team = teams.filter(name=team_name).first()
    if team is None:
        raise RowProblem("服务团队", f"没有名为“{team_name}”的团队，或不在您的管辖范围内")
    uscc = cell_text(record.get("用人单位统一社会信用代码")).upper()
    employers = Enterprise.objects.for_user(user) if user is not None else Enterprise.objects.all()
    enterprise = employers.filter(uscc=uscc).first()
    if enterprise is None:
        raise RowProblem("用人单位统一社会信用代码", "没有该统一社会信用代码的用人单位，或不在您的管辖范围内")
    start = _date(record.get("开始日期"), "开始日期")
    end = _date(record.get("结束日期"), "结束日期")
    error = rules.term_error(start, end)
    if error:
        raise RowProblem("结束日期" if start else "开始日期", error)
    contents = _items(cell_text(record.get("服务内容")), CONTENT_ALIASES, "服务内容", _quantity)
    if not contents:
        raise RowProblem("服务内容", "请至少填写一项服务内容")
    funding = _items(
        cell_text(record.get("筹资渠道")),
        CHANNELS,
        "筹资渠道",
        lambda n: Decimal(n).quantize(Decimal("0.01")),
    )
    missing_amount = [FundingChannel(c).label for c, v in funding.items() if v is None]
    if missing_amount:
        raise RowProblem("筹资渠道", f"请写明金额：{'、'.join(missing_amount)}")
    existing = ServiceAgreement.objects.filter(team=team, enterprise=enterprise, start_date=start).first()
    if existing is not None:
        report.unchanged += 1
        return
    sign = cell_text(record.get("是否签订")) in YES or not cell_text(record.get("是否签订"))
    actions.agreement_create(
        user=user,
        team=team,
        enterprise=enterprise,
        start_date=start,
        end_date=end,
        contents={k: v or 1 for k, v in contents.items()},
        fee=_yuan(record.get("服务费用(元)"), "服务费用（元）"),
        funding=funding,
        sign=sign,
    )
    report.created.append(f"{enterprise.name} · {team.name}")
