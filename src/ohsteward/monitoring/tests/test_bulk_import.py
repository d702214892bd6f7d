"""The bulk import path (monitoring.bulk): the same stored judgements and the same errors as the
row-by-row action for the same file, a number of queries per file that does not grow with its
rows, an idempotent re-import, and a compliant re-test closing the open task."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from ohsteward.core.models import AuditLog
from ohsteward.monitoring import actions, bulk
from ohsteward.monitoring.choices import TaskStatus
from ohsteward.monitoring.importers import MeasurementImporter
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.monitoring.tests.factories import make_report, record
from ohsteward.monitoring.tests.test_import import HEAD, rows
from ohsteward.registry.models import Post
from ohsteward.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

WIDE = [
    *HEAD,
    "检测机构信用代码",
    "检测日期",
    "游离SiO2含量(%)",
    "WBGT(℃)",
    "接触时间率",
    "体力劳动强度",
    "粉尘类别",
]


def book(data, head=WIDE) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for r in data:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def mixed_rows(usccs, institution, number_prefix="B"):
    """Chemicals (two samples, <LOD), noise, dust with SiO₂, heat, an unknown-limit factor."""
    out = []
    for i, uscc in enumerate(usccs):
        n = f"{number_prefix}-{i}"
        base = [n, "定期检测", uscc, "2026-03-10"]
        tail = [institution.uscc]
        out += [
            [*base, "喷漆车间", "喷漆工", "苯", 4 + i, 240, None, None, *tail, None, None, None, None, None],
            [*base, "喷漆车间", "喷漆工", "苯", 5, 240, None, None, *tail, None, None, None, None, None],
            [*base, "调漆间", "调漆工", "甲苯", "<LOD", 480, 0.5, None, *tail, None, None, None, None, None],
            [
                *base,
                "冲压车间",
                "冲压工",
                "噪声",
                None,
                None,
                None,
                80 + 3 * i,
                *tail,
                None,
                None,
                None,
                None,
                None,
            ],
            [
                *base,
                "打磨车间",
                "打磨工",
                "矽尘",
                0.5 + i,
                480,
                None,
                None,
                *tail,
                "2026-03-11",
                12,
                None,
                None,
                None,
            ],
            [
                *base,
                "锅炉房",
                "司炉工",
                "高温",
                None,
                None,
                None,
                None,
                *tail,
                None,
                None,
                30 + i,
                "75%",
                "Ⅲ",
            ],
        ]
    for r in out:  # 矽尘 has 总尘 and 呼尘 limits: the fraction is stated (the judgement refuses to guess)
        r.append("总尘" if r[6] == "矽尘" else None)
    return out


def stored():
    """Every stored measurement's judgement, keyed by report number, post and factor."""
    fields = ["kind", "measured_on", "inputs", *bulk.STORED_FIELDS, "mixture"]
    fields.remove("judged_at")
    return {
        (m.report.number, m.post.workplace.name, m.post.name, m.factor.name): {
            f: getattr(m, f) for f in fields
        }
        for m in Measurement.objects.select_related("report", "post__workplace", "factor")
    }


def both(user, content, **kwargs):
    """(row-by-row report, its stored rows) then (bulk report, its stored rows) for one file, each
    from the same starting database."""
    with transaction.atomic():
        slow = MeasurementImporter().run_row_by_row(user=user, filename="f.xlsx", content=content, **kwargs)
        slow_rows = stored()
        transaction.set_rollback(True)
    with transaction.atomic():
        fast = MeasurementImporter().run(user=user, filename="f.xlsx", content=content, **kwargs)
        fast_rows = stored()
        transaction.set_rollback(True)
    return (slow, slow_rows), (fast, fast_rows)


def test_the_bulk_path_stores_the_same_judgements_as_the_row_by_row_action(lab, enterprises):
    _user, institution, employer = lab
    content = book(
        mixed_rows([employer.uscc, enterprises["yubei2"].uscc, enterprises["wanzhou"].uscc], institution)
    )
    (slow, slow_rows), (fast, fast_rows) = both(None, content, dry_run=False)
    assert not slow.errors and not fast.errors
    assert len(fast_rows) == 15 and any(r["compliant"] is False for r in fast_rows.values())
    assert any(r["compliant"] is True for r in fast_rows.values())
    assert fast_rows == slow_rows
    assert sorted(fast.created) == sorted(slow.created) and fast.unchanged == slow.unchanged


