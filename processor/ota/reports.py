"""What devices report on `ota/status`, written at once to their update."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.devices.repository import DeviceRepository
from core.firmware.service import Report, record_report
from drivers.readings import OtaReport

log = logging.getLogger(__name__)


class UpdateReports:
    """Moves each device's update on as the device reports it."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        changed: Callable[[set[int]], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._changed = changed

    async def record(self, report: OtaReport) -> None:
        """Write one report (a device or an update unknown is logged and left)."""
        async with self._sessions() as session, session.begin():
            device = await DeviceRepository(session).get_by_uid(report.uid)
            if device is None:
                log.info("update report of unknown device %s ignored", report.uid)
                return
            row = await record_report(
                session,
                device.id,
                Report(report.version, report.state, report.progress, report.error),
                clock.now(),
            )
            if row is None:
                log.info(
                    "%s reports %s of %s, which no rollout sent it",
                    report.uid,
                    report.state,
                    report.version,
                )
                return
            rollout_id = row.rollout_id
        if report.state in ("failed", "rolled_back"):
            log.warning("%s: update to %s %s (%s)", report.uid, report.version, report.state,
                        report.error)  # fmt: skip
        if self._changed is not None:
            await self._changed({rollout_id})
