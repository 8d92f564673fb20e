"""Record episode openings and closings together with their outbox rows (one transaction)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.policy import Action
from core.access.repository import MembershipRepository
from core.access.service import Grant, require
from core.alerts.models import AlertEpisode
from core.alerts.repository import EpisodeRepository
from core.alerts.rules import Kind, Severity
from core.audit.repository import AuditRepository
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.devices.shelly import ShellyProfile
from core.errors import AccessDenied
from core.outbox.payloads import (
    AlertPayload,
    ArmingPayload,
    EpisodeEvent,
    EpisodePayload,
    Event,
    PayloadError,
    decode,
)
from core.outbox.repository import OutboxRepository
from core.panels.profile import PanelProfile
from core.panels.state import trouble_kind
from core.users.repository import UserRepository


@dataclass(frozen=True, slots=True)
class Change:
    """An episode to open or close, as the rules decided it."""

    device_id: int
    kind: Kind
    metric: str
    opens: bool
    severity: str
    value: float | None
    threshold: float | None
    at: float
    detail: Mapping[str, Any] | None = None  # kept with the episode (a panel alarm's zones)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A change that really happened in the database, with how many people will hear of it."""

    change: Change
    episode_id: int
    notified: int


async def record_changes(session: AsyncSession, changes: Sequence[Change]) -> list[Recorded]:
    """Open/close episodes and queue their messages in the caller's transaction."""
    if not changes:
        return []
    devices = await _devices(session, {c.device_id for c in changes})
    episodes, outbox = EpisodeRepository(session), OutboxRepository(session)
    recorded = []
    for change in changes:
        at = clock.from_timestamp(change.at)
        if change.opens:
            episode = await episodes.open(
                change.device_id,
                change.kind,
                change.metric,
                change.severity,
                change.value,
                change.threshold,
                at,
                dict(change.detail or {}),
            )
        else:
            episode = await episodes.close(
                change.device_id, change.kind, change.metric, at, change.value
            )
        device = devices.get(change.device_id)
        if episode is None or device is None:
            continue  # already open (restart, other instance) or nothing open to close
        event: EpisodeEvent = Event.OPENED if change.opens else Event.CLOSED
        payload = episode_payload(episode, device, event)
        notified = await outbox.enqueue_for_members(
            device.id, episode.id, event, episode.severity, payload
        )
        recorded.append(Recorded(change, episode.id, notified))
    return recorded


MAX_REMINDERS = 3


async def queue_reminders(session: AsyncSession, every: timedelta) -> int:
    """Remind members of unacknowledged critical episodes; return how many rows were queued."""
    episodes = await EpisodeRepository(session).take_due_reminders(
        clock.now(), every, MAX_REMINDERS
    )
    if not episodes:
        return 0
    devices = await _devices(session, {e.device_id for e in episodes})
    outbox, queued = OutboxRepository(session), 0
    for episode in episodes:
        device = devices.get(episode.device_id)
        if device is None:
            continue
        payload = episode_payload(episode, device, Event.REMINDER).model_copy(
            update={"reminder": episode.reminders_sent}
        )
        queued += await outbox.enqueue_for_members(
            device.id, episode.id, f"reminder{episode.reminders_sent}", episode.severity, payload
        )
    return queued


def episode_payload(episode: AlertEpisode, device: Device, event: EpisodeEvent) -> EpisodePayload:
    """What the bot needs to tell a member about an episode, in any language."""
    return EpisodePayload(
        event=event,
        kind=Kind(episode.kind),
        metric=episode.metric,
        severity=Severity(episode.severity),
        device_id=device.id,
        device_name=device.name,
        location=device.location,
        value=episode.value,
        threshold=episode.threshold,
        close_value=episode.close_value,
        opened_at=episode.opened_at.timestamp(),
        closed_at=episode.closed_at.timestamp() if episode.closed_at else None,
        **_relay_channel(episode.metric, device),
        **_panel_target(episode.kind, episode.metric, device),
        **_panel_zones(episode.detail or {}, device),
        reason=_text((episode.detail or {}).get("reason")),
    )


def _panel_target(kind: str, metric: str, device: Device) -> dict[str, Any]:
    """For a panel's alarm, fire, tamper or trouble: which partition or zone, by name."""
    if not kind.startswith("panel_") or not metric:
        return {}
    if metric[0] in "pz" and metric[1:].isdigit():
        group = "partitions" if metric[0] == "p" else "zones"
        number = int(metric[1:])
        return {
            "number": number,
            "target_name": PanelProfile.of(device.attributes).name(group, number),
        }
    kind, number = trouble_kind(metric)
    group = "outputs" if kind.startswith("output") else "zones"
    name = PanelProfile.of(device.attributes).name(group, number) if number else None
    return {"trouble": metric, "target_name": name}


def _panel_zones(detail: Mapping[str, Any], device: Device) -> dict[str, Any]:
    """For a panel's alarm: the zones that raised it, by name ("" when unnamed)."""
    zones = [z for z in detail.get("zones") or () if isinstance(z, int)]
    if not zones:
        return {}
    profile = PanelProfile.of(device.attributes)
    return {"zones": {z: profile.name("zones", z) or "" for z in zones}}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _relay_channel(metric: str, device: Device) -> dict[str, Any]:
    """For "off but drawing power": which channel, by the name people gave it."""
    match = re.fullmatch(r"switch([0-9])_off_act_power", metric or "")
    if match is None:
        return {}
    channel = int(match[1])
    name = ShellyProfile.of(device.attributes).channel_name(channel)
    return {"channel": channel, "channel_name": name}


