"""Invite secrets: a long token for the deep link and a short code to type (pure)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

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


def hash_token(token: str) -> str:
    """Hash a deep-link token for storage and lookup."""
    return hashlib.sha256(f"dozor-invite:{token}".encode()).hexdigest()


def hash_code(canonical: str) -> str:
    """Hash a canonical short code (see claim_codes.normalize) for storage and lookup."""
    return hashlib.sha256(f"dozor-invite-code:{canonical}".encode()).hexdigest()
