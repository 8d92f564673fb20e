"""All SQL for users."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.access.models import Membership
from core.db import like_pattern
from core.devices.models import Device
from core.users.models import User

MAX_ID_DIGITS = 18  # a Telegram id fits a bigint


class UserRepository:
    """Queries and writes of users."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> User | None:
        """Return the user with this Telegram id."""
        return await self._session.get(User, user_id)

    async def get_many(self, user_ids: set[int]) -> dict[int, User]:
        """Return the users with these ids, by id."""
        if not user_ids:
            return {}
        rows = await self._session.scalars(select(User).where(User.id.in_(user_ids)))
        return {user.id: user for user in rows.all()}

    async def upsert(
        self,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language: str,
    ) -> User:
        """Create the user or refresh their names; return the row."""
        # Registering again (/start) also makes a user who had blocked the bot reachable.
        values = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "is_active": True,
        }
        query = (
            insert(User)
            .values(id=user_id, language=language, **values)
            .on_conflict_do_update(index_elements=[User.id], set_=values)
            .returning(User)
        )
        user = await self._session.scalar(query, execution_options={"populate_existing": True})
        assert user is not None  # noqa: S101 - RETURNING always yields the row
        return user

    async def set_active(self, user_id: int, *, active: bool) -> None:
        """Mark the user as reachable (or not)."""
        await self._session.execute(update(User).where(User.id == user_id).values(is_active=active))

    async def set_quiet_hours(self, user_id: int, start: int | None, end: int | None) -> None:
        """Store the user's quiet hours (None, None: off)."""
        await self._session.execute(
            update(User).where(User.id == user_id).values(quiet_start=start, quiet_end=end)
        )

    async def set_language(self, user_id: int, language: str) -> None:
        """Set the language the bot speaks to the user."""
        await self._session.execute(
            update(User).where(User.id == user_id).values(language=language)
        )

    async def set_digest_hour(self, user_id: int, hour: int) -> None:
        """Store when the user's morning digest comes (local hour)."""
        await self._session.execute(update(User).where(User.id == user_id).values(digest_hour=hour))

    async def set_timezone(self, user_id: int, name: str) -> None:
        """Store the user's timezone."""
        await self._session.execute(update(User).where(User.id == user_id).values(timezone=name))

    async def set_selected_device(self, user_id: int, device_id: int | None) -> None:
        """Remember the device later commands use."""
        await self._session.execute(
            update(User).where(User.id == user_id).values(selected_device_id=device_id)
        )

    async def with_quiet_hours(self) -> Sequence[User]:
        """Every active user who has quiet hours (the morning digest is theirs)."""
        query = select(User).where(
            User.is_active, User.quiet_start.is_not(None), User.quiet_end.is_not(None)
        )
        return (await self._session.scalars(query)).all()

    async def seen(self, user_id: int, at: datetime) -> None:
        """Note that the person used the bot at `at`."""
        await self._session.execute(update(User).where(User.id == user_id).values(last_seen_at=at))

    async def counts(self) -> tuple[int, int]:
        """How many people there are, and how many of them blocked the bot."""
        total, blocked = (
            await self._session.execute(
                select(func.count(), func.count().filter(User.is_active.is_(False)))
            )
        ).one()
        return int(total), int(blocked)

    def audience(self, kind: str | None, language: str | None) -> Select[Any]:
        """The people a broadcast reaches: everyone who has not blocked the bot, or of them
        the owners of a device of `kind`, or those who read the bot in `language`."""
        query = select(User.id).where(User.is_active)
        if language is not None:
            query = query.where(User.language == language)
        if kind is not None:
            owns = (
                select(Membership.id)
                .join(Device, Device.id == Membership.device_id)
                .where(
                    Membership.user_id == User.id,
                    Membership.role == "owner",
                    Device.type_code == kind,
                )
                .exists()
            )
            query = query.where(owns)
        return query.order_by(User.id)

    async def count(self, query: Select[Any]) -> int:
        """How many people a query of user ids finds."""
        found = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        return int(found or 0)

    async def owners_by_kind(self) -> list[tuple[str, int]]:
        """Each device kind with how many (reachable) people own a device of it."""
        owners = func.count(func.distinct(User.id))
        rows = await self._session.execute(
            select(Device.type_code, owners)
            .join(Membership, Membership.device_id == Device.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.role == "owner", User.is_active)
            .group_by(Device.type_code)
            .order_by(Device.type_code)
        )
        return [(str(kind), int(n)) for kind, n in rows.all()]

    async def languages(self) -> list[tuple[str, int]]:
        """The languages people read the bot in, with how many (reachable) read each."""
        rows = await self._session.execute(
            select(User.language, func.count())
            .where(User.is_active)
            .group_by(User.language)
            .order_by(func.count().desc(), User.language)
        )
        return [(str(language), int(n)) for language, n in rows.all()]

    async def directory(
        self, search: str | None, offset: int, limit: int
    ) -> tuple[int, list[tuple[User, int, int]]]:
        """Everyone matching `search` (a name, a username or an id), most recently seen
        first: how many in all, and a page of (user, devices owned, devices shared)."""
        where = _matching(search)
        total = await self._session.scalar(select(func.count()).select_from(User).where(where))
        owned = func.count(Membership.id).filter(Membership.role == "owner")
        shared = func.count(Membership.id).filter(Membership.role != "owner")
        query = (
            select(User, owned, shared)
            .outerjoin(Membership, Membership.user_id == User.id)
            .where(where)
            .group_by(User.id)
            .order_by(User.last_seen_at.desc().nulls_last(), User.id)
            .offset(offset)
            .limit(limit)
        )
        rows = (await self._session.execute(query)).all()
        return int(total or 0), [(user, int(o), int(s)) for user, o, s in rows]


def _matching(search: str | None) -> ColumnElement[bool]:
    if not search:
        return User.id.is_not(None)
    pattern = like_pattern(search)
    name = or_(
        User.first_name.ilike(pattern),
        User.last_name.ilike(pattern),
        User.username.ilike(pattern.replace("@", "", 1) if search.startswith("@") else pattern),
    )
    digits = search.strip().lstrip("-")
    by_id = User.id == int(search) if digits.isdigit() and len(digits) <= MAX_ID_DIGITS else false()
    return or_(name, by_id)
