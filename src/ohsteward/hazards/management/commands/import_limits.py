"""``ohsteward import limits FILE``: exposure limits as a dated edition (GBZ 2.1 表1/表2), the same
importer as the web page and the API."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ohsteward.core.audit import audit_context
from ohsteward.core.spreadsheets import SpreadsheetError
from ohsteward.hazards.importers import ExposureLimitImporter


class Command(BaseCommand):
    help = "从 .xlsx/.csv 导入职业接触限值（GBZ 2.1 表1、表2 及修改单，按版本）。有行被拒绝时返回非零退出码。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验并显示将发生的变化，不写入")
        parser.add_argument(
            "--partial", action="store_true", help="仅导入无误的行（缺省：任一行有错误则全部不导入）"
        )
        parser.add_argument("--user", help="以该用户身份导入（须有导入限值的权限）；缺省为系统")

    def handle(self, *args, file, dry_run, partial, user, **options):
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
                report = ExposureLimitImporter().run(
                    user=actor,
                    filename=path.name,
                    content=path.read_bytes(),
                    dry_run=dry_run,
                    all_or_nothing=not partial,
                )
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        for change in [*report.created, *report.updated][:200]:
            self.stdout.write(str(change))
        for note in report.notes:
            self.stdout.write(note)
        for err in report.errors[:200]:
            self.stderr.write(str(err))
        self.stdout.write(
            report.summary()
            + ("（试运行，未写入）" if dry_run else "" if report.applied else "（有错误，未写入）")
        )
        if report.errors:
            raise SystemExit(1)
