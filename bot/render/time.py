"""Times as a person reads them: ages and local clock times."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.i18n import Translator

MINUTE, HOUR, DAY = 60, 3600, 86400


def age(seconds: float, tr: Translator) -> str:
    """Render how long ago something happened, e.g. `12 s ago`, `3 min ago`."""
    seconds = max(0, int(seconds))
    if seconds < MINUTE:
        return tr("age-seconds", n=str(seconds))
    if seconds < HOUR:
        return tr("age-minutes", n=str(seconds // MINUTE))
    if seconds < DAY:
        return tr("age-hours", n=str(seconds // HOUR))
    return tr("age-days", n=str(seconds // DAY))


def clock_time(moment: datetime, zone: tzinfo, now: datetime) -> str:
    """Render a moment in the user's timezone: the time today, the date and time otherwise."""
    local, local_now = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == local_now.date():
        return f"{local:%H:%M}"
    if local.year == local_now.year:
        return f"{local:%d %b %H:%M}"
    return f"{local:%d %b %Y %H:%M}"
