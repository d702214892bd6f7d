"""The five source formats as data: column header → row field, aliases, required, parser.

One dict per kind; the upload page, the reader, the template download and the docs all use
these specs. Headers are compared without white space and with full-width brackets folded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ohsteward.core.cells import cell_text
from ohsteward.core.spreadsheets import TemplateColumn
from ohsteward.intake.choices import Origin, SourceKind


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    field: str
    parser: str = (
        "text"  # text uscc name district town industry date count amount hazards origin status names
    )
    # decl_kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    comment: str = ""
    example: str = ""
    width: int = 16


UNIT = ColumnSpec(
    "用人单位名称",
    "name",
    "name",
    required=True,
    aliases=("单位名称", "企业名称", "用人单位", "单位", "企业", "公司名称", "名称"),
    example="重庆示例机械制造有限公司",
    width=32,
)
USCC = ColumnSpec(
    "统一社会信用代码",
    "uscc",
    "uscc",
    aliases=("社会信用代码", "信用代码", "统一信用代码", "统一代码", "USCC", "组织机构代码"),
    comment="18位；未知可不填",
    example="91500112MA5U00000E",
    width=22,
)
DISTRICT = ColumnSpec(
    "所属区县",
    "district",
    "district",
    aliases=("区县", "所在区县", "区县名称", "所属区域", "区域"),
    comment="填写区县名称（如 渝北区 或 渝北）或6位区划代码",
    example="渝北区",
)
HAZARDS = ColumnSpec(
    "危害因素",
    "hazards",
    "hazards",
    aliases=("职业病危害因素", "接触危害因素", "危害因素名称", "接触的职业病危害因素"),
    comment="多个以、或；分隔，可在名称后括号内写接触人数，如 矽尘(12)、噪声(30)",
    example="矽尘(12)、噪声(30)",
    width=30,
)


def _spec(*columns: ColumnSpec) -> dict[str, ColumnSpec]:
    return {c.header: c for c in columns}


FORMATS: dict[str, dict[str, ColumnSpec]] = {
    SourceKind.REGISTRY: _spec(
        USCC,
        UNIT,
        DISTRICT,
        ColumnSpec(
            "所属乡镇街道", "town", "town", aliases=("乡镇街道", "街道", "乡镇", "所属街道", "所属乡镇")
        ),
        ColumnSpec(
            "行业代码",
            "industry",
            "industry",
            aliases=("国民经济行业代码", "行业分类代码"),
            comment="GB/T 4754-2017 小类代码，如 C3311 或 3311",
            example="C3311",
        ),
        ColumnSpec("行业名称", "industry_name", "industry", aliases=("行业", "所属行业", "国民经济行业")),
        ColumnSpec(
            "从业人员数", "employees", "count", aliases=("从业人数", "职工人数", "员工人数", "职工总数")
        ),
        ColumnSpec(
            "营业收入(万元)", "revenue", "amount", aliases=("营业收入", "营收(万元)", "营业收入（万元）")
        ),
        ColumnSpec("资产总额(万元)", "total_assets", "amount", aliases=("资产总额", "资产总额（万元）")),
        ColumnSpec(
            "经营状态",
            "business_status",
            "status",
            aliases=("登记状态", "企业状态", "状态"),
            comment="在业/存续、停产停业、注销",
            example="在业",
        ),
        ColumnSpec("状态日期", "event_date", "date", aliases=("停业日期", "注销日期", "状态变更日期")),
        ColumnSpec("地址", "address", "text", aliases=("住所", "经营地址", "注册地址", "单位地址")),
        ColumnSpec("曾用名", "former_names", "names", aliases=("原名称", "曾用名称")),
    ),
    SourceKind.DECLARATION: _spec(
        ColumnSpec(
            "申报回执编号", "reference_no", "text", required=True, aliases=("回执编号", "申报编号", "回执号")
        ),
        USCC,
        UNIT,
        DISTRICT,
        ColumnSpec(
            "申报类型",
            "category",
            "decl_kind",
            aliases=("申报类别",),
            example="初次申报",
            comment="初次申报、变更申报、年度更新、注销申报；不填按初次申报",
        ),
        ColumnSpec("申报日期", "event_date", "date", required=True, aliases=("申报时间", "回执日期")),
        ColumnSpec("行业代码", "industry", "industry", aliases=("国民经济行业代码", "行业分类代码")),
        ColumnSpec("从业人员数", "employees", "count", aliases=("从业人数", "职工人数", "职工总数")),
        ColumnSpec(
            "接害总人数",
            "exposed_total",
            "count",
            aliases=("接害人数", "接触危害人数", "接触职业病危害因素人数"),
        ),
        HAZARDS,
        ColumnSpec("主要负责人", "principal", "text", aliases=("法定代表人", "负责人")),
        ColumnSpec(
            "职业卫生管理人员", "hygiene_manager", "text", aliases=("职业卫生管理人", "职业健康管理人员")
        ),
    ),
    SourceKind.EXAM: _spec(
        UNIT,
        USCC,
        DISTRICT,
        ColumnSpec("体检日期", "event_date", "date", required=True, aliases=("检查日期", "体检时间")),
        ColumnSpec(
            "检查类别", "category", "text", aliases=("体检类别", "检查类型", "体检类型"), example="在岗期间"
        ),
        HAZARDS,
        ColumnSpec("体检机构", "institution", "text", aliases=("检查机构", "职业健康检查机构")),
        ColumnSpec("人数", "headcount", "count", aliases=("体检人数", "检查人数")),
    ),
    SourceKind.DETECTION: _spec(
        ColumnSpec("报告编号", "reference_no", "text", aliases=("检测报告编号", "报告号")),
        UNIT,
        USCC,
        DISTRICT,
        ColumnSpec("检测机构", "institution", "text", aliases=("技术服务机构", "检测单位")),
        ColumnSpec(
            "检测日期", "event_date", "date", required=True, aliases=("检测时间", "采样日期", "报告日期")
        ),
        ColumnSpec("检测类型", "category", "text", aliases=("检测类别",), example="定期检测"),
        HAZARDS,
        ColumnSpec("检测点数", "points", "count", aliases=("检测点", "检测点位数")),
        ColumnSpec("超标点数", "over_limit_points", "count", aliases=("超标点", "超标点位数")),
    ),
    SourceKind.INSPECTION: _spec(
        UNIT,
        USCC,
        DISTRICT,
        ColumnSpec(
            "来源",
            "origin",
            "origin",
            required=True,
            aliases=("线索来源", "信息来源"),
            comment="、".join(Origin.labels),
            example=Origin.ENFORCEMENT.label,
        ),
        ColumnSpec(
            "发现日期",
            "event_date",
            "date",
            required=True,
            aliases=("发现时间", "日期", "举报日期", "检查日期"),
        ),
        HAZARDS,
        ColumnSpec("备注", "remark", "text", aliases=("说明", "情况说明"), width=40),
    ),
}

ORIGIN_BY_LABEL = {label: value for value, label in Origin.choices}
# 申报类型 as the national system writes it (职业病危害项目申报办法 第5、8、9条) → declarations' kinds.
DECLARATION_KINDS = {
    "初次申报": "initial",
    "首次申报": "initial",
    "变更申报": "change",
    "年度更新": "annual",
    "注销申报": "cancel",
    "注销": "cancel",
}


def clean_header(value: object) -> str:
    return "".join(str(value or "").split()).replace("（", "(").replace("）", ")")


@dataclass
class HeaderMap:
    """Which column of the file feeds which spec column."""

    columns: dict[int, ColumnSpec] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def used(self) -> dict[str, str]:
        return {str(i): spec.header for i, spec in self.columns.items()}


def map_headers(kind: str, headers: list[str], overrides: dict[str, str] | None = None) -> HeaderMap:
    """Map file headers onto the kind's columns by name or alias; ``overrides`` (file header →
    spec header, or "" to ignore) come from the user on the upload page."""
    specs = FORMATS[kind]
    lookup: dict[str, ColumnSpec] = {}
    for spec in specs.values():
        for name in (spec.header, *spec.aliases):
            lookup.setdefault(clean_header(name), spec)
    overrides = {clean_header(k): v for k, v in (overrides or {}).items()}
    result = HeaderMap()
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = clean_header(header)
        if not key:
            continue
        if key in overrides:
            target = overrides[key]
            spec = specs.get(target) if target else None
        else:
            spec = lookup.get(key)
        if spec is None:
            if key not in overrides:
                result.unknown.append(header)
            continue
        if spec.header in taken:
            continue
        taken.add(spec.header)
        result.columns[index] = spec
    result.missing = [s.header for s in specs.values() if s.required and s.header not in taken]
    return result


def is_template_example(columns: dict[int, ColumnSpec], cells: list) -> bool:
    """Whether a data row is the template's grey example row left in (issue 8 item 3): every
    mapped column holds its example (or nothing, where the template has none), the rest is empty."""
    if not any(spec.example for spec in columns.values()):
        return False
    for index, value in enumerate(cells):
        spec = columns.get(index)
        if cell_text(value) != (spec.example if spec is not None else ""):
            return False
    return all(not spec.example or index < len(cells) for index, spec in columns.items())


def template_columns(kind: str, district_names: list[str]):
    """The import template columns for ``kind``: drop-downs for 所属区县 and 来源."""
    columns = []
    for spec in FORMATS[kind].values():
        choices: list[str] = []
        if spec.parser == "district":
            choices = district_names
        elif spec.parser == "origin":
            choices = list(Origin.labels)
        elif spec.parser == "status":
            choices = ["在业", "停产停业", "注销"]
        elif spec.parser == "decl_kind":
            choices = list(DECLARATION_KINDS)
        comment = spec.comment + ("（必填）" if spec.required else "")
        columns.append(
            TemplateColumn(
                spec.header, choices=choices, comment=comment, width=spec.width, example=spec.example or None
            )
        )
    return columns


TEMPLATE_NOTES = (
    "第一行为表头，请勿修改列名；列的顺序可以调整，多余的列会被忽略（上传时可指定对应关系）。",
    "灰色斜体的第二行是示例，导入前请删除。",
    "所属区县可填写名称（渝北区 或 渝北）或6位区划代码；区县级用户只能上传本辖区的单位。",
    "日期写成 2024-03-05；不能晚于今天。",
    "危害因素按《职业病危害因素分类目录》名称填写，多个以、分隔，可在括号内写人数：矽尘(12)、噪声(30)。",
    "同一文件重复上传会被识别，不会重复导入。",
)
