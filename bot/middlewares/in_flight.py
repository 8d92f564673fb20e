"""Keep track of updates being handled, so a stopping bot lets them finish first."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

log = logging.getLogger(__name__)


class InFlightUpdates(BaseMiddleware):
    """Remember the task of every update in progress (a command may wait 10 s for a device)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """Run the handler while remembering its task."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            self._tasks.discard(task)

    async def drain(self, seconds: float) -> None:
        """Wait up to `seconds` for the updates in progress; cancel what is left."""
        current = asyncio.current_task()
        pending = {t for t in self._tasks if t is not current and not t.done()}
        if not pending:
            return
        _, left = await asyncio.wait(pending, timeout=seconds)
        for task in left:
            task.cancel()
        if left:
            log.warning("%d updates were still being handled at shutdown", len(left))
            await asyncio.wait(left, timeout=1.0)
