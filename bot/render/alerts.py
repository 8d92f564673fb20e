"""Alert messages from outbox payloads, in the reader's language and timezone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape
from typing import Any

from bot.i18n import Translator
from bot.render.devices import metric_name, reading
from bot.render.satel import panel_headline
from bot.render.time import clock_time
from core import clock
from core.alerts.models import AlertEpisode
from core.devices.metrics import format_value, sort_key
from core.devices.models import Device

ICONS = {"critical": "🔴", "warning": "🟠", "info": "🔵"}
MINUTE, HOUR = 60, 3600


def duration(seconds: float, tr: Translator) -> str:
    """Render a stretch of time, e.g. `25 min`, `2 h 5 min`."""
    seconds = max(0, int(seconds))
    if seconds < MINUTE:
        return tr("duration-seconds", n=str(seconds))
    if seconds < HOUR:
        return tr("duration-minutes", n=str(seconds // MINUTE))
    return tr("duration-hours", h=str(seconds // HOUR), m=str(seconds % HOUR // MINUTE))


def _device(payload: dict[str, Any]) -> str:
    name = escape(str(payload.get("device_name", "?")))
    location = payload.get("location")
    return f"{name} · {escape(str(location))}" if location else name


def _when(ts: float | None, zone: tzinfo) -> str:
    now = clock.now()
    return clock_time(datetime.fromtimestamp(ts or now.timestamp(), now.tzinfo), zone, now)


def headline(payload: dict[str, Any], tr: Translator) -> str:
    """The first line of an alert: what, where."""
    kind, event, device = payload.get("kind"), payload.get("event"), _device(payload)
    metric = escape(metric_name(str(payload.get("metric", "")), tr))
    if kind == "device_offline":
        return tr("alert-offline" if event == "opened" else "alert-online", device=device)
    if str(kind).startswith("panel_"):
        return panel_headline(payload, tr, device)
    direction = "high" if kind == "threshold_high" else "low"
    if "channel" in payload:  # a relay off while its circuit draws power
        name = payload.get("channel_name") or tr("relay-channel", number=payload["channel"] + 1)
        key = "alert-relay-draw" if event in {"opened", "reminder"} else "alert-relay-draw-back"
        return tr(key, channel=escape(str(name)), device=device)
    if event in {"opened", "reminder"}:
        icon = ICONS.get(str(payload.get("severity")), "🟠")
        return tr(f"alert-{direction}", icon=icon, metric=metric, device=device)
    return tr(f"alert-back-{direction}", metric=metric, device=device)


def alert_text(payload: dict[str, Any], tr: Translator, zone: tzinfo) -> str:
    """The whole message about one episode opening, closing, or still open (a reminder)."""
    if payload.get("event") == "reminder":
        reminder = tr("alert-reminder", n=str(payload.get("reminder", 1)))
        return reminder + "\n" + alert_text({**payload, "event": "opened"}, tr, zone)
    lines = [headline(payload, tr)]
    if str(payload.get("kind")).startswith("panel_"):
        return _panel_text(payload, lines, tr, zone)
    metric = str(payload.get("metric", ""))
    opened, closed = payload.get("opened_at"), payload.get("closed_at")
    if payload.get("kind") == "device_offline":
        if payload.get("event") == "opened":
            lines.append(tr("alert-offline-since", time=_when(opened, zone)))
        else:
            lines.append(
                tr("alert-online-away", duration=duration((closed or 0) - (opened or 0), tr))
            )
        return "\n".join(lines)
    if payload.get("event") == "opened":
        value, threshold = payload.get("value"), payload.get("threshold")
        if value is not None and threshold is not None:
            lines.append(
                tr(
                    "alert-value",
                    value=reading(metric, value),
                    threshold=reading(metric, threshold),
                )
            )
        lines.append(tr("alert-since", time=_when(opened, zone)))
    else:
        value = payload.get("close_value")
        lines.append(
            tr(
                "alert-back-value",
                value=reading(metric, value) if value is not None else "?",
                duration=duration((closed or 0) - (opened or 0), tr),
            )
        )
    return "\n".join(lines)


def _panel_text(payload: dict[str, Any], lines: list[str], tr: Translator, zone: tzinfo) -> str:
    """A panel alert: when it started (or how long it lasted); an arming notice: when."""
    opened, closed = payload.get("opened_at"), payload.get("closed_at")
    if payload.get("event") == "info":
        lines.append(tr("alert-at", time=_when(payload.get("at"), zone)))
    elif payload.get("event") == "closed":
        lines.append(tr("alert-lasted", duration=duration((closed or 0) - (opened or 0), tr)))
    else:
        lines.append(tr("alert-since", time=_when(opened, zone)))
    return "\n".join(lines)


def fold_episodes(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep one entry per episode: a closing supersedes its opening and its reminders."""
    latest: dict[object, dict[str, Any]] = {}
    for index, payload in enumerate(payloads):
        parts = ("device_id", "kind", "metric", "opened_at")
        key = tuple(payload.get(p) for p in parts) if payload.get("opened_at") else index
        folded = key in latest and payload.get("event") == "closed"
        latest[key] = {**payload, "folded": True} if folded else payload
    return list(latest.values())


