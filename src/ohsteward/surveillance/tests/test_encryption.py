"""The ID number at rest (issue 12 item 2, ADR 0009): encrypted in the database file, lookups by
a keyed hash, and a key rotation that keeps every number readable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from ohsteward.surveillance import actions, crypto
from ohsteward.surveillance.models import Person, Worker
from ohsteward.surveillance.tests.factories import make_id_number


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite database file")
def test_the_sqlite_database_file_holds_no_id_number_in_clear_text(cast, enterprises, tmp_path):
    numbers = [make_id_number(dt.date(1980 + i, 1, 1)) for i in range(3)]
    for i, number in enumerate(numbers):
        actions.worker_create(
            user=None,
            enterprise=enterprises["yubei"],
            id_number=number,
            name=f"明文测试{i}",
            hire_date=dt.date(2020, 1, 1),
        )
    path = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    data = path.read_bytes()
    assert "明文测试0".encode() in data  # the file is readable: the names are there …
    for number in numbers:
        assert number.encode() not in data  # … the numbers are not, nor their 17-digit stem
        assert number[:17].encode() not in data
        assert number.encode("utf-16-le") not in data


@pytest.mark.django_db
def test_rotating_the_key_keeps_every_number_readable_and_findable(cast, enterprises):
    number = make_id_number()
    worker = actions.worker_create(
        user=None,
        enterprise=enterprises["yubei"],
        id_number=number,
        name="李四",
        hire_date=dt.date(2020, 1, 1),
    )
    old_key = crypto.settings.OHSTEWARD_FIELD_KEY
    old_cipher = worker.person.id_number_cipher
    new_key = "rotated-" + "k" * 40
    with override_settings(OHSTEWARD_FIELD_KEY=new_key, OHSTEWARD_FIELD_KEY_PREVIOUS=[old_key]):
        assert not Worker.objects.by_id_number(number).exists()  # hashes still under the old key
        call_command("rotate_field_key")
        person = Person.objects.get()
        assert person.id_number_cipher != old_cipher
        assert list(Worker.objects.by_id_number(number)) == [worker]
    with override_settings(OHSTEWARD_FIELD_KEY=new_key, OHSTEWARD_FIELD_KEY_PREVIOUS=[]):
        assert Person.objects.get().id_number() == number  # the old key is no longer needed


def test_a_token_under_an_unknown_key_fails_without_showing_anything():
    with override_settings(OHSTEWARD_FIELD_KEY="a" * 40, OHSTEWARD_FIELD_KEY_PREVIOUS=[]):
        token = crypto.encrypt("500103198506150014")
    with pytest.raises(ValueError) as error:
        crypto.decrypt(token)
    assert "500103" not in str(error.value) and token not in str(error.value)
