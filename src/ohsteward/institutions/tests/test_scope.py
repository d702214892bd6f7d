"""Jurisdiction (issue 9 item 2): institution staff see their own institution and its clients only;
another institution's clients answer 404. Plain tests on the test cast (an integrator may fold
them into the shared generated scope suite)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ohsteward.accounts.tests.scope import ALL, IN_YUBEI, REGULATORS_ONLY, VISIBLE, ScopeCase, ScopeSuite
from ohsteward.institutions import actions
from ohsteward.institutions.models import (
    Engagement,
    Institution,
    InstitutionGrade,
    PerformanceEvaluation,
    QcInspection,
    Referral,
    ReportCard,
    TechnicalGuidance,
)
from ohsteward.registry.models import Enterprise
from ohsteward.registry.tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def test_institution_staff_see_only_their_own_institution(cast, two_institutions):
    seen = set(Institution.objects.for_user(cast["institution"]))
    assert seen == {two_institutions["a"]}


def test_institution_staff_see_only_their_clients(cast, enterprises, two_institutions):
    seen = set(Enterprise.objects.for_user(cast["institution"]))
    assert seen == {enterprises["yubei"]}


def test_an_institution_user_reading_another_institutions_clients_gets_404(client, cast, two_institutions):
    client.force_login(cast["institution"])
    own = client.get(f"/api/v1/institutions/{two_institutions['a'].uscc}/clients/")
    other = client.get(f"/api/v1/institutions/{two_institutions['b'].uscc}/clients/")
    assert own.status_code == 200
    assert [c["name"] for c in own.json()["results"]] == ["重庆渝北示例机械制造有限公司"]
    assert other.status_code == 404
    page = client.get(reverse("institutions:institution_detail", args=[two_institutions["b"].uscc]))
    assert page.status_code == 404


def test_qc_records_of_another_institution_are_invisible_and_404(client, cast, two_institutions):
    b = two_institutions["b"]
    inspection = actions.qcinspection_add(user=cast["cdc"], institution=b, year=2026)
    client.force_login(cast["institution"])
    assert client.get(reverse("institutions:qcinspection_detail", args=[inspection.pk])).status_code == 404
    assert client.get(f"/api/v1/qc-inspections/{inspection.pk}/").status_code == 404
    assert not QcInspection.objects.for_user(cast["institution"]).exists()


def test_districts_read_the_institutions_of_their_area_and_those_serving_their_employers(
    cast, two_institutions
):
    assert set(Institution.objects.for_user(cast["yubei"])) == {two_institutions["a"]}
    assert set(Institution.objects.for_user(cast["wanzhou"])) == {two_institutions["b"]}
    assert set(Institution.objects.for_user(cast["city"])) == {two_institutions["a"], two_institutions["b"]}


def test_district_qc_and_grade_reads_follow_the_institutions_district(cast, two_institutions):
    a, b = two_institutions["a"], two_institutions["b"]
    actions.qcinspection_add(user=cast["cdc"], institution=a, year=2026)
    actions.qcinspection_add(user=cast["cdc"], institution=b, year=2026)
    for inst in (a, b):
        InstitutionGrade.objects.create(
            institution=inst,
            year=2026,
            colour="green",
            score=90,
            rules_version="v1",
            computed_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        )
    assert set(QcInspection.objects.for_user(cast["yubei"]).values_list("institution", flat=True)) == {a.pk}
    assert set(
        InstitutionGrade.objects.for_user(cast["institution"]).values_list("institution", flat=True)
    ) == {a.pk}


def test_an_out_of_province_institution_without_clients_is_the_citys_only(cast, two_institutions):
    far = Institution.objects.create(
        uscc="91510100MA00000000", name="四川某机构", kinds=["exam"], province="四川省"
    )
    assert far not in set(Institution.objects.for_user(cast["yubei"]))
    assert far in set(Institution.objects.for_user(cast["cdc"]))


def _sichuan(uscc: str = "91510100MA00000000") -> Institution:
    return Institution.objects.create(
        uscc=uscc, name="四川某检测机构", kinds=["hygiene_service"], province="四川省"
    )


def test_districts_see_out_of_province_institutions_serving_their_employers(
    cast, enterprises, two_institutions
):
    far = _sichuan()
    Engagement.objects.create(
        institution=far, enterprise=enterprises["yubei"], start_date=dt.date(2020, 1, 1)
    )
    assert far in set(Institution.objects.for_user(cast["yubei"]))
    assert far not in set(Institution.objects.for_user(cast["wanzhou"]))
    assert far not in set(Institution.objects.for_user(cast["institution"]))  # another institution


def test_rows_about_a_served_out_of_province_institution_follow_it(cast, enterprises, two_institutions):
    far = _sichuan()
    Engagement.objects.create(
        institution=far, enterprise=enterprises["wanzhou"], start_date=dt.date(2020, 1, 1)
    )
    inspection = actions.qcinspection_add(user=cast["cdc"], institution=far, year=2026)
    assert inspection in set(QcInspection.objects.for_user(cast["wanzhou"]))
    assert inspection not in set(QcInspection.objects.for_user(cast["yubei"]))


def test_an_ended_engagement_no_longer_shows_the_out_of_province_institution(
    cast, enterprises, two_institutions
):
    far = _sichuan()
    Engagement.objects.create(
        institution=far,
        enterprise=enterprises["yubei"],
        start_date=LAST_YEAR,
        end_date=LAST_YEAR + dt.timedelta(days=30),
    )
    assert far not in set(Institution.objects.for_user(cast["yubei"]))


def test_a_chongqing_institution_is_seen_by_its_own_district_only(cast, enterprises, two_institutions):
    """B (万州) serving a 渝北 employer stays 万州's: only out-of-province institutions follow their clients."""
    Engagement.objects.create(
        institution=two_institutions["b"], enterprise=enterprises["yubei"], start_date=dt.date(2020, 1, 1)
    )
    assert two_institutions["b"] not in set(Institution.objects.for_user(cast["yubei"]))


