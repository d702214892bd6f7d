"""Browser test: a district officer filters the employer list, opens one, exports; phones fit.

Drives the system Chromium through Playwright against pytest-django's live server. Skipped with a
reason when /usr/bin/chromium is missing on a workstation; in CI (CI=true) a missing browser fails.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db, cast, enterprises):
    """The test cast plus a few 渝北 employers in different states."""
    from ohsteward.accounts.testing import YUBEI
    from ohsteward.registry.models import Region
    from ohsteward.registry.tests.factories import EnterpriseFactory

    yubei = Region.objects.get(code=YUBEI)
    extra = {
        "suspended": EnterpriseFactory(
            name="渝北停产示例塑料制品厂", region=yubei, status="suspended", suspended_on="2024-03-01"
        ),
        "suspended2": EnterpriseFactory(
            name="渝北停业示例五金厂", region=yubei, status="suspended", suspended_on="2024-04-01"
        ),
    }
    return {**enterprises, **extra}


def test_district_officer_filters_opens_and_exports(browser, live_server, people, tmp_path, login):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "yubei")

    page.goto(f"{base}/registry/enterprises/")
    table = page.locator("#enterprise-table")
    assert table.locator("tbody tr").count() == 4  # 渝北 only: two from the cast fixture, two suspended
    assert people["wanzhou"].name not in page.content()

    # the status filter refreshes the table through HTMX, without leaving the page
    page.evaluate("window.__marker = 1")
    page.select_option("#id_status", "suspended")
    page.wait_for_function("() => document.querySelectorAll('#enterprise-table tbody tr').length === 2")
    assert page.evaluate("window.__marker") == 1  # same document: no full page load
    assert "status=suspended" in page.url
    names = table.locator("tbody td.name").all_inner_texts()
    assert sorted(names) == sorted([people["suspended"].name, people["suspended2"].name])

    # the town select is filled from the district and filters too
    town = people["yubei"].town
    assert page.locator(f"#id_town option[value='{town.code}']").count() == 1

    # export the filtered list
    with page.expect_download() as info:
        page.click("#export-link")
    download = info.value
    path = tmp_path / "export.xlsx"
    download.save_as(path)
    rows = list(openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码"
    assert sorted(r[0] for r in rows[1:]) == sorted([people["suspended"].uscc, people["suspended2"].uscc])
    assert {r[14] for r in rows[1:]} == {"停产停业"}

    # open one employer
    page.click(f"text={people['suspended'].name}")
    page.wait_for_url(f"**/registry/enterprises/{people['suspended'].uscc}/")
    assert page.locator("h1").inner_text() == people["suspended"].name
    assert "停产停业（自2024-03-01）" in page.content()

    # an employer of another district is not there
    response = page.goto(f"{base}/registry/enterprises/{people['wanzhou'].uscc}/")
    assert response.status == 404
    assert "不在您的管辖范围内" in page.content()
    context.close()


def wait_for_only_row(page, name):
    """Wait until the enterprise table shows exactly one row and it is ``name``."""
    page.wait_for_function(
        """name => {
            const rows = document.querySelectorAll('#enterprise-table tbody tr');
            return rows.length === 1 && rows[0].innerText.includes(name);
        }""",
        arg=name,
    )


def test_city_officer_picks_district_then_town(browser, live_server, people, login):
    from ohsteward.accounts.testing import WANZHOU, YUBEI

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/registry/enterprises/")
    assert page.locator("#id_town option").count() == 1  # no district chosen yet: only 全部
    page.select_option("#id_region", WANZHOU)
    page.wait_for_function("() => document.querySelectorAll('#id_town option').length > 1")
    town_codes = page.eval_on_selector_all("#id_town option", "els => els.map(e => e.value).filter(Boolean)")
    assert town_codes and all(code.startswith(WANZHOU) for code in town_codes)
    # Wait for the refreshed table itself, not a row count the old table may already have.
    wait_for_only_row(page, people["wanzhou"].name)

    page.select_option("#id_region", YUBEI)
    page.wait_for_function(
        f"() => document.querySelector('#id_town option:nth-child(2)').value.startsWith('{YUBEI}')"
    )
    page.select_option("#id_town", people["yubei"].town_id)
    wait_for_only_row(page, people["yubei"].name)
    context.close()


def test_pages_fit_a_375px_phone(browser, live_server, people, tmp_path, login):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
    page = context.new_page()
    base = live_server.url
    from ohsteward.registry.tests.factories import WorkplaceFactory

    workplace = WorkplaceFactory(enterprise=people["yubei"], name="一号联合厂房（焊接、打磨、喷涂）")
    login(page, base, "yubei")
    paths = [
        "/",
        "/registry/enterprises/",
        f"/registry/enterprises/{people['yubei'].uscc}/",
        f"/registry/enterprises/{people['yubei'].uscc}/edit/",
        "/registry/import/",
        "/audit/",
        "/tokens/",
        "/registry/workplaces/",
        f"/registry/workplaces/{workplace.pk}/",
        f"/registry/workplaces/{workplace.pk}/edit/",
    ]
    for number, path in enumerate(paths):
        page.goto(base + path)
        # the stylesheet is served and applied (an unstyled page would "fit" for the wrong reason)
        assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex", path
        page.screenshot(path=str(tmp_path / f"phone-{number}.png"), full_page=True)
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, (
            f"{path}: page is {scroll_width}px wide on a {inner_width}px screen"
        )
    # the menu folds behind a toggle and opens on tap
    assert not page.locator("nav.nav").is_visible()
    page.click("label.nav-toggle-label")
    assert page.locator("nav.nav").is_visible()
    context.close()


def test_a_list_on_a_phone_shows_each_row_as_a_labelled_card(browser, live_server, people, login):
    """At 375 px a generic list is a stack of cards ("label  value" lines), not a table to scroll
    sideways; the sortable headers remain as a strip of sort links."""
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    base = live_server.url
    # a long company name in a link: CJK text must wrap inside the card (word-break: keep-all on
    # the desktop table would keep it on one line, wider than the phone)
    from ohsteward.registry.models import Enterprise  # models load once the fixtures set Django up

    login(page, base, "yubei")
    page.goto(f"{base}/registry/enterprises/")
    href = page.locator("#enterprise-table tbody tr").first.locator("td.name a").get_attribute("href")
    long_name = "重庆市千渝康能铁路工程建筑与农副食品加工专用设备制造有限责任公司"
    shown = Enterprise.objects.get(uscc=href.rstrip("/").rsplit("/", 1)[-1])
    shown.name = long_name
    shown.save()
    page.reload()
    row = page.locator("#enterprise-table tbody tr").filter(has_text=long_name).first
    assert long_name in row.inner_text()
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    name_cell = row.locator("td.name")
    assert name_cell.get_attribute("data-label") == "用人单位名称"
    label = name_cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"用人单位名称"'
    # every cell fits inside the card: nothing sticks out to the right
    card_right = row.evaluate("r => r.getBoundingClientRect().right")
    cells_right = row.locator("td").evaluate_all(
        "tds => Math.max(...tds.map(t => t.getBoundingClientRect().right))"
    )
    assert cells_right <= card_right + 0.5
    wrap = page.locator("#enterprise-table").locator("xpath=..")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # the sort strip: a sortable header is a link and sorting still works from it
    page.locator("#enterprise-table thead a.sort").first.click()
    page.wait_for_url("**sort=**")
    context.close()

    # on a wide screen the same list is a table again
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    login(page, base, "yubei")
    page.goto(f"{base}/registry/enterprises/")
    assert (
        page.locator("#enterprise-table tbody tr").first.evaluate("r => getComputedStyle(r).display")
        == "table-row"
    )
    wide.close()


def test_import_preview_then_confirm(browser, live_server, people, tmp_path, settings, login):
    from ohsteward.registry.models import Enterprise
    from ohsteward.registry.tests.factories import make_uscc

    settings.DATA_DIR = tmp_path
    new = make_uscc("500112")
    wb = openpyxl.Workbook()
    wb.active.append(["统一社会信用代码", "用人单位名称", "所属区县", "行业代码", "从业人员数", "经营状态"])
    wb.active.append([new, "浏览器导入的有限公司", "渝北区", "3311", 25, "在业"])
    wb.active.append([people["yubei2"].uscc, people["yubei2"].name, "渝北区", None, 60, None])
    path = tmp_path / "名单.xlsx"
    wb.save(path)

    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    base = live_server.url
    login(page, base, "yubei")
    page.goto(f"{base}/registry/import/")
    page.set_input_files("#id_file", str(path))
    page.click("#import-submit")
    page.wait_for_selector("#confirm-form")
    assert page.inner_text("#n-created") == "1" and page.inner_text("#n-updated") == "1"
    assert not Enterprise.objects.filter(uscc=new).exists()
    page.click("#confirm-import")
    page.wait_for_selector("#import-status")
    assert "导入完成" in page.inner_text("#import-status")
    assert Enterprise.objects.filter(uscc=new, name="浏览器导入的有限公司").exists()
    assert Enterprise.objects.get(pk=people["yubei2"].pk).employees == 60
    context.close()
