"""Sending and editing messages the forgiving way Telegram requires."""

from __future__ import annotations

import contextlib
import html
import logging
import re

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.i18n import translator

log = logging.getLogger(__name__)

# The tags of Telegram's HTML parse mode: what a sent text loses when it comes back plain.
_TAGS = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote)"
    r"(?:\s[^<>]*)?>",
    re.IGNORECASE,
)


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message with `text` (or send it anew when it cannot be edited) and
    answer the press. Telegram takes one answer per press: later changes of the same message
    in the same handler go through `edit`. When nothing would change, the message is left
    alone and the press is answered "up to date"."""
    changed = await edit(query, text, markup)
    with contextlib.suppress(TelegramBadRequest):  # the query may be too old to answer
        if changed:
            await query.answer()
        else:
            tr = translator(query.from_user.language_code)
            await query.answer(tr("up-to-date"))


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Replace the pressed message with `text` without answering the press (already done);
    return False when it already showed exactly that."""
    message = query.message
    if isinstance(message, Message):
        if _same(message, text, markup):
            return False
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as err:
            if "message is not modified" in err.message:
                return False
            await message.answer(text, reply_markup=markup)
    elif query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
    return True


async def edit_prompt(
    message: Message, prompt: object, text: str, markup: InlineKeyboardMarkup | None
) -> int:
    """Answer a typed reply by editing the prompt that asked for it (one message per prompt,
    not one per try); send anew if it cannot be edited. Returns the prompt's message id."""
    if isinstance(prompt, int) and prompt and message.bot is not None:
        try:
            await message.bot.edit_message_text(
                text, chat_id=message.chat.id, message_id=prompt, reply_markup=markup
            )
        except TelegramBadRequest as err:
            if "message is not modified" in err.message:
                return prompt
            log.info("could not edit prompt %s: %s", prompt, err.message)
        else:
            return prompt
    sent = await message.answer(text, reply_markup=markup)
    return sent.message_id


def _same(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Whether the message reads and offers the same (Telegram would refuse the edit)."""
    if message.text is None or _plain(message.text) != _plain(text):
        return False
    shown = message.reply_markup.model_dump(exclude_none=True) if message.reply_markup else None
    wanted = markup.model_dump(exclude_none=True) if markup else None
    return shown == wanted


def _plain(text: str) -> str:
    return html.unescape(_TAGS.sub("", text)).strip()
