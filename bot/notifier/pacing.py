"""Telegram's limits: about 30 messages a second overall and one a second per chat."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from core import clock


@dataclass(slots=True)
class Pacer:
    """Spaces sends overall and per chat (in this bot instance)."""

    overall_per_second: float = 30.0
    per_chat_seconds: float = 1.0
    _next_send: float = 0.0
    _chat_free_at: dict[int, float] = field(default_factory=dict)

    def busy_chats(self) -> list[int]:
        """Chats that must wait before their next message."""
        now = clock.monotonic()
        for chat in [c for c, t in self._chat_free_at.items() if t <= now]:
            del self._chat_free_at[chat]
        return list(self._chat_free_at)

    async def before_send(self) -> None:
        """Wait for the overall rate."""
        now = clock.monotonic()
        if self._next_send > now:
            await asyncio.sleep(self._next_send - now)
        self._next_send = max(now, self._next_send) + 1.0 / self.overall_per_second

    def sent_to(self, chat: int) -> None:
        """Note a message to `chat`: the next waits a second."""
        self._chat_free_at[chat] = clock.monotonic() + self.per_chat_seconds
