"""The history job: hourly rollups, daily energy and retention (`core.history.service`)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.history.service import CompactReport, compact

log = logging.getLogger(__name__)
HISTORY_JOB_SECONDS = 300
HISTORY_FIRST_RUN_SECONDS = 30  # soon after start, not during it (a quick stop would cut it)


class HistoryJob:
    """Runs the compaction every few minutes; several instances may run it at once."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], tz: str) -> None:
        self._sessions = sessions
        self._tz = tz

    async def run(self) -> CompactReport:
        """Run once."""
        report = await compact(self._sessions, clock.now(), self._tz)
        if not report.skipped and (report.hours or any(report.deleted.values())):
            log.info(
                "history: %d hour rows, %d energy days written; deleted %s; up to %s",
                report.hours,
                report.days,
                report.deleted,
                report.mark,
            )
        return report
