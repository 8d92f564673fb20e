"""Remind members of critical alerts nobody has acknowledged (every interval, at most 3 times)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.alerts.service import queue_reminders


class ReminderJob:
    """Queues due reminders in one transaction and wakes the bots."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        every: timedelta,
        wake: Callable[[], Awaitable[None]],
    ) -> None:
        self._sessions = sessions
        self.every = every
        self._wake = wake

    @property
    def check_seconds(self) -> float:
        """How often to look: often enough to be on time, at most once a minute."""
        return max(0.2, min(60.0, self.every.total_seconds() / 4))

    async def run(self) -> int:
        """Queue what is due; return how many messages."""
        async with self._sessions() as session, session.begin():
            queued = await queue_reminders(session, self.every)
        if queued:
            await self._wake()
        return queued
