"""Telegram's limits — about 30 messages a second overall and one a second per chat — kept
across every bot instance through Redis."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from redis.asyncio import Redis

from core import clock
from core.redis_keys import RedisKeys

BUCKET_SECONDS = 0.1  # the finest the budget is counted in


@dataclass(slots=True)
class Pacer:
    """Shared send budget: a per-second counter and a one-second slot per chat in Redis."""

    redis: Redis
    keys: RedisKeys
    overall_per_second: float = 30.0
    per_chat_seconds: float = 1.0
    _chat_free_at: dict[int, float] = field(default_factory=dict)

    def busy_chats(self) -> list[int]:
        """Chats this instance knows must wait (saves asking for their rows)."""
        now = clock.monotonic()
        for chat in [c for c, t in self._chat_free_at.items() if t <= now]:
            del self._chat_free_at[chat]
        return list(self._chat_free_at)

    async def take_chat(self, chat: int) -> bool:
        """Claim the chat's next send slot; False when any instance sent to it within a second."""
        taken = await self.redis.set(
            self.keys.pace_chat(chat), b"1", nx=True, px=int(self.per_chat_seconds * 1000)
        )
        self._chat_free_at[chat] = clock.monotonic() + self.per_chat_seconds
        return bool(taken)

    async def before_send(self, share: float = 1.0) -> None:
        """Wait until the shared budget of this moment has room; with a `share` below 1, only
        while that share of the budget is unused (what is left stays for alerts).

        The budget is counted in tenths of a second (3 sends each at 30/s), so that sends
        stay spread out: whole-second counters let 30 go at the end of one second and 30 at
        the start of the next, 60 within one second by Telegram's clock."""
        width = max(BUCKET_SECONDS, 1.0 / self.overall_per_second)  # at least one send each
        limit = max(1.0, self.overall_per_second * width * share)
        while True:
            now = clock.now().timestamp()
            bucket = int(now / width)
            key = self.keys.pace_second(bucket)
            pipe = self.redis.pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, 5)
            count, _ = await pipe.execute()
            if count <= limit:
                return
            await asyncio.sleep((bucket + 1) * width - now)
