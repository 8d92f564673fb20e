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
from bot.routers.alerts import tell_everyone
from core.alerts.service import EpisodePage, acknowledge, recent_episodes
from core.users.models import User


def _render(page: EpisodePage, tr: Translator, zone: tzinfo) -> str:
    if not page.items:
        return tr("alerts-empty")
    title = tr("alerts-title", page=str(page.page + 1), pages=str(page.pages))
    lines = [
        f"{n}. "
        + episode_line(
            episode,
            device,
            tr,
            zone,
            acker=page.ackers.get(episode.acknowledged_by or 0),
        )
        for n, (episode, device) in enumerate(page.items, start=1)
    ]
    return "\n\n".join([title, *lines])


def _buttons(page: EpisodePage, tr: Translator) -> InlineKeyboardMarkup | None:
    """✅ n for each open episode nobody acknowledged yet; older and newer pages."""
    builder = InlineKeyboardBuilder()
    open_ones = [
        (n, episode.id)
        for n, (episode, _) in enumerate(page.items, start=1)
        if episode.closed_at is None and episode.acknowledged_by is None
    ]
    for n, episode_id in open_ones:
        builder.button(
            text=tr("alert-button-ack-n", n=n),
            callback_data=AlertPage(page=page.page, ack=episode_id),
        )
    pager = 0
    if page.page + 1 < page.pages:
        builder.button(text=tr("alerts-older"), callback_data=AlertPage(page=page.page + 1))
        pager += 1
    if page.page > 0:
        builder.button(text=tr("alerts-newer"), callback_data=AlertPage(page=page.page - 1))
        pager += 1
    if not open_ones and not pager:
        return None
    builder.adjust(*([len(open_ones)] if open_ones else []), *([pager] if pager else []))
    return builder.as_markup()


async def show_alerts(
    message: Message, session: AsyncSession, user: User, tr: Translator, zone: tzinfo
) -> None:
    """The first page of my alerts."""
    page = await recent_episodes(session, user.id, 0)
    await message.answer(_render(page, tr, zone), reply_markup=_buttons(page, tr))


async def turn_page(
    query: CallbackQuery,
    callback_data: AlertPage,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Another page in place; or, for ✅ n, acknowledge that alert and show the page again."""
    if callback_data.ack:
        ack = await acknowledge(session, user.id, callback_data.ack)
        await tell_everyone(query, session, ack, tr, zone, here=False)
    page = await recent_episodes(session, user.id, callback_data.page)
    await show(query, _render(page, tr, zone), _buttons(page, tr))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="alert_history")
    router.message.register(show_alerts, Command("alerts"))
    router.callback_query.register(turn_page, AlertPage.filter())
    return router
