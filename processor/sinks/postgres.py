"""Write a batch's device contacts, rollups and alert changes to PostgreSQL atomically."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.alerts.service import Recorded
from core.devices.repository import ContactRow, DeviceRepository
from core.history.repository import RollupDelta, RollupRepository
from processor.alerting import AlertEngine, Plan


class PostgresSink:
    """A few statements per batch, whatever its size, in one transaction."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], alerts: AlertEngine | None = None
    ) -> None:
        self._sessions = sessions
        self._alerts = alerts

    async def write(
        self,
        contacts: list[ContactRow],
        deltas: list[RollupDelta],
        plan: Plan | None = None,
        config_versions: dict[int, int] | None = None,
    ) -> list[Recorded]:
        """Apply contacts, rollup deltas, applied config versions and alert changes (with their
        outbox rows) at once."""
        async with self._sessions() as session, session.begin():
            devices = DeviceRepository(session)
            if contacts:
                await devices.apply_contacts(contacts)
            if config_versions:
                await devices.apply_config_versions(config_versions)
            await RollupRepository(session).add_deltas(deltas)
            if self._alerts is not None and plan is not None and plan.changes:
                return await self._alerts.write(session, plan)
        return []
