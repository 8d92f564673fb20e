"""Record episode openings and closings together with their outbox rows (one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.alerts.models import AlertEpisode
from core.alerts.repository import EpisodeRepository
from core.alerts.rules import Kind
from core.devices.models import Device
from core.outbox.repository import OutboxRepository


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
            )
        else:
            episode = await episodes.close(
                change.device_id, change.kind, change.metric, at, change.value
            )
        device = devices.get(change.device_id)
        if episode is None or device is None:
            continue  # already open (restart, other instance) or nothing open to close
        event = "opened" if change.opens else "closed"
        payload = episode_payload(episode, device, event)
        notified = await outbox.enqueue_for_members(
            device.id, episode.id, event, episode.severity, payload
        )
        recorded.append(Recorded(change, episode.id, notified))
    return recorded


def episode_payload(episode: AlertEpisode, device: Device, event: str) -> dict[str, Any]:
    """What the bot needs to tell a member about an episode, in any language."""
    return {
        "event": event,
        "kind": episode.kind,
        "metric": episode.metric,
        "severity": episode.severity,
        "device_id": device.id,
        "device_name": device.name,
        "location": device.location,
        "value": episode.value,
        "threshold": episode.threshold,
        "close_value": episode.close_value,
        "opened_at": episode.opened_at.timestamp(),
        "closed_at": episode.closed_at.timestamp() if episode.closed_at else None,
    }


async def _devices(session: AsyncSession, ids: set[int]) -> dict[int, Device]:
    rows = await session.scalars(select(Device).where(Device.id.in_(ids)))
    return {device.id: device for device in rows}
