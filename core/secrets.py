"""Secrets at rest (Shelly passwords, panel codes): Fernet with key rotation (SECRET_KEYS).

Keys are listed newest first; MultiFernet encrypts with the first and decrypts with any, so a
new key can be put in front and the old ones dropped once `rotate` has re-encrypted the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

from core.errors import DomainError


class SecretKeysMissingError(DomainError):
    """A secret must be stored or read but SECRET_KEYS is not set."""

    key = "secret-keys-missing"


class SecretUnreadableError(DomainError):
    """A stored secret was encrypted with a key that is no longer in SECRET_KEYS."""

    key = "secret-unreadable"


class SecretBox:
    """Encrypts and decrypts short secrets with the configured keys."""

    def __init__(self, keys: Sequence[SecretStr]) -> None:
        self._fernet = (
            MultiFernet([Fernet(key.get_secret_value().encode()) for key in keys]) if keys else None
        )

    def _keys(self) -> MultiFernet:
        if self._fernet is None:
            raise SecretKeysMissingError
        return self._fernet

    def encrypt(self, secret: str) -> str:
        """Return the token to store."""
        return self._keys().encrypt(secret.encode()).decode()

    def decrypt(self, token: str) -> str:
        """Return the secret of a stored token."""
        try:
            return self._keys().decrypt(token.encode()).decode()
        except InvalidToken as err:
            raise SecretUnreadableError from err

    def rotate(self, token: str) -> str:
        """Re-encrypt a stored token with the newest key."""
        try:
            return self._keys().rotate(token.encode()).decode()
        except InvalidToken as err:
            raise SecretUnreadableError from err


def valid_key(key: str) -> bool:
    """Say whether `key` is a Fernet key (32 url-safe base64-encoded bytes)."""
    try:
        Fernet(key.encode())
    except ValueError:
        return False
    return True
