"""Keyboards of the device list, the device card and the device picker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    CommandAction,
    CommandOp,
    DeviceAction,
    DeviceOp,
    DevicePage,
    HistoryOp,
    HistoryView,
    MemberAction,
    MemberOp,
    RelayAction,
    RelayOp,
    SettingsAction,
    SettingsOp,
    ShareAction,
)
from bot.i18n import Translator
from bot.render.devices import device_line
from bot.render.shelly import channel_name
from bot.render.time import clock_time
from core import clock
from core.access.policy import Action, allows
from core.devices.kinds import kind_of
from core.devices.overview import DeviceView
from core.devices.relays import Channel
from core.history.views import Span

DEVICES_PER_PAGE = 20


def device_list(
    views: list[DeviceView], op: DeviceOp = DeviceOp.OPEN, page: int = 0
) -> InlineKeyboardMarkup:
    """One button per device; pressing it opens (or selects) the device. More devices than
    a page holds (Telegram takes 100 buttons at most) are paged with ◀ ▶."""
    pages = max(1, -(-len(views) // DEVICES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    builder = InlineKeyboardBuilder()
    shown = views[page * DEVICES_PER_PAGE : (page + 1) * DEVICES_PER_PAGE]
    for view in shown:
        builder.button(
            text=device_line(view), callback_data=DeviceAction(op=op, device_id=view.device.id)
        )
    rows = [1] * len(shown)
    if pages > 1:
        if page > 0:
            builder.button(text="◀", callback_data=DevicePage(op=op, page=page - 1))
        builder.button(text=f"{page + 1}/{pages}", callback_data=DevicePage(op=op, page=page))
        if page < pages - 1:
            builder.button(text="▶", callback_data=DevicePage(op=op, page=page + 1))
        rows.append(1 + (page > 0) + (page < pages - 1))
    builder.adjust(*rows)
    return builder.as_markup()


def device_card(
    view: DeviceView,
    tr: Translator,
    channels: list[Channel] | None = None,
    *,
    extra: Sequence[tuple[str, CallbackData]] = (),
    zone: tzinfo = UTC,
) -> InlineKeyboardMarkup:
    """The card's buttons; each shows only to roles that may use it (the server checks anyway).
    Relay channels get a switch button each, first; so do `extra` buttons (a panel's), two a row.
    """
    device_id, role = view.device.id, view.role
    builder = InlineKeyboardBuilder()
    rows = []
    for text, data in extra:
        builder.button(text=text, callback_data=data)
    rows += [2] * (len(extra) // 2) + [1] * (len(extra) % 2)
    if channels and allows(role, Action.CONTROL):
        for channel in channels:
            on = channel.on is not True  # unknown state: offer "on"
            name = channel_name(channel, tr)
            builder.button(
                text=tr("relay-button-on" if on else "relay-button-off", name=name),
                callback_data=RelayAction(
                    op=RelayOp.SET, device_id=device_id, channel=channel.index, on=int(on)
                ),
            )
            rows.append(1)
    text, data = _my_alerts(view, tr, zone)
    builder.button(text=text, callback_data=data)
    rows.append(1)
    if view.live.values:
        builder.button(
            text=tr("card-history"),
            callback_data=HistoryView(
                op=HistoryOp.CHART, device_id=device_id, metric="", span=Span.AUTO
            ),
        )
        rows.append(1)
    kind = kind_of(view.device.type_code)
    limits = not kind.limits_only or any(kind.can_alert_on(m) for m in view.live.values)
    if allows(role, Action.CONTROL) and kind.settings and limits:
        builder.button(
            text=tr("card-settings"),
            callback_data=SettingsAction(op=SettingsOp.OPEN, device_id=device_id),
        )
        if kind.commands:
            builder.button(
                text=tr("card-commands"),
                callback_data=CommandAction(op=CommandOp.MENU, device_id=device_id),
            )
            rows.append(2)
        else:
            rows.append(1)
    if allows(role, Action.INVITE):
        builder.button(text=tr("card-share"), callback_data=ShareAction(device_id=device_id))
        rows.append(1)
    if allows(role, Action.MANAGE_MEMBERS):
        for key, op in (("card-members", MemberOp.LIST), ("card-log", MemberOp.LOG)):
            builder.button(text=tr(key), callback_data=MemberAction(op=op, device_id=device_id))
        builder.button(
            text=tr("card-remove"),
            callback_data=MemberAction(op=MemberOp.REMOVE_ASK, device_id=device_id),
        )
        rows += [2, 1]
    builder.button(
        text=tr("devices-refresh"),
        callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id),
    )
    builder.button(text=tr("devices-back"), callback_data=DeviceAction(op=DeviceOp.LIST))
    builder.adjust(*rows, 2)
    return builder.as_markup()


def _my_alerts(view: DeviceView, tr: Translator, zone: tzinfo) -> tuple[str, DeviceAction]:
    """The member's own alerts of the device: on, off, or muted until a time (tap: unmute)."""
    device_id = view.device.id
    if view.muted_until is not None and view.notifications:
        until = clock_time(view.muted_until, zone, clock.now())
        text = tr("devices-alerts-muted", time=until)
        return text, DeviceAction(op=DeviceOp.UNMUTE, device_id=device_id)
    text = tr("devices-alerts-on" if view.notifications else "devices-alerts-off")
    return text, DeviceAction(op=DeviceOp.NOTIFY, device_id=device_id)


def back_to_card(device_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """A single button back to the device card."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("card-back"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id)
    )
    return builder.as_markup()
