"""Wake the bots' outbox delivery through Redis (a hint only: the bots poll as well)."""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.redis_keys import RedisKeys

log = logging.getLogger(__name__)


class OutboxWakeup:
    """Publishes on the outbox channel."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def __call__(self) -> None:
        """Wake the bots; a failure only delays delivery until their next poll."""
        try:
            await self._redis.publish(self._keys.outbox_channel, b"1")
        except RedisError as err:
            log.info("could not wake the bots (%s); they will poll", err)