def test_out_of_province_detail_page_opens_for_the_served_district_only(
    client, cast, enterprises, two_institutions
):
    far = _sichuan()
    Engagement.objects.create(
        institution=far, enterprise=enterprises["yubei"], start_date=dt.date(2020, 1, 1)
    )
    url = reverse("institutions:institution_detail", args=[far.uscc])
    client.force_login(cast["yubei"])
    assert client.get(url).status_code == 200
    client.force_login(cast["wanzhou"])
    assert client.get(url).status_code == 404


def test_stewards_and_managers_have_no_institution_pages(client, cast, two_institutions):
    for name in ("steward", "manager"):
        client.force_login(cast[name])
        assert client.get(reverse("institutions:institution_list")).status_code == 403


# The generated suite (ohsteward.accounts.tests.scope): every role and jurisdiction kind.
LAST_YEAR = timezone.localdate() - dt.timedelta(days=365)


def _other_institutions_engagement(world, employer) -> Engagement:
    other, _ = Institution.objects.get_or_create(uscc="91500000MA5U0SC02X", defaults={"name": "另一检测机构"})
    return Engagement.objects.create(institution=other, enterprise=employer, start_date=world.today)


def _own_ended_engagement(world, employer) -> Engagement:
    """An engagement of lab's own institution that has ended: the employer is no longer a client,
    but the institution still sees its own record."""
    return Engagement.objects.create(
        institution=world.institution,
        enterprise=employer,
        start_date=LAST_YEAR,
        end_date=LAST_YEAR + dt.timedelta(days=30),
    )


def _institution_in(employer) -> Institution:
    """An institution located in the employer's district (one per employer of the world)."""
    serial = 99980000 + employer.pk % 10000
    institution, _ = Institution.objects.get_or_create(
        uscc=make_uscc(employer.region_id, serial=serial),
        defaults={"name": f"范围测试机构{employer.pk}", "kinds": ["exam"], "region_id": employer.region_id},
    )
    return institution


def _referral(world, employer) -> Referral:
    """A referral handled by the employer's district (about an institution located there)."""
    return Referral.objects.create(
        direction="qc_to_supervision",
        institution=_institution_in(employer),
        district_id=employer.region_id,
        finding="线索",
        handed_on=world.today,
        handed_by="市疾控中心",
    )


def _evaluation(world, employer) -> PerformanceEvaluation:
    return PerformanceEvaluation.objects.create(
        institution=_institution_in(employer),
        year=world.today.year,
        checklist_version="v1",
        total=90,
        evaluated_on=world.today,
    )


def _guidance(world, employer) -> TechnicalGuidance:
    """Guidance by another institution than lab's: lab sees it only at its own client (wanzhou)."""
    other, _ = Institution.objects.get_or_create(uscc="91500000MA5U0SC03X", defaults={"name": "区县疾控中心"})
    return TechnicalGuidance.objects.create(
        institution=other, enterprise=employer, visited_on=world.today, content="技术指导"
    )


