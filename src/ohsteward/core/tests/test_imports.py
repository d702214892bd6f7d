"""The upload stash (one for every importer) and the shared import report."""

from __future__ import annotations

import os
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404
from django.test import RequestFactory

from ohsteward.core.imports import ImportReport, RowError, UploadStash


def request_of(user, session=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = session if session is not None else SessionStore()
    return request


@pytest.fixture
def stash_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


def test_a_token_opens_only_its_own_users_file_for_its_own_importer(stash_dir, cast):
    request = request_of(cast["yubei"])
    token = UploadStash(request, "registry.enterprise").put("名单.xlsx", b"bytes")
    assert UploadStash(request, "registry.enterprise").get(token) == ("名单.xlsx", b"bytes")
    with pytest.raises(Http404):
        UploadStash(request, "intake.batch").get(token)  # another importer's confirm URL
    with pytest.raises(Http404):
        UploadStash(request_of(cast["city"], request.session), "registry.enterprise").get(
            token
        )  # another user
    for forged in ("forged", "../../etc/passwd", ""):
        with pytest.raises(Http404):
            UploadStash(request, "registry.enterprise").get(forged)
    UploadStash(request, "registry.enterprise").forget(token)
    assert not list(stash_dir.iterdir())


def test_uploads_older_than_the_ttl_setting_are_removed_at_the_next_upload(stash_dir, cast, settings):
    settings.OHSTEWARD_UPLOAD_TTL_SECONDS = 3600
    stash_dir.mkdir()
    old, recent = stash_dir / "old.bin", stash_dir / "recent.bin"
    for path, age in ((old, 2 * 3600), (recent, 600)):
        path.write_bytes(b"x")
        os.utime(path, (time.time() - age,) * 2)
    UploadStash(request_of(cast["yubei"]), "k").put("a.csv", b"a")
    assert not old.exists() and recent.exists()


def test_report_summary_and_errors_name_row_and_column():
    report = ImportReport(
        total_rows=3,
        created=[object()],
        unchanged=1,
        headers=["名称"],
        errors=[RowError(3, "名称", "不能为空"), RowError(3, "", "重复")],
        raw_rows={3: [""]},
    )
    assert str(report.errors[0]) == "第3行 名称: 不能为空" and str(report.errors[1]) == "第3行: 重复"
    assert report.summary() == "共3行：将新增1家，将更新0家，无变化1家，有错误1行"
    assert report.rejected_rows == [3]
