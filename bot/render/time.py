"""Times as a person reads them: ages and local clock times, dates in their language.

Which language a date is written in is the reader's, set for the work done for them (an
update from them, a delivery to their chat) with `reading_in` — as aiogram's own i18n keeps
its locale in a context variable — so that every renderer need not pass it on.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime, tzinfo

from babel.core import Locale
from babel.dates import format_datetime

from bot.i18n import Translator

_LOCALE: ContextVar[str] = ContextVar("reader_locale", default="en")


def reading_in(locale: str) -> None:
    """Write dates in `locale` for the rest of this task (an update, a delivery)."""
    _LOCALE.set(locale)


def _babel(locale: str) -> str:
    return locale.replace("-", "_")


def local_number(text: str) -> str:
    """A number formatted the machine's way ("25.1", "-3.5") with the reader's decimal sign
    ("25,1" in Polish, Russian and Portuguese)."""
    sign = Locale.parse(_babel(_LOCALE.get())).number_symbols["latn"]["decimal"]
    return text.replace(".", sign) if sign != "." else text


def local_date(moment: datetime, pattern: str) -> str:
    """`moment` by a CLDR pattern ("dd MMM", "dd MMM yyyy HH:mm") in the reader's language."""
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=_babel(_LOCALE.get()))


MINUTE, HOUR, DAY = 60, 3600, 86400


def age(seconds: float, tr: Translator) -> str:
    """Render how long ago something happened, e.g. `12 s ago`, `3 min ago`."""
    seconds = max(0, int(seconds))
    if seconds < MINUTE:
        return tr("age-seconds", n=seconds)
    if seconds < HOUR:
        return tr("age-minutes", n=seconds // MINUTE)
    if seconds < DAY:
        return tr("age-hours", n=seconds // HOUR)
    return tr("age-days", n=seconds // DAY)


def clock_time(moment: datetime, zone: tzinfo, now: datetime) -> str:
    """Render a moment in the user's timezone: the time today, the date and time otherwise."""
    local, local_now = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == local_now.date():
        return f"{local:%H:%M}"
    if local.year == local_now.year:
        return local_date(local, "dd MMM HH:mm")
    return local_date(local, "dd MMM yyyy HH:mm")
