"""A new command ends any prompt the person was in (except /cancel, which says so itself)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject


class CommandEndsPrompt(BaseMiddleware):
    """Clear the FSM state when a message is a command other than /cancel.

    Without it, /add → /devices → "hello" took "hello" for a claim code (and counted it
    toward the lock-out).
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """Clear the prompt, then hand the command on."""
        state = data.get("state")
        if isinstance(event, Message) and isinstance(state, FSMContext):
            command = _command(event.text or "")
            if command and command != "cancel" and await state.get_state() is not None:
                await state.clear()
        return await handler(event, data)


def _command(text: str) -> str | None:
    """The command's name (`/add@dozor_bot 123` → `add`), or None for plain text."""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else None
