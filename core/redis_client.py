"""The one way bot and processor make a Redis client.

Every blocking read Dozor makes (`BLPOP` of a command result, at most
`core.commands.bus.BLOCK_SECONDS`; the executor's `XREADGROUP` and the panel inbox's
`BLPOP`, 1 s) blocks for less than `SOCKET_TIMEOUT_SECONDS`, so a quiet wait is never
taken for a dead connection. Commands are retried across a restart of the server.
"""

from __future__ import annotations

from typing import Final

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

SOCKET_TIMEOUT_SECONDS: Final = 10.0
CONNECT_TIMEOUT_SECONDS: Final = 5.0


def make_redis(url: str) -> Redis:
    """Build a Redis client with Dozor's timeouts and retries."""
    return Redis.from_url(
        url,
        retry=Retry(ExponentialBackoff(cap=5.0, base=0.1), retries=5),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=30,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
    )
