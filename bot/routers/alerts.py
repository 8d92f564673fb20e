"""Buttons under alerts: Acknowledge (everyone sees who) and Mute 1 h."""

from __future__ import annotations

import contextlib
import logging
from datetime import tzinfo
from html import escape

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AlertAction, AlertOp
from bot.flood import in_background
from bot.i18n import Translator
from bot.keyboards.alerts import alert_buttons, combined_buttons
from bot.render.alerts import Entry, entries_of, headline
from bot.render.time import clock_time
from core import clock
from core.alerts.service import (
    Acknowledgement,
    acknowledge,
    acknowledge_all,
    mute,
    sent_alerts,
    unmute,
)
from core.errors import StaleAction
from core.users.models import User

log = logging.getLogger(__name__)
MUTE_HOURS = 1.0


async def acknowledge_alert(
    query: CallbackQuery,
    callback_data: AlertAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Acknowledge for everyone; every member's copy of the alert says who and when."""
    ack = await acknowledge(session, user.id, callback_data.episode_id)
    await tell_everyone(query, session, ack, tr, zone)
    await query.answer(tr("alert-ack-done"))


async def acknowledge_all_alerts(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Acknowledge every alert of a combined message still waiting for someone."""
    pressed = query.message if isinstance(query.message, Message) else None
    if pressed is None:
        raise StaleAction
    acks = await acknowledge_all(session, user.id, pressed.chat.id, pressed.message_id)
    for ack in acks:
        await tell_everyone(query, session, ack, tr, zone)
    await query.answer(tr("alert-ack-all-done", count=len(acks)))


async def tell_everyone(
    query: CallbackQuery,
    session: AsyncSession,
    ack: Acknowledgement,
    tr: Translator,
    zone: tzinfo,
    *,
    here: bool = True,
) -> None:
    """Update every copy of the alert: the buttons lose Acknowledge, and the note says who.

    A single alert gets the note in its text (the presser's copy) or as a reply; a combined
    message gets its buttons rebuilt and a reply that names the alert. `here=False`: the
    pressed message is not an alert (the /alerts list redraws itself).
    """
    bot = query.bot
    assert bot is not None  # noqa: S101 - aiogram sets it on every update
    when = clock_time(ack.at, zone, clock.now())
    note = tr("alert-acknowledged", name=escape(ack.by_name), time=when)
    pressed = query.message if here and isinstance(query.message, Message) else None
    spot = (pressed.chat.id, pressed.message_id) if pressed is not None else None
    copies = set(ack.deliveries) | ({spot} if spot is not None else set())
    for chat, message_id in sorted(copies):
        sent = await sent_alerts(session, chat, message_id)
        # Best effort: the chat may be gone, or under a flood wait the presser need not share.
        with contextlib.suppress(TelegramAPIError), in_background():
            if sent.combined:
                entries = entries_of(sent.alerts)
                markup = combined_buttons(entries, tr, sent.acknowledged)
                await bot.edit_message_reply_markup(
                    chat_id=chat, message_id=message_id, reply_markup=markup
                )
                what = _alert_named(entries, ack.episode.id, tr)
                one = tr("alert-acknowledged-one", alert=what, name=escape(ack.by_name), time=when)
                await bot.send_message(chat, one, reply_to_message_id=message_id)
                continue
            markup = alert_buttons(ack.episode.id, ack.device.id, tr, can_ack=False)
            if pressed is not None and (chat, message_id) == spot:
                if note not in (pressed.html_text or ""):
                    await pressed.edit_text(f"{pressed.html_text}\n\n{note}", reply_markup=markup)
                continue
            await bot.edit_message_reply_markup(
                chat_id=chat, message_id=message_id, reply_markup=markup
            )
            await bot.send_message(chat, note, reply_to_message_id=message_id)


def _alert_named(entries: list[Entry], episode_id: int, tr: Translator) -> str:
    """The number and headline of an episode's line in a combined message."""
    for n, entry in enumerate(entries, start=1):
        if entry.episode_id == episode_id:
            return f"{n}. {headline(entry.payload, tr)}"
    return "?"


async def mute_device(
    query: CallbackQuery,
    callback_data: AlertAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Stop this member's alerts of the device for an hour; the button becomes Unmute."""
    grant = await mute(session, user.id, callback_data.device_id, MUTE_HOURS)
    until = clock_time(grant.muted_until or clock.now(), zone, clock.now())
    await _swap_button(query, callback_data, AlertOp.UNMUTE, tr("alert-button-unmute"))
    await query.answer(tr("alert-muted", device=grant.device.name, time=until), show_alert=True)


async def unmute_device(
    query: CallbackQuery,
    callback_data: AlertAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
) -> None:
    """Let this member's alerts of the device through again; the button becomes Mute."""
    grant = await unmute(session, user.id, callback_data.device_id)
    await _swap_button(query, callback_data, AlertOp.MUTE, tr("alert-button-mute"))
    await query.answer(tr("alert-unmuted", device=grant.device.name), show_alert=True)


async def _swap_button(query: CallbackQuery, pressed: AlertAction, op: AlertOp, text: str) -> None:
    """Replace the pressed button of the message with its opposite."""
    message = query.message if isinstance(query.message, Message) else None
    if message is None or message.reply_markup is None:
        return
    old = pressed.pack()
    new = AlertAction(op=op, device_id=pressed.device_id).pack()
    rows = [
        [
            InlineKeyboardButton(text=text, callback_data=new) if b.callback_data == old else b
            for b in row
        ]
        for row in message.reply_markup.inline_keyboard
    ]
    with contextlib.suppress(TelegramAPIError):
        await message.edit_reply_markup(reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="alerts")
    router.callback_query.register(acknowledge_alert, AlertAction.filter(F.op == AlertOp.ACK))
    router.callback_query.register(
        acknowledge_all_alerts, AlertAction.filter(F.op == AlertOp.ACK_ALL)
    )
    router.callback_query.register(mute_device, AlertAction.filter(F.op == AlertOp.MUTE))
    router.callback_query.register(unmute_device, AlertAction.filter(F.op == AlertOp.UNMUTE))
    return router
