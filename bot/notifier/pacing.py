"""Telegram's limits — about 30 messages a second overall and one a second per chat — kept
across every bot instance through Redis."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from redis.asyncio import Redis

from core import clock
from core.redis_keys import RedisKeys


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

    async def before_send(self) -> None:
        """Wait until the shared budget of this second has room."""
        while True:
            now = clock.now().timestamp()
            second = int(now)
            key = self.keys.pace_second(second)
            pipe = self.redis.pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, 5)
            count, _ = await pipe.execute()
            if count <= self.overall_per_second:
                return
            await asyncio.sleep(second + 1 - now)
