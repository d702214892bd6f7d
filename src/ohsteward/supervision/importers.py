"""Import of a checklist version (用人单位职业卫生管理自查表) from .xlsx/.xls/.csv: one file is one
version, rows are items; template, dry run, Chinese row/column errors, all or nothing (a partial
checklist would score out of less than 100)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ohsteward.core.cells import cell_text
from ohsteward.core.imports import ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.supervision import actions, evidence, rules

COLUMNS = [
    ("版本号", True, "同一文件各行相同，如 official-2022；不能与已有版本重复"),
    ("名称", True, "如 用人单位职业卫生管理自查表（2022）；各行相同"),
    ("章节", True, ""),
    ("编号", True, "如 1.1；不能重复"),
    ("自查内容", True, ""),
    ("分值", True, "各项合计须为100分"),
    ("否决项", False, "是/否；否决项未得满分的，管理状况定为C级"),
    (
        "可引用记录",
        False,
        "、".join(f"{hint}（{label}）" for hint, label in evidence.HINT_LABELS.items())
        + "：开始自查时预填系统中的相应记录",
    ),
    ("已核对", False, "是/否：是否已对照国疾控综监督二函〔2022〕50号附件2官方文本核对；各行相同"),
]
REQUIRED = [h for h, req, _c in COLUMNS if req]
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"", "否", "n", "no", "false", "0"}
HINTS = {"", *evidence.HINTS}


def _flag(value, row: int, column: str, report: ImportReport) -> bool:
    text = cell_text(value).strip().lower()
    if text in YES:
        return True
    if text not in NO:
        report.errors.append(RowError(row, column, f"应填“是”或“否”，实际为“{cell_text(value)}”"))
    return False


class ChecklistImporter:
    template_filename = "管理自查表导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return template_xlsx(
            [
                TemplateColumn(
                    h + ("*" if req else ""),
                    ("是", "否") if h in ("否决项", "已核对") else (),
                    comment=c,
                    width=24,
                )
                for h, req, c in COLUMNS
            ],
            notes=[
                "一个文件为一个自查表版本；导入后即成为当前使用的版本（已开始的自查仍按原版本）。",
                "附件2官方条目与分值尚未取得：如非官方文本，请在“已核对”填“否”，页面将标注“未核对”。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        table = read_table(filename, content, required=REQUIRED)
        report = ImportReport(
            total_rows=len(table.rows), headers=list(table.headers), unit="项", dry_run=dry_run
        )
        items: list[rules.ChecklistItemSpec] = []
        header: dict[str, str] = {}
        verified = set()
        seen: dict[str, int] = {}
        for row_no, values in table.rows:
            report.raw_rows[row_no] = values
            record = dict(zip(table.headers, values, strict=False))
            before = len(report.errors)
            for key in ("版本号", "名称"):
                text = cell_text(record.get(key)).strip()
                if not text:
                    report.errors.append(RowError(row_no, key, "不能为空"))
                elif header.setdefault(key, text) != text:
                    report.errors.append(RowError(row_no, key, f"各行应相同（第一行为“{header[key]}”）"))
            code = cell_text(record.get("编号")).strip()
            if not code:
                report.errors.append(RowError(row_no, "编号", "不能为空"))
            elif code in seen:
                report.errors.append(RowError(row_no, "编号", f"与第{seen[code]}行重复"))
            seen.setdefault(code, row_no)
            for key in ("章节", "自查内容"):
                if not cell_text(record.get(key)).strip():
                    report.errors.append(RowError(row_no, key, "不能为空"))
            try:
                points = float(cell_text(record.get("分值")).strip())
                if points < 0:
                    raise ValueError
            except ValueError:
                report.errors.append(
                    RowError(row_no, "分值", f"应为不小于0的数字，实际为“{cell_text(record.get('分值'))}”")
                )
                points = 0.0
            hint = cell_text(record.get("可引用记录")).strip().lower()
            if hint not in HINTS:
                report.errors.append(
                    RowError(row_no, "可引用记录", f"应为 {'、'.join(sorted(HINTS - {''}))} 之一")
                )
            veto = _flag(record.get("否决项"), row_no, "否决项", report)
            verified.add(_flag(record.get("已核对"), row_no, "已核对", report))
            if len(report.errors) == before:
                items.append(
                    rules.ChecklistItemSpec(
                        code, cell_text(record.get("章节")).strip(), cell_text(record.get("自查内容")).strip(),
                        points, veto, hint,
                    )
                )  # fmt: skip
                report.created.append(f"{code} {cell_text(record.get('自查内容'))[:30]}")
        first = table.rows[0][0] if table.rows else 1  # file-level problems are shown on the first row
        if not table.rows:
            report.errors.append(RowError(first, "", "文件中没有任何条目"))
        if not report.errors:
            total = sum(i.points for i in items)
            if abs(total - 100) > 1e-6:
                report.errors.append(
                    RowError(first, "分值", f"（全表）各项分值合计应为100分（现为{total:g}分）")
                )
            if len(verified) > 1:
                report.errors.append(RowError(first, "已核对", "（全表）各行应相同"))
        if report.errors or dry_run:
            return report
        try:
            with transaction.atomic():
                actions.checklist_load(
                    user=user, code=header["版本号"], name=header["名称"], items=items, verified=verified == {True},
                    source=f"导入文件 {filename}",
                )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            report.errors.extend(RowError(first, "", m) for m in messages)
            return report
        report.applied = True
        return report
