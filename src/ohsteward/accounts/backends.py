"""Authentication with the database-backed login lockout (accounts/lockout.py)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from ohsteward.accounts import lockout


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that reserves an attempt before checking the password, and counts the outcome.

    A refused attempt (user name locked, or address slowed down) is answered without checking the
    password; ``request.ohs_login_refusal`` tells the login form which message to show.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        address = lockout.request_address(request)
        decision = lockout.attempt_begin(username, address)
        if not decision.allowed:
            lockout.attempt_refused(username, address, decision)
            if request is not None:
                request.ohs_login_refusal = decision
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.attempt_failed(username, address)
        else:
            lockout.attempt_succeeded(username, address, user)
        return user
