"""/live and /stop: one message edited in place as the selected device reports."""

from __future__ import annotations

from datetime import tzinfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

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
    """Stop the live view of this chat."""
    stopped = await live.stop(message.chat.id)
    await message.answer(tr("live-stopped" if stopped else "live-not-running"))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="live")
    router.message.register(start_live, Command("live"))
    router.message.register(stop_live, Command("stop"))
    return router
