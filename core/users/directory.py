"""What platform admins see of the people using the bot: who, whether they still can be
reached, how many devices they own and share, when they were last seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.devices.inventory import PER_PAGE, pages_of
from core.devices.repository import DeviceRepository
from core.users.models import User
from core.users.repository import UserRepository

# How stale "last seen" may be: one write per person in this time, not one per message.
SEEN_EVERY = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Person:
    """One line of /users."""

    id: int
    name: str
    username: str | None
    language: str
    active: bool  # False: they blocked the bot
    owned: int
    shared: int
    last_seen_at: datetime | None


@dataclass(frozen=True, slots=True)
class PeoplePage:
    """One page of the platform's users."""

    people: list[Person]
    total: int
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class PlatformCounts:
    """The admin's overview in figures."""

    users: int
    blocked: int
    devices: int
    online: int


async def platform_counts(session: AsyncSession) -> PlatformCounts:
    """How many people (and how many blocked the bot), devices (and how many are online)."""
    users, blocked = await UserRepository(session).counts()
    devices, online = await DeviceRepository(session).counts()
    return PlatformCounts(users, blocked, devices, online)


async def people(
    session: AsyncSession, search: str | None, page: int, per_page: int = PER_PAGE
) -> PeoplePage:
    """A page of everyone matching `search` (a name, @username or id), last seen first."""
    repo = UserRepository(session)
    total, _ = await repo.directory(search, 0, 0)
    pages = pages_of(total, per_page)
    page = min(max(page, 0), pages - 1)
    _, rows = await repo.directory(search, page * per_page, per_page)
    found = [
        Person(
            u.id,
            " ".join(p for p in (u.first_name, u.last_name) if p),
            u.username,
            u.language,
            u.is_active,
            owned,
            shared,
            u.last_seen_at,
        )
        for u, owned, shared in rows
    ]
    return PeoplePage(found, total, page, pages)


async def note_seen(session: AsyncSession, user: User, now: datetime) -> bool:
    """Remember that `user` used the bot now (at most one write in `SEEN_EVERY`); return
    whether it wrote (to be committed)."""
    if user.last_seen_at is not None and now - user.last_seen_at < SEEN_EVERY:
        return False
    await UserRepository(session).seen(user.id, now)
    user.last_seen_at = now
    return True
