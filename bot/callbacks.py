"""Every CallbackData of the bot: short prefixes, ids only; authority is re-checked on press."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class DeviceOp(StrEnum):
    """What a device button does."""

    OPEN = "o"
    LIST = "l"
    SELECT = "s"
    SHOW = "v"  # the card as a new message (from an alert, which stays as it is)
    NOTIFY = "n"  # switch my alerts of this device


class DeviceAction(CallbackData, prefix="d"):
    """A press on a device button; `device_id` is 0 for the list itself."""

    op: DeviceOp
    device_id: int = 0


class AlertOp(StrEnum):
    """What an alert button does."""

    ACK = "a"
    MUTE = "m"


class AlertAction(CallbackData, prefix="a"):
    """A press on an alert button: acknowledge the episode, or mute its device."""

    op: AlertOp
    episode_id: int = 0
    device_id: int = 0


class AlertPage(CallbackData, prefix="ap"):
    """A page of /alerts."""

    page: int


class QuietHours(CallbackData, prefix="q"):
    """A quiet-hours preset in /settings; -1, -1 switches them off."""

    start: int
    end: int


class DigestHour(CallbackData, prefix="dh"):
    """A morning digest hour in /settings."""

    hour: int
