"""The live state comes back from PostgreSQL when Redis lost it.

Redis holds every device's latest readings for the cards and the live view; PostgreSQL's
rollups hold them too (the last value of each minute and hour). A marker key says the live
state is whole; when it is missing (the processor's first start, or a Redis that was flushed
or restarted without its data) the latest value of each metric of the last day is written
back for every device that has no live state now, and the marker is set. Checking costs one
EXISTS, so the job runs every few seconds: an emptied Redis costs a few seconds of live view.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from typing import Final

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.history.repository import HistoryRepository
from core.live.store import LiveStateStore, LiveUpdate
from core.redis_keys import RedisKeys

log = logging.getLogger(__name__)

LOOK_BACK: Final = timedelta(days=1)
CHECK_SECONDS: Final = 5.0


class LiveRebuild:
    """Write PostgreSQL's latest readings back to Redis when its live state is gone."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        redis: Redis,
        keys: RedisKeys,
        live: LiveStateStore,
    ) -> None:
        self._sessions = sessions
        self._redis = redis
        self._keys = keys
        self._live = live

    async def run(self) -> int:
        """Rebuild when the marker is missing; return how many devices were written."""
        if await self._redis.exists(self._keys.live_built):
            return 0
        async with self._sessions() as session:
            rows = await HistoryRepository(session).latest_values(clock.now() - LOOK_BACK)
        latest: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
        for device_id, metric, value, when in rows:
            latest[device_id][metric] = (value, when.timestamp())
        ids = list(latest)
        pipe = self._redis.pipeline(transaction=False)
        for device_id in ids:
            pipe.exists(self._keys.live(device_id))
        present = await pipe.execute() if ids else []
        updates = []
        for device_id, there in zip(ids, present, strict=True):
            if there:
                continue  # written since (fresher than the rollups)
            for metric, (value, stamp) in latest[device_id].items():
                updates.append(LiveUpdate(device_id, "", {metric: value}, stamp))
        if updates:
            await self._live.write(updates, announce=False)
        await self._redis.set(self._keys.live_built, "1")
        written = len({u.device_id for u in updates})
        if written:
            log.info("live state of %d devices rebuilt from PostgreSQL", written)
        return written
