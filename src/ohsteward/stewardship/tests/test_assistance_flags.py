"""带病例 / 在案整改 on the assistance lists (001 附件3 二(一)1): read through core.facts, counted
as priorities, and "无数据" when no installed app provides the fact."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ohsteward.accounts.testing import PASSWORD
from ohsteward.core import facts
from ohsteward.stewardship.assistance import actions

pytestmark = pytest.mark.django_db


def _web(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


@pytest.fixture
def entries(small, plan, team):
    return {
        key: actions.entry_add(user=None, plan=plan, enterprise=small[key], team=team)
        for key in ("yubei", "yubei2")
    }


def _providers(monkeypatch, case, rectification):
    providers = dict(facts._providers)
    for name, value in (
        (facts.HAS_OCCUPATIONAL_DISEASE_CASE, case),
        (facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, rectification),
    ):
        if value is None:
            providers.pop(name, None)
        else:
            providers[name] = lambda ids, year, held=value: set(ids) & held
    monkeypatch.setattr(facts, "_providers", providers)


def test_flags_on_the_plan_page_the_entry_list_and_the_export(cast, entries, monkeypatch):
    yubei, yubei2 = entries["yubei"], entries["yubei2"]
    yubei.priority = yubei2.priority = ""
    type(yubei).objects.filter(pk__in=[yubei.pk, yubei2.pk]).update(priority="")
    _providers(monkeypatch, case={yubei.enterprise_id}, rectification=set())
    web = _web("yubei")
    body = web.get(reverse("stewardship:assistance_plan_detail", args=[yubei.plan_id])).content.decode()
    assert "<th>带病例</th>" in body and "<th>在案整改</th>" in body
    assert 'id="priority-count">1<' in body  # the case makes yubei a priority; yubei2 is none
    assert body.count('class="priority"') == 1
    listing = web.get(reverse("stewardship:assistance_entry_list")).content.decode()
    assert "带病例" in listing and "在案整改" in listing
    export = web.get(reverse("stewardship:assistance_entry_export"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    header = rows[0]
    case_col, rect_col = header.index("带病例"), header.index("在案整改")
    by_uscc = {r[header.index("统一社会信用代码")]: r for r in rows[1:]}
    assert by_uscc[yubei.enterprise.uscc][case_col] == "是"
    assert by_uscc[yubei2.enterprise.uscc][case_col] == "否"
    assert by_uscc[yubei.enterprise.uscc][rect_col] == "否"
    detail = web.get(reverse("stewardship:assistance_entry_detail", args=[yubei.pk])).content.decode()
    assert '<dd id="case-flag"><span class="badge serious">是</span>' in detail


def test_without_a_provider_the_flags_say_no_data_and_do_not_make_a_priority(cast, entries, monkeypatch):
    type(entries["yubei"]).objects.filter(pk__in=[e.pk for e in entries.values()]).update(priority="")
    _providers(monkeypatch, case=None, rectification=None)
    web = _web("yubei")
    plan_id = entries["yubei"].plan_id
    body = web.get(reverse("stewardship:assistance_plan_detail", args=[plan_id])).content.decode()
    assert 'id="priority-count">0<' in body and 'class="priority"' not in body
    export = web.get(reverse("stewardship:assistance_entry_export"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    case_col, rect_col = rows[0].index("带病例"), rows[0].index("在案整改")
    assert {r[case_col] for r in rows[1:]} == {"无数据"} == {r[rect_col] for r in rows[1:]}
    detail = web.get(reverse("stewardship:assistance_entry_detail", args=[entries["yubei"].pk]))
    assert '<dd id="rectification-flag"><span class="badge">无数据</span>' in detail.content.decode()


def test_a_stored_priority_reason_still_counts(cast, entries, monkeypatch):
    type(entries["yubei"]).objects.filter(pk=entries["yubei"].pk).update(priority="重点行业：建材")
    type(entries["yubei"]).objects.filter(pk=entries["yubei2"].pk).update(priority="")
    _providers(monkeypatch, case=set(), rectification={entries["yubei2"].enterprise_id})
    body = (
        _web("yubei")
        .get(reverse("stewardship:assistance_plan_detail", args=[entries["yubei"].plan_id]))
        .content.decode()
    )
    assert 'id="priority-count">2<' in body


def _api(user):
    from rest_framework.test import APIClient  # local: the API tests below only

    c = APIClient()
    c.force_authenticate(user)
    return c


def test_flags_in_the_api_list_and_detail(cast, entries, monkeypatch):
    yubei, yubei2 = entries["yubei"], entries["yubei2"]
    _providers(
        monkeypatch, case={yubei.enterprise_id}, rectification={yubei.enterprise_id, yubei2.enterprise_id}
    )
    c = _api(cast["yubei"])
    rows = {r["id"]: r for r in c.get("/api/v1/assistance-enterprises/").json()["results"]}
    assert rows[yubei.pk]["flags"] == ["带病例", "在案整改"] and rows[yubei.pk]["flags_no_data"] == []
    assert rows[yubei2.pk]["flags"] == ["在案整改"]
    detail = c.get(f"/api/v1/assistance-enterprises/{yubei2.pk}/").json()
    assert detail["flags"] == ["在案整改"] and detail["flags_no_data"] == []


def test_api_flags_no_data_when_no_app_provides_the_fact(cast, entries, monkeypatch):
    _providers(monkeypatch, case=None, rectification=set())
    row = _api(cast["yubei"]).get(f"/api/v1/assistance-enterprises/{entries['yubei'].pk}/").json()
    assert row["flags"] == [] and row["flags_no_data"] == ["带病例"]


def test_api_list_asks_each_fact_once_per_page(cast, entries, monkeypatch):
    asked = []
    _providers(monkeypatch, case=set(), rectification=set())
    original = facts.ask
    monkeypatch.setattr(facts, "ask", lambda name, ids, year: asked.append(name) or original(name, ids, year))
    _api(cast["yubei"]).get("/api/v1/assistance-enterprises/")
    flag_asks = [
        n
        for n in asked
        if n in (facts.HAS_OCCUPATIONAL_DISEASE_CASE, facts.UNDER_ENFORCEMENT_OR_RECTIFICATION)
    ]
    assert sorted(flag_asks) == sorted(
        [facts.HAS_OCCUPATIONAL_DISEASE_CASE, facts.UNDER_ENFORCEMENT_OR_RECTIFICATION]
    )
