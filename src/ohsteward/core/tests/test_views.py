"""The core base views: login first, scope, list (filters, paging, sorting, partial + Vary,
export from the same Table), detail 404 out of scope, form scope re-check, single actions."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ohsteward.accounts.testing import PASSWORD, YUBEI
from ohsteward.registry.models import Enterprise, Workplace
from ohsteward.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.urls("ohsteward.core.tests.urls")


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def sheet(response) -> list[tuple]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


# ---- login first, everywhere ------------------------------------------------------------------


def _url_names(resolver=None, prefix=""):
    """(name, pattern) for every named URL of the project, namespaces included."""
    resolver = resolver or get_resolver("ohsteward.urls")
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _url_names(p, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{prefix}{p.name}"
            if not name.startswith("admin:") or name == "admin:index":  # the admin has its own login
                yield name, p


def _sample_url(name, pattern) -> str:
    groups = list(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
    kwargs = {g: ("json" if g == "format" else "1") for g in groups}
    return reverse(name, kwargs=kwargs, urlconf="ohsteward.urls")


PUBLIC = ("web:login",)  # besides the API (token clients get 401/403, not a login page) and the admin
# opened by a signed link without an account (the awareness questionnaire's QR code): a bad token is 404
TOKEN_PUBLIC = ("stewardship:awareness_answer",)


@pytest.mark.parametrize("name, pattern", list(_url_names()), ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.urls("ohsteward.urls")
def test_anonymous_users_are_sent_to_the_login_page_from_every_page(client, db, name, pattern):
    url = _sample_url(name, pattern)
    response = client.get(url)
    if name in PUBLIC:
        assert response.status_code == 200
    elif name in TOKEN_PUBLIC:
        assert response.status_code == 404 and "/login/" not in response.get("Location", "")
    elif name.startswith("api:"):
        assert response.status_code in (200, 401, 403, 404), url  # JSON errors, never the login page
        assert "/login/" not in response.get("Location", "")
    elif name.startswith("admin:"):
        assert response.status_code in (200, 302) and "/login/" in response.get("Location", "/admin/login/")
    else:
        assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
        assert response["Location"].startswith(f"/login/?next={url[:8]}"), response["Location"]


@pytest.mark.urls("ohsteward.urls")
@pytest.mark.parametrize(
    "url", ["/declarations/entries/", "/declarations/notices/", "/declarations/dispatch/"]
)
def test_declarations_pages_redirect_anonymous_users_instead_of_403(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/login/?next={url}"


def test_a_logged_in_user_without_the_permission_gets_403(client, cast, enterprises):
    from django.contrib.auth.models import Permission

    user = cast["institution"]
    user.user_permissions.remove(*Permission.objects.filter(codename="view_enterprise"))
    user.groups.clear()
    login(client, "institution")
    assert client.get(reverse("core_tests:list")).status_code == 403


# ---- list -------------------------------------------------------------------------------------


def test_list_shows_only_rows_in_scope_paged_by_key(client, cast, enterprises):
    body = login(client, "yubei").get(reverse("core_tests:list")).content.decode()
    assert 'id="employers"' in body and "<html" in body
    assert enterprises["wanzhou"].name not in body
    assert "共 <strong>2</strong> 条" in body
    body = client.get(reverse("core_tests:list"), {"page": 2}).content.decode()
    assert "第 1 / 1 页" not in body  # two rows, page size 2: one page


def test_list_pages_with_the_filters_and_sort_kept(client, cast, enterprises):
    for i in range(3):
        EnterpriseFactory(name=f"渝北分页{i}", region=enterprises["yubei"].region, employees=i)
    login(client, "yubei")
    body = client.get(reverse("core_tests:list"), {"q": "分页", "sort": "-employees"}).content.decode()
    assert "第 1 / 2 页" in body
    assert 'href="?q=%E5%88%86%E9%A1%B5&amp;sort=-employees&page=2"' in body.replace("&amp;page", "&page")
    assert body.index("渝北分页2") < body.index("渝北分页1")
    body = client.get(
        reverse("core_tests:list"), {"q": "分页", "sort": "-employees", "page": 2}
    ).content.decode()
    assert "渝北分页0" in body and "渝北分页2" not in body


def test_sort_is_limited_to_the_tables_sortable_columns(client, cast, enterprises):
    login(client, "yubei")
    body = client.get(reverse("core_tests:list"), {"sort": "contact_phone"}).content.decode()
    assert "aria-sort" not in body
    body = client.get(reverse("core_tests:list"), {"sort": "name"}).content.decode()
    assert 'aria-sort="ascending"' in body


def test_htmx_gets_the_partial_and_every_answer_varies_on_hx_request(client, cast, enterprises):
    login(client, "yubei")
    full = client.get(reverse("core_tests:list"))
    partial = client.get(reverse("core_tests:list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert "<html" in full.content.decode() and "<html" not in partial.content.decode()
    assert 'id="employers"' in partial.content.decode()
    for response in (full, partial):
        assert "HX-Request" in response["Vary"]
    boosted = client.get(
        reverse("core_tests:list"), HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true", HTTP_HX_TARGET="results"
    )
    assert "<html" in boosted.content.decode()  # a boosted link wants the page


def test_export_has_the_same_rows_filters_and_order_as_the_list(client, cast, enterprises):
    EnterpriseFactory(name="渝北导出甲", region=enterprises["yubei"].region, employees=5)
    EnterpriseFactory(name="渝北导出乙", region=enterprises["yubei"].region, employees=7)
    login(client, "yubei")
    rows = sheet(client.get(reverse("core_tests:export"), {"q": "导出", "sort": "-employees"}))
    assert rows[0] == ("名称", "区县", "人数", "电话", "备注")
    assert [r[0] for r in rows[1:]] == ["渝北导出乙", "渝北导出甲"]
    assert rows[1][4] == "'=1+1"  # neutralised: text, never a formula
    assert enterprises["wanzhou"].name not in str(rows)


def test_filterset_is_bound_with_today(client, cast, enterprises):
    import datetime as dt

    from django.utils import timezone

    Enterprise.objects.filter(pk=enterprises["yubei2"].pk).update(
        updated_at=timezone.now() - dt.timedelta(days=3)
    )
    login(client, "yubei")
    body = client.get(reverse("core_tests:list"), {"changed_today": "true"}).content.decode()
    assert enterprises["yubei"].name in body and enterprises["yubei2"].name not in body
    body = client.get(reverse("core_tests:list"), {"changed_today": "false"}).content.decode()
    assert enterprises["yubei2"].name in body and enterprises["yubei"].name not in body


def test_cells_that_depend_on_the_viewer_are_prepared_per_page_and_per_export_chunk(
    client, cast, enterprises
):
    login(client, "yubei")
    body = client.get(reverse("core_tests:seen_list")).content.decode()
    assert body.count("yubei/2") == 2  # one call for the page of two
    rows = sheet(client.get(reverse("core_tests:seen_export")))
    assert rows[0] == ("名称", "查看者")
    assert [r[1] for r in rows[1:]] == ["yubei/1", "yubei/1"]  # chunk_size 1: one call per object
    assert enterprises["wanzhou"].name not in str(rows)


def test_a_detail_page_answers_its_declared_fragments_to_htmx(client, cast, enterprises):
    login(client, "yubei")
    url = reverse("core_tests:detail_parts", args=[enterprises["yubei"].pk])
    full = client.get(url)
    part = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="pager")
    other = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="elsewhere")
    assert "<html" in full.content.decode() and "<html" in other.content.decode()
    assert "<html" not in part.content.decode() and part.status_code == 200
    assert all("HX-Request" in r["Vary"] for r in (full, part, other))
    wanzhou = reverse("core_tests:detail_parts", args=[enterprises["wanzhou"].pk])
    assert client.get(wanzhou, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="pager").status_code == 404


def test_filter_choices_say_all_instead_of_dashes(client, cast):
    body = login(client, "city").get(reverse("core_tests:list")).content.decode()
    assert "---------" not in body and ">全部</option>" in body


# ---- detail, form, action ----------------------------------------------------------------------


def test_detail_out_of_scope_is_404_and_in_scope_200(client, cast, enterprises):
    login(client, "yubei")
    assert client.get(reverse("core_tests:detail", args=[enterprises["wanzhou"].pk])).status_code == 404
    assert client.get(reverse("core_tests:detail", args=[enterprises["yubei"].pk])).status_code == 200


def test_form_rolls_back_an_action_whose_result_leaves_the_scope(client, cast, enterprises):
    e = enterprises["yubei"]
    login(client, "yubei")
    response = client.post(reverse("core_tests:move", args=[e.pk]), {"name": "改名后的公司"})
    assert response.status_code == 200
    assert "保存后该记录将不在您的管辖范围内" in response.content.decode()
    e.refresh_from_db()
    assert e.region_id == YUBEI and e.name != "改名后的公司"  # rolled back


def test_form_of_an_object_out_of_scope_is_404(client, cast, enterprises):
    login(client, "yubei")
    url = reverse("core_tests:move", args=[enterprises["wanzhou"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x"}).status_code == 404


def test_action_permission_denied_becomes_a_message(client, cast, enterprises):
    login(client, "yubei")
    response = client.post(reverse("core_tests:refuse", args=[enterprises["yubei"].pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["测试：不允许"]
    response = client.post(
        reverse("core_tests:refuse", args=[enterprises["yubei"].pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "HX-Request" in response["Vary"]


def test_action_runs_with_the_form_data_and_refuses_get(client, cast, enterprises):
    e = enterprises["yubei"]
    login(client, "yubei")
    url = reverse("core_tests:workplace_add", args=[e.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"name": "新车间"})
    assert response.status_code == 302 and Workplace.objects.filter(enterprise=e, name="新车间").exists()
    assert "已添加工作场所" in [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        client.post(
            reverse("core_tests:workplace_add", args=[enterprises["wanzhou"].pk]), {"name": "x"}
        ).status_code
        == 404
    )
    assert not Enterprise.objects.filter(name="x").exists()
