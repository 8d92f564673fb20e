"""The live state in Redis: what the processor writes is what the bot reads."""

from __future__ import annotations

from redis.asyncio import Redis

from core.live.store import LiveStateStore, LiveUpdate
from core.redis_keys import RedisKeys
from core.settings import Settings


async def test_live_state_written_before_the_one_field_form_is_still_read(
    redis: Redis, settings: Settings
) -> None:
    """A processor of the previous release wrote a value and its time in two fields; after
    an upgrade those are read until the device reports again, and then the new one wins."""
    keys = RedisKeys(settings.redis_prefix)
    store = LiveStateStore(redis, keys)
    await redis.hset(
        keys.live(7),
        mapping={
            "v:co2": "812.0",
            "t:co2": "1000.0",
            "v:temperature": "21.5",
            "t:temperature": "990.0",
        },
    )
    before = await store.read(7)
    assert before.values == {"co2": 812.0, "temperature": 21.5}
    assert before.times == {"co2": 1000.0, "temperature": 990.0}
    await store.write([LiveUpdate(7, "u7", {"co2": 900.0}, 1060.0, online=True)], announce=False)
    after = await store.read(7)
    assert after.values == {"co2": 900.0, "temperature": 21.5}
    assert after.times == {"co2": 1060.0, "temperature": 990.0}
    assert (after.online, after.last_seen) == (True, 1060.0)
