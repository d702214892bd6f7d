"""The API frame: tokens, the scoped base viewset, errors, the schema and the docs page."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from drf_spectacular.validation import validate_schema
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from ohsteward.accounts.models import ApiToken
from ohsteward.accounts.testing import PASSWORD
from ohsteward.api.docs import SWAGGER_FILES, swagger_dist
from ohsteward.api.testing import bearer_client, use_fast_password_hashing
from ohsteward.core.api.exceptions import exception_handler
from ohsteward.registry.api.views import EnterpriseViewSet


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    use_fast_password_hashing(settings)


def test_token_header_forms(cast):
    from ohsteward.accounts.actions import token_create

    raw = token_create(user=cast["city"])
    client = APIClient()
    for header, status in [
        (f"Bearer {raw}", 200),
        (f"bearer {raw}", 200),
        ("Bearer", 401),
        (f"Bearer {raw} extra", 401),
        (f"Bearer {raw}x", 401),
        (f"Basic {raw}", 401),
    ]:
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/regions/").status_code == status, header


def test_token_of_inactive_user_is_refused(cast):
    client = bearer_client(cast["yubei"])
    cast["yubei"].is_active = False
    cast["yubei"].save()
    assert client.get("/api/v1/enterprises/").status_code == 401


def test_token_use_is_recorded(cast):
    client = bearer_client(cast["city"])
    assert ApiToken.objects.get(user=cast["city"]).last_used_at is None
    client.get("/api/v1/regions/")
    assert ApiToken.objects.get(user=cast["city"]).last_used_at is not None


def scoped_viewsets():
    from ohsteward.api.urls import router
    from ohsteward.core.querysets import ScopedQuerySet

    return [
        (prefix, viewset)
        for prefix, viewset, _ in router.registry
        if isinstance(getattr(viewset, "queryset", None), ScopedQuerySet)
    ]


def test_there_are_scoped_endpoints():
    assert "enterprises" in {prefix for prefix, _ in scoped_viewsets()}


@pytest.mark.parametrize(
    "who", ["city", "yubei", "wanzhou", "cdc", "institution", "steward", "manager", None]
)
def test_every_scoped_endpoint_filters_by_for_user(cast, enterprises, who):
    """Whatever a viewset adds to its queryset, it never returns a row that for_user would hide."""
    from ohsteward.accounts.models import User

    user = cast[who] if who else User.objects.create_user("norole", password="x")
    for prefix, viewset in scoped_viewsets():
        request = Request(APIRequestFactory().get(f"/api/v1/{prefix}/"))
        request.user = user
        view = viewset()
        view.request, view.action, view.kwargs, view.format_kwarg, view.args = request, "list", {}, None, ()
        model = viewset.queryset.model
        visible = set(view.get_queryset().values_list("pk", flat=True))
        assert visible <= set(model.objects.for_user(user).values_list("pk", flat=True)), prefix
        if who is None:
            assert visible == set(), prefix


def test_scoped_base_calls_for_user(cast, enterprises):
    request = Request(APIRequestFactory().get("/api/v1/enterprises/"))
    request.user = cast["wanzhou"]
    view = EnterpriseViewSet()
    view.request, view.action, view.kwargs, view.format_kwarg = request, "list", {}, None
    assert list(view.get_queryset()) == [enterprises["wanzhou"]]


def test_exception_handler_converts_django_validation_errors():
    response = exception_handler(ValidationError({"uscc": "校验位错误，应为 3"}), {})
    assert response.status_code == 400 and response.data == {"uscc": ["校验位错误，应为 3"]}
    response = exception_handler(ValidationError("整体错误"), {})
    assert response.status_code == 400 and response.data == {"detail": ["整体错误"]}


def test_schema_is_valid_openapi(db):
    response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/enterprises/",
        "/api/v1/enterprises/{uscc}/",
        "/api/v1/enterprises/export/",
        "/api/v1/regions/",
        "/api/v1/regions/{code}/",
        "/api/v1/industries/{code}/",
        "/api/v1/hazard-factors/",
        "/api/v1/hazard-factors/{code}/",
        "/api/v1/exposure-limits/",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/enterprises/{uscc}/"]) >= {"get", "patch"}
    assert "put" not in paths["/api/v1/enterprises/{uscc}/"]
    export = paths["/api/v1/enterprises/export/"]["get"]
    assert list(export["responses"]["200"]["content"]) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ]
    assert {p["name"] for p in export["parameters"]} >= {"region", "industry_risk", "q"}
    listing = {p["name"] for p in paths["/api/v1/enterprises/"]["get"]["parameters"]}
    assert listing >= {
        "page",
        "page_size",
        "region",
        "town",
        "industry",
        "industry_risk",
        "size_class",
        "status",
        "q",
    }
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    enterprise = schema["components"]["schemas"]["Enterprise"]
    assert {"industry_risk", "size_class"} <= set(enterprise["required"]) | set(enterprise["properties"])
    assert enterprise["properties"]["size_class"]["readOnly"] is True


def test_docs_page_uses_no_cdn(db):
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']https?://""", html)
    if swagger_dist() is not None:
        # the init script is a file of its own (no inline script under the CSP); it names the schema
        assert "<script>" not in html
        script = APIClient().get("/api/v1/docs/?script=")
        assert "javascript" in script["Content-Type"] and "/api/v1/schema/" in script.content.decode()
        for name in SWAGGER_FILES:
            assert f"/api/v1/docs/assets/{name}" in html
        asset = APIClient().get("/api/v1/docs/assets/swagger-ui-bundle.js")
        assert asset.status_code == 200 and "javascript" in asset["Content-Type"]
    else:
        assert "/api/v1/schema/" in html and "/api/v1/enterprises/{uscc}/" in html