async def _devices(session: AsyncSession, ids: set[int]) -> dict[int, Device]:
    return await DeviceRepository(session).get_many(ids)


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """Who acknowledged an episode, and the messages about it to update."""

    episode: AlertEpisode
    device: Device
    by_name: str
    at: datetime
    deliveries: list[tuple[int, int]]  # (chat id, message id)


async def acknowledge(session: AsyncSession, user_id: int, episode_id: int) -> Acknowledgement:
    """Acknowledge an episode for everyone (the first press counts; later ones see who)."""
    episode = await EpisodeRepository(session).get(episode_id)
    if episode is None:  # answered like a stranger's press: it says nothing of what exists
        raise AccessDenied(device_id=0, action=Action.VIEW.value)
    grant = await require(session, user_id, episode.device_id, Action.VIEW)
    if await EpisodeRepository(session).acknowledge(episode_id, user_id, clock.now()):
        AuditRepository(session).record(
            "alert.acknowledged",
            actor_user_id=user_id,
            device_id=episode.device_id,
            after={"episode": episode_id},
        )
    await session.commit()
    await session.refresh(episode)
    acker = await UserRepository(session).get(episode.acknowledged_by or user_id)
    deliveries = [
        (row.user_id, row.message_id)
        for row in await OutboxRepository(session).deliveries_of(episode_id)
        if row.message_id is not None
    ]
    return Acknowledgement(
        episode=episode,
        device=grant.device,
        by_name=acker.first_name if acker else "?",
        at=episode.acknowledged_at or clock.now(),
        deliveries=deliveries,
    )


@dataclass(frozen=True, slots=True)
class SentAlerts:
    """What one sent message told a person, in order: the episode of each alert (None for a
    notice without one) and its payload; and which of those episodes are acknowledged."""

    alerts: list[tuple[int | None, AlertPayload]]
    acknowledged: set[int]
    listed: int = 1  # rows the message itself was sent for (recoveries told later aside)

    @property
    def combined(self) -> bool:
        """Whether the message listed several alerts."""
        return self.listed > 1


async def sent_alerts(session: AsyncSession, chat: int, message_id: int) -> SentAlerts:
    """The alerts of a message the bot sent to `chat` (rows that do not decode are left out)."""
    outbox = OutboxRepository(session)
    rows = list(await outbox.rows_of_message(chat, message_id))
    listed = len(rows)
    ids = {row.episode_id for row in rows if row.episode_id is not None}
    # Recoveries told later, in messages of their own: the list shows those episodes as over.
    rows += [r for r in await outbox.closings_sent(chat, ids) if r.message_id != message_id]
    alerts: list[tuple[int | None, AlertPayload]] = []
    for row in rows:
        try:
            payload = decode(row.payload)
        except PayloadError:
            continue
        if isinstance(payload, EpisodePayload | ArmingPayload):
            alerts.append((row.episode_id, payload))
    acknowledged = await EpisodeRepository(session).acknowledged_among(ids)
    return SentAlerts(alerts, acknowledged, listed)


async def acknowledge_all(
    session: AsyncSession, user_id: int, chat: int, message_id: int
) -> list[Acknowledgement]:
    """Acknowledge every episode a combined message lists that nobody has acknowledged yet
    and that is still open; return an acknowledgement per episode this press settled."""
    sent = await sent_alerts(session, chat, message_id)
    done = []
    for episode_id, payload in sent.alerts:
        if episode_id is None or episode_id in sent.acknowledged:
            continue
        if not isinstance(payload, EpisodePayload) or not payload.is_opening:
            continue
        done.append(await acknowledge(session, user_id, episode_id))
        sent.acknowledged.add(episode_id)
    return done


async def mute(session: AsyncSession, user_id: int, device_id: int, hours: float) -> Grant:
    """Silence the member's alerts of a device for `hours`; return the muted grant."""
    grant = await require(session, user_id, device_id, Action.VIEW)
    until = clock.now() + timedelta(hours=hours)
    await MembershipRepository(session).set_muted_until(user_id, device_id, until)
    await session.commit()
    return Grant(grant.device, grant.role, grant.notifications, until)


async def unmute(session: AsyncSession, user_id: int, device_id: int) -> Grant:
    """Let the member's alerts of a device through again."""
    grant = await require(session, user_id, device_id, Action.VIEW)
    await MembershipRepository(session).set_muted_until(user_id, device_id, None)
    await session.commit()
    return Grant(grant.device, grant.role, grant.notifications, None)


@dataclass(frozen=True, slots=True)
class EpisodePage:
    """One page of a member's alert history."""

    items: list[tuple[AlertEpisode, Device]]
    page: int
    pages: int
    ackers: dict[int, str]  # user id → first name, of those who acknowledged these episodes


async def recent_episodes(
    session: AsyncSession, user_id: int, page: int, size: int = 5
) -> EpisodePage:
    """Return a page of episodes of the user's devices (open ones first)."""
    episodes = EpisodeRepository(session)
    _, total = await episodes.recent_for_member(user_id, 0, 0)
    pages = max(1, -(-total // size))
    page = min(max(0, page), pages - 1)
    items, _ = await episodes.recent_for_member(user_id, page * size, size)
    ids = {e.acknowledged_by for e, _ in items if e.acknowledged_by is not None}
    users = await UserRepository(session).get_many(ids)
    ackers = {uid: u.first_name for uid, u in users.items()}
    return EpisodePage(list(items), page, pages, ackers)
