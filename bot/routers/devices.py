"""/devices with device cards, /status and /select."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DeviceAction, DeviceOp, DevicePage
from bot.cards import device_card
from bot.i18n import Translator
from bot.keyboards import devices as keyboards
from bot.render import devices as render
from bot.replies import show
from core.devices.overview import DeviceOverview
from core.devices.relays import RelayPanel
from core.users.models import User


async def show_devices(
    message: Message, session: AsyncSession, user: User, overview: DeviceOverview, tr: Translator
) -> None:
    """List the user's devices as buttons."""
    views = await overview.my_devices(session, user.id)
    if not views:
        await message.answer(tr("devices-empty"))
        return
    await message.answer(tr("devices-title"), reply_markup=keyboards.device_list(views))


async def back_to_list(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
) -> None:
    """Show the device list in place of a card."""
    views = await overview.my_devices(session, user.id)
    text = tr("devices-title") if views else tr("devices-empty")
    await show(query, text, keyboards.device_list(views) if views else None)


async def turn_list_page(
    query: CallbackQuery,
    callback_data: DevicePage,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
) -> None:
    """Another page of the device list (the one that opens devices, or /select's)."""
    views = await overview.my_devices(session, user.id)
    if not views:
        await show(query, tr("devices-empty"), None)
        return
    title = "devices-select-title" if callback_data.op == DeviceOp.SELECT else "devices-title"
    await show(query, tr(title), keyboards.device_list(views, callback_data.op, callback_data.page))


async def open_device(
    query: CallbackQuery,
    callback_data: DeviceAction,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
    zone: tzinfo,
    panel: RelayPanel,
) -> None:
    """Open (or refresh) a device card; access is checked again on every press."""
    view = await overview.device(session, user.id, callback_data.device_id)
    await show(query, *await device_card(session, view, panel, tr, zone))


async def toggle_my_alerts(
    query: CallbackQuery,
    callback_data: DeviceAction,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
    zone: tzinfo,
    panel: RelayPanel,
) -> None:
    """Switch this member's alerts of the device and redraw the card."""
    view = await overview.toggle_notifications(session, user.id, callback_data.device_id)
    await show(query, *await device_card(session, view, panel, tr, zone))


async def unmute_my_alerts(
    query: CallbackQuery,
    callback_data: DeviceAction,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
    zone: tzinfo,
    panel: RelayPanel,
) -> None:
    """End this member's mute of the device and redraw the card."""
    view = await overview.unmute(session, user.id, callback_data.device_id)
    await show(query, *await device_card(session, view, panel, tr, zone))


async def send_device_card(
    query: CallbackQuery,
    callback_data: DeviceAction,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
    zone: tzinfo,
    panel: RelayPanel,
) -> None:
    """Send a device card as a new message (from an alert, which stays as it is)."""
    view = await overview.device(session, user.id, callback_data.device_id)
    card, markup = await device_card(session, view, panel, tr, zone)
    await query.bot.send_message(user.id, card, reply_markup=markup)  # type: ignore[union-attr]
    await query.answer()


async def show_status(
    message: Message,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Show every device's readings in one message."""
    views = await overview.my_devices(session, user.id)
    for text in render.status_overview(views, render.now_context(tr, zone)):
        await message.answer(text)


async def choose_device(
    message: Message, session: AsyncSession, user: User, overview: DeviceOverview, tr: Translator
) -> None:
    """Offer the user's devices to pick the current one."""
    views = await overview.my_devices(session, user.id)
    if not views:
        await message.answer(tr("devices-empty"))
        return
    markup = keyboards.device_list(views, DeviceOp.SELECT)
    await message.answer(tr("devices-select-title"), reply_markup=markup)


async def select_device(
    query: CallbackQuery,
    callback_data: DeviceAction,
    session: AsyncSession,
    user: User,
    overview: DeviceOverview,
    tr: Translator,
) -> None:
    """Make the pressed device the current one."""
    view = await overview.select(session, user.id, callback_data.device_id)
    await show(query, tr("devices-selected", name=escape(view.device.name)), None)


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="devices")
    router.message.register(show_devices, Command("devices"))
    router.callback_query.register(back_to_list, DeviceAction.filter(F.op == DeviceOp.LIST))
    router.callback_query.register(turn_list_page, DevicePage.filter())
    router.callback_query.register(open_device, DeviceAction.filter(F.op == DeviceOp.OPEN))
    router.callback_query.register(send_device_card, DeviceAction.filter(F.op == DeviceOp.SHOW))
    router.callback_query.register(toggle_my_alerts, DeviceAction.filter(F.op == DeviceOp.NOTIFY))
    router.callback_query.register(unmute_my_alerts, DeviceAction.filter(F.op == DeviceOp.UNMUTE))
    router.message.register(show_status, Command("status"))
    router.message.register(choose_device, Command("select"))
    router.callback_query.register(select_device, DeviceAction.filter(F.op == DeviceOp.SELECT))
    return router
