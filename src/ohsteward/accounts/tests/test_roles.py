import pytest

from ohsteward.accounts.access import ROLE_PERMISSIONS
from ohsteward.accounts.choices import Role


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_permission_exists_after_migrate(role, cast):
    """Each role's group carries every permission listed for it (none silently missing)."""
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=f"role:{role}")
    have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert set(ROLE_PERMISSIONS[role]) <= have


@pytest.mark.django_db
def test_district_officer_can_use_declarations(cast):
    assert cast["yubei"].has_perm("declarations.view_hazardlistentry")
    assert cast["yubei"].has_perm("intake.add_sourcebatch")
    assert not cast["manager"].has_perm("declarations.change_hazardlistentry")
