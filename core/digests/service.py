"""Queue each morning digest once, at the reader's digest hour in their timezone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.repository import MembershipRepository
from core.alerts.repository import EpisodeRepository
from core.digests.night import last_night
from core.history.repository import RollupRepository
from core.outbox.repository import OutboxRepository
from core.users.models import User
from core.users.repository import UserRepository


async def queue_digests(session: AsyncSession, now: datetime, default_tz: str) -> int:
    """Write the digests due now (one per person and day); return how many."""
    users = await UserRepository(session).with_quiet_hours()
    queued = 0
    for user in users:
        zone = clock.zone(user.timezone, default_tz)
        local = now.astimezone(zone)
        if local.hour != user.digest_hour:
            continue
        payload = await _digest(session, user, local)
        if payload is None:
            continue
        dedup = f"digest:{user.id}:{local.date().isoformat()}"
        if await OutboxRepository(session).enqueue_one(user.id, "digest", "info", dedup, payload):
            queued += 1
    return queued


async def _digest(session: AsyncSession, user: User, local: datetime) -> dict[str, Any] | None:
    if user.quiet_start is None or user.quiet_end is None:
        return None
    devices = [d for d, _ in await MembershipRepository(session).devices_of(user.id)]
    if not devices:
        return None
    start, end = last_night(
        local.date(), local.tzinfo or clock.zone(None), user.quiet_start, user.quiet_end
    )
    ids = [d.id for d in devices]
    stats = await RollupRepository(session).summary(ids, start, end)
    episodes = await EpisodeRepository(session).in_range(ids, start, end)
    by_id = {d.id: d for d in devices}
    return {
        "event": "digest",
        "start": start.timestamp(),
        "end": end.timestamp(),
        "devices": [
            {
                "name": d.name,
                "location": d.location,
                "metrics": {m: list(v) for m, v in stats.get(d.id, {}).items()},
            }
            for d in devices
        ],
        "alerts": [
            {
                "device_name": by_id[e.device_id].name,
                "location": by_id[e.device_id].location,
                "kind": e.kind,
                "metric": e.metric,
                "severity": e.severity,
                "event": "opened",
                "opened_at": e.opened_at.timestamp(),
            }
            for e in episodes
        ],
        "offline": [d.name for d in devices if not d.is_online and d.last_seen_at is not None],
    }
