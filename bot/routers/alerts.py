"""Buttons under alerts: Acknowledge (everyone sees who) and Mute 1 h."""

from __future__ import annotations

import contextlib
import logging
from datetime import tzinfo
from html import escape

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AlertAction, AlertOp
from bot.i18n import Translator
from bot.keyboards.alerts import alert_buttons
from bot.render.time import clock_time
from core import clock
from core.alerts.service import acknowledge, mute
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
    note = tr(
        "alert-acknowledged", name=escape(ack.by_name), time=clock_time(ack.at, zone, clock.now())
    )
    markup = alert_buttons(ack.episode.id, ack.device.id, tr, can_ack=False)
    pressed = query.message if isinstance(query.message, Message) else None
    if pressed is not None and note not in (pressed.html_text or ""):
        with contextlib.suppress(TelegramAPIError):
            await pressed.edit_text(f"{pressed.html_text}\n\n{note}", reply_markup=markup)
    for chat, message_id in ack.deliveries:
        if pressed is not None and (chat, message_id) == (pressed.chat.id, pressed.message_id):
            continue
        with contextlib.suppress(TelegramAPIError):  # best effort: the chat may be gone
            await query.bot.edit_message_reply_markup(  # type: ignore[union-attr]
                chat_id=chat, message_id=message_id, reply_markup=markup
            )
            await query.bot.send_message(chat, note, reply_to_message_id=message_id)  # type: ignore[union-attr]
    await query.answer(tr("alert-ack-done"))


async def mute_device(
    query: CallbackQuery,
    callback_data: AlertAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
) -> None:
    """Stop this member's alerts of the device for an hour."""
    device = await mute(session, user.id, callback_data.device_id, MUTE_HOURS)
    await query.answer(tr("alert-muted", device=device.name), show_alert=True)


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="alerts")
    router.callback_query.register(acknowledge_alert, AlertAction.filter(F.op == AlertOp.ACK))
    router.callback_query.register(mute_device, AlertAction.filter(F.op == AlertOp.MUTE))
    return router
