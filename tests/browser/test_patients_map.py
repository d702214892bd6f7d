"""Browser test: the pneumoconiosis towns page draws the district map of living patients inside
its card on a phone (375 px) and a desktop, beside the district table; no sideways scrolling."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def patients(cast):
    from ohsteward.hazards.models import OccupationalDisease  # local: models load after django setup
    from ohsteward.registry.models import Region
    from ohsteward.surveillance.actions import person_for_id_number
    from ohsteward.surveillance.exams.models import PneumoconiosisPatient
    from ohsteward.surveillance.tests.factories import make_id_number

    disease = OccupationalDisease.objects.filter(name__contains="矽肺").order_by("pk").first()
    for code in ("500112", "500112", "500101"):
        PneumoconiosisPatient.objects.create(
            person=person_for_id_number(id_number=make_id_number(), name="地图患者"),
            disease=disease, diagnosed_on=dt.date(2020, 1, 1), district=Region.objects.get(code=code),
            source="import",
        )  # fmt: skip


@pytest.mark.parametrize("width", [1280, 375])
def test_the_patients_map_renders_within_the_screen(browser, live_server, login, patients, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 600, has_touch=width < 600
    )
    page = context.new_page()
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/surveillance/pneumoconiosis/towns/")
    page.wait_for_selector("#chart-map[data-ready='1']")
    assert page.locator("#chart-map svg, #chart-map canvas").count() >= 1
    box = page.locator("#chart-map").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1 and box["height"] > 200
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert page.locator("#district-table tbody tr").count() == 2
    context.close()
