"""The shape every ``ohsteward import KIND FILE`` command shares: ``FILE`` (.xlsx/.csv), ``--dry-run``,
``--partial`` (import the good rows only; default all or nothing — or, for a command with
``all_or_nothing_default = False``, ``--all-or-nothing``), ``--errors-out`` (the rejected
rows with their reasons as .xlsx) and ``--user`` (whose scope the rows are checked against);
notes, at most 200 errors, a summary line, and a non-zero exit when a row was refused. An app's
command names its importer, its help text and what ``--user`` means for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ohsteward.core.audit import audit_context
from ohsteward.core.spreadsheets import SpreadsheetError

SHOWN_ERRORS = 200


class ImportCommand(BaseCommand):
    importer: ClassVar[Any]  # a class with run(user=, filename=, content=, dry_run=, all_or_nothing=)
    user_help = "以该用户身份导入（按其管辖范围校验）；缺省为系统"
    # False: the good rows are imported by default and ``--all-or-nothing`` asks for all or none
    # (the measurements command's arguments since issue 11); True: ``--partial`` asks for the good rows
    all_or_nothing_default: ClassVar[bool] = True

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验并显示将发生的变化，不写入")
        if self.all_or_nothing_default:
            parser.add_argument(
                "--partial", action="store_true", help="仅导入无误的行（缺省：任一行有错误则全部不导入）"
            )
        else:
            parser.add_argument("--all-or-nothing", action="store_true", help="任一行有错误则全部不导入")
        parser.add_argument("--errors-out", help="把被拒绝的行及原因写入此 .xlsx 文件")
        parser.add_argument("--user", help=self.user_help)

    def handle(self, *args, file, dry_run, errors_out, user, **options):
        if self.all_or_nothing_default:
            all_or_nothing = not options.get("partial", False)
        else:
            all_or_nothing = bool(options.get("all_or_nothing", False))
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{file}")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户不存在：{user}")
        try:
            with audit_context(actor, "import"):
                report = self.importer().run(
                    user=actor,
                    filename=path.name,
                    content=path.read_bytes(),
                    dry_run=dry_run,
                    all_or_nothing=all_or_nothing,
                )
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        for note in report.notes:
            self.stdout.write(note)
        for err in report.errors[:SHOWN_ERRORS]:
            self.stderr.write(str(err))
        if len(report.errors) > SHOWN_ERRORS:
            self.stderr.write(f"……另有 {len(report.errors) - SHOWN_ERRORS} 条错误")
        if errors_out and report.errors:
            Path(errors_out).write_bytes(report.errors_xlsx())
            self.stderr.write(f"错误行已写入 {errors_out}")
        self.stdout.write(
            report.summary()
            + ("（试运行，未写入）" if dry_run else "" if report.applied else "（有错误，未写入）")
        )
        if report.errors:
            raise SystemExit(1)
