"""Device cards: gather what a card of each device type shows, and render it with its buttons."""

from __future__ import annotations

from datetime import tzinfo

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.keyboards import devices as keyboards
from bot.render import devices as render
from bot.render import satel as satel_render
from bot.render import shelly as shelly_render
from core.devices import shelly
from core.devices.overview import DeviceView
from core.devices.relays import RelayPanel
from core.panels.profile import SATEL


async def device_card(
    session: AsyncSession,
    view: DeviceView,
    panel: RelayPanel,
    tr: Translator,
    zone: tzinfo,
    confirmed: dict[int, bool] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The card of a device and its keyboard (relays and meters get cards of their own)."""
    ctx = render.now_context(tr, zone)
    type_code = view.device.type_code
    if shelly.channel_count(type_code):
        channels = await panel.channels(session, view, confirmed)
        body = shelly_render.channel_lines(channels, tr)
        return render.device_card(view, ctx, body), keyboards.device_card(view, tr, channels)
    if type_code == SATEL and panel.panels is not None:
        panel_view = await panel.panels.view(session, view.user_id, view.device.id)
        body = satel_render.panel_lines(panel_view, tr, zone)
        extra = satel_render.panel_buttons(panel_view, tr)
        return render.device_card(view, ctx, body), keyboards.device_card(view, tr, extra=extra)
    if type_code == shelly.PRO3EM:
        figures = await panel.energy(session, view.device.id, zone, ctx.now)
        body = shelly_render.meter_lines(view, figures, tr)
        return render.device_card(view, ctx, body), keyboards.device_card(view, tr)
    return render.device_card(view, ctx), keyboards.device_card(view, tr)
