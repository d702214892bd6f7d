"""Login lockout kept in the database: per user name a lock, per client address a slow-down.

Rules (docs/configuration.md, docs/decisions/0007-login-lockout.md):

- **User name.** After ``OHSTEWARD_LOGIN_MAX_FAILURES`` failures within
  ``OHSTEWARD_LOGIN_LOCKOUT_SECONDS`` the user name is locked for ``OHSTEWARD_LOGIN_LOCKOUT_SECONDS``;
  attempts while locked are refused without checking the password. A success resets the count;
  a city administrator can unlock (``accounts.actions.user_unlock``).
- **Client address.** After ``OHSTEWARD_LOGIN_ADDRESS_MAX_FAILURES`` failures from one address
  within the window, that address is *slowed down*, not locked: a user name that failed recently
  (within ``OHSTEWARD_LOGIN_ADDRESS_COOLDOWN_SECONDS``) may not be tried again from it until the
  cool-down has passed. A correct password for an account without recent failures still gets in
  — behind a reverse proxy the whole city shares one address.
- **Atomic.** An attempt is counted *before* its password is checked, under a row lock
  (``select_for_update``), so N concurrent guesses take N consecutive counts and only those within
  the limit are checked. The count is given back by a success (reset), never by a failure.

The client address comes from ``REMOTE_ADDR``, or from ``OHSTEWARD_TRUSTED_PROXY_HEADER`` when that
is configured (the address the ``OHSTEWARD_TRUSTED_PROXY_COUNT``-th trusted proxy saw).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ohsteward.accounts.models import LoginAttempt, LoginOutcome, LoginThrottle, ThrottleKind, User

ALLOWED = "allowed"
LOCKED = "locked"
SLOWED = "slowed"


def client_address(meta: dict, header: str = "", proxy_count: int = 1) -> str:
    """The client's address: from the trusted proxy header when configured, else ``REMOTE_ADDR``.

    ``X-Forwarded-For: client, proxy1, proxy2`` — each proxy appends the address it received the
    request from, so with ``proxy_count`` trusted proxies in front of us the client is the
    ``proxy_count``-th entry from the right; entries further left are whatever the client sent and
    are not trusted. A missing or too-short header falls back to ``REMOTE_ADDR``.
    """
    remote = (meta.get("REMOTE_ADDR") or "").strip()
    if not header:
        return remote
    entries = [e.strip() for e in (meta.get(header) or "").split(",") if e.strip()]
    count = max(1, proxy_count)
    if len(entries) < count:
        return remote
    return entries[-count][:64]


def request_address(request) -> str:
    if request is None:
        return ""
    return client_address(
        request.META, settings.OHSTEWARD_TRUSTED_PROXY_HEADER, settings.OHSTEWARD_TRUSTED_PROXY_COUNT
    )


def normalise(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OHSTEWARD_LOGIN_LOCKOUT_SECONDS)


def _locked_row(kind: str, key: str) -> LoginThrottle:
    """The counter row for (kind, key), created if needed, locked for this transaction."""
    row = LoginThrottle.objects.select_for_update().filter(kind=kind, key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            LoginThrottle.objects.create(kind=kind, key=key)
    except IntegrityError:  # another attempt created it at the same moment
        pass
    return LoginThrottle.objects.select_for_update().get(kind=kind, key=key)


def _expire(row: LoginThrottle, now: dt.datetime) -> None:
    """Forget failures older than the window (a lock that has run out ends with them)."""
    if row.locked_until and row.locked_until > now:
        return
    if row.locked_until or (row.first_failure_at and row.first_failure_at <= now - _window()):
        row.failures, row.first_failure_at, row.last_failure_at, row.locked_until = 0, None, None, None


def _address_is_hot(address: str, now: dt.datetime) -> bool:
    if not address:
        return False
    row = LoginThrottle.objects.filter(kind=ThrottleKind.ADDRESS, key=address).first()
    if row is None or not row.first_failure_at or row.first_failure_at <= now - _window():
        return False
    return row.failures >= settings.OHSTEWARD_LOGIN_ADDRESS_MAX_FAILURES


@dataclass(frozen=True)
class Decision:
    verdict: str  # ALLOWED, LOCKED or SLOWED
    wait_seconds: int = 0

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOWED


@transaction.atomic
def attempt_begin(username: str | None, address: str = "") -> Decision:
    """Reserve one attempt for ``username`` from ``address``, or say why it is refused.

    The reservation counts as a failure until ``attempt_succeeded`` gives it back, so it is taken
    under the row lock before any password is checked.
    """
    key = normalise(username)
    now = timezone.now()
    row = _locked_row(ThrottleKind.USERNAME, key)
    _expire(row, now)
    if row.locked_until and row.locked_until > now:
        row.save()
        return Decision(LOCKED, int((row.locked_until - now).total_seconds()) + 1)
    cooldown = dt.timedelta(seconds=settings.OHSTEWARD_LOGIN_ADDRESS_COOLDOWN_SECONDS)
    if (
        row.failures
        and row.last_failure_at
        and row.last_failure_at > now - cooldown
        and _address_is_hot(address, now)
    ):
        row.save()
        return Decision(SLOWED, int((row.last_failure_at + cooldown - now).total_seconds()) + 1)
    row.failures += 1
    row.first_failure_at = row.first_failure_at or now
    row.last_failure_at = now
    if row.failures >= settings.OHSTEWARD_LOGIN_MAX_FAILURES:
        # provisionally locked: concurrent attempts are refused while this one is checked
        row.locked_until = now + _window()
    row.save()
    return Decision(ALLOWED)


@transaction.atomic
def attempt_succeeded(username: str | None, address: str = "", user=None) -> None:
    """The password was right: the user name's count starts again (the address's does not)."""
    LoginThrottle.objects.filter(kind=ThrottleKind.USERNAME, key=normalise(username)).update(
        failures=0, first_failure_at=None, last_failure_at=None, locked_until=None
    )
    _log(username, address, LoginOutcome.SUCCESS, user)


@transaction.atomic
def attempt_failed(username: str | None, address: str = "") -> None:
    """The password was wrong: the user name's reservation stands; the address counts one more."""
    if address:
        now = timezone.now()
        row = _locked_row(ThrottleKind.ADDRESS, address)
        _expire(row, now)
        row.first_failure_at = row.first_failure_at or now
        row.last_failure_at = now
        row.failures += 1  # the row is locked by _locked_row: no lost update
        row.save()
    _log(username, address, LoginOutcome.FAILURE)


def attempt_refused(username: str | None, address: str, decision: Decision) -> None:
    _log(username, address, LoginOutcome.LOCKED if decision.verdict == LOCKED else LoginOutcome.SLOWED)


def _log(username: str | None, address: str, outcome: str, user=None) -> None:
    if user is None:
        user = User.objects.filter(username__iexact=normalise(username)).first() if username else None
    LoginAttempt.objects.create(
        username=(username or "")[:150], user=user, address=address[:64], outcome=outcome
    )


def locked_until(username: str | None) -> dt.datetime | None:
    """When the user name's lock ends, or None when it is not locked."""
    row = LoginThrottle.objects.filter(kind=ThrottleKind.USERNAME, key=normalise(username)).first()
    if row is None or not row.locked_until or row.locked_until <= timezone.now():
        return None
    return row.locked_until


def is_locked(username: str | None) -> bool:
    return locked_until(username) is not None


def clear(username: str | None) -> int:
    """Remove the user name's counter (the unlock); the number of rows removed."""
    deleted, _ = LoginThrottle.objects.filter(kind=ThrottleKind.USERNAME, key=normalise(username)).delete()
    return deleted
