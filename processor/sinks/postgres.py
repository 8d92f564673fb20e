"""Write a batch's device contacts and rollups to PostgreSQL in one transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.devices.repository import ContactRow, DeviceRepository
from core.history.repository import RollupDelta, RollupRepository


class PostgresSink:
    """Two statements per batch, whatever its size."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def write(self, contacts: list[ContactRow], deltas: list[RollupDelta]) -> None:
        """Apply contacts and rollup deltas atomically."""
        async with self._sessions() as session, session.begin():
            if contacts:
                await DeviceRepository(session).apply_contacts(contacts)
            await RollupRepository(session).add_deltas(deltas)
