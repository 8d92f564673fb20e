"""Relay buttons of a Pro 3 card: switch, confirm critical channels, show the device's answer.

A critical channel going off is asked about first. Core decides that and holds the question
(`core.confirmations`): the "yes" carries only its nonce, is for the person asked, works once
and for 30 s; a forged press without it is asked too, a forged "yes" is refused.
"""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DeviceAction, DeviceOp, RelayAction, RelayOp
from bot.cards import device_card
from bot.i18n import Translator
from bot.render import shelly as render
from bot.render.devices import now_context
from bot.replies import edit, show
from core.commands.service import ControlService
from core.devices.overview import DeviceOverview
from core.devices.relays import Channel, RelayPanel
from core.devices.shelly import ShellyProfile
from core.users.models import User


def _confirm(device_id: int, channel: Channel, nonce: str, tr: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("relay-confirm-yes", name=render.channel_name(channel, tr)),
        callback_data=RelayAction(
            op=RelayOp.CONFIRM, device_id=device_id, channel=channel.index, on=0, nonce=nonce
        ),
    )
    builder.button(
        text=tr("prompt-cancel"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id)
    )
    builder.adjust(1)
    return builder.as_markup()


async def press(  # noqa: PLR0913 - aiogram hands each dependency by name
    query: CallbackQuery,
    *,
    callback_data: RelayAction,
    session: AsyncSession,
    user: User,
    control: ControlService,
    overview: DeviceOverview,
    panel: RelayPanel,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Switch a channel: "switching…", then the device's confirmation (or its silence)."""
    device_id, index = callback_data.device_id, callback_data.channel
    on = callback_data.on == 1
    nonce = callback_data.nonce if callback_data.op is RelayOp.CONFIRM else ""
    if not nonce:  # a press: core says whether it needs a "yes" first
        device, asked = await control.ask_switch(session, user.id, device_id, index, on=on)
        if asked is not None:
            profile = ShellyProfile.of(device.attributes)
            channel = Channel(index, profile.channel_name(index), None, True)
            text = tr(
                "relay-confirm-off",
                name=escape(render.channel_name(channel, tr)),
                device=escape(device.name),
            )
            await show(query, text, _confirm(device_id, channel, asked, tr))
            return
    prepared = await control.prepare_switch(session, user.id, device_id, index, on=on, nonce=nonce)
    profile = ShellyProfile.of(prepared.device.attributes)
    name = escape(profile.channel_name(index) or tr("relay-channel", number=index + 1))
    await show(query, tr("relay-switching-on" if on else "relay-switching-off", name=name), None)
    outcome = await control.run(session, prepared)
    confirmed = {index: on} if outcome.result is not None and outcome.result.ok else None
    view = await overview.device(session, user.id, device_id)
    card, markup = await device_card(session, view, panel, tr, zone, confirmed)
    channel = Channel(index, profile.channel_name(index), on, index in profile.critical)
    notice = render.press_notice(outcome, channel, now_context(tr, zone))
    await edit(query, f"{notice}\n\n{card}", markup)


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="relays")
    router.callback_query.register(
        press, RelayAction.filter(F.op.in_({RelayOp.SET, RelayOp.CONFIRM}))
    )
    return router
