"""Buttons under an alert."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import AlertAction, AlertOp, DeviceAction, DeviceOp
from bot.i18n import Translator


def alert_buttons(
    episode_id: int | None, device_id: int, tr: Translator, *, can_ack: bool
) -> InlineKeyboardMarkup:
    """Acknowledge (while unacknowledged), Mute 1 h for this device, Open device."""
    builder = InlineKeyboardBuilder()
    if can_ack and episode_id is not None:
        builder.button(
            text=tr("alert-button-ack"),
            callback_data=AlertAction(op=AlertOp.ACK, episode_id=episode_id),
        )
    builder.button(
        text=tr("alert-button-mute"),
        callback_data=AlertAction(op=AlertOp.MUTE, device_id=device_id),
    )
    builder.button(
        text=tr("alert-button-open"),
        callback_data=DeviceAction(op=DeviceOp.SHOW, device_id=device_id),
    )
    builder.adjust(2, 1)
    return builder.as_markup()


def open_only(device_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """Just Open device (for a closing message)."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("alert-button-open"),
        callback_data=DeviceAction(op=DeviceOp.SHOW, device_id=device_id),
    )
    return builder.as_markup()
