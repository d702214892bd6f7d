"""Workers, one identity across employers, the encrypted ID number and its audited reveal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ohsteward.accounts.access import OutOfScope
from ohsteward.core.models import AuditLog
from ohsteward.surveillance import actions
from ohsteward.surveillance.models import IdNumberReveal, Person, Worker
from ohsteward.surveillance.tests.factories import make_id_number

pytestmark = pytest.mark.django_db

HIRED = dt.date(2020, 3, 1)


def _worker(user, enterprise, number=None, name="张三", **extra):
    return actions.worker_create(
        user=user,
        enterprise=enterprise,
        id_number=number or make_id_number(),
        name=name,
        hire_date=HIRED,
        **extra,
    )


def test_a_worker_gets_sex_birth_date_and_a_masked_number(cast, enterprises):
    number = make_id_number(dt.date(1990, 1, 2), male=False)
    worker = _worker(cast["manager"], enterprises["yubei"], number)
    assert worker.sex == "female"
    assert worker.birth_date == dt.date(1990, 1, 2)
    assert worker.id_number_masked == number[:6] + "********" + number[-4:]
    assert worker.person.id_number_cipher and number not in worker.person.id_number_cipher


def test_the_same_person_at_a_second_employer_keeps_one_identity(cast, enterprises):
    number = make_id_number()
    first = _worker(cast["yubei"], enterprises["yubei"], number)
    second = _worker(cast["yubei"], enterprises["yubei2"], number.lower(), name="张三丰")
    assert first.person_id == second.person_id
    assert Person.objects.count() == 1
    assert Person.objects.get().name == "张三丰"  # the latest roster's name


def test_a_person_cannot_be_employed_twice_at_once_by_one_employer(cast, enterprises):
    number = make_id_number()
    _worker(cast["manager"], enterprises["yubei"], number)
    with pytest.raises(ValidationError) as error:
        _worker(cast["manager"], enterprises["yubei"], number)
    assert "该劳动者已在本单位在职" in str(error.value)


def test_an_invalid_number_is_refused_and_the_message_does_not_repeat_it(cast, enterprises):
    good = make_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        _worker(cast["manager"], enterprises["yubei"], bad)
    assert "校验位错误" in str(error.value)
    assert bad[:10] not in str(error.value)
    assert not Worker.objects.exists()


def test_an_employer_cannot_enrol_workers_at_another_employer(cast, enterprises):
    with pytest.raises(OutOfScope):
        _worker(cast["manager"], enterprises["yubei2"])


def test_an_institution_cannot_create_workers(cast, enterprises):
    with pytest.raises(PermissionDenied):
        _worker(cast["institution"], enterprises["yubei"])


def test_a_reveal_returns_the_number_and_is_recorded_and_audited(cast, enterprises):
    number = make_id_number()
    worker = _worker(cast["manager"], enterprises["yubei"], number)
    shown = actions.person_reveal_id_number(user=cast["yubei"], worker=worker, reason="核对体检名单")
    assert shown == number
    reveal = IdNumberReveal.objects.get()
    assert (reveal.user, reveal.worker, reveal.reason) == (cast["yubei"], worker, "核对体检名单")
    entry = AuditLog.objects.get(content_type__model="idnumberreveal")
    assert entry.changes["user"] == [None, cast["yubei"].pk]  # the viewer is in the trail
    assert entry.district_code == enterprises["yubei"].region_id


def test_a_steward_may_not_reveal_and_nothing_is_recorded(cast, enterprises):
    worker = _worker(cast["manager"], enterprises["yubei"])
    with pytest.raises(PermissionDenied):
        actions.person_reveal_id_number(user=cast["steward"], worker=worker)
    assert not IdNumberReveal.objects.exists()


def test_a_district_cannot_reveal_another_districts_worker(cast, enterprises):
    worker = _worker(cast["wanzhou"], enterprises["wanzhou"])
    with pytest.raises(OutOfScope):
        actions.person_reveal_id_number(user=cast["yubei"], worker=worker)


def test_the_audit_trail_holds_the_masked_number_only(cast, enterprises):
    number = make_id_number()
    _worker(cast["manager"], enterprises["yubei"], number)
    trail = " ".join(str(e.changes) + e.object_repr for e in AuditLog.objects.all())
    assert number not in trail and number[:6] + "********" + number[-4:] in trail


def test_lookup_by_number_uses_the_keyed_hash(cast, enterprises):
    number = make_id_number()
    worker = _worker(cast["manager"], enterprises["yubei"], number)
    assert list(Worker.objects.by_id_number(number)) == [worker]
    assert not Worker.objects.by_id_number(make_id_number()).exists()
