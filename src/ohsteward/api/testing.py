"""Test helpers for the API: a client that authenticates with a Bearer token."""

from __future__ import annotations

from rest_framework.test import APIClient

from ohsteward.accounts.actions import token_create


def bearer_client(user) -> APIClient:
    """An ``APIClient`` sending ``Authorization: Bearer <token>`` for a new token of ``user``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")
    return client


def use_fast_password_hashing(settings) -> None:
    """Argon2 costs ~0.5 s per user, 3.5 s per test for the cast; tests do not need its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
