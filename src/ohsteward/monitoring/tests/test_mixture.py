"""The mixture rule (GBZ 2.1-2019 联合作用, 相加作用; RULES.md §3.1: Σ Cᵢ/Lᵢ ≤ 1): the pure judgement
in ``assess.assess_mixture`` (table tests with the arithmetic), the configured groups (versioned,
未核对), and the stored result on every member measured on the same post and date (page, API)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.monitoring import actions
from ohsteward.monitoring import assess as a
from ohsteward.monitoring.models import Measurement
from ohsteward.monitoring.tests.factories import make_report, record

GROUP = a.MixtureGroup(
    key="btx", name="苯、甲苯、二甲苯", effect="中枢神经系统", codes=("2013", "2145"), names=(), version="t-v1",
    verified=False,
)  # fmt: skip


def part(factor, *checks):
    return a.MixturePart(factor, checks)


@pytest.mark.parametrize(
    ("parts", "sums", "compliant"),
    [
        # 苯 C_TWA 2/3 + 甲苯 30/50 = 0.667 + 0.6 = 1.267 > 1: each alone complies, together not
        ([part("苯", ("PC-TWA", 2, 3, False)), part("甲苯", ("PC-TWA", 30, 50, False))],
         [("PC-TWA", 1.2667)], False),
        # 1/3 + 20/50 = 0.333 + 0.4 = 0.733 ≤ 1
        ([part("苯", ("PC-TWA", 1, 3, False)), part("甲苯", ("PC-TWA", 20, 50, False))],
         [("PC-TWA", 0.7333)], True),
        # exactly 1: 1.5/3 + 25/50 = 0.5 + 0.5 = 1 ≤ 1 (the rule is ≤)
        ([part("苯", ("PC-TWA", 1.5, 3, True)), part("甲苯", ("PC-TWA", 25, 50, True))],
         [("PC-TWA", 1.0)], True),
        # per limit type: TWA 1/3 + 20/50 = 0.733; STEL 4/6 + 50/100 = 1.167 > 1 → not compliant
        ([part("苯", ("PC-TWA", 1, 3, False), ("PC-STEL", 4, 6, False)),
          part("甲苯", ("PC-TWA", 20, 50, False), ("PC-STEL", 50, 100, False))],
         [("PC-TWA", 0.7333), ("PC-STEL", 1.1667)], False),
        # STEL only for one member: only the TWA is combined
        ([part("苯", ("PC-TWA", 1, 3, False), ("PC-STEL", 5.9, 6, False)), part("甲苯", ("PC-TWA", 20, 50, False))],
         [("PC-TWA", 0.7333)], True),
    ],
)  # fmt: skip
def test_sums_per_limit_type(parts, sums, compliant):
    res = a.assess_mixture(GROUP, parts)
    assert [(t, round(s, 4)) for t, s, _ in res.sums] == sums
    assert res.compliant is compliant
    assert res.ratio == pytest.approx(max(s for _, s in sums), abs=1e-4)


@pytest.mark.parametrize(
    "parts",
    [
        [part("苯", ("PC-TWA", 2, 3, False))],  # one member
        [part("苯", ("PC-TWA", 2, 3, False)), part("甲苯")],  # the other has no limit (not judged)
        [part("苯", ("PC-STEL", 2, 6, False)), part("甲苯", ("PC-TWA", 30, 50, False))],  # no common type
    ],
)
def test_nothing_to_combine_gives_none(parts):
    assert a.assess_mixture(GROUP, parts) is None


def test_the_explanation_shows_the_working_and_the_unverified_group():
    res = a.assess_mixture(
        GROUP, [part("苯", ("PC-TWA", 2, 3, True)), part("甲苯", ("PC-TWA", 30, 50, True))]
    )
    assert (
        res.explanation[0]
        == "苯、甲苯、二甲苯（中枢神经系统）联合作用，C_TWA/PC-TWA: 苯 2.0/3.0 + 甲苯 30/50 = 1.27 > 1，不符合（超标）"
    )
    assert res.explanation[-1] == "未核对：联合作用分组（t-v1）"
    assert res.verified is False and res.as_json()["compliant"] is False


def test_the_shipped_groups_are_versioned_and_unverified():
    (btx,) = a.mixture_groups(on=dt.date(2024, 6, 1))
    assert btx.version == "mixture-groups-v1" and btx.verified is False
    assert (
        btx.includes("2013", "苯")
        and btx.includes("2145", "甲苯")
        and btx.includes("", "二甲苯（全部异构体）")
    )
    assert not btx.includes("2158", "甲醛")


@pytest.mark.django_db
def test_benzene_and_toluene_on_one_post_and_date_are_judged_together_and_stored_on_both(lab, client):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene = record(user, report, "苯", {"c_twa": 2})  # 2/3 = 0.667, alone 符合
    benzene.refresh_from_db()
    assert benzene.mixture == {}  # nothing to combine yet
    toluene = record(user, report, "甲苯", {"c_twa": 30})  # 30/50 = 0.6, alone 符合
    other_post = record(user, report, "甲苯", {"c_twa": 30}, post="包装工")  # another post: not combined
    benzene.refresh_from_db()
    toluene.refresh_from_db()
    other_post.refresh_from_db()
    assert benzene.compliant is True and toluene.compliant is True
    assert benzene.mixture == toluene.mixture
    assert benzene.mixture["compliant"] is False and benzene.mixture["ratio"] == pytest.approx(1.267)
    assert benzene.mixture["factors"] == ["苯", "甲苯"] and benzene.mixture["verified"] is False
    assert other_post.mixture == {}
    # the page and the API show it
    client.force_login(user)
    page = client.get(benzene.get_absolute_url()).content.decode()
    assert 'id="mixture"' in page and "不符合（超标）" in page and "未核对" in page
    body = client.get(f"/api/v1/measurements/{toluene.pk}/").json()
    assert body["mixture"]["compliant"] is False and body["mixture"]["sums"][0]["type"] == "PC-TWA"
    # a lower toluene result: the combination complies (2/3 + 10/50 = 0.867), both updated
    record(user, report, "甲苯", {"c_twa": 10})
    benzene.refresh_from_db()
    assert benzene.mixture["compliant"] is True and benzene.mixture["ratio"] == pytest.approx(0.867)


@pytest.mark.django_db
def test_refresh_writes_only_what_changed(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    b = record(user, report, "苯", {"c_twa": 2})
    record(user, report, "甲苯", {"c_twa": 30})
    assert actions.mixtures_refresh([(b.post_id, b.measured_on)]) == 0
    Measurement.objects.filter(pk=b.pk).update(mixture={})
    assert actions.mixtures_refresh([(b.post_id, b.measured_on)]) == 1


# --- the stateless form: POST /api/v1/exposure/assess-mixture/ --------------------------------------

MIXTURE_URL = "/api/v1/exposure/assess-mixture/"


@pytest.mark.django_db
def test_the_mixture_api_judges_each_factor_and_the_group(cast):
    from ohsteward.api.testing import bearer_client  # local: an API client only these tests need

    api = bearer_client(cast["cdc"])
    body = {"on": "2024-06-01", "factors": [{"factor": "苯", "c_twa": 2}, {"factor": "甲苯", "c_twa": 30}]}
    res = api.post(MIXTURE_URL, body, format="json")
    assert res.status_code == 200, res.content
    data = res.json()
    assert [r["compliant"] for r in data["results"]] == [True, True]
    (mixture,) = data["mixtures"]
    assert mixture["compliant"] is False and mixture["ratio"] == pytest.approx(1.267)
    assert mixture["factors"] == ["苯", "甲苯"] and mixture["verified"] is False
    # the same numbers as a stored post × date (one judgement): see the recording test above
    res = api.post(MIXTURE_URL, {"factors": [{"factor": "苯", "c_twa": 2}, {"factor": "甲醛", "c_me": 0.1}]},
                   format="json")  # fmt: skip
    assert res.status_code == 200 and res.json()["mixtures"] == []  # 甲醛 is in no group


@pytest.mark.django_db
def test_the_mixture_api_names_the_bad_item(cast):
    from ohsteward.api.testing import bearer_client  # local: an API client only these tests need

    api = bearer_client(cast["cdc"])
    res = api.post(MIXTURE_URL, {"factors": [{"factor": "苯", "c_twa": 2}, {"factor": "甲苯", "c_twa": -1}]},
                   format="json")  # fmt: skip
    assert res.status_code == 400 and "factors[1].c_twa" in res.json()
    res = api.post(MIXTURE_URL, {"factors": [{"factor": "苯", "c_twa": 2}]}, format="json")
    assert res.status_code == 400 and "至少需要两种危害因素" in str(res.json())
