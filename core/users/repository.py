"""All SQL for users."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.users.models import User


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
