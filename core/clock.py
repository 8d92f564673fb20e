"""The one place that asks the time: aware UTC datetimes and timezone helpers."""

from __future__ import annotations

import time
import zoneinfo
from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def monotonic() -> float:
    """Return a monotonic clock reading in seconds."""
    return time.monotonic()


def from_timestamp(ts: float) -> datetime:
    """Return the aware UTC datetime of a Unix timestamp."""
    return datetime.fromtimestamp(ts, UTC)


def zone(name: str | None, default: str = "UTC") -> zoneinfo.ZoneInfo:
    """Return the timezone called `name`, or `default` when it is unknown or empty."""
    try:
        return zoneinfo.ZoneInfo(name or default)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(default)
