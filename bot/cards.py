"""Device cards: one renderer per card kind (`core.devices.kinds.Card`), with its buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import tzinfo

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import FirmwareAction
from bot.i18n import Translator
from bot.keyboards import devices as keyboards
from bot.render import devices as render
from bot.render import firmware
from bot.render import satel as satel_render
from bot.render import shelly as shelly_render
from bot.render.devices import RenderContext
from core.access.policy import Action, allows
from core.devices.kinds import Card, kind_of
from core.devices.overview import DeviceView
from core.devices.relays import RelayPanel
from core.firmware import offers
from core.firmware import shelly as shelly_updates

CardPair = tuple[str, InlineKeyboardMarkup]


@dataclass(frozen=True, slots=True)
class CardInput:
    """What a card renderer is given: the view, the readers, the person's texts and zone."""

    session: AsyncSession
    view: DeviceView
    panel: RelayPanel
    tr: Translator
    zone: tzinfo
    confirmed: dict[int, bool] | None
    ctx: RenderContext


async def _sensor(card: CardInput) -> CardPair:
    """Readings, and for kinds that take updates, the update under way or on offer (its
    buttons to those who may answer it)."""
    view = card.view
    news = await offers.news(card.session, view.device)
    body = None
    if news is not None:
        body = [
            *render.reading_lines(view, card.ctx),
            "",
            *firmware.news_lines(news, card.tr, card.zone),
        ]
    extra = (
        firmware.offer_buttons(news, view.device.id, card.tr)
        if allows(view.role, Action.UPDATE_FIRMWARE)
        else []
    )
    return render.device_card(view, card.ctx, body), keyboards.device_card(
        view, card.tr, extra=extra, zone=card.zone
    )


async def _own_update(card: CardInput) -> tuple[list[str], list[tuple[str, FirmwareAction]]]:
    """A Shelly's own firmware update, under way or on offer: its lines, and its button to
    those who may start it."""
    news = await shelly_updates.news(card.session, card.view.device)
    lines = firmware.shelly_lines(news, card.tr)
    buttons = (
        firmware.shelly_buttons(news, card.view.device.id, card.tr)
        if allows(card.view.role, Action.UPDATE_FIRMWARE)
        else []
    )
    return (["", *lines] if lines else []), buttons


async def _relays(card: CardInput) -> CardPair:
    channels = await card.panel.channels(card.session, card.view, card.confirmed)
    lines, extra = await _own_update(card)
    body = [*shelly_render.channel_lines(channels, card.tr), *lines]
    return (
        render.device_card(card.view, card.ctx, body),
        keyboards.device_card(card.view, card.tr, channels, extra=extra, zone=card.zone),
    )


async def _meter(card: CardInput) -> CardPair:
    figures = await card.panel.energy(card.session, card.view.device.id, card.zone, card.ctx.now)
    lines, extra = await _own_update(card)
    body = [*shelly_render.meter_lines(card.view, figures, card.tr), *lines]
    return render.device_card(card.view, card.ctx, body), keyboards.device_card(
        card.view, card.tr, extra=extra, zone=card.zone
    )


async def _panel(card: CardInput) -> CardPair:
    if card.panel.panels is None:
        return await _sensor(card)
    view = card.view
    panel_view = await card.panel.panels.view(card.session, view.user_id, view.device.id)
    body = satel_render.panel_lines(panel_view, card.tr, card.zone)
    extra = satel_render.panel_buttons(panel_view, card.tr)
    return render.device_card(view, card.ctx, body), keyboards.device_card(
        view, card.tr, extra=extra, zone=card.zone
    )


RENDERERS: dict[Card, Callable[[CardInput], Awaitable[CardPair]]] = {
    Card.SENSOR: _sensor,
    Card.RELAYS: _relays,
    Card.METER: _meter,
    Card.PANEL: _panel,
}


async def device_card(
    session: AsyncSession,
    view: DeviceView,
    panel: RelayPanel,
    tr: Translator,
    zone: tzinfo,
    confirmed: dict[int, bool] | None = None,
) -> CardPair:
    """The card of a device and its keyboard, drawn by its kind's renderer."""
    renderer = RENDERERS[kind_of(view.device.type_code).card]
    ctx = render.now_context(tr, zone)
    return await renderer(CardInput(session, view, panel, tr, zone, confirmed, ctx))