def combined_text(
    payloads: list[dict[str, Any]],
    tr: Translator,
    zone: tzinfo,
    *,
    unreachable: bool = False,
    quiet: bool = False,
) -> str:
    """One message for several alerts of one chat that were due together."""
    entries = fold_episodes(payloads)
    offline = all(p.get("kind") == "device_offline" and p.get("event") == "opened" for p in entries)
    if offline and not (unreachable or quiet):
        names = ", ".join(_device(p) for p in entries)
        return tr("alert-combined-offline", count=len(entries)) + "\n" + names
    title = "alert-quiet" if quiet else "alert-unreachable" if unreachable else "alert-combined"
    lines = [tr(title, count=len(entries))]
    for p in entries:
        if p.get("folded"):
            span = f"{_when(p.get('opened_at'), zone)}–{_when(p.get('closed_at'), zone)}"
            opened = headline({**p, "event": "opened"}, tr)
            lines.append(f"• {tr('alert-was', alert=opened, span=span)}")
        else:
            prefix = "⏰ " if p.get("event") == "reminder" else ""
            lines.append(f"• {prefix}{headline(p, tr)}")
    return "\n".join(lines)


def episode_line(episode: AlertEpisode, device: Device, tr: Translator, zone: tzinfo) -> str:
    """One line of /alerts: what, where, when, and whether it is still open."""
    payload = {
        "kind": episode.kind,
        "event": "opened",
        "metric": episode.metric,
        "severity": episode.severity,
        "device_name": device.name,
        "location": device.location,
    }
    now = clock.now()
    if episode.closed_at is None:
        when = tr("alerts-open", time=clock_time(episode.opened_at, zone, now))
    else:
        when = tr(
            "alerts-closed",
            start=clock_time(episode.opened_at, zone, now),
            end=clock_time(episode.closed_at, zone, now),
        )
    return f"{headline(payload, tr)}\n    {when}"


def digest_text(payload: dict[str, Any], tr: Translator, zone: tzinfo) -> str:
    """The morning digest: each device's night, the night's alerts, what is offline now."""
    lines = [
        tr(
            "digest-title",
            start=_when(payload.get("start"), zone),
            end=_when(payload.get("end"), zone),
        )
    ]
    for device in payload.get("devices", []):
        parts = []
        for metric, (low, high, mean) in sorted(
            device.get("metrics", {}).items(), key=lambda item: sort_key(item[0])
        ):
            parts.append(
                tr(
                    "digest-metric",
                    metric=escape(metric_name(metric, tr)),
                    low=format_value(metric, low),
                    high=format_value(metric, high),
                    mean=reading(metric, mean),
                )
            )
        body = "; ".join(parts) if parts else tr("digest-no-readings")
        lines.append(f"<b>{escape(str(device.get('name')))}</b>: {body}")
    alerts = payload.get("alerts", [])
    lines.append(tr("digest-alerts", count=len(alerts)))
    lines += [f"• {headline(a, tr)} ({_when(a.get('opened_at'), zone)})" for a in alerts]
    offline = payload.get("offline", [])
    if offline:
        lines.append(tr("digest-offline", names=escape(", ".join(map(str, offline)))))
    return "\n".join(lines)
