"""The retention job: once a day, what the tables no longer keep goes (`core.retention`)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.retention import RetentionPolicy, prune

log = logging.getLogger(__name__)
RETENTION_JOB_SECONDS = 86_400
RETENTION_FIRST_RUN_SECONDS = 120  # soon after start, not during it


class RetentionJob:
    """Prunes the growing tables; several instances may run it (one does the work)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], policy: RetentionPolicy) -> None:
        self._sessions = sessions
        self._policy = policy

    async def run(self) -> dict[str, int] | None:
        """Run once; how many rows went per table (None: another instance has the job)."""
        deleted = await prune(self._sessions, clock.now(), self._policy)
        if deleted and any(deleted.values()):
            log.info("retention: deleted %s", deleted)
        return deleted
