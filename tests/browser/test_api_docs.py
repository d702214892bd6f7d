"""Browser test: the API docs page groups endpoints under Chinese tags, in the project's font, and
links back to the app (issue 8 item 20)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_api_docs_page_in_chinese_with_a_way_back(browser, live_server, width):
    from ohsteward.api.docs import swagger_dist

    if swagger_dist() is None:
        pytest.skip("drf-spectacular-sidecar is not installed: the docs page is the plain endpoint list")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-tag", timeout=60_000)  # the schema is ~450 KB now
    tags = page.locator(".opblock-tag").all_inner_texts()
    # Chinese tags, the register's first (later tags render as the page is scrolled)
    assert tags and tags[0].startswith("用人单位名录")
    font = page.evaluate("getComputedStyle(document.querySelector('.swagger-ui .opblock-tag')).fontFamily")
    assert "Noto Sans CJK SC" in font  # the project's stack, not Swagger UI's sans-serif
    back = page.get_by_role("link", name="返回 ohsteward")
    assert back.is_visible()
    page.screenshot(path=f"/tmp/ohs-ui2/api-docs-{width}.png", full_page=False)
    back.click()
    page.wait_for_url(f"{live_server.url}/login/**")  # the app (its home asks an anonymous visitor to log in)
    context.close()
