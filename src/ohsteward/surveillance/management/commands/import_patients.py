"""``ohsteward import patients FILE``: pneumoconiosis patients from the CDC system."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ohsteward.core.audit import audit_context
from ohsteward.core.spreadsheets import SpreadsheetError
from ohsteward.surveillance.exams.patient_importer import PatientImporter


class Command(BaseCommand):
    help = (
        "从 .xlsx/.csv 导入疾控系统的尘肺病患者名单（每行一名患者一个病种；同一身份证号同一病种已登记的更新）。"
        "有行被拒绝时返回非零退出码。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验并显示将发生的变化，不写入")
        parser.add_argument(
            "--partial", action="store_true", help="仅导入无误的行（缺省：任一行有错误则全部不导入）"
        )
        parser.add_argument("--errors-out", help="把被拒绝的行及原因写入此 .xlsx 文件")
        parser.add_argument(
            "--user",
            help="以该用户身份导入（疾控、市或区县用户：居住地须在其辖区内）；缺省为系统",
        )

    def handle(self, *args, file, dry_run, partial, errors_out, user, **options):
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
                report = PatientImporter().run(
                    user=actor,
                    filename=path.name,
                    content=path.read_bytes(),
                    dry_run=dry_run,
                    all_or_nothing=not partial,
                )
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        for note in report.notes:
            self.stdout.write(note)
        for err in report.errors[:200]:
            self.stderr.write(str(err))
        if len(report.errors) > 200:
            self.stderr.write(f"……另有 {len(report.errors) - 200} 条错误")
        if errors_out and report.errors:
            Path(errors_out).write_bytes(report.errors_xlsx())
            self.stderr.write(f"错误行已写入 {errors_out}")
        self.stdout.write(
            report.summary()
            + ("（试运行，未写入）" if dry_run else "" if report.applied else "（有错误，未写入）")
        )
        if report.errors:
            raise SystemExit(1)