def test_factors_that_add_up_on_one_post_and_date_are_judged_together_on_both_paths(lab):
    user, institution, employer = lab
    base = ["MX-1", "定期检测", employer.uscc, "2026-03-10"]
    tail = [institution.uscc, None, None, None, None, None, None]
    content = book([
        [*base, "喷漆车间", "喷漆工", "苯", 2, 480, None, None, *tail],  # 2/3 alone 符合
        [*base, "喷漆车间", "喷漆工", "甲苯", 30, 480, None, None, *tail],  # 30/50 alone 符合
    ])  # fmt: skip
    (slow, slow_rows), (fast, fast_rows) = both(user, content, dry_run=False)
    assert not slow.errors and not fast.errors and slow_rows == fast_rows
    mixtures = [v["mixture"] for v in fast_rows.values()]
    assert len(mixtures) == 2 and mixtures[0] == mixtures[1]
    assert mixtures[0]["compliant"] is False and mixtures[0]["ratio"] == pytest.approx(1.267)


def test_a_file_that_changes_one_member_updates_the_stored_partner(lab):
    user, institution, employer = lab
    base = ["MX-2", "定期检测", employer.uscc, "2026-03-10"]
    tail = [institution.uscc, None, None, None, None, None, None]
    first = book([
        [*base, "喷漆车间", "喷漆工", "苯", 2, 480, None, None, *tail],
        [*base, "喷漆车间", "喷漆工", "甲苯", 30, 480, None, None, *tail],
    ])  # fmt: skip
    assert MeasurementImporter().run(user=user, filename="f.xlsx", content=first, dry_run=False).applied
    benzene = Measurement.objects.get(report__number="MX-2", factor__name="苯")
    assert benzene.mixture["compliant"] is False
    second = book([[*base, "喷漆车间", "喷漆工", "甲苯", 10, 480, None, None, *tail]])  # 2/3 + 10/50 = 0.867
    assert MeasurementImporter().run(user=user, filename="f.xlsx", content=second, dry_run=False).applied
    benzene.refresh_from_db()
    assert benzene.mixture["compliant"] is True and benzene.mixture["ratio"] == pytest.approx(0.867)


def test_a_changed_file_updates_the_same_way_on_both_paths(lab, enterprises):
    _user, institution, employer = lab
    first = mixed_rows([employer.uscc], institution)
    MeasurementImporter().run(user=None, filename="f.xlsx", content=book(first), dry_run=False)
    changed = [list(r) for r in first]
    changed[0][7] = 9  # a benzene sample
    changed[3][10] = 95  # the noise level
    (slow, slow_rows), (fast, fast_rows) = both(None, book(changed), dry_run=False)
    assert fast_rows == slow_rows
    assert (len(fast.created), len(fast.updated), fast.unchanged) == (0, 2, 3)
    assert (len(slow.created), len(slow.updated), slow.unchanged) == (0, 2, 3)


BAD = [
    ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "苯", -1, 480, None, None],
    ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "苯", "abc", 480, None, None],
    ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "苯", "<LOD", 480, None, None],
    ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "甲笨", 1, 480, None, None],
    ["R-9", "定期检测", None, "2099-03-10", "一车间", "工", "苯", 1, 480, None, None],
    ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "苯", 1, 1600, None, None],
    ["R-9", "定期", None, "2026-03-10", "一车间", "工", "苯", 1, 480, None, None],
    ["R-9", "定期检测", "91500000000000000X", "2026-03-10", "一车间", "工", "苯", 1, 480, None, None],
    ["R-9", "定期检测", None, "2026-03-10", "", "工", "苯", 1, 480, None, None],
    ["R-9", "定期检测", None, None, "一车间", "工", "苯", 1, 480, None, None],
]


@pytest.mark.parametrize("dry_run", [True, False])
def test_errors_and_the_dry_run_are_the_same_on_both_paths(lab, enterprises, dry_run):
    user, _institution, employer = lab
    data = [[employer.uscc if v is None and i == 2 else v for i, v in enumerate(r)] for r in BAD]
    for n, r in enumerate(data):
        r[5] = f"工{n}"  # one post × factor each
    data += rows(employer.uscc)  # good rows after the bad ones
    data.append(
        [
            "R-9",
            "定期检测",
            enterprises["wanzhou"].uscc,
            "2026-03-10",
            "一车间",
            "工",
            "苯",
            1,
            480,
            None,
            None,
        ]
    )
    (slow, slow_rows), (fast, fast_rows) = both(user, book(data, HEAD), dry_run=dry_run, all_or_nothing=False)
    assert [str(e) for e in fast.errors] == [str(e) for e in slow.errors]
    assert len(fast.errors) == len(BAD) + 1
    assert sorted(fast.created) == sorted(slow.created) and len(fast.created) == 3
    assert fast_rows == slow_rows and bool(fast_rows) is not dry_run
    assert fast.applied == slow.applied


