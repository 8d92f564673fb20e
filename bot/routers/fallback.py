"""Answers for what no other handler took: unknown buttons, commands and text."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator

log = logging.getLogger(__name__)


async def stale_button(query: CallbackQuery, tr: Translator) -> None:
    """A button no handler knows (old, or forged): say it is out of date."""
    log.info("unknown callback data %r from %s", (query.data or "")[:64], query.from_user.id)
    await query.answer(tr("error-stale"), show_alert=True)


async def unknown_command(message: Message, tr: Translator) -> None:
    """A command we do not have; one addressed to another bot (`/help@other_bot`, in a
    group) is not ours to answer."""
    command = (message.text or "").split(maxsplit=1)[0]
    _, _, mention = command.partition("@")
    if mention and message.bot is not None:
        me = await message.bot.me()
        if mention.lower() != (me.username or "").lower():
            return
    await message.answer(tr("unknown-command"))


async def unexpected_text(message: Message, tr: Translator) -> None:
    """Text outside any prompt."""
    await message.answer(tr("unexpected-text"))


def build_router() -> Router:
    """Register the fallbacks; include this router last."""
    router = Router(name="fallback")
    router.callback_query.register(stale_button)
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(unexpected_text)
    return router
