"""All SQL for broadcasts (their copies are outbox rows: `OutboxRepository`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.broadcasts.models import Broadcast
from core.db import delete_some


class BroadcastRepository:
    """Writing broadcasts and finding the ones whose cards are still to be drawn."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self,
        draft: str,
        author_id: int,
        text: str,
        photo: str | None,
        audience: str,
        audience_value: str | None,
    ) -> Broadcast | None:
        """Write a broadcast unless its draft was sent already (None then)."""
        return await self._session.scalar(
            insert(Broadcast)
            .values(
                draft=draft,
                author_id=author_id,
                text=text,
                photo=photo,
                audience=audience,
                audience_value=audience_value,
                total=0,
            )
            .on_conflict_do_nothing(index_elements=["draft"])
            .returning(Broadcast)
        )

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """One broadcast."""
        return await self._session.get(Broadcast, broadcast_id)

    async def set_total(self, broadcast_id: int, total: int) -> None:
        """How many copies went into the outbox."""
        await self._session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id).values(total=total)
        )

    async def set_card(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Where the progress card is."""
        await self._session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id)
            .values(card_chat_id=chat_id, card_message_id=message_id)
        )

    async def to_draw(self, finished_since: datetime) -> Sequence[Broadcast]:
        """Broadcasts under way, or finished since `finished_since` (their last edit)."""
        query = (
            select(Broadcast)
            .where(
                Broadcast.card_message_id.is_not(None),
                or_(Broadcast.finished_at.is_(None), Broadcast.finished_at >= finished_since),
            )
            .order_by(Broadcast.id)
        )
        return (await self._session.scalars(query)).all()

    async def finish(self, broadcast_id: int, at: datetime) -> None:
        """Note that nothing of a broadcast is pending any more."""
        await self._session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.finished_at.is_(None))
            .values(finished_at=at)
        )

    async def prune(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` broadcasts finished before `before` (retention), with what
        is left of their copies."""
        where = Broadcast.finished_at.is_not(None) & (Broadcast.finished_at < before)
        return await delete_some(self._session, Broadcast, where, limit)
