"""Web face: login and lockout, logout, home per role, navigation, audit trail, API tokens, errors."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from ohsteward.accounts.models import ApiToken
from ohsteward.accounts.testing import PASSWORD
from ohsteward.registry import actions


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Argon2 with production parameters costs ~0.3 s per user; the cast has seven
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


# ---- login, lockout, logout -------------------------------------------------------------------


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert 'lang="zh-Hans"' in response.content.decode()


def test_login_success_goes_home(client, cast):
    response = client.post(reverse("web:login"), {"username": "yubei", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_wrong_password_message_in_chinese(client, cast):
    response = client.post(reverse("web:login"), {"username": "yubei", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_lockout_after_five_failures_even_with_right_password(client, cast):
    for _ in range(4):
        response = client.post(reverse("web:login"), {"username": "yubei", "password": "wrong"})
        assert "登录失败次数过多" not in response.content.decode()
    response = client.post(reverse("web:login"), {"username": "yubei", "password": "wrong"})
    assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
    response = client.post(reverse("web:login"), {"username": "yubei", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, cast):
    login(client, "yubei")
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_require_login(client, db):
    for name in ["web:home", "registry:enterprise_list", "web:token_list"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))


# ---- home per role ------------------------------------------------------------------------------


def test_city_home_counts_the_whole_city(client, cast, enterprises):
    body = login(client, "city").get(reverse("web:home")).content.decode()
    assert "全市" in body
    assert '<div class="value">3</div><div class="label">用人单位总数' in body
    assert "导入名单" in body and "审计日志" in body


def test_district_home_counts_only_its_district(client, cast, enterprises):
    actions.enterprise_update(
        user=None,
        enterprise=enterprises["yubei2"],
        data={"status": "cancelled", "cancelled_on": "2024-01-02"},
    )
    body = login(client, "yubei").get(reverse("web:home")).content.decode()
    assert "区县卫生健康委 · 渝北区" in body
    assert '<div class="value">2</div><div class="label">用人单位总数' in body
    assert '<div class="value">1</div><div class="label">注销' in body


def test_institution_home_has_no_import_or_audit(client, cast, enterprises):
    body = login(client, "institution").get(reverse("web:home")).content.decode()
    assert "查看用人单位" in body
    assert "导入名单" not in body
    assert "审计日志" not in body


def test_enterprise_manager_home_shows_own_employer_and_next_steps(client, cast, enterprises):
    own = enterprises["yubei"]
    actions.enterprise_update(user=None, enterprise=own, data={"contact_phone": ""})
    body = login(client, "manager").get(reverse("web:home")).content.decode()
    assert own.name in body
    assert enterprises["yubei2"].name not in body
    assert "请留下联系人和联系电话" in body
    assert "更新本单位信息" in body
    assert "用人单位总数" not in body


def test_navigation_follows_permissions(client, cast):
    body = login(client, "yubei").get(reverse("web:home")).content.decode()
    assert f'href="{reverse("web:audit_list")}"' in body
    client.logout()
    body = login(client, "steward").get(reverse("web:home")).content.decode()
    assert f'href="{reverse("web:audit_list")}"' not in body
    assert f'href="{reverse("registry:enterprise_list")}"' in body


def test_institution_staff_reach_the_cross_check_findings_from_the_menu(client, cast):
    findings = f'href="{reverse("supervision:finding_list")}"'
    assert findings in login(client, "institution").get(reverse("web:home")).content.decode()
    client.logout()
    assert (
        findings not in login(client, "steward").get(reverse("web:home")).content.decode()
    )  # no view permission


def test_csrf_token_is_given_to_htmx(client, cast):
    body = login(client, "yubei").get(reverse("web:home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


# ---- audit trail ------------------------------------------------------------------------------


@pytest.fixture
def changes(cast, enterprises):
    from ohsteward.core.audit import audit_context

    with audit_context(cast["city"], "web"):
        actions.enterprise_update(user=cast["city"], enterprise=enterprises["yubei"], data={"employees": 77})
        actions.enterprise_update(
            user=cast["city"], enterprise=enterprises["wanzhou"], data={"employees": 88}
        )


def test_audit_list_is_scoped(client, changes, enterprises):
    body = login(client, "yubei").get(reverse("web:audit_list")).content.decode()
    assert enterprises["yubei"].name in body
    assert enterprises["wanzhou"].name not in body
    assert "从业人员数" in body and "77" in body


def test_audit_list_filters(client, changes, enterprises):
    login(client, "city")
    body = client.get(reverse("web:audit_list"), {"user": "nobody"}).content.decode()
    assert "没有符合条件的记录" in body
    body = client.get(reverse("web:audit_list"), {"user": "city"}).content.decode()
    assert enterprises["wanzhou"].name in body


def test_audit_list_forbidden_without_permission(client, cast):
    assert login(client, "cdc").get(reverse("web:audit_list")).status_code == 403
    body = client.get(reverse("web:audit_list")).content.decode()
    assert "您没有权限" in body


def test_audit_export_is_scoped_xlsx(client, changes, enterprises):
    response = login(client, "yubei").get(reverse("web:audit_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    objects = {r[4] for r in rows[1:]}
    assert enterprises["yubei"].name in objects
    assert enterprises["wanzhou"].name not in objects
    assert any(r[5] == "从业人员数" and r[7] == "77" for r in rows[1:])


# ---- API tokens -------------------------------------------------------------------------------


def test_token_is_shown_once_then_only_its_prefix(client, cast):
    login(client, "yubei")
    response = client.post(reverse("web:token_list"), {"name": "对接"})
    body = response.content.decode()
    token = ApiToken.objects.get(user=cast["yubei"])
    assert "只显示这一次" in body
    raw = body.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith(token.prefix) and ApiToken.lookup(raw) == token
    body = client.get(reverse("web:token_list")).content.decode()
    assert raw not in body and token.prefix in body


def test_token_revoke_only_own(client, cast):
    other = ApiToken.issue(cast["wanzhou"], "x")[0]
    own = ApiToken.issue(cast["yubei"], "y")[0]
    login(client, "yubei")
    client.post(reverse("web:token_revoke", args=[other.pk]))
    assert ApiToken.objects.filter(pk=other.pk).exists()
    client.post(reverse("web:token_revoke", args=[own.pk]))
    assert not ApiToken.objects.filter(pk=own.pk).exists()


# ---- error pages ------------------------------------------------------------------------------


def test_404_page_is_friendly_chinese(client, cast):
    response = login(client, "yubei").get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()


def test_500_template_renders_without_context():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "系统出了点问题" in html


def test_audit_shows_names_and_choice_labels(client, cast, enterprises):
    from ohsteward.core.audit import audit_context
    from ohsteward.registry.models import Region

    town = Region.objects.filter(parent_id="500112", level="town").order_by("code").last()
    with audit_context(cast["city"], "web"):
        actions.enterprise_update(
            user=cast["city"],
            enterprise=enterprises["yubei2"],
            data={"town": town, "status": "suspended", "suspended_on": "2024-02-03"},
        )
    body = login(client, "yubei").get(reverse("web:audit_list")).content.decode()
    assert f'<span class="diff-new">{town.name}</span>' in body
    assert '<span class="diff-old">在业</span> → <span class="diff-new">停产停业</span>' in body
    assert "用人单位</span><br>" + enterprises["yubei2"].name in body
    assert ">网页<" in body


@pytest.mark.parametrize(
    "risk, exposed, expected, absent",
    [
        ("serious", 10, "每年至少委托", "每三年至少委托"),
        ("general", 10, "每三年至少委托", "每年至少委托"),
        ("unlisted", 10, "每三年至少委托", "每年至少委托"),
        ("serious", 0, "接害人数为 0", "每年至少委托"),
    ],
)
def test_employer_duties_by_risk_class(risk, exposed, expected, absent):
    from ohsteward.web.views import employer_duties

    text = " ".join(employer_duties(risk, exposed))
    assert expected in text and absent not in text


def test_home_chart_counts_per_area_and_risk_class(client, cast, enterprises):
    import json

    from ohsteward.registry.tests.factories import EnterpriseFactory

    EnterpriseFactory(region=enterprises["yubei"].region, industry_id="5211")  # 零售: not in the catalogue
    body = login(client, "city").get(reverse("web:home")).content.decode()
    data = json.loads(body.split('id="risk-chart-data" type="application/json">')[1].split("</script>")[0])
    by_area = {area: {s["key"]: s["data"][i] for s in data["series"]} for i, area in enumerate(data["areas"])}
    assert by_area["渝北区"] == {"serious": 2, "general": 0, "unlisted": 1}
    assert by_area["万州区"] == {"serious": 1, "general": 0, "unlisted": 0}
    assert data["param"] == "region"
    client.logout()
    body = login(client, "manager").get(reverse("web:home")).content.decode()
    assert "risk-chart-data" not in body


def test_enterprise_manager_menu_goes_to_own_employer(client, cast, enterprises):
    body = login(client, "manager").get(reverse("web:home")).content.decode()
    nav = body.split('<nav class="nav"')[1].split("</nav>")[0]
    assert f'href="{reverse("registry:enterprise_detail", args=[enterprises["yubei"].uscc])}"' in nav
    assert "本单位" in nav and "导入名单" not in nav
    assert enterprises["yubei"].name in body.split('class="who-role"')[1][:200]


def test_audit_htmx_partial(client, changes, enterprises):
    login(client, "city")
    response = client.get(
        reverse("web:audit_list"), {"user": "city"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audit-results"
    )
    body = response.content.decode()
    assert "<html" not in body and enterprises["wanzhou"].name in body
    assert "HX-Target" in response["Vary"]
    assert "<html" in client.get(reverse("web:audit_list")).content.decode()


def test_lockout_follows_settings(client, cast, settings):
    settings.OHSTEWARD_LOGIN_MAX_FAILURES = 2
    settings.OHSTEWARD_LOGIN_LOCKOUT_SECONDS = 600
    assert "连续输错 2 次密码，账号将锁定 10 分钟" in client.get(reverse("web:login")).content.decode()
    client.post(reverse("web:login"), {"username": "yubei", "password": "wrong"})
    body = client.post(reverse("web:login"), {"username": "yubei", "password": "wrong"}).content.decode()
    assert "登录失败次数过多，请10分钟后再试" in body


def test_user_without_role_is_told_what_to_do(client, db):
    from ohsteward.accounts.models import User

    User.objects.create_user(username="lonely", password=PASSWORD)
    body = login(client, "lonely").get(reverse("web:home")).content.decode()
    assert "还没有分配角色和辖区" in body
    assert "用人单位总数" not in body
    assert client.get(reverse("registry:enterprise_list")).status_code == 403


# ---- Content-Security-Policy -------------------------------------------------------------------


def test_pages_send_a_content_security_policy_with_a_fresh_nonce(client, cast):
    login(client, "city")
    first = client.get(reverse("web:home"))
    policy = first["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "object-src 'none'" in policy
        and "frame-ancestors 'none'" in policy
    )
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src")).split()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    nonce = next(s for s in script_src if s.startswith("'nonce-"))[7:-1]
    assert nonce not in client.get(reverse("web:home"))["Content-Security-Policy"]


def test_every_inline_script_carries_the_nonce(client, cast, enterprises):
    import re

    login(client, "city")
    for name in [
        "web:home",
        "web:audit_list",
        "registry:enterprise_list",
        "registry:enterprise_import",
        "web:token_list",
        "accounts:user_list",
    ]:
        response = client.get(reverse(name))
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        body = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag or 'type="application/json"' in tag or f'nonce="{nonce}"' in tag, (name, tag)
        assert not re.search(r"\son(submit|click|change|load)=", body), name


def test_no_template_has_inline_event_handlers():
    import re
    from pathlib import Path

    import ohsteward

    root = Path(ohsteward.__file__).parent / "templates"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if re.search(r"\son(submit|click|change|input|load)=", p.read_text())
    ]
    assert offenders == []


# ---- API tokens page -----------------------------------------------------------------------------


def test_tokens_page_creates_a_token_with_an_expiry_and_shows_it(client, cast):
    login(client, "yubei")
    body = client.post(reverse("web:token_list"), {"name": "对接", "expires_in_days": "30"}).content.decode()
    token = ApiToken.objects.get(user=cast["yubei"])
    assert token.expires_at is not None and "有效期至" in body
    from django.utils import timezone

    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M") in body
    body = client.post(reverse("web:token_list"), {"name": "x", "expires_in_days": "0"}).content.decode()
    assert "有效天数至少为 1" in body and ApiToken.objects.filter(user=cast["yubei"]).count() == 1


def test_tokens_page_marks_expired_tokens(client, cast):
    import datetime as dt

    from django.utils import timezone

    from ohsteward.accounts.actions import token_create

    token_create(user=cast["yubei"], name="旧")
    ApiToken.objects.filter(user=cast["yubei"]).update(expires_at=timezone.now() - dt.timedelta(days=1))
    body = login(client, "yubei").get(reverse("web:token_list")).content.decode()
    assert "已过期" in body


# ---- the audit trail in words (issue 8 item 15) ------------------------------------------------


def test_audit_trail_reads_in_words_not_keys_dicts_or_login_names(client, cast, enterprises):
    from ohsteward.core import audit
    from ohsteward.core.audit_display import ChangeDescriber
    from ohsteward.core.models import AuditLog

    cast["city"].display_name = "市卫生健康委 刘某某"
    cast["city"].save()
    entry = audit.record(
        enterprises["yubei"],
        "update",
        {"pushed_to_district": [None, {"district": "500112", "due_on": "2026-02-28"}]},
        user=cast["city"],
        source="demo",
    )
    ((e, _type, rows, source),) = list(ChangeDescriber(AuditLog.objects.filter(pk=entry.pk)))
    assert rows == [("下发到区县", "（空）", "区县：渝北区；核实期限：2026-02-28")]
    assert source == "演示数据" and e.who == "市卫生健康委 刘某某"
    login(client, "city")
    body = client.get(reverse("web:audit_list")).content.decode()
    assert (
        "pushed_to_district" not in body and "{&#x27;district" not in body and "市卫生健康委 刘某某" in body
    )


def test_audit_type_filter_offers_every_audited_model(client, cast):
    from ohsteward.web.forms import AuditFilterForm

    labels = {label for _, label in AuditFilterForm().fields["object_type"].choices}
    assert {"职业病危害项目申报", "用人单位"} <= labels
    assert any("名单" in label for label in labels) and any("抽查" in label for label in labels)


def test_regenerating_an_unchanged_list_writes_no_audit_entry(cast, enterprises):
    from ohsteward.core.models import AuditLog
    from ohsteward.declarations import actions as declaration_actions

    first = declaration_actions.hazard_list_generate(user=None, year=2026)
    before = AuditLog.objects.filter(object_id=str(first.pk), content_type__model="hazardlist").count()
    declaration_actions.hazard_list_generate(user=None, year=2026)
    assert (
        AuditLog.objects.filter(object_id=str(first.pk), content_type__model="hazardlist").count() == before
    )
