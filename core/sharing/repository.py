"""All SQL for invites."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import delete_some
from core.sharing.models import Invite


class InviteRepository:
    """Queries and writes of invites."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, invite: Invite) -> None:
        """Stage a new invite."""
        self._session.add(invite)

    async def find_for_use(
        self, token_hashes: Sequence[str], code_hashes: Sequence[str]
    ) -> Invite | None:
        """Return the invite with one of these token or code hashes, locked for this
        transaction."""
        conditions = []
        if token_hashes:
            conditions.append(Invite.token_hash.in_(token_hashes))
        if code_hashes:
            conditions.append(Invite.code_hash.in_(code_hashes))
        if not conditions:
            return None
        query = select(Invite).where(or_(*conditions)).with_for_update()
        return await self._session.scalar(query.limit(1))

    async def mark_used(self, invite_id: int, user_id: int, at: datetime) -> bool:
        """Use an invite once; return False when it was used meanwhile."""
        result = await self._session.execute(
            update(Invite)
            .where(Invite.id == invite_id, Invite.used_at.is_(None))
            .values(used_by=user_id, used_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def prune(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` invitations used, or expired, before `before` (retention)."""
        spent = (Invite.used_at < before) | (Invite.expires_at < before)
        return await delete_some(self._session, Invite, spent, limit)
