"""Wrong-code limits hold under concurrency: a try is counted before it is checked."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.access.attempts import AttemptLimiter, TooManyAttemptsError
from core.devices.service import ClaimCodeWrongError, claim
from core.settings import Settings

USER = 7001


async def test_a_hundred_concurrent_wrong_codes_get_five_tries(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings
) -> None:
    """Checking and then counting a failure let 100 concurrent `/add` 11 tries against a
    limit of 5."""
    limiter = AttemptLimiter(redis, f"{settings.redis_prefix}:claim", limit=5)

    async def attempt() -> type[Exception]:
        async with sessions() as session:
            try:
                await claim(session, limiter, USER, "7KQ2M-XR9DA")
            except (ClaimCodeWrongError, TooManyAttemptsError) as err:
                return type(err)
        raise AssertionError("a made-up code was taken")

    outcomes = await asyncio.gather(*(attempt() for _ in range(100)))
    assert outcomes.count(ClaimCodeWrongError) == 5
    assert outcomes.count(TooManyAttemptsError) == 95


async def test_a_try_that_proved_nothing_is_given_back(redis: Redis, settings: Settings) -> None:
    limiter = AttemptLimiter(redis, f"{settings.redis_prefix}:panel", limit=2)
    assert await limiter.take(USER) == 1
    await limiter.refund(USER)  # e.g. the panel did not answer
    assert await limiter.take(USER) == 1
    assert await limiter.take(USER) == 0
    with pytest.raises(TooManyAttemptsError):  # no third try
        await limiter.take(USER)
    await limiter.reset(USER)
    assert await limiter.take(USER) == 1
