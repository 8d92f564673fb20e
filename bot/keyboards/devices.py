"""Keyboards of the device list, the device card and the device picker."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import DeviceAction, DeviceOp
from bot.i18n import Translator
from bot.render.devices import device_line
from core.devices.overview import DeviceView


def device_list(views: list[DeviceView], op: DeviceOp = DeviceOp.OPEN) -> InlineKeyboardMarkup:
    """One button per device; pressing it opens (or selects) the device."""
    builder = InlineKeyboardBuilder()
    for view in views:
        builder.button(
            text=device_line(view), callback_data=DeviceAction(op=op, device_id=view.device.id)
        )
    builder.adjust(1)
    return builder.as_markup()


def device_card(view: DeviceView, tr: Translator) -> InlineKeyboardMarkup:
    """My alerts of this device on/off, refresh, back to the list."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("devices-alerts-on" if view.notifications else "devices-alerts-off"),
        callback_data=DeviceAction(op=DeviceOp.NOTIFY, device_id=view.device.id),
    )
    builder.button(
        text=tr("devices-refresh"),
        callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=view.device.id),
    )
    builder.button(text=tr("devices-back"), callback_data=DeviceAction(op=DeviceOp.LIST))
    builder.adjust(1, 2)
    return builder.as_markup()
