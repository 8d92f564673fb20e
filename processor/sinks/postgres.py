"""Write a batch's device contacts, rollups and alert changes to PostgreSQL atomically."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.alerts.service import Recorded
from core.devices.repository import ContactRow, DeviceRepository, RefusedVersion
from core.history.repository import RollupDelta, RollupRepository
from processor.alerting import AlertEngine, Plan


class PostgresSink:
    """A few statements per batch, whatever its size, in one transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        alerts: AlertEngine | None = None,
        on_config_applied: Callable[[list[int]], Awaitable[None]] | None = None,
        on_config_refused: Callable[[list[RefusedVersion]], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._alerts = alerts
        # Told, after the commit, which devices reported a newly applied config version (the
        # bot edits "waiting for the device" messages); it must not raise.
        self.on_config_applied = on_config_applied
        # Told which reported a version the server never sent (not taken); must not raise.
        self.on_config_refused = on_config_refused

    async def write(
        self,
        contacts: list[ContactRow],
        deltas: list[RollupDelta],
        plan: Plan | None = None,
        config_versions: dict[int, int] | None = None,
    ) -> list[Recorded]:
        """Apply contacts, rollup deltas, applied config versions and alert changes (with their
        outbox rows) at once."""
        recorded: list[Recorded] = []
        async with self._sessions() as session, session.begin():
            devices = DeviceRepository(session)
            if contacts:
                await devices.apply_contacts(contacts)
            reports = await devices.apply_config_versions(config_versions or {})
            await RollupRepository(session).add_deltas(deltas)
            if self._alerts is not None and plan is not None and plan.changes:
                recorded = await self._alerts.write(session, plan)
        if reports.refused and self.on_config_refused is not None:
            self.on_config_refused(reports.refused)
        if reports.applied and self.on_config_applied is not None:
            await self.on_config_applied(reports.applied)
        return recorded