def test_a_report_number_of_another_employer_is_refused_on_both_paths(lab, enterprises):
    _user, institution, employer = lab
    data = mixed_rows([employer.uscc], institution, "N")[:1] + [
        ["N-0", "定期检测", enterprises["yubei2"].uscc, "2026-03-10", "一车间", "工", "苯", 1, 480, None, None,
         institution.uscc, None, None, None, None, None],
    ]  # fmt: skip
    (slow, _), (fast, _) = both(None, book(data), dry_run=False, all_or_nothing=False)
    assert [str(e) for e in fast.errors] == [str(e) for e in slow.errors]
    assert "已用于另一用人单位" in str(fast.errors[0])


def test_the_queries_of_an_import_do_not_grow_with_its_rows(lab, monkeypatch):
    """Monitoring's own queries per file are bounded (declarations' trigger kept in the count; the
    next test counts every app's effects)."""
    from ohsteward.declarations.detection import (  # local: the one batch effect kept in the count
        trigger_for_undeclared_factor,
    )
    from ohsteward.monitoring import effects  # local: the registry the test narrows

    monkeypatch.setattr(
        effects, "_callbacks", [c for c in effects._callbacks if c is trigger_for_undeclared_factor]
    )
    _user, institution, _employer = lab
    employers = [EnterpriseFactory() for _ in range(12)]

    def queries(usccs, prefix):
        content = book(mixed_rows(usccs, institution, prefix))
        with CaptureQueriesContext(connection) as ctx:
            report = MeasurementImporter().run(user=None, filename="f.xlsx", content=content, dry_run=False)
        assert not report.errors and report.applied
        return len(ctx.captured_queries)

    small = queries([e.uscc for e in employers[:2]], "S")
    large = queries([e.uscc for e in employers[2:]], "L")  # 5 times the employers, reports, posts
    assert Measurement.objects.count() == 12 * 5
    assert large <= small + 2, (small, large)
    assert large < 40  # the row-by-row action needs ~28 per post × factor


def test_with_every_apps_effects_the_queries_of_an_import_still_do_not_grow_with_its_rows(lab):
    """Every registered effect (declarations' triggers, surveillance's schedule recompute,
    supervision's re-assessment) has a batch form: 5 times the employers cost no more queries."""
    from ohsteward.monitoring import effects  # local: the registry under test

    assert all(callback in effects._batch for callback in effects._callbacks), [
        c.__qualname__ for c in effects._callbacks if c not in effects._batch
    ]
    _user, institution, _employer = lab
    employers = [EnterpriseFactory() for _ in range(12)]

    def queries(usccs, prefix):
        content = book(mixed_rows(usccs, institution, prefix))
        with CaptureQueriesContext(connection) as ctx:
            report = MeasurementImporter().run(user=None, filename="f.xlsx", content=content, dry_run=False)
        assert not report.errors and report.applied
        return len(ctx.captured_queries)

    small = queries([e.uscc for e in employers[:2]], "S")
    large = queries([e.uscc for e in employers[2:]], "L")
    assert large <= small + 4, (small, large)


def test_the_same_file_twice_changes_nothing_not_even_the_audit_trail(lab, enterprises):
    _user, institution, employer = lab
    content = book(mixed_rows([employer.uscc, enterprises["yubei2"].uscc], institution))
    done = MeasurementImporter().run(user=None, filename="f.xlsx", content=content, dry_run=False)
    assert done.applied and len(done.created) == 10
    before = (
        Measurement.objects.count(),
        DetectionReport.objects.count(),
        Post.objects.count(),
        AuditLog.objects.count(),
    )
    again = MeasurementImporter().run(user=None, filename="f.xlsx", content=content, dry_run=False)
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 10)
    after = (
        Measurement.objects.count(),
        DetectionReport.objects.count(),
        Post.objects.count(),
        AuditLog.objects.count(),
    )
    assert after == before


