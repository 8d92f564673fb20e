"""Device lines, cards, the status overview and the live view, as Telegram HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape

from bot.i18n import Translator
from bot.render import split
from bot.render.time import age, clock_time, local_number, reading_in
from core import clock
from core.devices import metrics
from core.devices.overview import DeviceView


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What every renderer needs besides the data: texts, the user's timezone, now."""

    tr: Translator
    zone: tzinfo
    now: datetime


def metric_name(metric: str, tr: Translator) -> str:
    """Return a metric's human name (its key when there is no text for it)."""
    zone = re.fullmatch(r"z([0-9]{1,3})_temperature", metric)  # a panel's ATD-100 zone
    if zone is not None:
        return tr("metric-zone-temperature", number=int(zone[1]))
    key = metrics.name_key(metric)
    text = tr(key)
    return metric if text == key else text


def reading(metric: str, value: float) -> str:
    """Render a value with its unit, e.g. `920 ppm`, `25.1 °C`."""
    unit = metrics.unit(metric)
    return f"{local_number(metrics.format_value(metric, value))} {unit}".rstrip()


def online_mark(view: DeviceView) -> str:
    """Return the one-character online mark of a device (⚪: it never connected; 🟡: a panel
    that says it is connected, but nobody has refreshed that for a while)."""
    if view.device.last_seen_at is None and not view.device.is_online:
        return "⚪"
    if view.unrefreshed and view.device.is_online:
        return "🟡"
    return "🟢" if view.device.is_online else "🔴"


def device_line(view: DeviceView) -> str:
    """Render a short line for buttons: mark, name and the key reading (plain text)."""
    text = f"{online_mark(view)} {view.device.name}"
    key = view.primary_metric
    if key and key in view.live.values:
        text += f" · {reading(key, view.live.values[key])}"
    return text


def _status_line(view: DeviceView, ctx: RenderContext) -> str:
    device = view.device
    if device.last_seen_at is None and not device.is_online:
        return ctx.tr("device-never-seen")
    since = device.online_changed_at
    if since is None:
        return ctx.tr("device-online" if device.is_online else "device-offline")
    key = "device-online-since" if device.is_online else "device-offline-since"
    return ctx.tr(key, since=clock_time(since, ctx.zone, ctx.now))


def reading_lines(view: DeviceView, ctx: RenderContext) -> list[str]:
    """Render one line per metric with its value, unit and age."""
    lines = []
    for metric in sorted(view.live.values, key=metrics.sort_key):
        value = view.live.values[metric]
        at = view.live.times.get(metric)
        when = age(ctx.now.timestamp() - at, ctx.tr) if at is not None else ""
        unit = metrics.unit(metric)
        lines.append(
            ctx.tr(
                "device-reading",
                metric=escape(metric_name(metric, ctx.tr)),
                value=local_number(metrics.format_value(metric, value)),
                unit=f" {unit}" if unit else "",
                age=when,
            )
        )
    return lines or [ctx.tr("device-no-readings")]


def device_card(view: DeviceView, ctx: RenderContext, body: list[str] | None = None) -> str:
    """Render the device card: name, status, readings with ages (or `body` in their place:
    relay channels, a meter's phases), location, firmware, role. However many readings a
    device has, the card stays one message: the readings that do not fit are counted."""
    device = view.device
    head = [f"<b>{escape(device.name)}</b>", _status_line(view, ctx), ""]
    tail = [""]
    if device.location:
        tail.append(ctx.tr("device-location", location=escape(device.location)))
    if device.last_seen_at is not None and not device.is_online:
        when = age((ctx.now - device.last_seen_at).total_seconds(), ctx.tr)
        tail.append(ctx.tr("device-last-seen", when=when))
    if device.firmware_version:
        tail.append(ctx.tr("device-firmware", version=escape(device.firmware_version)))
    tail.append(ctx.tr("device-role", role=ctx.tr(f"role-{view.role.value}")))
    lines = reading_lines(view, ctx) if body is None else body
    return "\n".join([*head, *_fitting(lines, [*head, *tail], ctx), *tail])


def _fitting(lines: list[str], around: list[str], ctx: RenderContext) -> list[str]:
    """The reading lines that fit in one message beside the lines `around` them."""
    room = split.MESSAGE_LIMIT - split.length("\n".join(around)) - 1
    return split.trim_lines(lines, room, lambda n: ctx.tr("device-more-readings", n=n))


def status_overview(views: list[DeviceView], ctx: RenderContext) -> list[str]:
    """Render every device's readings: as many messages as it takes, a device never split
    between two unless it alone is longer than a message."""
    if not views:
        return [ctx.tr("devices-empty")]
    blocks = [ctx.tr("status-title")]
    for view in views:
        head = f"{online_mark(view)} <b>{escape(view.device.name)}</b>"
        if view.device.location:
            head += f" · {escape(view.device.location)}"
        blocks.append("\n".join([head, *reading_lines(view, ctx)]))
    return split.pack(blocks)


def live_view(view: DeviceView, ctx: RenderContext, footer: str) -> str:
    """Render the live view message."""
    head = [ctx.tr("live-title", name=escape(view.device.name)), _status_line(view, ctx), ""]
    tail = ["", footer]
    return "\n".join([*head, *_fitting(reading_lines(view, ctx), [*head, *tail], ctx), *tail])


def now_context(tr: Translator, zone: tzinfo) -> RenderContext:
    """Build a render context for this moment (dates in the reader's language from here on,
    also in background tasks: live views, settings screens edited when a device applies)."""
    reading_in(tr.locale)
    return RenderContext(tr, zone, clock.now())
