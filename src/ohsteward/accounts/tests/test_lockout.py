"""Login lockout in the database: per user name a lock, per address a slow-down, counted atomically."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection, connections
from django.test import RequestFactory
from django.urls import reverse

from ohsteward.accounts import lockout
from ohsteward.accounts.models import LoginAttempt, LoginOutcome, LoginThrottle
from ohsteward.accounts.testing import PASSWORD
from ohsteward.core.models import AuditLog

ON_POSTGRES = connection.vendor == "postgresql"


def post_login(client, username, password, addr="10.0.0.1", **extra):
    return client.post(
        reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=addr, **extra
    )


# ---- the client address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "header", "count", "expected"),
    [
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "", 1, "10.0.0.9"),
        (
            {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"},
            "HTTP_X_FORWARDED_FOR",
            1,
            "1.2.3.4",
        ),
        # a client-sent (spoofed) entry on the left is ignored: the trusted proxy appended the real one
        (
            {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"},
            "HTTP_X_FORWARDED_FOR",
            1,
            "1.2.3.4",
        ),
        (
            {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4, 10.0.0.8"},
            "HTTP_X_FORWARDED_FOR",
            2,
            "1.2.3.4",
        ),
        ({"REMOTE_ADDR": "10.0.0.9"}, "HTTP_X_FORWARDED_FOR", 1, "10.0.0.9"),
        (
            {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"},
            "HTTP_X_FORWARDED_FOR",
            2,
            "10.0.0.9",
        ),
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_REAL_IP": "1.2.3.4"}, "HTTP_X_REAL_IP", 1, "1.2.3.4"),
    ],
)
def test_client_address_comes_from_the_trusted_proxy_header_only_when_configured(
    meta, header, count, expected
):
    assert lockout.client_address(meta, header, count) == expected


def test_proxy_header_setting_accepts_the_http_header_name():
    from ohsteward.settings import _meta_header

    assert _meta_header("X-Forwarded-For") == "HTTP_X_FORWARDED_FOR"
    assert _meta_header("HTTP_X_FORWARDED_FOR") == "HTTP_X_FORWARDED_FOR"
    assert _meta_header("") == ""


# ---- per user name -----------------------------------------------------------------------------


def test_lock_is_in_the_database_not_the_cache(client, cast, settings):
    for _ in range(5):
        post_login(client, "yubei", "wrong")
    # a second server process has an empty cache of its own; a restart forgets the local cache
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    from django.core.cache import cache

    cache.clear()
    body = post_login(client, "yubei", PASSWORD).content.decode()
    assert "登录失败次数过多" in body and "_auth_user_id" not in client.session
    assert LoginThrottle.objects.get(kind="username", key="yubei").failures == 5


def test_user_name_lock_ignores_case(client, cast):
    for _ in range(5):
        post_login(client, "YuBei", "wrong")
    assert lockout.is_locked("yubei")


def test_success_resets_the_user_name_count(client, cast):
    for _ in range(4):
        post_login(client, "yubei", "wrong")
    assert post_login(client, "yubei", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        post_login(client, "yubei", "wrong")
    assert not lockout.is_locked("yubei")


def test_lock_runs_out_after_the_lockout_time(client, cast, settings):
    settings.OHSTEWARD_LOGIN_LOCKOUT_SECONDS = 0  # every failure is already outside the window
    for _ in range(6):
        post_login(client, "yubei", "wrong")
    assert post_login(client, "yubei", PASSWORD).status_code == 302


def test_attempts_are_recorded_with_address_and_outcome(client, cast):
    for _ in range(5):
        post_login(client, "yubei", "wrong", addr="10.1.1.1")
    post_login(client, "yubei", PASSWORD, addr="10.1.1.1")
    post_login(client, "city", PASSWORD, addr="10.1.1.2")
    outcomes = list(LoginAttempt.objects.order_by("id").values_list("username", "address", "outcome"))
    assert outcomes == [("yubei", "10.1.1.1", LoginOutcome.FAILURE)] * 5 + [
        ("yubei", "10.1.1.1", LoginOutcome.LOCKED),
        ("city", "10.1.1.2", LoginOutcome.SUCCESS),
    ]
    assert LoginAttempt.objects.filter(user=cast["yubei"]).count() == 6


# ---- per address: slow down, never lock everybody ----------------------------------------------


def test_a_noisy_address_does_not_lock_out_correct_passwords(client, cast, settings):
    settings.OHSTEWARD_LOGIN_ADDRESS_MAX_FAILURES = 20
    # behind the reverse proxy every user arrives from the proxy's address
    for i in range(25):
        post_login(client, f"guess{i}", "wrong", addr="10.9.9.9")
    response = post_login(client, "yubei", PASSWORD, addr="10.9.9.9")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(cast["yubei"].pk)


def test_a_noisy_address_must_wait_before_retrying_a_failed_user_name(client, cast, settings):
    settings.OHSTEWARD_LOGIN_ADDRESS_MAX_FAILURES = 3
    settings.OHSTEWARD_LOGIN_ADDRESS_COOLDOWN_SECONDS = 60
    for name in ["a", "b", "c"]:
        post_login(client, name, "wrong", addr="10.9.9.9")
    post_login(client, "yubei", "wrong", addr="10.9.9.9")
    # the same user name again from the hot address: refused without a password check, not counted
    body = post_login(client, "yubei", PASSWORD, addr="10.9.9.9").content.decode()
    assert "此账号请" in body and "秒后再试" in body and "_auth_user_id" not in client.session
    assert LoginThrottle.objects.get(kind="username", key="yubei").failures == 1
    assert LoginAttempt.objects.filter(username="yubei", outcome=LoginOutcome.SLOWED).count() == 1
    # from another address (or after the cool-down) the right password gets in
    assert post_login(client, "yubei", PASSWORD, addr="10.2.2.2").status_code == 302


def test_a_quiet_address_may_retry_at_once(client, cast):
    post_login(client, "yubei", "wrong", addr="10.3.3.3")
    assert post_login(client, "yubei", PASSWORD, addr="10.3.3.3").status_code == 302


def test_address_comes_from_the_configured_proxy_header(client, cast, settings):
    settings.OHSTEWARD_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    post_login(client, "yubei", "wrong", addr="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert LoginAttempt.objects.get().address == "203.0.113.7"
    assert LoginThrottle.objects.filter(kind="address", key="203.0.113.7", failures=1).exists()


# ---- atomic counting ---------------------------------------------------------------------------


def test_an_attempt_is_counted_before_its_password_is_checked(db):
    """Deterministic form of the race: attempts in flight (begun, not yet finished) hold their count.

    Eight concurrent logins after four failures each call ``attempt_begin`` before their password
    check ends; the row lock serialises the calls, so they see 5, 6, … 12 and only the fifth is checked.
    """
    for _ in range(4):
        assert lockout.attempt_begin("victim", "10.0.0.1").allowed
        lockout.attempt_failed("victim", "10.0.0.1")
    decisions = [lockout.attempt_begin("victim", "10.0.0.1") for _ in range(8)]
    assert [d.allowed for d in decisions] == [True] + [False] * 7
    assert all(d.verdict == lockout.LOCKED for d in decisions[1:])


def test_the_fifth_guess_may_still_be_the_right_one(cast):
    for _ in range(4):
        assert authenticate(None, username="yubei", password="wrong") is None
    assert authenticate(None, username="yubei", password=PASSWORD) == cast["yubei"]
    assert not lockout.is_locked("yubei")


@pytest.mark.skipif(not ON_POSTGRES, reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("right", [7, None], ids=["one-holds-the-right-password", "all-wrong"])
def test_eight_concurrent_guesses_after_four_failures_check_one_password(cast, monkeypatch, right):
    from django.contrib.auth.backends import ModelBackend

    for _ in range(4):
        authenticate(None, username="yubei", password="wrong")
    checked = []
    real = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kw):
        checked.append(password)
        return real(self, request, username=username, password=password, **kw)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    barrier = threading.Barrier(8)
    results = []

    def guess(i):
        try:
            barrier.wait()
            # the last thread holds the right password: it must not get in unless it was the 5th guess
            results.append(
                authenticate(None, username="yubei", password=PASSWORD if i == right else f"wrong{i}")
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # while the fifth attempt is being checked every other attempt is refused; so either the right
    # password was the fifth guess (checked first; its success starts a new count, and the guesses
    # after it begin again at one), or a wrong fifth guess locked the name and nothing else was checked
    if PASSWORD in checked:
        assert checked.index(PASSWORD) == 0
        assert sum(r is not None for r in results) == 1
        assert len(checked) <= 1 + 5
    else:
        assert len(checked) == 1 and all(r is None for r in results)
        assert lockout.is_locked("yubei")
        assert authenticate(None, username="yubei", password=PASSWORD) is None


@pytest.mark.skipif(not ON_POSTGRES, reason="a second process needs a shared database (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_a_second_process_sees_the_lock(cast):
    for _ in range(5):
        authenticate(RequestFactory().post("/login/"), username="yubei", password="wrong")
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "OHSTEWARD_DATABASE_URL": url,
        "OHSTEWARD_DEMO": "1",
        "DJANGO_SETTINGS_MODULE": "ohsteward.settings",
    }
    code = (
        "import django; django.setup(); from ohsteward.accounts import lockout; "
        "print(lockout.is_locked('yubei'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "True", result.stderr


# ---- unlock ------------------------------------------------------------------------------------


def test_unlock_command_lifts_the_lock_and_is_audited(client, cast, capsys):
    for _ in range(5):
        post_login(client, "yubei", "wrong")
    call_command("user_unlock", "yubei")
    assert "已解除 yubei 的登录锁定" in capsys.readouterr().out
    assert post_login(client, "yubei", PASSWORD).status_code == 302
    entry = AuditLog.objects.filter(object_id=str(cast["yubei"].pk), changes__has_key="登录锁定").get()
    assert entry.source == "cli"


def test_unlock_command_says_when_nothing_was_locked(cast, capsys):
    call_command("user_unlock", "yubei")
    assert "当前未被锁定" in capsys.readouterr().out
