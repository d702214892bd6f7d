import pytest

from ohsteward.accounts.access.permissions import ROLE_PERMISSIONS
from ohsteward.accounts.choices import Role


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_permission_exists_after_migrate(role, cast):
    """Each role's group carries every permission listed for it (none silently missing)."""
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=f"role:{role}")
    have = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }
    assert set(ROLE_PERMISSIONS[role]) <= have


@pytest.mark.django_db
def test_district_officer_can_use_declarations(cast):
    assert cast["yubei"].has_perm("declarations.view_hazardlistentry")
    assert cast["yubei"].has_perm("intake.add_sourcebatch")
    assert not cast["manager"].has_perm("declarations.change_hazardlistentry")


@pytest.mark.argon2
@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(enterprises):
    from ohsteward.accounts.actions import user_create

    user = user_create(
        username="hash_check", password="Qx-long-enough-7781", role="city_admin", check_password=False
    )
    assert user.password.startswith("argon2$")
    assert user.check_password("Qx-long-enough-7781")


@pytest.mark.django_db
def test_enterprise_manager_cannot_register_employers(cast):
    assert not cast["manager"].has_perm("registry.add_enterprise")
    assert cast["manager"].has_perm("registry.change_enterprise")


@pytest.mark.django_db
def test_token_revoke_only_own(cast):
    from ohsteward.accounts.actions import token_create, token_revoke
    from ohsteward.accounts.models import ApiToken

    token_create(user=cast["city"])
    token = ApiToken.objects.get(user=cast["city"])
    assert not token_revoke(user=cast["yubei"], token_id=token.pk)
    assert token_revoke(user=cast["city"], token_id=token.pk)
    assert not ApiToken.objects.exists()
