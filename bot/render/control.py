"""What a command came to, as Telegram HTML."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from bot.i18n import Translator
from bot.render.time import clock_time
from core import clock
from core.commands.service import CommandOutcome
from core.devices.models import Device

AT_ONCE_SECONDS = 0.05  # "done in 0.0 s" reads oddly


def outcome_text(outcome: CommandOutcome, tr: Translator, zone: tzinfo) -> str:
    """Done (with the time it took), refused by the device (with its reason), or no answer."""
    name, command = escape(outcome.device.name), tr(f"command-{outcome.command}")
    result = outcome.result
    if result is not None and result.ok:
        if outcome.seconds < AT_ONCE_SECONDS:
            return tr("command-done-at-once", command=command, name=name)
        return tr("command-done", command=command, name=name, seconds=f"{outcome.seconds:.1f}")
    if result is not None:
        return tr("command-failed", command=command, name=name, error=escape(result.error or "?"))
    waited = f"{outcome.seconds:.0f}"
    text = tr("command-no-answer", command=command, name=name, seconds=waited)
    return text + "\n" + device_state(outcome.device, tr, zone)


def device_state(device: Device, tr: Translator, zone: tzinfo) -> str:
    """Why a device may not have answered: online now, offline since when, or never seen."""
    if device.is_online:
        return tr("command-device-online")
    since = device.online_changed_at or device.last_seen_at
    if since is None:
        return tr("command-device-never-seen")
    return tr("command-device-offline-since", since=clock_time(since, zone, clock.now()))
