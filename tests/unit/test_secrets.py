"""Secrets at rest: encrypted with the newest key, readable with any, rotated on request."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from core.secrets import SecretBox, SecretKeysMissingError, SecretUnreadableError


def key() -> SecretStr:
    return SecretStr(Fernet.generate_key().decode())


def test_a_secret_survives_a_key_rotation() -> None:
    old, new = key(), key()
    token = SecretBox([old]).encrypt("s3cret")
    assert "s3cret" not in token
    rotated_box = SecretBox([new, old])  # the new key in front, the old one still listed
    assert rotated_box.decrypt(token) == "s3cret"
    rotated = rotated_box.rotate(token)
    assert SecretBox([new]).decrypt(rotated) == "s3cret"  # the old key can go now
    with pytest.raises(SecretUnreadableError):
        SecretBox([new]).decrypt(token)


def test_without_keys_nothing_is_stored() -> None:
    with pytest.raises(SecretKeysMissingError):
        SecretBox([]).encrypt("s3cret")
