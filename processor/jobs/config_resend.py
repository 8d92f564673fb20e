"""Publish again the configs that online devices have not applied.

A change is pushed once, right after the bot commits it. If that push was lost (the bot died
between its commit and the stream, the broker lost its retained message) or the device
missed it, the device goes on reporting an older `config_version` while it is online; this
job puts its config on the stream again, at most once every `every` per device.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.commands.bus import CommandBus
from core.commands.messages import StreamEntry
from core.devices.repository import DeviceRepository

CHECK_SECONDS = 30.0
BATCH = 200


class ConfigResend:
    """Re-queues config pushes of online devices that lag behind."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bus: CommandBus,
        *,
        grace: timedelta = timedelta(seconds=60),
        every: timedelta = timedelta(minutes=5),
    ) -> None:
        self._sessions = sessions
        self._bus = bus
        self._grace = grace
        self._every = every.total_seconds()
        self._sent: dict[int, float] = {}  # device id → when last re-queued (monotonic)

    async def run(self) -> int:
        """Re-queue what is due; return how many configs."""
        async with self._sessions() as session:
            lagging = await DeviceRepository(session).configs_not_applied(
                clock.now() - self._grace, BATCH
            )
        now = clock.monotonic()
        self._sent = {d: t for d, t in self._sent.items() if now - t < self._every}
        due = [(d, uid) for d, uid in lagging if d not in self._sent]
        for device_id, uid in due:
            await self._bus.submit(StreamEntry("config", device_id, uid))
            self._sent[device_id] = now
        return len(due)
