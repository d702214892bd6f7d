"""Browser test: the steward team ranking on a phone (375 px) and a desktop — the page does not
scroll sideways (the wide table scrolls inside its frame) and every team row shows its lights."""

from __future__ import annotations

import datetime as dt
import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_team_ranking_fits_the_screen_with_its_lights(
    browser, live_server, cast, enterprises, login, width
):
    # local: factories import models, which the browser conftest loads after Django is set up
    from ohsteward.stewardship.tests.factories import make_team, sign_agreement

    team = make_team()
    sign_agreement(team, enterprises["yubei"], dt.date(2025, 1, 1))
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 600, has_touch=width < 600
    )
    page = context.new_page()
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/indicators/teams/?period=2025")
    page.wait_for_selector(f"#team-ranking tr[data-team='{team.pk}']")
    assert page.locator(f"#team-ranking tr[data-team='{team.pk}'] .light").count() >= 10
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    if os.environ.get("OHSTEWARD_SCREENSHOTS"):
        page.screenshot(
            path=f"{os.environ['OHSTEWARD_SCREENSHOTS']}/team-ranking-{width}.png", full_page=True
        )
    box = page.locator(".table-wrap").first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    context.close()
