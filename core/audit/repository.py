"""All SQL for the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.models import AuditEntry


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

    async def for_device(self, device_id: int, limit: int = 50) -> Sequence[AuditEntry]:
        """Return a device's latest entries, newest first."""
        query = (
            select(AuditEntry)
            .where(AuditEntry.device_id == device_id)
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()
