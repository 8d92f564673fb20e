"""Which stretch of time a morning digest covers (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


def last_night(today: date, zone: tzinfo, start: int, end: int) -> tuple[datetime, datetime]:
    """The quiet hours that ended `today` (local), as UTC [start, end)."""
    begins_on = today - timedelta(days=1) if start > end else today
    begin = datetime.combine(begins_on, time(start), tzinfo=zone)
    finish = datetime.combine(today, time(end), tzinfo=zone)
    return begin.astimezone(UTC), finish.astimezone(UTC)
