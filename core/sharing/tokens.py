"""Invite secrets: a long token for the deep link and a short code to type (pure)."""

from __future__ import annotations

import secrets
from typing import Final

from pydantic import SecretStr

from core.devices import claim_codes

# Telegram allows A-Z, a-z, 0-9, _ and - in a /start payload, up to 64 characters.
LINK_PREFIX: Final = "join-"
TOKEN_BYTES: Final = 16  # 128 random bits: a link may travel through other chats


def new_token() -> str:
    """Return a fresh deep-link token (URL-safe, 22 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    """Return a fresh short code shaped like a claim code, e.g. `7KQ2M-XR9DA`."""
    return claim_codes.generate()


def hash_token(token: str, pepper: SecretStr | None = None) -> str:
    """Hash a deep-link token for storage (keyed under CODE_PEPPER when there is one)."""
    return claim_codes.keyed_hash("invite", token, pepper)


def hash_code(canonical: str, pepper: SecretStr | None = None) -> str:
    """Hash a canonical short code (see claim_codes.normalize) for storage."""
    return claim_codes.keyed_hash("invite-code", canonical, pepper)
