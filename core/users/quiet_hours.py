"""Quiet hours: whether a moment falls inside them and when they end (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo

HOURS_IN_DAY = 24


def valid_hours(start: int | None, end: int | None) -> bool:
    """Say whether a pair of local hours can be quiet hours (None, None is off)."""
    if start is None and end is None:
        return True
    return (
        start is not None
        and end is not None
        and start != end
        and 0 <= start < HOURS_IN_DAY
        and 0 <= end < HOURS_IN_DAY
    )


def quiet_until(now: datetime, zone: tzinfo, start: int | None, end: int | None) -> datetime | None:
    """Return when the quiet hours around `now` end (UTC), or None when `now` is not in them."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(zone)
    hour = local.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return None
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=zone).astimezone(UTC)
