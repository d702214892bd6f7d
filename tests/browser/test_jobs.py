"""Browser test: a large register import runs as a background job; the job page's progress bar
follows it live (HTMX polling) to the end, then offers the errors file and the confirmation.

The queue is django-tasks' DummyBackend (jobs wait), and the test runs the queued job itself
while the page is open: the page must change on its own, without a reload.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HELD = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
SHOTS = "/tmp/ohs-jobs-shots"


def _csv(n: int, bad: int) -> bytes:
    from ohsteward.registry.tests.factories import make_uscc

    lines = ["统一社会信用代码,用人单位名称,所属区县"]
    lines += [
        f"{make_uscc('500112', 800000 + i)},重庆浏览器导入{i}号机械制造有限公司,渝北区" for i in range(n)
    ]
    lines += [f"91500112BAD{i:07d},重庆错误{i}号公司,渝北区" for i in range(bad)]
    return ("\n".join(lines) + "\n").encode()


def _run_queued() -> int:
    from ohsteward.core import jobs
    from ohsteward.core.models import Job

    job = Job.objects.filter(status="queued").latest("pk")
    jobs.execute(job.pk)
    return job.pk


@pytest.mark.parametrize("width", [1280, 375])
def test_a_large_import_shows_live_progress_to_done_then_the_errors_file_and_the_confirmation(
    browser, live_server, cast, tmp_path, login, settings, width
):
    from pathlib import Path

    from ohsteward.core.models import Job
    from ohsteward.registry.models import Enterprise

    settings.DATA_DIR = tmp_path
    settings.OHSTEWARD_JOB_THRESHOLD_ROWS = 100
    Path(SHOTS).mkdir(exist_ok=True)
    upload = tmp_path / "名单.csv"
    upload.write_bytes(_csv(300, 2))
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    base = live_server.url
    with override_settings(TASKS=HELD):
        login(page, base, "yubei")
        page.goto(f"{base}/registry/import/")
        page.set_input_files("input[type=file]", str(upload))
        page.check("#id_partial")
        page.click("#import-submit")
        page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
        assert "排队中" in page.inner_text("#job-progress")

        # the worker reports progress: the open page shows it on its own
        job = Job.objects.latest("pk")
        Job.objects.filter(pk=job.pk).update(
            status="running", progress=45, stage="检查", counts={"已检查行数": 135, "总行数": 302}
        )
        page.wait_for_function("() => document.querySelector('.job-bar').value === 45")
        assert "检查" in page.inner_text("#job-progress") and "135" in page.inner_text("#job-progress")
        page.screenshot(path=f"{SHOTS}/job-running-{width}.png", full_page=True)
        Job.objects.filter(pk=job.pk).update(status="queued", progress=0, stage="", counts={})

        _run_queued()  # the preview job runs to the end
        page.wait_for_selector("#job-download")
        assert page.evaluate("document.querySelector('.job-bar').value") == 100
        text = page.inner_text("#job-progress")
        assert "已完成" in text and "将新增300家" in text and "有错误2行" in text
        page.screenshot(path=f"{SHOTS}/job-done-{width}.png", full_page=True)
        with page.expect_download() as info:
            page.click("#job-download")
        assert info.value.suggested_filename.endswith(".xlsx")
        assert not Enterprise.objects.filter(name__startswith="重庆浏览器导入").exists()

        page.click("text=仅导入无误的行")
        page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
        _run_queued()
        page.wait_for_selector("text=已新增300家")
        assert Enterprise.objects.filter(name__startswith="重庆浏览器导入").count() == 300

        page.goto(f"{base}/jobs/")
        assert page.locator("table.data tbody tr").count() == 2
        page.screenshot(path=f"{SHOTS}/job-list-{width}.png", full_page=True)
        # nothing overflows the phone's width
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    context.close()
