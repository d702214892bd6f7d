"""``ohsteward intake FILE --source KIND``: ingest one source list and print what happened."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ohsteward.core.audit import audit_context
from ohsteward.core.spreadsheets import SpreadsheetError
from ohsteward.intake.actions import batch_ingest
from ohsteward.intake.choices import SourceKind


class Command(BaseCommand):
    help = "导入一个来源名单（登记名单、申报导出、体检、检测、执法巡查与举报），逐行匹配用人单位。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx、.xls 或 .csv 文件")
        parser.add_argument("--source", required=True, choices=SourceKind.values, help="来源类型")
        parser.add_argument("--department", default="", help="提供部门，如 市场监管局")
        parser.add_argument("--received-on", default="", help="接收日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--user", default="", help="以该用户的身份和管辖范围导入（默认系统，不限范围）")
        parser.add_argument("--valid-rows-only", action="store_true", help="有错误行时仍导入正确的行")
        parser.add_argument("--dry-run", action="store_true", help="只检查和匹配，不写入")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"找不到用户：{options['user']}")
        received_on = None
        if options["received_on"]:
            try:
                received_on = dt.date.fromisoformat(options["received_on"])
            except ValueError:
                raise CommandError("接收日期应写成 YYYY-MM-DD") from None
        progress = None
        bar = None
        if not options["no_progress"]:
            bar = tqdm(total=100, unit="%", desc="导入", file=self.stderr._out, leave=False)

            def progress(stage: str, done: int, total: int) -> None:
                bar.set_description(stage)
                pct = {"检查": 10, "匹配": 40, "写入": 80}.get(stage, 0)
                span = {"检查": 30, "匹配": 40, "写入": 20}.get(stage, 0)
                target = pct + span * done // max(total, 1)
                if target > bar.n:
                    bar.update(target - bar.n)

        try:
            with audit_context(user, "cli"):
                result = batch_ingest(
                    user=user,
                    kind=options["source"],
                    filename=path.name,
                    content=path.read_bytes(),
                    department=options["department"],
                    received_on=received_on,
                    valid_rows_only=options["valid_rows_only"],
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from None
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(summary_text(result))
        if result.rejected:
            raise CommandError(f"{result.rejected} 行被拒绝", returncode=2)


def summary_text(result) -> str:
    c = result.counts
    lines = []
    if result.duplicate:
        lines.append(
            f"该文件已于 {result.batch.uploaded_at:%Y-%m-%d %H:%M} 导入（批次 {result.batch.pk}），本次未做任何更改。"
        )
    elif result.dry_run:
        lines.append("试运行：以下为将要发生的变化，未写入数据库。")
    elif result.batch is not None:
        lines.append(f"批次 {result.batch.pk}：{result.batch.get_status_display()}")
    linked_name = c.get("name_exact", 0) + c.get("former_name", 0) + c.get("fuzzy", 0)
    lines += [
        f"行数：{c.get('rows', 0)}",
        f"按信用代码关联：{c.get('uscc', 0)}",
        f"按名称关联：{linked_name}（名称一致 {c.get('name_exact', 0)}，曾用名 {c.get('former_name', 0)}，"
        f"名称相似 {c.get('fuzzy', 0)}）",
        f"新建单位：{c.get('created', 0)}",
        f"待人工核对：{c.get('review', 0)}",
        f"拒绝：{c.get('rejected', 0)}",
    ]
    if c.get("updated"):
        lines.append(f"补充登记信息的单位：{c['updated']}")
    if "declarations" in c:
        lines.append(f"记录申报：{c['declarations']}")
    if c.get("invalid_uscc"):
        lines.append(f"信用代码有误（已按名称匹配）：{c['invalid_uscc']}")
    if c.get("referred"):
        lines.append(f"涉及其他辖区的单位、已转市级核实：{c['referred']}")
    for warning in result.warnings[:200]:
        lines.append(f"  {warning}")
    if result.refused:
        lines.append("存在错误行，整个文件未导入（可使用 --valid-rows-only 仅导入正确的行）。")
    for error in result.errors[:200]:
        lines.append(f"  {error}")
    if len(result.errors) > 200:
        lines.append(f"  ……另有 {len(result.errors) - 200} 条错误")
    return "\n".join(lines)
