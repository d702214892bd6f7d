"""One rectification task per failing additive-effect group on a post, not one per member
(RULES.md §3.1: the mixture rule Σ Cᵢ/Lᵢ ≤ 1 is one finding — the sum has to come down). A member
over its own limit still gets its own task; a group whose task was closed may get a new one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ohsteward.monitoring import actions
from ohsteward.monitoring.models import Measurement, RectificationTask
from ohsteward.monitoring.tests.factories import make_report, record

pytestmark = pytest.mark.django_db


def _fresh(*ms):
    return [Measurement.objects.get(pk=m.pk) for m in ms]


def test_the_second_member_of_a_failing_group_gets_no_second_task(lab, client):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    # 苯 2/3 and 甲苯 30/50 each 符合 alone; Σ = 1.27 > 1 on one post and date
    benzene, toluene = _fresh(
        record(user, report, "苯", {"c_twa": 2}), record(user, report, "甲苯", {"c_twa": 30})
    )
    task = actions.rectification_open(user=user, measurement=benzene, required_measures=["engineering"])
    assert task.mixture_group == benzene.mixture["key"] == toluene.mixture["key"]
    with pytest.raises(ValidationError, match="同一联合作用组只下达一项整改任务"):
        actions.rectification_open(user=user, measurement=toluene, required_measures=["ppe"])
    assert RectificationTask.objects.count() == 1
    client.force_login(user)
    detail = client.get(toluene.get_absolute_url()).content.decode()
    assert task.get_absolute_url() in detail  # the group's task is shown on the partner's page
    assert 'id="open-task"' not in detail
    body = client.get(f"/api/v1/rectifications/{task.pk}/").json()
    assert body["mixture_group"] == task.mixture_group
    listed = client.get("/monitoring/rectifications/").content.decode()
    assert "苯（联合作用组）" in listed  # the list does not read as if 苯 alone were over its limit


def test_a_member_over_its_own_limit_still_gets_its_own_task(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    # 苯 2/3 符合 alone; 甲苯 60/50 不符合 alone (and the group fails)
    benzene, toluene = _fresh(
        record(user, report, "苯", {"c_twa": 2}), record(user, report, "甲苯", {"c_twa": 60})
    )
    assert (benzene.compliant, toluene.compliant) == (True, False)
    group = actions.rectification_open(user=user, measurement=benzene, required_measures=["engineering"])
    own = actions.rectification_open(user=user, measurement=toluene, required_measures=["ppe"])
    assert group.mixture_group and own.mixture_group == ""
    assert RectificationTask.objects.count() == 2


def test_a_task_opened_on_a_member_over_its_own_limit_covers_its_group(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene, toluene = _fresh(
        record(user, report, "苯", {"c_twa": 2}), record(user, report, "甲苯", {"c_twa": 60})
    )
    own = actions.rectification_open(user=user, measurement=toluene, required_measures=["ppe"])
    assert own.mixture_group == toluene.mixture["key"]
    with pytest.raises(ValidationError, match="同一联合作用组"):
        actions.rectification_open(user=user, measurement=benzene, required_measures=["ppe"])


def test_a_closed_group_task_lets_the_group_have_a_new_one(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene, toluene = _fresh(
        record(user, report, "苯", {"c_twa": 2}), record(user, report, "甲苯", {"c_twa": 30})
    )
    task = actions.rectification_open(user=user, measurement=benzene, required_measures=["engineering"])
    RectificationTask.objects.filter(pk=task.pk).update(status="closed", closed_on=task.deadline)
    again = actions.rectification_open(user=user, measurement=toluene, required_measures=["ppe"])
    assert again.mixture_group == task.mixture_group
