"""Personal commands work in private chats only; in a group the bot says so in one line.

A group would see the owner's readings, and a panel or claim code typed there would stay
visible to everyone in it. Commands addressed to this bot in a group get one line back (and
a command that carries an argument, which may be a code, is deleted when the bot may delete
it); other group messages are ignored; a button pressed in a group gets a short refusal.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.i18n import Translator

log = logging.getLogger(__name__)


class PrivateChatsOnly(BaseMiddleware):
    """Let updates from private chats through; answer the rest in one line."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """Hand private updates on; refuse group ones."""
        tr: Translator | None = data.get("tr")
        if isinstance(event, CallbackQuery):
            chat = event.message.chat if event.message is not None else None
            if chat is not None and chat.type != "private":
                if tr is not None:
                    await event.answer(tr("private-only-button"), show_alert=True)
                return None
            return await handler(event, data)
        if isinstance(event, Message) and event.chat.type != "private":
            if tr is not None and await _addressed_to_us(event):
                await _refuse(event, tr)
            return None
        return await handler(event, data)


async def _addressed_to_us(message: Message) -> bool:
    """A command with no bot named, or naming this bot."""
    text = message.text or message.caption or ""
    if not text.startswith("/"):
        return False
    mention = text.split(maxsplit=1)[0].partition("@")[2]
    if not mention or message.bot is None:
        return True
    me = await message.bot.me()
    return mention.lower() == (me.username or "").lower()


async def _refuse(message: Message, tr: Translator) -> None:
    username = ""
    if message.bot is not None:
        username = (await message.bot.me()).username or ""
    await message.answer(tr("private-only", bot=username))
    if len((message.text or "").split(maxsplit=1)) > 1:  # it may carry a code: take it away
        with contextlib.suppress(TelegramAPIError):
            await message.delete()
    log.info("refused a command in %s chat %s", message.chat.type, message.chat.id)
