"""Buttons under an alert."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import AlertAction, AlertOp, DeviceAction, DeviceOp
from bot.i18n import Translator
from bot.render.alerts import Entry

ACKS_PER_ROW = 5
MAX_OPEN_BUTTONS = 8  # devices to open from one combined message (its text names them all)


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


def combined_buttons(
    entries: Sequence[Entry], tr: Translator, acknowledged: Collection[int] = ()
) -> InlineKeyboardMarkup | None:
    """Under a combined message: ✅ n for each line still to acknowledge, ✅ all of them,
    and 📟 to open each device (the first few)."""
    builder = InlineKeyboardBuilder()
    numbered = [
        (n, e.open_episode)
        for n, e in enumerate(entries, start=1)
        if e.open_episode is not None and e.open_episode not in acknowledged
    ]
    sizes: list[int] = []
    for n, episode_id in numbered:
        builder.button(
            text=tr("alert-button-ack-n", n=n),
            callback_data=AlertAction(op=AlertOp.ACK, episode_id=episode_id or 0),
        )
    sizes += _rows(len(numbered), ACKS_PER_ROW)
    if len(numbered) > 1:
        builder.button(
            text=tr("alert-button-ack-all"), callback_data=AlertAction(op=AlertOp.ACK_ALL)
        )
        sizes.append(1)
    devices: dict[int, str] = {}
    for entry in entries:
        device_id = entry.payload.device_id
        if device_id is not None and device_id not in devices:
            devices[device_id] = entry.payload.device_name
    shown = list(devices.items())[:MAX_OPEN_BUTTONS]
    for device_id, name in shown:
        text = tr("alert-button-open") if len(devices) == 1 else f"📟 {name}"
        builder.button(text=text, callback_data=DeviceAction(op=DeviceOp.SHOW, device_id=device_id))
    sizes += _rows(len(shown), 2)
    if not sizes:
        return None
    builder.adjust(*sizes)
    return builder.as_markup()


def _rows(count: int, per_row: int) -> list[int]:
    return [min(per_row, count - start) for start in range(0, count, per_row)]
