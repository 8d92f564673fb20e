"""Use cases of users: registration on /start."""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import InvalidInput
from core.outbox.repository import OutboxRepository
from core.users.models import User
from core.users.quiet_hours import HOURS_IN_DAY, valid_hours
from core.users.repository import UserRepository

# The languages the bot speaks (one folder each under bot/locales); English is the fallback.
SUPPORTED_LANGUAGES = ("en", "pl", "ru", "pt-BR")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class TelegramProfile:
    """What Telegram tells us about a user on each update."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


def pick_language(code: str | None) -> str:
    """Return the supported language closest to the user's Telegram language: `pl`, `ru`,
    any Portuguese as Brazilian Portuguese, everything else English."""
    base = (code or DEFAULT_LANGUAGE).replace("_", "-").split("-")[0].lower()
    if base == "pt":
        return "pt-BR"
    return base if base in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


async def set_language(session: AsyncSession, user_id: int, language: str) -> str:
    """Set the language the bot speaks to the user; return it."""
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput
    await UserRepository(session).set_language(user_id, language)
    await session.commit()
    return language


async def register(session: AsyncSession, profile: TelegramProfile) -> User:
    """Create or refresh the user; /start also makes them reachable again."""
    user = await UserRepository(session).upsert(
        profile.id,
        first_name=profile.first_name[:128],
        last_name=(profile.last_name or None) and profile.last_name[:128],
        username=profile.username,
        language=pick_language(profile.language_code),
    )
    await session.commit()
    return user


class UnknownTimezoneError(InvalidInput):
    """No timezone has that name."""

    key = "settings-unknown-timezone"


async def set_quiet_hours(
    session: AsyncSession, user_id: int, start: int | None, end: int | None
) -> None:
    """Set (or switch off) the user's quiet hours. Alerts held for the old ones are due at
    once: delivery holds them again if the new quiet hours cover now."""
    if not valid_hours(start, end):
        raise InvalidInput
    await UserRepository(session).set_quiet_hours(user_id, start, end)
    await OutboxRepository(session).release_held(user_id)
    await session.commit()


async def set_timezone(session: AsyncSession, user_id: int, name: str) -> str:
    """Set the user's timezone by its IANA name (Europe/Warsaw), in any case, or by its city
    (warsaw, new york); return the IANA name."""
    found = find_timezone(name)
    if found is None:
        raise UnknownTimezoneError(name=name)
    await UserRepository(session).set_timezone(user_id, found)
    await session.commit()
    return found


def find_timezone(typed: str) -> str | None:
    """The IANA zone a person means: the exact name, the name in another case, or a city."""
    wanted = typed.strip().replace(" ", "_").casefold()
    if not wanted:
        return None
    names = _zone_names()
    by_name = {n.casefold(): n for n in names}
    if wanted in by_name:
        return by_name[wanted]
    cities = [n for n in names if n.rsplit("/", 1)[-1].casefold() == wanted]
    return min(cities, key=len) if cities else None


@functools.cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC"))


async def set_digest_hour(session: AsyncSession, user_id: int, hour: int) -> None:
    """Set the local hour of the user's morning digest."""
    if not 0 <= hour < HOURS_IN_DAY:
        raise InvalidInput
    await UserRepository(session).set_digest_hour(user_id, hour)
    await session.commit()
