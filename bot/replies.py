"""Sending and editing messages the forgiving way Telegram requires."""

from __future__ import annotations

import contextlib

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message with `text` (or send it anew when it cannot be edited) and
    answer the press. Telegram takes one answer per press: later changes of the same message
    in the same handler go through `edit`."""
    await edit(query, text, markup)
    with contextlib.suppress(TelegramBadRequest):  # the query may be too old to answer
        await query.answer()


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message with `text` without answering the press (already done)."""
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as err:
            if "message is not modified" not in err.message:
                await message.answer(text, reply_markup=markup)
    elif query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
