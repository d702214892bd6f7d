"""The library as users open it: the seeded entries, search, the city's edits, the export, and
the links from the pages that show a rule's source."""

from __future__ import annotations

import io
import json
from importlib import resources

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ohsteward.accounts.testing import PASSWORD
from ohsteward.library import actions, citations
from ohsteward.library.models import Regulation

pytestmark = pytest.mark.django_db


def _web(username) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_the_seed_covers_the_sources_the_rules_cite(cast):
    """Every citation below appears in the rules (grep of */rules.py, monitoring/*.py, refdata) and
    resolves to its own entry."""
    for citation, number in [
        ("GBZ 2.1-2019", "GBZ 2.1-2019"),
        ("GBZ 2.2-2007", "GBZ 2.2-2007"),
        ("GBZ 188-2014", "GBZ 188-2014"),
        ("GBZ/T 229.1", "GBZ/T 229.1-2010"),
        ("GBZ/T 229.2-2010", "GBZ/T 229.2-2010"),
        ("GBZ/T 229.3", "GBZ/T 229.3-2010"),
        ("GBZ/T 229.4-2012", "GBZ/T 229.4-2012"),
        ("GBZ/T 230", "GBZ 230-2010"),
        ("GBZ 159-2004", "GBZ 159-2004"),
        ("GBZ/T 189.8-2007", "GBZ/T 189.8-2007"),
        ("职业病防治法 第三十五条", "职业病防治法（2018修正）"),
        ("渝卫发〔2023〕62号", "渝卫发〔2023〕62号"),
        ("000 二(三)", "渝卫发〔2023〕62号"),
        ("001 附件3 一", "重庆市职业健康“三项行动”实施方案（2024—2025年）"),
        ("国疾控综监督二函〔2022〕50号 附件1", "国疾控综监督二函〔2022〕50号"),
        ("国卫办职健发〔2021〕5号", "国卫办职健发〔2021〕5号"),
        ("GB/T 4754-2017", "GB/T 4754-2017"),
        ("GB 32100-2015", "GB 32100-2015"),
        ("《职业病危害项目申报办法》", "国家安全生产监督管理总局令第48号"),
        ("国卫疾控发〔2013〕48号", "国卫疾控发〔2013〕48号"),
        ("国卫疾控发〔2015〕92号", "国卫疾控发〔2015〕92号"),
        ("国统字〔2017〕213号", "国统字〔2017〕213号"),
        ("国务院令第734号", "国务院令第734号"),
    ]:
        entry = citations.resolve(citation)
        assert entry is not None and entry.number == number, citation


def test_seeded_entries_without_an_official_text_are_flagged_unverified(cast):
    seed = json.loads(
        resources.files("ohsteward.refdata").joinpath("data", "regulations_library.json").read_text("utf-8")
    )
    assert Regulation.objects.count() >= len(seed)
    assert Regulation.objects.get(number="GBZ 188-2025").unverified
    assert Regulation.objects.get(number="GBZ 2.1-2007").status == "repealed"


def test_search_list_and_export(cast):
    web = _web("manager")
    page = web.get(reverse("library:regulation_list") + "?q=噪声").content.decode()
    assert "GBZ/T 229.4-2012" in page and "GBZ 2.1-2019" not in page
    r = web.get(reverse("library:regulation_export") + "?status=repealed")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert "简要解读" in rows[0]
    assert {row[0] for row in rows[1:]} >= {"GBZ 2.1-2007", "国卫疾控发〔2013〕48号"}
    assert all(row[rows[0].index("状态")] == "废止" for row in rows[1:])


def test_only_city_users_edit(cast):
    entry = Regulation.objects.get(number="GBZ 2.2-2007")
    assert _web("yubei").get(reverse("library:regulation_edit", args=[entry.pk])).status_code == 403
    city = _web("city")
    data = {
        "number": entry.number, "title": entry.title, "kind": "standard", "status": "current",
        "interpretation": "新的解读", "aliases": "GBZ 2.2",
        "file": SimpleUploadedFile("GBZ2.2.pdf", b"%PDF-1.4", content_type="application/pdf"),
    }  # fmt: skip
    r = city.post(reverse("library:regulation_edit", args=[entry.pk]), data)
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.interpretation == "新的解读" and entry.file_name == "GBZ2.2.pdf"
    f = city.get(reverse("library:regulation_file", args=[entry.pk]))
    assert f.content == b"%PDF-1.4" and f["Content-Type"] == "application/pdf"


def test_a_bad_file_or_dates_save_nothing(cast):
    from django.core.exceptions import ValidationError

    entry = Regulation.objects.get(number="GBZ 2.2-2007")
    with pytest.raises(ValidationError):
        actions.regulation_update(
            user=cast["city"], regulation=entry, data={"interpretation": "改"},
            file=SimpleUploadedFile("x.exe", b"MZ"),
        )  # fmt: skip
    entry.refresh_from_db()
    assert entry.interpretation != "改"
    import datetime as dt

    with pytest.raises(ValidationError, match="废止日期不能早于施行日期"):
        actions.regulation_update(
            user=None, regulation=entry, data={"status": "repealed", "repealed_on": dt.date(2000, 1, 1)}
        )


def test_pages_that_show_a_rules_source_link_to_its_entry(cast, enterprises):
    from ohsteward.registry.models import Region
    from ohsteward.stewardship.assistance import actions as assistance_actions
    from ohsteward.stewardship.tests.factories import make_team

    team = make_team(skip=("nutritionist",))
    entry = Regulation.objects.get(number="渝卫发〔2023〕62号")
    page = _web("yubei").get(reverse("stewardship:team_detail", args=[team.pk])).content.decode()
    assert f'href="{entry.get_absolute_url()}"' in page
    plan = assistance_actions.plan_create(user=None, district=Region.objects.get(code="500112"), year=2025)
    page = _web("yubei").get(plan.get_absolute_url()).content.decode()
    three_actions = citations.resolve("001")
    assert f'href="{three_actions.get_absolute_url()}"' in page
    hazard_list = _web("yubei").get(reverse("declarations:entry_list")).content.decode()
    assert 'id="list-sources"' in hazard_list and 'class="reg-link"' in hazard_list


def test_an_unknown_citation_stays_plain_text(cast):
    from django.template import Context, Template

    out = Template('{% load library %}{% regulation_link "某未收录文件 第3条；GBZ 2.1-2019" %}').render(
        Context()
    )
    assert out.startswith("某未收录文件 第3条；<a ") and "GBZ 2.1-2019</a>" in out


def test_the_api_lists_and_searches_the_library(cast):
    from ohsteward.api.testing import bearer_client

    r = bearer_client(cast["manager"]).get("/api/v1/regulations/?q=GBZ 2.2")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert [row["number"] for row in rows] == ["GBZ 2.2-2007"] and rows[0]["aliases"] == ["GBZ 2.2"]
