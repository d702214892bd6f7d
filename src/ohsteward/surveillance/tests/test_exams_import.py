"""Import of exam results (.xlsx): rows of one exam grouped, errors per row and column in Chinese
with the ID number masked, dry run, the batch's 表5-1, the CLI."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command

from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.surveillance.exams.importers import ExamImporter
from ohsteward.surveillance.exams.models import Exam, ExamBatch, ExamResult, SurveillanceTask
from ohsteward.surveillance.tests.exam_helpers import TODAY, make_worker, set_today

pytestmark = pytest.mark.django_db
HEAD = [
    "身份证号",
    "姓名",
    "体检日期",
    "体检类别",
    "危害因素",
    "结论",
    "异常项目/疾病名称",
    "复查项目",
    "复查期限",
]


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def _file(rows) -> bytes:
    return write_xlsx([(h, h) for h in HEAD], rows)


def _run(user, rows, dry_run=False, all_or_nothing=True):
    return ExamImporter().run(
        user=user,
        filename="体检结果.xlsx",
        content=_file(rows),
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
    )


def test_the_template_has_the_columns_and_the_conclusion_codes():
    book = openpyxl.load_workbook(io.BytesIO(ExamImporter().template()))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:5] == ["身份证号*", "姓名", "统一社会信用代码", "体检日期*", "体检类别*"]
    assert "结论*" in header and "复查期限" in header


def test_rows_of_one_exam_are_one_exam_with_several_results_and_a_summary(cast, enterprises, clinic):
    a = make_worker(enterprises["yubei"], name="张三")
    b = make_worker(enterprises["yubei"], name="李四")
    rows = [
        [
            a.id_number,
            "张三",
            "2026-05-04",
            "在岗期间",
            "噪声",
            "b 复查",
            "高频听阈升高",
            "纯音测听",
            "2026-06-04",
        ],
        [a.id_number, "张三", "2026-05-04", "在岗期间", "苯", "a", "", "", ""],
        [b.id_number, "李四", "2026-05-04", "在岗期间", "噪声", "目前未见异常", "", "", ""],
    ]
    report = _run(cast["institution"], rows)
    assert report.applied and not report.errors, [str(e) for e in report.errors]
    assert Exam.objects.count() == 2 and ExamResult.objects.count() == 3
    assert ExamBatch.objects.count() == 1 and ExamBatch.objects.get().source == "file"
    assert SurveillanceTask.objects.get().kind == "recheck"
    assert any("应检2人，实检2人，目前未见异常1人，复查1人" in note for note in report.notes)


def test_a_dry_run_saves_nothing_and_says_what_would_happen(cast, enterprises, clinic):
    a = make_worker(enterprises["yubei"])
    report = _run(
        cast["institution"],
        [[a.id_number, "", "2026-05-04", "上岗前", "噪声", "a", "", "", ""]],
        dry_run=True,
    )
    assert not report.errors and len(report.created) == 1 and not report.applied
    assert not Exam.objects.exists() and not ExamBatch.objects.exists()


def test_errors_name_row_and_column_and_never_the_full_id_number(cast, enterprises, clinic):
    a = make_worker(enterprises["yubei"], name="张三")
    outside = make_worker(enterprises["wanzhou"], name="王五")
    bad_check = a.id_number[:17] + ("0" if a.id_number[17] != "0" else "1")
    rows = [
        [a.id_number, "张三", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""],  # fine
        [a.id_number, "张三", "2026-05-04", "在岗期间", "苯", "f", "", "", ""],  # conclusion
        [a.id_number, "张三", "2026-05-04", "在岗期间", "不存在的因素", "a", "", "", ""],
        [
            a.id_number,
            "张三",
            (TODAY + dt.timedelta(days=3)).isoformat(),
            "在岗期间",
            "噪声",
            "a",
            "",
            "",
            "",
        ],
        [outside.id_number, "王五", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""],  # not a client
        [bad_check, "张三", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""],
        [a.id_number, "张三", "2026-05-04", "体检", "噪声", "a", "", "", ""],
        [a.id_number, "张三", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""],  # the same as row 2
    ]
    report = _run(cast["institution"], rows)
    errors = {e.row: str(e) for e in report.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert errors[3].startswith("第3行 结论:")
    assert errors[4].startswith("第4行 危害因素: 未知的危害因素“不存在的因素”")
    assert errors[5].startswith("第5行 体检日期:") and "晚于今天" in errors[5]
    assert errors[6].startswith("第6行 身份证号:") and "不在您的服务范围内" in errors[6]
    assert errors[7].startswith("第7行 身份证号: 身份证号校验位错误")
    assert errors[8].startswith("第8行 体检类别:")
    assert errors[9].startswith("第9行 危害因素:") and "请勿重复上传" in errors[9]
    text = " ".join(errors.values()) + report.errors_xlsx().hex()
    for number in (a.id_number, outside.id_number, bad_check):
        assert number not in " ".join(errors.values())
    assert outside.id_number[:6] + "********" + outside.id_number[-4:] in errors[6]
    assert text  # the errors file was built
    assert not report.applied and not Exam.objects.exists()  # all or nothing


def test_only_the_valid_rows_with_partial(cast, enterprises, clinic):
    a = make_worker(enterprises["yubei"])
    rows = [
        [a.id_number, "", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""],
        [a.id_number, "", "2026-05-04", "在岗期间", "苯", "x", "", "", ""],
    ]
    report = _run(cast["institution"], rows, all_or_nothing=False)
    assert report.applied and [e.row for e in report.errors] == [3]
    assert ExamResult.objects.count() == 1
    # the corrected row uploaded again completes the same exam
    again = _run(cast["institution"], [[a.id_number, "", "2026-05-04", "在岗期间", "苯", "a", "", "", ""]])
    assert again.applied and Exam.objects.count() == 1 and ExamResult.objects.count() == 2


def test_a_name_that_differs_from_the_roster_is_refused(cast, enterprises, clinic):
    a = make_worker(enterprises["yubei"], name="张三")
    report = _run(
        cast["institution"], [[a.id_number, "张叁", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""]]
    )
    assert str(report.errors[0]).startswith("第2行 姓名:")


def test_the_cli_imports_and_dry_runs(cast, enterprises, clinic, tmp_path):
    a = make_worker(enterprises["yubei"])
    path = tmp_path / "exams.xlsx"
    path.write_bytes(_file([[a.id_number, "", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""]]))
    out = io.StringIO()
    call_command("import_exams", str(path), "--dry-run", "--user", "institution", stdout=out)
    assert "试运行" in out.getvalue() and not Exam.objects.exists()
    call_command("import_exams", str(path), "--user", "institution", stdout=out)
    assert Exam.objects.count() == 1


def test_the_cli_without_a_user_needs_the_institution_column(cast, enterprises, clinic, tmp_path):
    a = make_worker(enterprises["yubei"])
    path = tmp_path / "exams.xlsx"
    path.write_bytes(_file([[a.id_number, "", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""]]))
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_exams", str(path), stdout=io.StringIO(), stderr=err)
    assert "第2行 体检机构" in err.getvalue()


def test_an_imported_exam_moves_the_workers_next_due_date(cast, enterprises, clinic):
    from ohsteward.surveillance.tests.exam_helpers import make_post, place

    a = make_worker(enterprises["yubei"])
    place(a, make_post(enterprises["yubei"], "冲压工", "噪声"))
    report = _run(cast["institution"], [[a.id_number, "", "2026-05-04", "在岗期间", "噪声", "a", "", "", ""]])
    assert report.applied
    a.refresh_from_db()
    assert (a.last_exam_on, a.next_exam_due) == (dt.date(2026, 5, 4), dt.date(2027, 5, 4))
