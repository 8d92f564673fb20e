"""The Redis side of commands: the stream the processors consume and the per-command replies."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from core.commands.messages import CommandResult, StreamEntry, decode_result
from core.redis_keys import RedisKeys

RESULT_TTL_SECONDS = 120
BLOCK_SECONDS = 2.0  # one blocking read; below every client socket timeout (redis-py's is 5 s)
STREAM_MAX_LENGTH = 100_000  # approximate cap; entries are acknowledged within milliseconds


class CommandBus:
    """Puts requests on the command stream and waits for their results."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def submit(self, entry: StreamEntry) -> None:
        """Append a request to the stream (any processor instance may take it)."""
        await self._redis.xadd(
            self._keys.command_stream,
            entry.to_fields(),  # type: ignore[arg-type]
            maxlen=STREAM_MAX_LENGTH,
            approximate=True,
        )

    async def wait_result(self, command_id: str, seconds: float) -> CommandResult | None:
        """Wait up to `seconds` for the command's result; None when none came.

        The wait is cut into blocking reads of at most `BLOCK_SECONDS`, which stays below any
        socket timeout a Redis client has (redis-py's may be 5 s), so a long wait is never
        mistaken for a dead connection.
        """
        key = self._keys.command_result(command_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        found = None
        while not found:
            left = deadline - loop.time()
            if left <= 0:
                return None
            found = await self._redis.blpop([key], timeout=min(left, BLOCK_SECONDS))
        raw = found[1]
        return decode_result(raw if isinstance(raw, bytes) else str(raw).encode())

    async def post_result(self, result: CommandResult) -> None:
        """Hand a result to whoever waits for it (the bot instance that sent the command)."""
        key = self._keys.command_result(result.command_id)
        pipe = self._redis.pipeline(transaction=False)
        pipe.rpush(key, result.encode())
        pipe.expire(key, RESULT_TTL_SECONDS)
        await pipe.execute()
