"""Queue morning digests (the bot renders and delivers them like any outbox row)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.digests.service import queue_digests


class DigestJob:
    """Runs every minute or so; a digest is queued once per person and day (dedup key)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        default_tz: str,
        wake: Callable[[], Awaitable[None]],
    ) -> None:
        self._sessions = sessions
        self._default_tz = default_tz
        self._wake = wake

    async def run(self) -> int:
        """Queue what is due; return how many digests."""
        async with self._sessions() as session, session.begin():
            queued = await queue_digests(session, clock.now(), self._default_tz)
        if queued:
            await self._wake()
        return queued
