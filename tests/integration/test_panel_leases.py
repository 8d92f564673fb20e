"""Panel leases renewed and taken in one round trip each, against the real Redis."""

from __future__ import annotations

from redis.asyncio import Redis

from core.panels.lease import PanelLeases
from core.redis_keys import RedisKeys
from core.settings import Settings


async def test_many_leases_are_taken_and_renewed_at_once_and_a_lost_one_is_told(
    redis: Redis, settings: Settings
) -> None:
    keys = RedisKeys(settings.redis_prefix)
    ours, theirs = PanelLeases(redis, keys, "ours", 2.0), PanelLeases(redis, keys, "theirs", 2.0)
    assert await theirs.acquire(3) is not None  # another instance holds panel 3 already
    taken = await ours.acquire_many([1, 2, 3, 4])
    assert set(taken) == {1, 2, 4}
    assert await ours.renew_many(taken) == {1, 2, 4}
    assert await redis.pttl(keys.panel_lease(1)) > 1000

    await redis.delete(keys.panel_lease(2))  # ours ran out, and another instance took it
    assert await theirs.acquire(2) is not None
    assert await ours.renew_many(taken) == {1, 4}
    assert await ours.renew_many({}) == set()
    assert await ours.acquire_many([]) == {}
