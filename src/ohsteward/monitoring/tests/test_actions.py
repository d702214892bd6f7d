"""Recording reports and measurements: the stored judgement, the refusals (Chinese, nothing saved),
rectification tasks opened explicitly and closed by a compliant re-test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ohsteward.core.models import AuditLog
from ohsteward.monitoring import actions
from ohsteward.monitoring.choices import TaskStatus
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.monitoring.tests.factories import SAMPLED, make_report, record
from ohsteward.registry.models import Post

pytestmark = pytest.mark.django_db


def test_a_benzene_twa_over_the_limit_is_stored_as_not_compliant_with_the_limit_row(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(
        user, report, "苯", {"samples": [{"value": 4.0, "minutes": 240}, {"value": 5.0, "minutes": 240}]}
    )
    m.refresh_from_db()
    assert m.c_twa == pytest.approx(4.5)  # (4×4 + 5×4)/8
    assert m.compliant is False
    assert m.exposure_level == "IV"
    assert m.ratio == pytest.approx(1.5)  # PC-TWA 3 mg/m³
    assert m.limit.limit_type == "PC-TWA" and m.limit.agent_name == "苯"
    assert m.limits[0]["version"] and m.limits[0]["verified"] is False
    assert any("C_TWA" in s and "不符合" in s for s in m.explanation)
    assert m.verdict == "不符合"


def test_a_post_is_created_on_the_fly_in_the_register(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    record(user, report, "噪声", {"l_ex_8h": 82}, post="新岗位", workplace="新车间")
    assert Post.objects.filter(
        workplace__enterprise=employer, name="新岗位", workplace__name="新车间"
    ).exists()


def test_noise_from_segments_and_its_grade(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(user, report, "噪声", {"noise_segments": [{"level": 92, "hours": 8}]})
    assert m.l_ex_8h == pytest.approx(92.0)
    assert m.compliant is False
    assert m.grade_level == "II"  # 90–<94 dB(A), GBZ/T 229.4-2012


def test_a_factor_without_a_limit_is_not_judged(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(user, report, "高气压", {"note": "x"})
    assert m.compliant is None
    assert m.verdict == "无接触限值，未判定"
    assert any("无接触限值，未判定" in s for s in m.explanation)


def test_a_below_lod_sample_without_lod_is_refused_and_nothing_saved(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    with pytest.raises(ValidationError) as e:
        record(user, report, "苯", {"samples": [{"value": "<LOD", "minutes": 480}]})
    assert "检出限" in str(e.value)
    assert not Measurement.objects.filter(report=report).exists()


def test_a_below_lod_sample_with_its_lod_is_judged(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(user, report, "苯", {"samples": [{"value": "<LOD", "lod": 0.2, "minutes": 480}]})
    assert m.compliant is True
    assert m.inputs["samples"][0]["value"] == "<LOD"


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"samples": [{"value": -1, "minutes": 480}]}, "负数"),
        ({"samples": [{"value": "abc", "minutes": 480}]}, "不是数值"),
        ({"samples": [{"value": 1, "minutes": 900}, {"value": 1, "minutes": 900}]}, "24 h"),
        ({"short_samples": [{"value": 1, "minutes": 20}], "c_twa": 1}, "超过15 min"),
    ],
)
def test_bad_inputs_are_refused_in_chinese(lab, inputs, message):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    with pytest.raises(ValidationError) as e:
        record(user, report, "苯", inputs)
    assert message in str(e.value)


def test_a_report_for_an_employer_outside_the_institutions_clients_is_refused(lab, enterprises):
    user, institution, _employer = lab
    with pytest.raises(PermissionDenied) as e:
        make_report(user, enterprises["wanzhou"], institution)
    assert "不在您的服务或管辖范围内" in str(e.value)
    assert not DetectionReport.objects.filter(enterprise=enterprises["wanzhou"]).exists()


def test_a_report_number_reused_for_another_employer_is_refused(lab, enterprises):
    user, institution, employer = lab
    make_report(None, employer, institution, number="R-1")
    with pytest.raises(ValidationError) as e:
        make_report(None, enterprises["yubei2"], institution, number="R-1")
    assert "已用于另一用人单位" in str(e.value)


def test_future_dates_are_refused(lab):
    user, institution, employer = lab
    with pytest.raises(ValidationError) as e:
        make_report(user, employer, institution, on=timezone.localdate() + dt.timedelta(days=3))
    assert "不能晚于今天" in str(e.value)


def test_recording_the_same_inputs_again_changes_nothing(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    inputs = {"c_twa": 2.0}
    m = record(user, report, "苯", inputs)
    before = AuditLog.objects.count()
    again, changed = actions.measurement_record(
        user=user, report=report, factor=m.factor, workplace_name="一车间", post_name="操作工", inputs=inputs
    )
    assert (again.pk, changed) == (m.pk, False)
    assert AuditLog.objects.count() == before


def test_recording_is_audited(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(user, report, "苯", {"c_twa": 2.0})
    assert AuditLog.objects.filter(
        content_type__app_label="monitoring", content_type__model="measurement", object_id=str(m.pk)
    ).exists()


def test_an_over_limit_result_opens_a_task_only_by_the_explicit_action_and_a_retest_closes_it(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    over = record(user, report, "苯", {"c_twa": 6.0})
    assert not RectificationTask.objects.filter(measurement=over).exists()
    task = actions.rectification_open(user=user, measurement=over, required_measures=["engineering", "ppe"])
    assert task.status == TaskStatus.OPEN
    assert task.deadline == timezone.localdate() + dt.timedelta(days=30)
    assert "不符合" in task.finding
    later = make_report(user, employer, institution, number="JC-2026-002", on=SAMPLED + dt.timedelta(days=40))
    record(user, later, "苯", {"c_twa": 1.0})
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED and task.closed_on == SAMPLED + dt.timedelta(days=40)


def test_a_compliant_result_cannot_open_a_task(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    ok = record(user, report, "苯", {"c_twa": 1.0})
    with pytest.raises(ValidationError):
        actions.rectification_open(user=user, measurement=ok, required_measures=["ppe"])


def test_evidence_of_a_wrong_type_is_refused(lab, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile  # local: only this test uploads

    user, institution, employer = lab
    report = make_report(user, employer, institution)
    over = record(user, report, "苯", {"c_twa": 6.0})
    task = actions.rectification_open(user=user, measurement=over, required_measures=["ppe"])
    bad = SimpleUploadedFile("x.exe", b"MZ")
    with pytest.raises(ValidationError) as e:
        actions.rectification_add_measure(
            user=cast["manager"], task=task,
            data={"measure_type": "ppe", "taken_on": timezone.localdate(), "description": "发放防毒口罩"}, files=[bad],
        )  # fmt: skip
    assert "类型不支持" in str(e.value)
    good = SimpleUploadedFile("photo.jpg", b"\xff\xd8jpeg")
    measure = actions.rectification_add_measure(
        user=cast["manager"], task=task,
        data={"measure_type": "ppe", "taken_on": timezone.localdate(), "description": "发放防毒口罩"}, files=[good],
    )  # fmt: skip
    assert measure.evidence.get().content_type == "image/jpeg"
