"""The demo monitoring data show what issue 11 asks to see: compliant and over-limit posts (with
<LOD samples), open, overdue and closed rectification tasks, and employers due or overdue."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ohsteward.demo import institutions, monitoring
from ohsteward.monitoring import queries
from ohsteward.monitoring.models import Measurement, RectificationTask
from ohsteward.registry.models import Region
from ohsteward.registry.tests.factories import EnterpriseFactory


@pytest.mark.django_db
def test_populate_makes_compliant_and_over_limit_posts_tasks_and_due_dates():
    for _ in range(14):
        EnterpriseFactory(region=Region.objects.get(code="500112"), status="active")
    today = timezone.localdate()
    institutions.populate(year=today.year, today=today, seed=1)
    counts = monitoring.populate(year=today.year, today=today, seed=1)
    assert counts["reports"] >= 10
    demo = Measurement.objects.filter(report__number__startswith="CQYB-")
    assert demo.filter(compliant=True).exists() and demo.filter(compliant=False).exists()
    assert any(s.get("value") == "<LOD" for m in demo.filter(factor__name="苯") for s in m.inputs["samples"])
    tasks = RectificationTask.objects.all()
    assert tasks.filter(status="open", deadline__gte=today).exists()
    assert tasks.filter(status="open", deadline__lt=today).exists()
    assert tasks.filter(status="closed").exists()
    due = queries.detection_due().filter(region_id="500112")
    assert due.filter(queries.overdue_q(today)).exists() and due.exclude(queries.overdue_q(today)).exists()
    assert monitoring.populate(year=today.year, today=today, seed=1) == {}  # once only


@pytest.mark.django_db
def test_the_demo_has_a_post_failing_only_as_a_mixture_with_one_open_task():
    for _ in range(14):
        EnterpriseFactory(region=Region.objects.get(code="500112"), status="active")
    today = timezone.localdate()
    institutions.populate(year=today.year, today=today, seed=1)
    monitoring.populate(year=today.year, today=today, seed=1)
    post, _workplace, inputs = monitoring.MIXTURE_POST
    members = Measurement.objects.filter(post__name=post, report__number__startswith="CQYB-")
    assert sorted(members.values_list("factor__name", flat=True)) == sorted(inputs)
    assert all(m.compliant is True and m.over_limit and m.mixture_failed for m in members)
    tasks = RectificationTask.objects.filter(post__name=post)
    assert tasks.count() == 1  # one task for the group, not one per member
    task = tasks.get()
    assert task.status == "open" and task.mixture_group and "联合作用" in task.finding
