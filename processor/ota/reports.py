"""What devices report on `ota/status`, written to their updates after each ingest batch.

The ingest's reader must not wait for a database write per report (a rollout of a hundred
devices sends some five hundred): reports are gathered and written in one transaction once
the batch their messages came in is written, before those messages are acknowledged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core import clock
from core.devices.repository import DeviceRepository
from core.firmware import shelly as shelly_updates
from core.firmware.service import Report, record_report
from core.firmware.shelly import ShellyReport
from core.transient import is_transient
from drivers.readings import OtaReport

log = logging.getLogger(__name__)
ATTEMPTS = 5


class UpdateReports:
    """Moves each device's update on as the device reports it."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        wake: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._wake = wake  # the bots deliver what a finished Shelly update told its starter
        self._pending: list[OtaReport] = []

    def take(self, report: OtaReport) -> bool:
        """Keep a report for the next write; True when it is the first since the last one
        (the caller then has `write_pending` run after the batch)."""
        self._pending.append(report)
        return len(self._pending) == 1

    async def write_pending(self) -> None:
        """Write what was kept, in the order it came; again when the rollouts' step changed
        an update in between, or the database failed for a moment."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        for attempt in range(ATTEMPTS):
            try:
                told = await self._write(pending)
            except StaleDataError:
                continue
            except Exception as err:
                if not is_transient(err) or attempt == ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))
                continue
            if told and self._wake is not None:
                await self._wake()
            return
        log.warning("%d update reports not written: their updates kept changing", len(pending))

    async def _write(self, reports: list[OtaReport]) -> bool:
        """Write the reports; True when one finished a Shelly update (its starter is told)."""
        now = clock.now()
        told = False
        async with self._sessions() as session, session.begin():
            devices = DeviceRepository(session)
            ids = await devices.ids_by_uid(sorted({r.uid for r in reports}))
            for report in reports:
                device_id = ids.get(report.uid)
                if device_id is None:
                    log.info("update report of unknown device %s ignored", report.uid)
                    continue
                if report.vendor == "shelly":
                    told |= await _shelly_report(session, device_id, report, now)
                    continue
                row = await record_report(
                    session,
                    device_id,
                    Report(report.version, report.state, report.progress, report.error),
                    now,
                )
                if row is None:
                    log.info("%s reports %s of %s, which no rollout sent it",
                             report.uid, report.state, report.version)  # fmt: skip
                elif report.state in ("failed", "rolled_back"):
                    log.warning("%s: update to %s %s (%s)", report.uid, report.version,
                                report.state, report.error)  # fmt: skip
        return told


async def _shelly_report(
    session: AsyncSession, device_id: int, report: OtaReport, now: datetime
) -> bool:
    """A Shelly's OTA event; True when it ended the update (failed)."""
    device = await DeviceRepository(session).get(device_id)
    if device is None:
        return False
    said = ShellyReport(report.state, report.progress, report.error)
    row = await shelly_updates.record(session, device, said, now)
    if row is None:
        log.info("%s reports %s of an update Dozor did not start", report.uid, report.state)
        return False
    if row.state == "failed":
        log.warning("%s: firmware update to %s failed (%s)", report.uid, row.version, row.error)
    return row.finished_at is not None
