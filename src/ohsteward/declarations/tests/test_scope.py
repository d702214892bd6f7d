"""Scope of the declarations app: every record about an employer is seen where the register has
the employer (generated cases: ohsteward.accounts.tests.scope), and a list entry follows its
employer when the employer moves (review H2)."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ohsteward.accounts.tests.scope import ALL, IN_YUBEI, ScopeCase, ScopeSuite
from ohsteward.declarations import actions
from ohsteward.declarations.choices import TriggerKind
from ohsteward.declarations.models import (
    ChangeTrigger,
    Declaration,
    DeclarationHazard,
    DispatchSnapshot,
    DispatchSnapshotRow,
    GuidanceVisit,
    HazardListEntry,
    Notice,
    SpotCheck,
    SpotCheckItem,
)
from ohsteward.declarations.reports import dispatch_figures
from ohsteward.declarations.tests.factories import (
    DeclarationFactory,
    DeclarationHazardFactory,
    HazardListEntryFactory,
    HazardListFactory,
)
from ohsteward.registry.actions import enterprise_update
from ohsteward.registry.models import Region

_serial = itertools.count(1)


def _spot_check_item(world, employer) -> SpotCheckItem:
    entry = HazardListEntryFactory(enterprise=employer, hazard_list=HazardListFactory(year=2025))
    check = SpotCheck.objects.create(
        hazard_list=entry.hazard_list, name=f"抽查{next(_serial)}", seed=1, fraction=1, minimum=1
    )
    return SpotCheckItem.objects.create(
        spot_check=check, entry=entry, enterprise=employer, region=employer.region
    )


def _snapshot_row(world, employer) -> DispatchSnapshotRow:
    """Figures of the employer's district in a snapshot of its own (one row per district and snapshot)."""
    snapshot = DispatchSnapshot.objects.create(
        year=2000 + next(_serial), quarter=1, as_of=dt.date(2026, 3, 31), published_at=timezone.now()
    )
    return DispatchSnapshotRow.objects.create(snapshot=snapshot, region=employer.region, figures={})


# Snapshot rows are reached through their district column only: district officers (and the city)
# see them; a town, zone, employer, institution or team has no district.
BY_DISTRICT = {
    "city": ALL,
    "cdc": ALL,
    "yubei": IN_YUBEI,
    "wanzhou": {"wanzhou"},
    "institution": IN_YUBEI,
    "steward": IN_YUBEI,
}


class TestDeclarationsScope(ScopeSuite):
    cases = [
        ScopeCase(
            HazardListEntry,
            make=lambda world, employer: HazardListEntryFactory(
                enterprise=employer, hazard_list=HazardListFactory(year=2026)
            ),
            page="/declarations/entries/{obj.pk}/",
            api="/api/v1/hazard-employers/",
        ),
        ScopeCase(
            Declaration,
            make=lambda world, employer: DeclarationFactory(enterprise=employer),
            page="/declarations/declarations/{obj.pk}/",
            api="/api/v1/declarations/",
        ),
        ScopeCase(
            DeclarationHazard,
            make=lambda world, employer: DeclarationHazardFactory(
                declaration=DeclarationFactory(enterprise=employer)
            ),
        ),
        ScopeCase(
            ChangeTrigger,
            make=lambda world, employer: ChangeTrigger.objects.create(
                enterprise=employer,
                kind=TriggerKind.PROCESS_CHANGE,
                occurred_on=dt.date(2026, 3, 1),
                due_on=dt.date(2026, 3, 31),
            ),
        ),
        ScopeCase(
            GuidanceVisit,
            make=lambda world, employer: GuidanceVisit.objects.create(
                enterprise=employer, visited_on=dt.date(2026, 3, 1), visitors="张三", findings="未申报"
            ),
        ),
        ScopeCase(
            Notice,
            make=lambda world, employer: Notice.objects.create(
                enterprise=employer,
                number=f"范围-{next(_serial)}",
                region=employer.region,
                issued_on=dt.date(2026, 3, 1),
            ),
        ),
        ScopeCase(SpotCheckItem, make=_spot_check_item),
        ScopeCase(DispatchSnapshotRow, make=_snapshot_row, visible=BY_DISTRICT),
    ]


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
