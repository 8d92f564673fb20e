"""All SQL for the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.models import AuditEntry
from core.db import delete_some


class AuditRepository:
    """Appends to and reads the audit log."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def record(
        self,
        action: str,
        *,
        actor_user_id: int | None,
        device_id: int | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Stage an audit entry in the caller's transaction."""
        self._session.add(
            AuditEntry(
                action=action,
                actor_user_id=actor_user_id,
                device_id=device_id,
                before=before,
                after=after,
            )
        )

    async def for_device(
        self, device_id: int, limit: int = 50, offset: int = 0
    ) -> Sequence[AuditEntry]:
        """Return a device's entries, newest first (`offset` of them skipped)."""
        query = (
            select(AuditEntry)
            .where(AuditEntry.device_id == device_id)
            .order_by(AuditEntry.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()

    async def latest(self, action: str, limit: int = 20) -> Sequence[AuditEntry]:
        """The newest entries of one kind, newest first (the platform's security log)."""
        query = (
            select(AuditEntry)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()

    async def count_for_device(self, device_id: int) -> int:
        """How many entries a device's log has."""
        query = select(func.count()).where(AuditEntry.device_id == device_id)
        return int(await self._session.scalar(query) or 0)

    async def prune(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` entries written before `before` (retention)."""
        return await delete_some(self._session, AuditEntry, AuditEntry.at < before, limit)
