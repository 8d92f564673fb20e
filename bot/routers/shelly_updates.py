"""A Shelly's own firmware update from its card: confirm, start, then the card again with
what the device says."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DeviceAction, DeviceOp, FirmwareAction, FirmwareOp
from bot.cards import device_card
from bot.i18n import Translator
from bot.replies import edit, show
from core.devices.overview import DeviceOverview
from core.devices.relays import RelayPanel
from core.firmware.shelly import ShellyUpdates
from core.users.models import User


async def confirm(
    query: CallbackQuery,
    callback_data: FirmwareAction,
    session: AsyncSession,
    user: User,
    shelly_updates: ShellyUpdates,
    tr: Translator,
) -> None:
    """Ask "update from … to …?" (core holds the question; the "yes" carries its nonce)."""
    version = callback_data.version
    device, nonce = await shelly_updates.ask(session, user.id, callback_data.device_id, version)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("shelly-button-yes"),
        callback_data=FirmwareAction(
            op=FirmwareOp.SHELLY_GO, device_id=device.id, version=version, nonce=nonce
        ),
    )
    builder.button(
        text=tr("prompt-cancel"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device.id)
    )
    builder.adjust(1)
    text = tr(
        "shelly-confirm",
        name=escape(device.name),
        version=escape(version),
        **{"from": escape(device.firmware_version or "?")},
    )
    await show(query, text, builder.as_markup())


async def start(  # noqa: PLR0913 - what the handler is given
    query: CallbackQuery,
    *,
    callback_data: FirmwareAction,
    session: AsyncSession,
    user: User,
    shelly_updates: ShellyUpdates,
    tr: Translator,
    zone: tzinfo,
    overview: DeviceOverview,
    panel: RelayPanel,
) -> None:
    """The "yes" (a forged or used one is refused before anything is said): say at once that
    the device is asked, then show the card again under what the device answered."""
    prepared = await shelly_updates.prepare(
        session, user.id, callback_data.device_id, callback_data.version, callback_data.nonce
    )
    version = escape(prepared.version)
    await show(query, tr("shelly-asking", version=version), None)
    started = await shelly_updates.send(session, prepared)
    names = {"name": escape(started.device.name), "version": version}
    if started.result is None:
        said = tr("shelly-no-answer", **names)
    elif started.result.ok:
        said = tr("shelly-started", **names)
    else:
        said = tr("shelly-refused", **names, reason=escape(started.result.error or "?"))
    view = await overview.device(session, user.id, started.device.id)
    text, markup = await device_card(session, view, panel, tr, zone)
    await edit(query, f"{said}\n\n{text}", markup)


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="shelly_updates")
    on = FirmwareAction.filter
    router.callback_query.register(confirm, on(F.op == FirmwareOp.SHELLY_ASK))
    router.callback_query.register(start, on(F.op == FirmwareOp.SHELLY_GO))
    return router
