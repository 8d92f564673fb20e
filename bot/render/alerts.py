"""Alert messages from outbox payloads, in the reader's language and timezone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape

from bot.i18n import Translator
from bot.render.devices import metric_name, reading
from bot.render.satel import arming_headline, panel_details, panel_headline
from bot.render.split import pack
from bot.render.time import clock_time, local_number
from core import clock
from core.alerts.models import AlertEpisode
from core.alerts.rules import Kind
from core.alerts.service import episode_payload
from core.devices.metrics import format_value, sort_key
from core.devices.models import Device
from core.outbox.payloads import (
    AboutDevice,
    AlertPayload,
    ArmingPayload,
    DigestPayload,
    EpisodePayload,
    Event,
)

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


def _device(payload: AboutDevice) -> str:
    name = escape(payload.device_name)
    return f"{name} · {escape(payload.location)}" if payload.location else name


def _when(ts: float | None, zone: tzinfo) -> str:
    now = clock.now()
    return clock_time(datetime.fromtimestamp(ts or now.timestamp(), now.tzinfo), zone, now)


def headline(payload: AlertPayload, tr: Translator) -> str:
    """The first line of an alert: what, where."""
    device = _device(payload)
    if isinstance(payload, ArmingPayload):
        return arming_headline(payload, tr, device)
    opening = payload.is_opening
    if payload.kind == Kind.OFFLINE:
        return tr("alert-offline" if opening else "alert-online", device=device)
    if payload.is_panel:
        return panel_headline(payload, tr, device)
    direction = "high" if payload.kind == Kind.HIGH else "low"
    if payload.channel is not None:  # a relay off while its circuit draws power
        name = payload.channel_name or tr("relay-channel", number=payload.channel + 1)
        key = "alert-relay-draw" if opening else "alert-relay-draw-back"
        return tr(key, channel=escape(name), device=device)
    metric = escape(metric_name(payload.metric, tr))
    if opening:
        icon = ICONS.get(payload.severity, "🟠")
        return tr(f"alert-{direction}", icon=icon, metric=metric, device=device)
    return tr(f"alert-back-{direction}", metric=metric, device=device)


def alert_text(payload: AlertPayload, tr: Translator, zone: tzinfo) -> str:
    """The whole message about one episode opening, closing, or still open (a reminder)."""
    if isinstance(payload, EpisodePayload) and payload.event == Event.REMINDER:
        reminder = tr("alert-reminder", n=str(payload.reminder or 1))
        return reminder + "\n" + alert_text(payload.as_opened(), tr, zone)
    return "\n".join([headline(payload, tr), *details(payload, tr, zone)])


def details(payload: AlertPayload, tr: Translator, zone: tzinfo) -> list[str]:
    """What an alert says after its headline: the value and limit, since when, how long."""
    if isinstance(payload, ArmingPayload):
        return [tr("alert-at", time=_when(payload.at, zone))]
    if not payload.is_opening:
        return [_ended(payload, tr)]
    if payload.is_panel:
        since = tr("alert-since", time=_when(payload.opened_at, zone))
        return [*panel_details(payload, tr), since]
    if payload.kind == Kind.OFFLINE:
        since = tr("alert-offline-since", time=_when(payload.opened_at, zone))
        return [since, *([tr(f"panel-reason-{payload.reason}")] if payload.reason else [])]
    lines = []
    value, threshold, metric = payload.value, payload.threshold, payload.metric
    if value is not None and threshold is not None:
        lines.append(
            tr("alert-value", value=reading(metric, value), threshold=reading(metric, threshold))
        )
    lines.append(tr("alert-since", time=_when(payload.opened_at, zone)))
    return lines


def _ended(payload: EpisodePayload, tr: Translator) -> str:
    """How long an episode that just ended lasted (and the value it ended on)."""
    lasted = duration((payload.closed_at or 0) - (payload.opened_at or 0), tr)
    if payload.is_panel:
        return tr("alert-lasted", duration=lasted)
    if payload.kind == Kind.OFFLINE:
        return tr("alert-online-away", duration=lasted)
    value = payload.close_value
    shown = reading(payload.metric, value) if value is not None else "?"
    return tr("alert-back-value", value=shown, duration=lasted)


def over(closing: EpisodePayload, tr: Translator, zone: tzinfo) -> str:
    """The line added to an alert once its episode has ended."""
    return tr("alert-over", time=_when(closing.closed_at, zone), details=_ended(closing, tr))


@dataclass(frozen=True, slots=True)
class Entry:
    """One numbered line of a combined message: an alert, or an episode that opened and
    closed before the message went out."""

    payload: AlertPayload
    episode_id: int | None = None
    folded: bool = False  # its closing supersedes its opening in the same message

    @property
    def open_episode(self) -> int | None:
        """The episode a person can still acknowledge from this line, if any."""
        payload = self.payload
        if self.folded or not isinstance(payload, EpisodePayload) or not payload.is_opening:
            return None
        return self.episode_id


def entries_of(alerts: Sequence[tuple[int | None, AlertPayload]]) -> list[Entry]:
    """The lines of a combined message, in order: one per episode (a closing supersedes its
    opening and reminders); a list of devices gone offline is sorted by name."""
    latest: dict[object, Entry] = {}
    for index, (episode_id, payload) in enumerate(alerts):
        key: object = index
        if isinstance(payload, EpisodePayload) and payload.opened_at:
            key = (payload.device_id, payload.kind, payload.metric, payload.opened_at)
        folded = key in latest and payload.event == Event.CLOSED
        first = latest.get(key)
        latest[key] = Entry(payload, episode_id or (first.episode_id if first else None), folded)
    entries = list(latest.values())
    if _all_offline(entries):
        entries.sort(key=lambda e: (e.payload.device_name.casefold(), e.payload.location or ""))
    return entries


def _all_offline(entries: Sequence[Entry]) -> bool:
    return all(
        isinstance(e.payload, EpisodePayload)
        and e.payload.kind == Kind.OFFLINE
        and e.payload.event == Event.OPENED
        for e in entries
    )


def combined_text(
    entries: Sequence[Entry],
    tr: Translator,
    zone: tzinfo,
    *,
    unreachable: bool = False,
    quiet: bool = False,
) -> str:
    """One message for several alerts of one chat that were due together; each line keeps
    the alert's essentials (value, limit, since when) and its number for the buttons."""
    if _all_offline(entries) and not (unreachable or quiet):
        lines = [tr("alert-combined-offline", count=len(entries))]
        for n, entry in enumerate(entries, start=1):
            since = _when(entry.payload.opened_at, zone)  # type: ignore[union-attr]
            lines.append(tr("alert-offline-line", n=n, device=_device(entry.payload), time=since))
        return "\n".join(lines)
    title = "alert-quiet" if quiet else "alert-unreachable" if unreachable else "alert-combined"
    lines = [tr(title, count=len(entries))]
    for n, entry in enumerate(entries, start=1):
        p = entry.payload
        if entry.folded and isinstance(p, EpisodePayload):
            span = f"{_when(p.opened_at, zone)}–{_when(p.closed_at, zone)}"
            opened = headline(p.as_opened(), tr)
            lines.append(f"{n}. {tr('alert-was', alert=opened, span=span)}")
            continue
        prefix = "⏰ " if p.event == Event.REMINDER else ""
        lines.append(f"{n}. {prefix}{headline(p, tr)}")
        lines.append("    " + " · ".join(details(p, tr, zone)))
    return "\n".join(lines)


