"""Telegram's flood control, honoured for every call the bot makes.

When Telegram answers 429 with `retry_after` for a chat, that chat takes nothing until then.
The wait is kept in Redis (every bot instance, the outbox delivery and the handlers see it).
A call to a chat that must still wait is not made: a handler's reply waits it out (up to
`INTERACTIVE_WAIT_SECONDS`) and then goes; background work (the outbox, live views) gets
`TelegramRetryAfter` at once and reschedules, as it does for a 429 from Telegram itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramRetryAfter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.redis_keys import RedisKeys

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import Response, TelegramMethod
    from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)
INTERACTIVE_WAIT_SECONDS: Final = 30.0

# Set in background tasks (the outbox delivery, live views): their calls never wait.
background: contextvars.ContextVar[bool] = contextvars.ContextVar("background", default=False)


@contextlib.contextmanager
def in_background() -> Iterator[None]:
    """Calls made inside do not wait out flood waits (a handler updating other chats)."""
    token = background.set(True)
    try:
        yield
    finally:
        background.reset(token)


class FloodWaits:
    """The chats Telegram told us to leave alone, and until when (Redis, shared)."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def left(self, chat: int) -> float:
        """Seconds the chat must still wait (0 when it may take calls)."""
        try:
            ms = await self._redis.pttl(self._keys.flood_chat(chat))
        except RedisError:
            return 0.0  # without Redis we cannot know; Telegram will say
        return max(0.0, ms / 1000) if ms and ms > 0 else 0.0

    async def note(self, chat: int, seconds: float) -> None:
        """Remember that the chat must wait `seconds`."""
        try:
            await self._redis.set(self._keys.flood_chat(chat), b"1", px=max(1, int(seconds * 1000)))
        except RedisError:
            log.warning("could not record a flood wait of %s s for chat %s", seconds, chat)


class FloodControl(BaseRequestMiddleware):
    """The session middleware that keeps every call within the flood waits."""

    def __init__(self, waits: FloodWaits, wait_cap: float = INTERACTIVE_WAIT_SECONDS) -> None:
        self._waits = waits
        self._cap = wait_cap

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Wait (or refuse) while the chat is under a flood wait; learn new ones."""
        chat = _chat_of(method)
        if chat is None:
            return await make_request(bot, method)
        for attempt in (1, 2):
            left = await self._waits.left(chat)
            if left > 0:
                if background.get() or left > self._cap:
                    raise TelegramRetryAfter(method, "flood wait", math.ceil(left))
                await asyncio.sleep(left)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as err:
                await self._waits.note(chat, err.retry_after)
                log.info("chat %s under a flood wait of %s s", chat, err.retry_after)
                if attempt == 2 or background.get() or err.retry_after > self._cap:  # noqa: PLR2004
                    raise
        raise AssertionError  # pragma: no cover - the loop returns or raises


def _chat_of(method: Any) -> int | None:
    chat = getattr(method, "chat_id", None)
    return chat if isinstance(chat, int) and not isinstance(chat, bool) else None
