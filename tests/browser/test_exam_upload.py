"""Browser test: an exam institution uploads a results file (dry run, then confirm), the batch's
表5-1 shows, and the employer sees the recheck and reassignment tasks it must act on — on a
375 px phone screen for the employer."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_uploading_results_opens_tasks_the_employer_sees(
    browser, live_server, cast, enterprises, login, tmp_path
):
    from ohsteward.accounts.actions import role_assign
    from ohsteward.core.spreadsheets import write_xlsx
    from ohsteward.institutions.models import Engagement
    from ohsteward.surveillance.exams.models import SurveillanceTask
    from ohsteward.surveillance.tests.exam_helpers import exam_institution, make_post, make_worker, place

    clinic = exam_institution()
    Engagement.objects.create(
        institution=clinic, enterprise=enterprises["yubei"], start_date=dt.date(2020, 1, 1)
    )
    role_assign(user=cast["institution"], role="institution_staff", institution=clinic)
    e = enterprises["yubei"]
    worker = make_worker(e, name="钱七")
    place(worker, make_post(e, "喷漆工", "苯", "噪声"))
    today = dt.date.today()
    exam_day = (today - dt.timedelta(days=3)).isoformat()
    recheck_by = (today + dt.timedelta(days=27)).isoformat()
    heads = [
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
    rows = [
        [
            worker.id_number,
            "钱七",
            exam_day,
            "在岗期间",
            "噪声",
            "b 复查",
            "高频听阈升高",
            "纯音测听",
            recheck_by,
        ],
        [worker.id_number, "钱七", exam_day, "在岗期间", "苯", "d 职业禁忌证", "再生障碍性贫血", "", ""],
    ]
    upload = tmp_path / "体检结果.xlsx"
    upload.write_bytes(write_xlsx([(h, h) for h in heads], rows))

    page = browser.new_page()
    base = live_server.url
    login(page, base, "institution")
    page.goto(f"{base}/surveillance/exams/import/")
    page.set_input_files("#import-form input[type=file]", str(upload))
    page.click("#import-submit")
    page.wait_for_selector("#confirm-form")
    assert page.locator("#n-created").inner_text() == "2"
    assert "应检1人，实检1人" in page.locator("#import-notes").inner_text()
    assert worker.id_number not in page.content()
    page.click("#confirm-import")
    page.wait_for_selector("#import-status")
    assert "导入完成" in page.locator("#import-status").inner_text()
    page.goto(f"{base}/surveillance/exam-batches/")
    page.locator("#exam-batch-table tbody a").first.click()
    page.wait_for_selector("#summary")
    assert "职业禁忌证" in page.locator("#summary").inner_text()
    page.close()
    assert SurveillanceTask.objects.count() == 2

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    login(phone, base, "manager")
    phone.goto(f"{base}/surveillance/tasks/")
    table = phone.locator("#task-table").inner_text()
    assert "钱七" in table and "复查" in table and "调岗" in table
    phone.locator("#task-table tbody a", has_text="调岗").first.click()
    phone.wait_for_selector("#reassign-form")
    assert "喷漆工" in phone.locator("#exposed").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 376
    context.close()
