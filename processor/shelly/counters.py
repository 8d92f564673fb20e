"""A Shelly meter's last energy counters, kept in Redis around the pure codec.

The codec gives the energy imported and exported since the previous frame from the device's
monotonic counters; a processor that restarts (or another instance that takes over) would
take its first frame as a new baseline and lose what was added meanwhile. Before a device's
first frame is decoded its kept counters are given to the codec; after a frame that moved
them they are written back — once the batch holding that frame is written, so that a crash in
between leaves the old counters, and the frame the broker sends again yields its energy again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.redis_keys import RedisKeys
from drivers.readings import Decoded
from drivers.shelly.codec import ShellyCodec

log = logging.getLogger(__name__)


class CounterKeeper:
    """Keeps the codec's energy counters in Redis."""

    def __init__(
        self,
        codec: ShellyCodec,
        redis: Redis,
        keys: RedisKeys,
        later: Callable[[Callable[[], Awaitable[None]]], None],
    ) -> None:
        self.codec = codec
        self._redis = redis
        self._keys = keys
        self._later = later  # runs a step once what was accepted so far is written

    async def decode(self, prefix: str, decode: Callable[[], list[Decoded]]) -> list[Decoded]:
        """Run one decoding of a device's frame with its counters kept."""
        if not self.codec.seeded(prefix):
            try:
                raw = await self._redis.hgetall(self._keys.shelly_counters(prefix))
            except RedisError as err:  # decoded anyway; seeded at a later frame
                log.warning("energy counters of %s unavailable (%s)", prefix, err)
            else:
                self.codec.seed(prefix, {_text(k): float(v) for k, v in raw.items()})
        before = self.codec.counters(prefix)
        items = decode()
        after = self.codec.counters(prefix)
        if after != before:
            self._later(partial(self._keep, prefix, after))
        return items

    async def _keep(self, prefix: str, counters: dict[str, float]) -> None:
        try:
            flat = [part for pair in counters.items() for part in pair]
            await self._redis.hset(self._keys.shelly_counters(prefix), items=flat)
        except RedisError as err:
            log.warning("energy counters of %s not kept (%s)", prefix, err)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
