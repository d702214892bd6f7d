"""A list entry is seen by the district that has the employer in its register (review H2)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from ohsteward.declarations import actions
from ohsteward.declarations.models import HazardListEntry
from ohsteward.declarations.reports import dispatch_figures
from ohsteward.registry.actions import enterprise_update
from ohsteward.registry.models import Region


@pytest.mark.django_db
def test_entry_follows_employer_moved_in_register(cast, enterprises, client):
    hazard_list = actions.hazard_list_generate(user=None, year=2026, as_of=dt.date(2026, 1, 25))
    actions.hazard_list_push(user=None, hazard_list=hazard_list, today=dt.date(2026, 1, 31))
    moved = enterprises["yubei2"]
    entry = HazardListEntry.objects.get(hazard_list=hazard_list, enterprise=moved)
    assert HazardListEntry.objects.for_user(cast["yubei"]).filter(pk=entry.pk).exists()
    enterprise_update(
        user=cast["city"], enterprise=moved, data={"region": Region.objects.get(pk="500101"), "town": None}
    )
    # the old district no longer sees it (page, queryset); the new one does
    assert not HazardListEntry.objects.for_user(cast["yubei"]).filter(pk=entry.pk).exists()
    assert HazardListEntry.objects.for_user(cast["wanzhou"]).filter(pk=entry.pk).exists()
    client.force_login(cast["yubei"])
    assert client.get(f"/declarations/entries/{entry.pk}/").status_code == 404
    # and the old district cannot hand it over (which would move the employer in the register)
    with pytest.raises(PermissionDenied):
        actions.entry_hand_over(
            user=cast["yubei"],
            entry=entry,
            to_region=Region.objects.get(pk="500105"),
            today=dt.date(2026, 2, 5),
        )
    # dispatch counts it where the register has it
    figures = dispatch_figures(user=cast["city"], year=2026, quarter=1, today=dt.date(2026, 3, 31))
    by_code = {r["region_id"]: r for r in figures["districts"]}
    assert by_code["500101"]["list_size"] == 2 and by_code["500112"]["list_size"] == 1


@pytest.mark.django_db
def test_spot_check_item_follows_employer_moved_in_register(cast, enterprises):
    from ohsteward.declarations.models import SpotCheckItem

    hazard_list = actions.hazard_list_generate(user=None, year=2026, as_of=dt.date(2026, 1, 25))
    check = actions.spot_check_create(
        user=cast["city"], hazard_list=hazard_list, seed=1, fraction=1.0, minimum=1
    )
    item = check.items.get(enterprise=enterprises["yubei2"])
    assert SpotCheckItem.objects.for_user(cast["yubei"]).filter(pk=item.pk).exists()
    enterprise_update(
        user=cast["city"],
        enterprise=enterprises["yubei2"],
        data={"region": Region.objects.get(pk="500101"), "town": None},
    )
    assert not SpotCheckItem.objects.for_user(cast["yubei"]).filter(pk=item.pk).exists()
    assert SpotCheckItem.objects.for_user(cast["wanzhou"]).filter(pk=item.pk).exists()
