"""One-time claim codes: generated at random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final

from pydantic import SecretStr

# Crockford's base32 without I, L, O, U: nothing to confuse when typed from a label.
ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH: Final = 10  # 10 symbols × 5 bits = 50 bits of randomness
_CONFUSABLE: Final = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def generate() -> str:
    """Return a fresh code shown as two groups, e.g. `7KQ2M-XR9DA`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize(text: str) -> str | None:
    """Return the canonical form of a typed code, or None when it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -_").translate(_CONFUSABLE)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def keyed_hash(purpose: str, value: str, pepper: SecretStr | None) -> str:
    """The stored hash of a code: HMAC-SHA256 under CODE_PEPPER, so that a leaked database
    alone does not allow an offline search of 50-bit codes; plain SHA-256 (what was stored
    before there was a pepper) without one."""
    message = f"dozor-{purpose}:{value}".encode()
    if pepper is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(pepper.get_secret_value().encode(), message, hashlib.sha256).hexdigest()


def lookup_hashes(purpose: str, value: str, pepper: SecretStr | None) -> list[str]:
    """The hashes a code may be stored under: keyed, and (for codes handed out before the
    pepper was set, until they expire) plain."""
    hashes = [keyed_hash(purpose, value, pepper)]
    if pepper is not None:
        hashes.append(keyed_hash(purpose, value, None))
    return hashes


def hash_code(canonical: str, pepper: SecretStr | None = None) -> str:
    """Hash a canonical claim code for storage (50 random bits; no salt needed for lookup)."""
    return keyed_hash("claim", canonical, pepper)
