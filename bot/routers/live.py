"""/live and /stop: one message edited in place as the selected device reports."""

from __future__ import annotations

import contextlib
from datetime import tzinfo

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import LiveStop
from bot.i18n import Translator
from bot.live import LiveViews
from core.devices.overview import DeviceOverview
from core.users.models import User


async def start_live(
    message: Message,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    live: LiveViews,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Start watching the selected device (the only one, when there is one)."""
    view = await overview.selected(session, user.id)
    await live.start(message.chat.id, user.id, view, tr, zone)


async def stop_live(message: Message, live: LiveViews, tr: Translator) -> None:
    """Stop the live view of this chat: its message says so ("⏹ Live view stopped at …"),
    which is the one answer; without a live view, say there is none."""
    if not await live.stop(message.chat.id):
        await message.answer(tr("live-not-running"))


async def stop_pressed(query: CallbackQuery, live: LiveViews, tr: Translator) -> None:
    """⏹ Stop under the live message: the message itself shows that it ended (no more)."""
    message = query.message
    chat = message.chat.id if message is not None else query.from_user.id
    if await live.stop(chat):
        await query.answer(tr("live-stopped"))
        return
    if isinstance(message, Message):  # a live view that ended already (a restart, say)
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=None)
    await query.answer(tr("live-not-running"))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="live")
    router.message.register(start_live, Command("live"))
    router.message.register(stop_live, Command("stop"))
    router.callback_query.register(stop_pressed, LiveStop.filter())
    return router