def _own_guidance(world, employer) -> TechnicalGuidance:
    """Guidance by lab's own institution: lab sees every one of them (its own records)."""
    return TechnicalGuidance.objects.create(
        institution=world.institution, enterprise=employer, visited_on=world.today, content="技术指导"
    )


# Rows reached through an institution's district (or a referral's district), not an employer:
# districts see their district's rows (the 渝北 ones for yubei, yubei2 and liangjiang); town and
# zone officers, employers and teams see none; lab sees only rows of its own institution.
BY_DISTRICT = {
    "city": ALL,
    "cdc": ALL,
    "yubei": IN_YUBEI,
    "wanzhou": {"wanzhou"},
    "institution": IN_YUBEI,
    "steward": IN_YUBEI,
}


def _card(institution, employer, world) -> ReportCard:
    return actions.card_expect(
        kind="service_info",
        activity_app="monitoring.detectionreport",
        activity_id=employer.pk * 100000 + institution.pk,  # unique per employer and institution
        institution_id=institution.pk,
        enterprise_id=employer.pk,
        performed_on=world.today,
    )


def _other_institutions_card(world, employer) -> ReportCard:
    """A card of another institution than lab's: lab sees it only at its own client (wanzhou)."""
    other, _ = Institution.objects.get_or_create(uscc="91500000MA5U0SC02X", defaults={"name": "另一检测机构"})
    return _card(other, employer, world)


def _own_card(world, employer) -> ReportCard:
    """lab's own institution's card: lab sees every one of them (its own records)."""
    return _card(world.institution, employer, world)


def _out_of_province_serving(world, employer) -> Institution:
    """An out-of-province institution with an engagement in force at ``employer`` (one per employer)."""
    far, _ = Institution.objects.get_or_create(
        uscc=make_uscc("510100", serial=99970000 + employer.pk % 10000),
        defaults={
            "name": f"外省范围测试机构{employer.pk}",
            "kinds": ["hygiene_service"],
            "province": "四川省",
        },
    )
    Engagement.objects.create(institution=far, enterprise=employer, start_date=world.today)
    return far


def _out_of_province_inspection(world, employer) -> QcInspection:
    far = _out_of_province_serving(world, employer)
    return QcInspection.objects.create(institution=far, year=world.today.year)


class TestInstitutionsScope(ScopeSuite):
    cases = [
        # an out-of-province institution is seen by the areas of the employers it serves (and the
        # city); employers, other institutions and teams do not see it
        ScopeCase(
            Institution,
            name="Institution-out-of-province",
            make=_out_of_province_serving,
            visible=REGULATORS_ONLY,
        ),
        ScopeCase(
            QcInspection,
            name="QcInspection-out-of-province",
            make=_out_of_province_inspection,
            visible=REGULATORS_ONLY,
        ),
        ScopeCase(
            Referral,
            make=_referral,
            visible=BY_DISTRICT,
            page="/institutions/referrals/{obj.pk}/",
            api="/api/v1/referrals/",
            export_column="编号",
        ),
        ScopeCase(
            PerformanceEvaluation,
            make=_evaluation,
            visible=BY_DISTRICT,
            page="/institutions/evaluations/{obj.pk}/",
            api="/api/v1/performance-evaluations/",
        ),
        ScopeCase(
            TechnicalGuidance,
            make=_guidance,
            page="/institutions/guidance/{obj.pk}/",
            api="/api/v1/technical-guidance/",
        ),
        ScopeCase(
            TechnicalGuidance,
            name="TechnicalGuidance-own",
            make=_own_guidance,
            visible={**VISIBLE, "lab": ALL},
            page="/institutions/guidance/{obj.pk}/",
        ),
        ScopeCase(
            ReportCard,
            make=_other_institutions_card,
            page="/institutions/report-cards/{obj.pk}/",
            api="/api/v1/report-cards/",
            export_column="编号",
        ),
        ScopeCase(
            ReportCard,
            name="ReportCard-own",
            make=_own_card,
            visible={**VISIBLE, "lab": ALL},
            page="/institutions/report-cards/{obj.pk}/",
            api="/api/v1/report-cards/",
        ),
        # another institution's engagement: lab sees it only for its own client (wanzhou)
        ScopeCase(Engagement, make=_other_institutions_engagement),
        ScopeCase(
            Engagement, name="Engagement-own", make=_own_ended_engagement, visible={**VISIBLE, "lab": ALL}
        ),
    ]
