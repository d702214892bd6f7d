"""The field names issue 10 fixes ("API (field names fixed)"), read back from every endpoint it
names: a renamed field or code fails here, whatever the endpoint's own tests check."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ohsteward.stewardship.assistance import actions as assistance_actions
from ohsteward.stewardship.assistance import rules as assistance_rules
from ohsteward.stewardship.choices import AgreementStatus, FundingChannel, Qualification
from ohsteward.stewardship.tests.conftest import TODAY
from ohsteward.stewardship.training import actions as training_actions

pytestmark = pytest.mark.django_db

SEVEN = [
    "occupational_physician", "general_practitioner", "nutritionist", "public_health_physician",
    "mental_health_counsellor", "hygiene_technician", "legal_professional",
]  # fmt: skip
FUNDING = {  # 企业自筹, 基本公共卫生服务项目, 工伤预防项目, 工会"渝工安康"项目, 政府购买服务, 社会捐助
    "enterprise", "basic_public_health", "injury_prevention", "trade_union", "government_purchase", "donation",
}  # fmt: skip


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_the_fixed_codes():
    assert [c for c in Qualification.values if c in SEVEN] == SEVEN
    assert set(FundingChannel.values) == FUNDING
    assert set(AgreementStatus.values) == {"draft", "active", "ended", "terminated"}
    assert len(assistance_rules.ITEMS) == 6 and len(assistance_rules.RATES) == 4


def test_teams_fields(cast, team):
    row = api(cast["yubei"]).get(f"/api/v1/teams/{team.pk}/").json()
    assert {"members", "missing_qualifications", "complete"} <= set(row)
    assert row["members"] and all(
        set(m) == {"name", "qualification", "certificate_no", "valid_until"} for m in row["members"]
    )
    assert isinstance(row["complete"], bool) and set(row["missing_qualifications"]) <= set(SEVEN)


def test_agreements_fields_and_actions(cast, agreement):
    c = api(cast["yubei"])
    row = c.get(f"/api/v1/agreements/{agreement.pk}/").json()
    assert {"team", "enterprise", "contents", "starts_on", "ends_on", "fee", "funding", "status"} <= set(row)
    assert row["team"] == agreement.team_id and row["enterprise"] == agreement.enterprise.uscc
    assert row["status"] == "active" and row["starts_on"] == agreement.start_date.isoformat()
    assert all({"channel", "amount"} <= set(f) for f in row["funding"])
    assert all("content" in item for item in row["contents"])
    renewed = c.post(f"/api/v1/agreements/{agreement.pk}/renew/", {}, format="json")
    assert renewed.status_code == 201, renewed.content
    ended = c.post(
        f"/api/v1/agreements/{renewed.json()['id']}/terminate/", {"reason": "企业搬迁"}, format="json"
    )
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"


def test_service_visits_list(cast, agreement):
    rows = api(cast["steward"]).get("/api/v1/service-visits/").json()["results"]
    fixed = {"agreement", "enterprise", "content", "planned_on", "visited_on", "status"}
    assert rows and fixed <= set(rows[0])


def test_assistance_fields(cast, small, plan, team):
    entry = assistance_actions.entry_add(user=None, plan=plan, enterprise=small["yubei"], team=team)
    c = api(cast["yubei"])
    p = c.get(f"/api/v1/assistance-plans/{plan.pk}/").json()
    assert (p["target"], p["enrolled"], p["items_done"]) == (20, 1, 0)
    e = c.get(f"/api/v1/assistance-enterprises/{entry.pk}/").json()
    assert e["enterprise"] == small["yubei"].uscc
    assert [i["item"] for i in e["items"]] == [code for code, _label in assistance_rules.ITEMS]
    assert set(e["rates"]) == {"declared", "periodic_detection", "exams", "training"}
    assert isinstance(e["flags"], list) and set(e["flags"]) <= {"带病例", "在案整改"}
    assert set(e["flags_no_data"]) <= {"带病例", "在案整改"}
    assert all({"value", "reason"} <= set(r) for r in e["rates"].values())


def test_trainings_and_training_records_fields(cast, agreement):
    training_actions.session_create(
        user=cast["steward"], held_on=TODAY - dt.timedelta(days=1), topic="防尘", trainer="张医生", hours=2,
        mode="onsite", enterprises=[agreement.enterprise], people=[{"name": "李四", "role": "exposed"}],
    )  # fmt: skip
    c = api(cast["steward"])
    session = c.get("/api/v1/trainings/").json()["results"][0]
    assert {"held_on", "topic", "trainer", "hours", "mode", "enterprises", "trained"} <= set(session)
    assert session["enterprises"] == [agreement.enterprise.uscc] and session["trained"] == 1
    record = c.get("/api/v1/training-records/").json()["results"][0]
    assert {"person_name", "role", "enterprise", "hours", "trained_on", "session"} <= set(record)
    assert (record["person_name"], record["role"], record["session"]) == ("李四", "exposed", session["id"])