def test_the_import_audits_new_reports_posts_and_one_entry_per_report(lab):
    _user, institution, employer = lab
    MeasurementImporter().run(
        user=None, filename="f.xlsx", content=book(mixed_rows([employer.uscc], institution)), dry_run=False
    )
    report = DetectionReport.objects.get(number="B-0")
    entries = AuditLog.objects.filter(content_type__model="detectionreport", object_id=str(report.pk))
    assert {e.action for e in entries} == {"create", "update"}
    assert entries.get(action="update").changes == {"measurements_created": [None, 5]}
    assert AuditLog.objects.filter(content_type__model="post", action="create").count() == 5


def test_a_compliant_retest_in_a_file_closes_the_open_task(lab):
    user, institution, employer = lab
    first = make_report(user, employer, institution, number="JC-1")
    over = record(user, first, "苯", {"c_twa": 6.0}, workplace="喷漆车间", post="喷漆工")
    task = actions.rectification_open(user=user, measurement=over, required_measures=["ppe"])
    later = dt.date(2026, 4, 20).isoformat()
    data = [["RT-1", "定期检测", employer.uscc, later, "喷漆车间", "喷漆工", "苯", 1, 480, None, None]]
    done = MeasurementImporter().run(user=user, filename="f.xlsx", content=book(data, HEAD), dry_run=False)
    assert done.applied, [str(e) for e in done.errors]
    task.refresh_from_db()
    retest = Measurement.objects.get(report__number="RT-1")
    assert (task.status, task.closed_by_id, task.closed_on) == (
        TaskStatus.CLOSED,
        retest.pk,
        dt.date(2026, 4, 20),
    )
    assert AuditLog.objects.filter(
        content_type__model="rectificationtask", object_id=str(task.pk), action="update"
    ).exists()
    assert not RectificationTask.objects.open().exists()


def test_a_large_file_previews_as_a_job_and_its_confirmation_applies_it_as_a_second_job(
    client, lab, settings, tmp_path
):
    import re  # local: only this test reads a page's form action

    from django.core.files.uploadedfile import SimpleUploadedFile  # local: only this test uploads
    from django.urls import reverse  # local: only this test opens pages

    user, _institution, employer = lab
    settings.DATA_DIR = tmp_path
    settings.OHSTEWARD_JOB_THRESHOLD_ROWS = 2
    client.force_login(user)
    response = client.post(
        reverse("monitoring:measurement_import"),
        {"file": SimpleUploadedFile("结果.xlsx", book(rows(employer.uscc), HEAD))},
    )
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    preview = client.get(response["Location"]).content.decode()
    assert "将新增3条" in preview and "确认导入" in preview
    assert not Measurement.objects.exists()
    confirm = re.search(r'action="(/monitoring/measurements/import/jobs/\d+/confirm/)"', preview).group(1)
    applied = client.post(confirm)
    assert applied.status_code == 302
    assert "已新增3条" in client.get(applied["Location"]).content.decode()
    assert Measurement.objects.count() == 3
    again = client.get(client.post(confirm)["Location"]).content.decode()
    assert "无变化3条" in again and Measurement.objects.count() == 3


def test_a_blank_measurement_is_a_fresh_measurement_with_its_own_mutable_defaults():
    fields = [f.attname for f in Measurement._meta.concrete_fields]
    a, b = bulk.blank_measurement(), bulk.blank_measurement(pk=7)
    assert {f: getattr(a, f) for f in fields} == {f: getattr(Measurement(), f) for f in fields}
    assert b.pk == 7 and a._state.adding and a._state is not b._state
    a.inputs["x"] = 1
    a.mixture["y"] = 2
    assert b.inputs == {} and b.mixture == {}


def test_an_employer_moved_while_the_file_was_checked_gets_its_new_district_on_the_rows(
    lab, enterprises, monkeypatch
):
    """The import reads the employers when it checks the file; an officer moving one to another
    district before the rows are written (its sync saw none of them) must not leave the rows with
    the old district — they would show to the wrong district and hide from the right one."""
    from ohsteward.accounts.testing import WANZHOU
    from ohsteward.registry.models import Enterprise

    _user, institution, employer = lab
    real_write = bulk.write

    def moved_meanwhile(plan, lookup, **kwargs):
        Enterprise.objects.filter(pk=employer.pk).update(region_id=WANZHOU)  # committed, no sync
        return real_write(plan, lookup, **kwargs)

    monkeypatch.setattr(bulk, "write", moved_meanwhile)
    content = book(mixed_rows([employer.uscc], institution, number_prefix="MV"))
    assert MeasurementImporter().run(user=None, filename="f.xlsx", content=content, dry_run=False).applied
    districts = set(Measurement.objects.filter(enterprise=employer).values_list("district", flat=True))
    assert districts == {WANZHOU}
