"""/alerts: recent episodes of my devices, open ones first, a page at a time."""

from __future__ import annotations

from datetime import tzinfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AlertPage
from bot.i18n import Translator
from bot.render.alerts import episode_line
from bot.replies import show
from core.alerts.service import EpisodePage, recent_episodes
from core.users.models import User


def _render(page: EpisodePage, tr: Translator, zone: tzinfo) -> str:
    if not page.items:
        return tr("alerts-empty")
    title = tr("alerts-title", page=str(page.page + 1), pages=str(page.pages))
    lines = [episode_line(episode, device, tr, zone) for episode, device in page.items]
    return "\n\n".join([title, *lines])


def _pager(page: EpisodePage, tr: Translator) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    if page.page + 1 < page.pages:
        builder.button(text=tr("alerts-older"), callback_data=AlertPage(page=page.page + 1))
    if page.page > 0:
        builder.button(text=tr("alerts-newer"), callback_data=AlertPage(page=page.page - 1))
    return builder.as_markup() if page.pages > 1 else None


async def show_alerts(
    message: Message, session: AsyncSession, user: User, tr: Translator, zone: tzinfo
) -> None:
    """The first page of my alerts."""
    page = await recent_episodes(session, user.id, 0)
    await message.answer(_render(page, tr, zone), reply_markup=_pager(page, tr))


async def turn_page(
    query: CallbackQuery,
    callback_data: AlertPage,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Another page, in place."""
    page = await recent_episodes(session, user.id, callback_data.page)
    await show(query, _render(page, tr, zone), _pager(page, tr))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="alert_history")
    router.message.register(show_alerts, Command("alerts"))
    router.callback_query.register(turn_page, AlertPage.filter())
    return router
