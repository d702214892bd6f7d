"""Field encryption of ID numbers (ADR 0009): Fernet (AES-128-CBC + HMAC, the ``cryptography``
library) at rest, and an HMAC-SHA256 keyed hash for exact lookup and de-duplication.

Both keys are derived from ``settings.OHSTEWARD_FIELD_KEY`` (the ``OHSTEWARD_FIELD_KEY``
environment variable; demo mode keeps a generated one in the data directory). Keys named in
``OHSTEWARD_FIELD_KEY_PREVIOUS`` still decrypt, so that ``ohsteward rotate_field_key`` can
re-encrypt every row under the current key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _derive(master: str, purpose: bytes) -> bytes:
    """A 32-byte subkey of ``master`` for one purpose (HMAC-SHA256 as a KDF, one key per use)."""
    return hmac.new(master.encode(), b"ohsteward:" + purpose, hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _fernet(current: str, previous: tuple[str, ...]) -> MultiFernet:
    keys = [current, *previous]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(k, b"fernet"))) for k in keys])


def _keys() -> tuple[str, tuple[str, ...]]:
    return settings.OHSTEWARD_FIELD_KEY, tuple(settings.OHSTEWARD_FIELD_KEY_PREVIOUS)


def encrypt(plain: str) -> str:
    """The Fernet token of ``plain`` under the current key."""
    return _fernet(*_keys()).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of ``token`` (current or a previous key). Raises ``ValueError`` without the
    token or the text in the message when no key fits."""
    try:
        return _fernet(*_keys()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("身份证号密文无法用当前密钥解密（OHSTEWARD_FIELD_KEY 是否已更换？）") from None


def lookup_hash(plain: str, key: str | None = None) -> str:
    """HMAC-SHA256 of ``plain`` under the lookup subkey of ``key`` (default: the current key):
    equal numbers give equal hashes; without the key a hash cannot be tested against guesses
    (an ID number has few enough values that a plain SHA-256 would be reversed by enumeration)."""
    master = key if key is not None else settings.OHSTEWARD_FIELD_KEY
    return hmac.new(_derive(master, b"lookup"), plain.encode(), hashlib.sha256).hexdigest()


def reencrypt(token: str) -> str:
    """``token`` re-encrypted under the current key (key rotation)."""
    return _fernet(*_keys()).rotate(token.encode()).decode()