def episode_line(
    episode: AlertEpisode,
    device: Device,
    tr: Translator,
    zone: tzinfo,
    *,
    acker: str | None = None,
) -> str:
    """One entry of /alerts: what, where, the value and limit, when, whether it is still
    open, and who acknowledged it."""
    payload = episode_payload(episode, device, Event.OPENED)
    now = clock.now()
    if episode.closed_at is None:
        when = tr("alerts-open", time=clock_time(episode.opened_at, zone, now))
    else:
        when = tr(
            "alerts-closed",
            start=clock_time(episode.opened_at, zone, now),
            end=clock_time(episode.closed_at, zone, now),
        )
    facts = []
    value, threshold = payload.value, payload.threshold
    if value is not None and threshold is not None:
        facts.append(
            tr(
                "alert-value",
                value=reading(payload.metric, value),
                threshold=reading(payload.metric, threshold),
            )
        )
    facts.append(when)
    if acker is not None:
        facts.append(tr("alerts-acknowledged", name=escape(acker)))
    return f"{headline(payload, tr)}\n    " + " · ".join(facts)


def digest_text(payload: DigestPayload, tr: Translator, zone: tzinfo) -> list[str]:
    """The morning digest: each device's night, the night's alerts, what is offline now; in
    as many messages as it takes (a line is never torn)."""
    lines = [tr("digest-title", start=_when(payload.start, zone), end=_when(payload.end, zone))]
    for device in payload.devices:
        parts = []
        for metric, (low, high, mean) in sorted(
            device.metrics.items(), key=lambda item: sort_key(item[0])
        ):
            parts.append(
                tr(
                    "digest-metric",
                    metric=escape(metric_name(metric, tr)),
                    low=local_number(format_value(metric, low)),
                    high=local_number(format_value(metric, high)),
                    mean=reading(metric, mean),
                )
            )
        body = "; ".join(parts) if parts else tr("digest-no-readings")
        lines.append(f"<b>{escape(device.name)}</b>: {body}")
    lines.append(tr("digest-alerts", count=len(payload.alerts)))
    lines += [f"• {headline(a, tr)} ({_when(a.opened_at, zone)})" for a in payload.alerts]
    if payload.offline:
        lines.append(tr("digest-offline", names=escape(", ".join(payload.offline))))
    return pack(lines, "\n")
