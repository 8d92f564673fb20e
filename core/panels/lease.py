"""Who talks to a panel: a Redis lease per panel, with an increasing token for fencing.

The ETHM module serves one client at a time, so exactly one processor instance may hold a
panel. `acquire` takes a free lease with a fresh token from a per-panel counter; the holder
renews it; if the holder dies the lease runs out and another instance takes the panel with a
higher token. Writes of the panel's state go through `write_state`, which refuses a holder
whose token is no longer the lease's (PostgreSQL writes check `panel_fences` the same way).

The counter lives in Redis, but the fence in PostgreSQL remembers the highest token that
wrote: a Redis that was flushed or lost would start again at 1 and every write would be
refused, blinding the panel. So `acquire` is given PostgreSQL's token as a floor and a
fresh token is always above it.
"""

from __future__ import annotations

from typing import Final

from redis.asyncio import Redis

from core.redis_keys import RedisKeys

LEASE_SECONDS: Final = 15.0  # renewed every third of it

_ACQUIRE: Final = """
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local token = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[3])
if token <= floor then
  token = floor + 1
  redis.call('SET', KEYS[2], token)
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return token
"""
_RENEW: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_WRITE: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  return 1
end
return 0
"""


class PanelLeases:
    """Leases of the panels, seen from one processor instance (or from the bot)."""

    def __init__(
        self, redis: Redis, keys: RedisKeys, instance: str = "", seconds: float = LEASE_SECONDS
    ) -> None:
        self._redis = redis
        self._keys = keys
        self.instance = instance
        self.seconds = seconds
        self._ttl_ms = str(int(seconds * 1000))

    def _value(self, token: int) -> str:
        return f"{self.instance}:{token}"

    async def acquire(self, device_id: int, floor: int = 0) -> int | None:
        """Take a free lease; return its token (above `floor`, the highest token PostgreSQL
        has seen write), or None when another instance holds it."""
        keys = [self._keys.panel_lease(device_id), self._keys.panel_fence(device_id)]
        token = await self._redis.eval(_ACQUIRE, 2, *keys, self.instance, self._ttl_ms, floor)
        return int(token) if token is not None else None

    async def renew_many(self, held: dict[int, int]) -> set[int]:
        """Extend every lease of `held` (device id → token) in one round trip; return the
        device ids whose lease is still ours. Hundreds of panels renew in milliseconds, so
        a busy instance does not let its own leases run out."""
        if not held:
            return set()
        pipe = self._redis.pipeline(transaction=False)
        ids = list(held)
        for device_id in ids:
            key = self._keys.panel_lease(device_id)
            pipe.eval(_RENEW, 1, key, self._value(held[device_id]), self._ttl_ms)
        answers = await pipe.execute()
        return {device_id for device_id, ok in zip(ids, answers, strict=True) if ok}

    async def acquire_many(
        self, device_ids: list[int], floors: dict[int, int] | None = None
    ) -> dict[int, int]:
        """Take whichever of these free leases we can in one round trip; device id → token
        (each above its `floors` entry: PostgreSQL's fence)."""
        if not device_ids:
            return {}
        floors = floors or {}
        pipe = self._redis.pipeline(transaction=False)
        for device_id in device_ids:
            keys = [self._keys.panel_lease(device_id), self._keys.panel_fence(device_id)]
            pipe.eval(_ACQUIRE, 2, *keys, self.instance, self._ttl_ms, floors.get(device_id, 0))
        answers = await pipe.execute()
        return {
            device_id: int(token)
            for device_id, token in zip(device_ids, answers, strict=True)
            if token is not None
        }

    async def release(self, device_id: int, token: int) -> None:
        """Give the lease up (on a clean stop), so another instance need not wait for it."""
        key = self._keys.panel_lease(device_id)
        await self._redis.eval(_RELEASE, 1, key, self._value(token))

    async def holder(self, device_id: int) -> str | None:
        """The instance holding a panel, or None."""
        raw = await self._redis.get(self._keys.panel_lease(device_id))
        if raw is None:
            return None
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        return text.rsplit(":", 1)[0]

    async def write_state(self, device_id: int, token: int, state: bytes) -> bool:
        """Store a panel's state if `token` still holds its lease; False when fenced out."""
        keys = [self._keys.panel_lease(device_id), self._keys.panel_state(device_id)]
        return bool(await self._redis.eval(_WRITE, 2, *keys, self._value(token), state))

    async def read_state(self, device_id: int) -> bytes | None:
        """The state last written for a panel (by whichever holder)."""
        raw = await self._redis.get(self._keys.panel_state(device_id))
        return raw if isinstance(raw, bytes | None) else str(raw).encode()