def test_docs_assets_are_whitelisted(db):
    assert APIClient().get("/api/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404
    assert APIClient().get("/api/v1/docs/assets/LICENSE").status_code == 404


def test_docs_fallback_lists_endpoints(db, monkeypatch):
    monkeypatch.setattr("ohsteward.api.docs.swagger_dist", lambda: None)
    response = APIClient().get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/enterprises/{uscc}/" in html and "PATCH" in html


def test_api_root_lists_endpoints(cast):
    body = bearer_client(cast["city"]).get("/api/v1/").json()
    assert {"enterprises", "regions", "industries", "hazard-factors", "exposure-limits"} <= set(body)


# ---- token expiry, last use, schema behind login -------------------------------------------------


def test_expired_token_is_refused_with_a_clear_message(cast):
    import datetime as dt

    from django.utils import timezone

    client = bearer_client(cast["city"])
    ApiToken.objects.filter(user=cast["city"]).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401
    assert "令牌已于" in response.json()["detail"] and "过期" in response.json()["detail"]


def test_token_with_an_expiry_in_the_future_works(cast):
    from ohsteward.accounts.actions import token_create

    raw = token_create(user=cast["city"], expires_in_days=30)
    token = ApiToken.objects.get(user=cast["city"])
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/regions/").status_code == 200


def test_token_expiry_days_are_bounded(cast):
    from ohsteward.accounts.actions import token_create

    with pytest.raises(ValidationError):
        token_create(user=cast["city"], expires_in_days=0)


def test_last_use_is_written_at_most_once_a_minute(cast):
    import datetime as dt

    from django.utils import timezone

    client = bearer_client(cast["city"])
    client.get("/api/v1/regions/")
    first = ApiToken.objects.get(user=cast["city"]).last_used_at
    client.get("/api/v1/regions/")
    assert ApiToken.objects.get(user=cast["city"]).last_used_at == first
    ApiToken.objects.filter(user=cast["city"]).update(last_used_at=timezone.now() - dt.timedelta(seconds=61))
    client.get("/api/v1/regions/")
    assert ApiToken.objects.get(user=cast["city"]).last_used_at > first


def test_token_of_a_user_who_must_change_the_password_is_refused(cast):
    client = bearer_client(cast["yubei"])
    cast["yubei"].must_change_password = True
    cast["yubei"].save()
    response = client.get("/api/v1/enterprises/")
    assert response.status_code == 401 and "临时密码" in response.json()["detail"]


def test_token_create_command_takes_an_expiry(cast, capsys):
    from django.core.management import call_command

    call_command("token_create", "city", "--expires-in-days", "7")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.lookup(raw)
    assert token is not None and token.expires_at is not None


def test_schema_and_docs_need_login_in_production(cast, settings, client):
    settings.DEBUG = settings.DEMO = settings.TESTING = False
    assert APIClient().get("/api/v1/schema/").status_code == 401
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/api/v1/docs/?script=").status_code == 302
    assert bearer_client(cast["cdc"]).get("/api/v1/schema/?format=json").status_code == 200
    client.login(username="cdc", password=PASSWORD)
    assert client.get("/api/v1/docs/").status_code == 200


def test_schema_is_open_in_demo_mode(db, settings):
    settings.TESTING = False
    settings.DEMO = True
    assert APIClient().get("/api/v1/schema/?format=json").status_code == 200


@pytest.mark.django_db
def test_a_json_body_nested_thousands_of_levels_is_a_400_not_a_500(cast, enterprises):
    client = bearer_client(cast["city"])
    client.raise_request_exception = False
    body = "[" * 5000 + "]" * 5000
    response = client.patch(
        f"/api/v1/enterprises/{enterprises['yubei'].uscc}/", body, content_type="application/json"
    )
    assert response.status_code == 400 and "嵌套层数过深" in response.content.decode()


def test_schema_groups_every_endpoint_under_a_chinese_tag_with_a_description(db):
    """Issue 8 item 20: tags are the apps' Chinese names with descriptions, not URL segments."""
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    declared = {t["name"]: t.get("description", "") for t in schema["tags"]}
    assert {"用人单位名录", "危害因素与职业病目录", "多源数据汇聚", "名单与申报"} <= set(declared)
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in declared.values())
    used = {
        tag
        for item in schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for tag in op.get("tags", [])
    }
    assert used <= set(declared)  # no operation falls back to "enterprises", "intake" …
    assert schema["paths"]["/api/v1/enterprises/"]["get"]["tags"] == ["用人单位名录"]
    assert schema["paths"]["/api/v1/declarations/"]["get"]["tags"] == ["名单与申报"]


def test_docs_page_links_back_to_the_app_and_loads_the_projects_font(db):
    html = APIClient().get("/api/v1/docs/").content.decode()
    assert re.search(r"""<a [^>]*href="/"[^>]*>返回 ohsteward</a>""", html)
    if swagger_dist() is not None:  # the override comes after Swagger UI's own stylesheet
        assert html.index("swagger-ui.css") < html.index("/static/api-docs.css")
