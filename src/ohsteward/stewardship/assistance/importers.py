"""Import of a plan's employer list from .xlsx/.xls/.csv (template, dry run, row/column errors),
on the stewardship importers' runner: each row through ``actions.entry_add`` in a savepoint."""

from __future__ import annotations

from typing import Any

from ohsteward.accounts import access
from ohsteward.core.cells import cell_text
from ohsteward.core.imports import ImportReport
from ohsteward.core.spreadsheets import TemplateColumn, template_xlsx
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.assistance import actions
from ohsteward.stewardship.assistance.models import AssistancePlan
from ohsteward.stewardship.importers import RowProblem, _date, _run
from ohsteward.stewardship.models import StewardTeam

COLUMNS = [
    ("区县", True, "区县名称或6位代码；须已建立该年度帮扶计划"),
    ("年度", True, "如 2025"),
    ("统一社会信用代码", True, "须为本区县的中型、小型或微型企业"),
    ("帮扶团队", False, "管家服务团队名称（与专家组二选一）"),
    ("专家组", False, "无管家团队时填写"),
    ("完成时限", False, "不填则为计划的完成时限"),
    ("一企一策", False, ""),
]
HEADERS = {
    "enterprise": "统一社会信用代码",
    "team": "帮扶团队",
    "expert_group": "专家组",
    "deadline": "完成时限",
    "strategy": "一企一策",
    "plan": "年度",
}


class EntryImporter:
    template_filename = "帮扶企业名单导入模板.xlsx"

    def template(self, user=None) -> bytes:
        districts = [r.name for r in access.writable_districts(user)] if user else []
        return template_xlsx(
            [
                TemplateColumn(
                    h + ("*" if req else ""), districts if h == "区县" else (), comment=c, width=24
                )
                for h, req, c in COLUMNS
            ],
            notes=[
                "每个区县每年帮扶中小微企业不少于20家（001 附件3 一）。",
                "大型企业、其他区县的用人单位、已在计划中的用人单位会被拒绝。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        return _run(
            user=user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            required=["区县", "年度", "统一社会信用代码"],
            unit="家",
            headers_of=HEADERS,
            apply_row=_entry_row,
        )


def _entry_row(user, record: dict[str, Any], report: ImportReport) -> None:
    district_text = cell_text(record.get("区县"))
    year_text = cell_text(record.get("年度")).removesuffix("年")
    if not year_text.isdigit():
        raise RowProblem("年度", f"应为四位年份，实际为“{year_text}”")
    plans = AssistancePlan.objects.for_user(user) if user is not None else AssistancePlan.objects.all()
    plan = (
        plans.filter(year=int(year_text), district__code=district_text).first()
        or plans.filter(year=int(year_text), district__name=district_text).first()
    )
    if plan is None:
        raise RowProblem("区县", f"没有“{district_text}”{year_text}年的帮扶计划，或不在您的管辖范围内")
    uscc = cell_text(record.get("统一社会信用代码")).upper()
    employers = Enterprise.objects.for_user(user) if user is not None else Enterprise.objects.all()
    enterprise = employers.filter(uscc=uscc).first()
    if enterprise is None:
        raise RowProblem("统一社会信用代码", "没有该统一社会信用代码的用人单位，或不在您的管辖范围内")
    team = None
    team_name = cell_text(record.get("帮扶团队"))
    if team_name:
        teams = StewardTeam.objects.for_user(user) if user is not None else StewardTeam.objects.all()
        team = teams.filter(name=team_name).first()
        if team is None:
            raise RowProblem("帮扶团队", f"没有名为“{team_name}”的团队，或不在您的管辖范围内")
    actions.entry_add(
        user=user,
        plan=plan,
        enterprise=enterprise,
        team=team,
        expert_group=cell_text(record.get("专家组")),
        deadline=_date(record.get("完成时限"), "完成时限"),
        strategy=cell_text(record.get("一企一策")),
    )
    report.created.append(f"{enterprise.name} · {plan}")
