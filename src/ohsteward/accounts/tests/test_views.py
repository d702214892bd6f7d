"""Users and passwords in the web UI: password change, forced change, user management and its scope."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from ohsteward.accounts import lockout
from ohsteward.accounts.models import User
from ohsteward.accounts.testing import PASSWORD, WANZHOU, YUBEI
from ohsteward.core.models import AuditLog

NEW = "Gaoxin-Strong-77"


def login(client, username, password=PASSWORD):
    assert client.login(username=username, password=password)
    return client


def temp_password(response) -> str:
    return re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)


# ---- self-service password change --------------------------------------------------------------


def test_user_menu_links_to_password_change(client, cast):
    body = login(client, "yubei").get(reverse("web:home")).content.decode()
    assert reverse("accounts:password_change") in body and "修改密码" in body


def test_password_change_checks_the_old_password(client, cast):
    login(client, "yubei")
    body = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    ).content.decode()
    assert "原密码不正确" in body
    cast["yubei"].refresh_from_db()
    assert cast["yubei"].check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Ab1!x", "密码太短，至少需要 8 个字符"),  # MinimumLengthValidator, in Chinese
        ("password123", "这个密码太常见了"),  # CommonPasswordValidator
        ("yubei123", "密码跟 用户名 太相似"),  # UserAttributeSimilarityValidator
    ],
)
def test_password_change_applies_the_validators_in_chinese(client, cast, new, message):
    login(client, "yubei")
    body = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    ).content.decode()
    assert message in body
    cast["yubei"].refresh_from_db()
    assert cast["yubei"].check_password(PASSWORD)


def test_password_change_keeps_the_user_logged_in_and_is_audited(client, cast):
    login(client, "yubei")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    cast["yubei"].refresh_from_db()
    assert cast["yubei"].check_password(NEW)
    assert AuditLog.objects.filter(object_id=str(cast["yubei"].pk), changes__has_key="密码").exists()


def test_password_change_mismatch_is_said_in_chinese(client, cast):
    login(client, "yubei")
    body = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
    ).content.decode()
    assert "两次输入的新密码不一致" in body


# ---- forced change after a temporary password --------------------------------------------------


def test_a_temporary_password_forces_a_change_before_anything_else(client, cast):
    response = login(client, "city").post(reverse("accounts:user_password_reset", args=[cast["yubei"].pk]))
    raw = temp_password(response)
    client.logout()
    login(client, "yubei", raw)
    response = client.get(reverse("registry:enterprise_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password_change"))
    assert client.get("/api/v1/enterprises/").status_code == 403
    page = client.get(response["Location"]).content.decode()
    assert "临时密码" in page
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": raw,
            "new_password1": NEW,
            "new_password2": NEW,
            "next": reverse("registry:enterprise_list"),
        },
    )
    assert response["Location"] == reverse("registry:enterprise_list")
    assert client.get(reverse("registry:enterprise_list")).status_code == 200
    cast["yubei"].refresh_from_db()
    assert not cast["yubei"].must_change_password


def test_forced_change_does_not_redirect_offsite(client, cast):
    cast["yubei"].must_change_password = True
    cast["yubei"].save()
    login(client, "yubei")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW,
            "new_password2": NEW,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("web:home")


# ---- user management: who sees what -------------------------------------------------------------


def test_city_admin_lists_every_user(client, cast):
    body = login(client, "city").get(reverse("accounts:user_list")).content.decode()
    for name in ["yubei", "wanzhou", "cdc", "manager"]:
        assert f">{name}</a>" in body


def test_district_admin_lists_only_users_inside_the_district(client, cast):
    body = login(client, "yubei").get(reverse("accounts:user_list")).content.decode()
    assert ">yubei</a>" in body and ">institution</a>" in body and ">manager</a>" in body
    assert ">wanzhou</a>" not in body and ">city</a>" not in body and ">cdc</a>" not in body


def test_yubei_admin_cannot_see_or_edit_a_wanzhou_user(client, cast):
    login(client, "yubei")
    pk = cast["wanzhou"].pk
    assert client.get(reverse("accounts:user_detail", args=[pk])).status_code == 404
    for name in ["user_deactivate", "user_password_reset", "user_unlock", "user_reactivate"]:
        assert client.post(reverse(f"accounts:{name}", args=[pk])).status_code == 404
    cast["wanzhou"].refresh_from_db()
    assert cast["wanzhou"].is_active and cast["wanzhou"].check_password(PASSWORD)


def test_other_roles_have_no_user_management(client, cast):
    for name in ["cdc", "institution", "steward", "manager"]:
        client.logout()
        assert login(client, name).get(reverse("accounts:user_list")).status_code == 403
    assert "用户管理" not in client.get(reverse("web:home")).content.decode()


def test_user_export_is_scoped_like_the_list(client, cast):
    response = login(client, "yubei").get(reverse("accounts:user_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "yubei" in names and "manager" in names and "wanzhou" not in names


def test_user_list_filters_by_role(client, cast):
    body = login(client, "city").get(reverse("accounts:user_list"), {"role": "cdc_staff"}).content.decode()
    assert ">cdc</a>" in body and ">yubei</a>" not in body


# ---- user management: writes -------------------------------------------------------------------


def test_city_admin_creates_a_district_user_with_a_temporary_password(client, cast):
    response = login(client, "city").post(
        reverse("accounts:user_create"),
        {
            "username": "wz_li",
            "display_name": "万州区卫生健康委 李某某",
            "role": "district_admin",
            "region": WANZHOU,
        },
    )
    raw = temp_password(response)
    user = User.objects.get(username="wz_li")
    assert user.must_change_password and user.check_password(raw) and user.role == "district_admin"
    assert user.assignment.region_id == WANZHOU
    assert AuditLog.objects.filter(object_id=str(user.pk), action="create").exists()


def test_district_admin_cannot_grant_city_admin_or_another_district(client, cast):
    login(client, "yubei")
    page = client.get(reverse("accounts:user_create")).content.decode()
    assert 'value="city_admin"' not in page and f'value="{WANZHOU}"' not in page
    body = client.post(
        reverse("accounts:user_create"), {"username": "x1", "role": "city_admin"}
    ).content.decode()
    assert "x1" not in set(User.objects.values_list("username", flat=True))
    assert "选择一个有效的选项" in body or "不能分配" in body
    client.post(reverse("accounts:user_create"), {"username": "x2", "role": "cdc_staff", "region": WANZHOU})
    assert not User.objects.filter(username="x2").exists()


def test_district_admin_creates_a_manager_only_for_an_employer_of_the_district(client, cast, enterprises):
    login(client, "yubei")
    body = client.post(
        reverse("accounts:user_create"),
        {"username": "m_wz", "role": "enterprise_manager", "enterprise_uscc": enterprises["wanzhou"].uscc},
    ).content.decode()
    assert "不在您的管辖范围内" in body and not User.objects.filter(username="m_wz").exists()
    client.post(
        reverse("accounts:user_create"),
        {"username": "m_yb", "role": "enterprise_manager", "enterprise_uscc": enterprises["yubei"].uscc},
    )
    assert User.objects.get(username="m_yb").assignment.enterprise == enterprises["yubei"]


def test_district_admin_may_assign_a_town_of_the_district(client, cast):
    from ohsteward.registry.models import Region

    town = Region.objects.filter(parent_id=YUBEI, level="town").order_by("code").first()
    login(client, "yubei").post(
        reverse("accounts:user_create"),
        {"username": "town_zhang", "role": "district_admin", "region": town.code},
    )
    assert User.objects.get(username="town_zhang").assignment.region == town


def test_deactivate_and_reactivate_are_audited(client, cast):
    login(client, "yubei")
    pk = cast["institution"].pk
    client.post(reverse("accounts:user_deactivate", args=[pk]))
    cast["institution"].refresh_from_db()
    assert not cast["institution"].is_active
    assert not client.login(username="institution", password=PASSWORD)
    login(client, "yubei").post(reverse("accounts:user_reactivate", args=[pk]))
    cast["institution"].refresh_from_db()
    assert cast["institution"].is_active
    changes = list(
        AuditLog.objects.filter(object_id=str(pk), action="update", changes__has_key="is_active")
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert [c["is_active"] for c in changes] == [[True, False], [False, True]]


def test_an_admin_cannot_deactivate_their_own_account(client, cast):
    login(client, "yubei").post(reverse("accounts:user_deactivate", args=[cast["yubei"].pk]))
    cast["yubei"].refresh_from_db()
    assert cast["yubei"].is_active


def test_unlock_button_lifts_the_lock(client, cast):
    for _ in range(5):
        client.post(reverse("web:login"), {"username": "institution", "password": "wrong"})
    assert lockout.is_locked("institution")
    login(client, "city")
    body = client.get(reverse("accounts:user_detail", args=[cast["institution"].pk])).content.decode()
    assert "解除锁定" in body and "密码错误" in body
    client.post(reverse("accounts:user_unlock", args=[cast["institution"].pk]))
    assert not lockout.is_locked("institution")
    assert AuditLog.objects.filter(
        object_id=str(cast["institution"].pk), changes__has_key="登录锁定"
    ).exists()


def test_password_change_speaks_chinese_to_an_english_browser(client, cast):
    login(client, "yubei")
    body = client.get(reverse("accounts:password_change"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "密码至少需要 8 个字符" in body and "Your password" not in body
    body = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "这个密码太常见了" in body
