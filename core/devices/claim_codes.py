"""One-time claim codes: generated at random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

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


def hash_code(canonical: str) -> str:
    """Hash a canonical code for storage and lookup (50 random bits; no salt needed for lookup)."""
    return hashlib.sha256(f"dozor-claim:{canonical}".encode()).hexdigest()
