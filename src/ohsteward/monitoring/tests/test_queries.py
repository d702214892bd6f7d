"""``queries.with_hazards``: the area form (``among``) keeps the same employers as the city-wide
form filtered to the area."""

from __future__ import annotations

import pytest

from ohsteward.hazards.models import HazardFactor
from ohsteward.monitoring import queries
from ohsteward.monitoring.tests.factories import make_report
from ohsteward.registry.models import Enterprise, Post, PostExposure, Region
from ohsteward.registry.tests.factories import EnterpriseFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db


def _world(institution, user):
    """In 渝北 and 万州 each: one employer per way of having hazards, and two without."""
    noise = HazardFactor.objects.get(name="噪声")
    made = {}
    for code in ("500112", "500101"):
        region = Region.objects.get(code=code)
        exposed = EnterpriseFactory(region=region, exposed_workers=0)
        post = Post.objects.create(workplace=WorkplaceFactory(enterprise=exposed), name="冲压工")
        PostExposure.objects.create(post=post, hazard_factor=noise, exposed_count=2)
        reported = EnterpriseFactory(region=region, exposed_workers=0)
        make_report(None, reported, institution, number=f"R-{code}")  # no user: no scope check
        counted = EnterpriseFactory(region=region, exposed_workers=4)
        none = EnterpriseFactory(region=region, exposed_workers=0)
        Post.objects.create(workplace=WorkplaceFactory(enterprise=none), name="文员")  # no exposure
        closed = EnterpriseFactory(region=region, exposed_workers=5, status="cancelled")
        made[code] = {
            "exposed": exposed,
            "reported": reported,
            "counted": counted,
            "none": none,
            "closed": closed,
        }
    return made


def test_the_area_form_of_with_hazards_keeps_the_same_employers_as_the_city_form(lab):
    user, institution, _employer = lab
    made = _world(institution, user)
    for among in (
        Enterprise.objects.filter(region_id="500112"),
        Enterprise.objects.filter(region_id="500101"),
        Enterprise.objects.all(),
        Enterprise.objects.none(),
    ):
        city_form = set(queries.with_hazards().filter(pk__in=among.values("pk")).values_list("pk", flat=True))
        area_form = set(queries.with_hazards(among=among).values_list("pk", flat=True))
        assert area_form == city_form
    kept = set(
        queries.with_hazards(among=Enterprise.objects.filter(region_id="500112")).values_list("pk", flat=True)
    )
    yubei = made["500112"]
    assert {yubei["exposed"].pk, yubei["reported"].pk, yubei["counted"].pk} <= kept
    assert yubei["none"].pk not in kept and yubei["closed"].pk not in kept
    assert not kept & {e.pk for e in made["500101"].values()}


def test_in_time_keeps_exactly_the_employers_overdue_q_does_not_flag(lab):
    """``in_time_q(on)`` against ``exclude(overdue_q(on))`` over the last 定期检测 sampled by ``on``:
    both classes, reports on either side of each cut-off, a report after ``on`` (2026-06-30 for
    2026-06-29), another kind."""
    import datetime as dt

    from django.db.models import OuterRef, Subquery

    from ohsteward.monitoring.models import DetectionReport
    from ohsteward.registry.choices import RiskClass

    _user, institution, _employer = lab
    samplings = [
        [],
        [dt.date(2025, 12, 31)],
        [dt.date(2026, 1, 1)],
        [dt.date(2023, 12, 31)],
        [dt.date(2024, 1, 1)],
        [dt.date(2022, 6, 1), dt.date(2026, 6, 30)],
    ]
    ids = []
    n = 0
    for risk in (RiskClass.SERIOUS, RiskClass.GENERAL, ""):
        for dates in samplings + [["status_eval"]]:
            employer = EnterpriseFactory()
            Enterprise.objects.filter(pk=employer.pk).update(industry_risk=risk)
            for on in dates:
                n += 1
                if on == "status_eval":
                    make_report(
                        None,
                        employer,
                        institution,
                        number=f"S-{n}",
                        kind="status_eval",
                        on=dt.date(2026, 5, 1),
                    )
                else:
                    make_report(None, employer, institution, number=f"P-{n}", on=on)
            ids.append(employer.pk)
    for on in (dt.date(2026, 12, 31), dt.date(2026, 6, 29), dt.date(2025, 12, 31), dt.date(2027, 3, 1)):
        last = Subquery(
            DetectionReport.objects.filter(
                enterprise_id=OuterRef("pk"), kind="periodic", sampling_start__lte=on
            )
            .order_by("-sampling_start")
            .values("sampling_start")[:1]
        )
        employers = Enterprise.objects.filter(pk__in=ids)
        by_annotation = set(
            employers.annotate(last_periodic_on=last)
            .exclude(queries.overdue_q(on))
            .values_list("pk", flat=True)
        )
        by_exists = set(employers.filter(queries.in_time_q(on)).values_list("pk", flat=True))
        assert by_exists == by_annotation, on
        assert by_exists and by_exists != set(ids)  # both outcomes occur
