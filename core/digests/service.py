"""Queue each morning digest once, at the reader's digest hour in their timezone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.access.repository import MembershipRepository
from core.alerts.repository import EpisodeRepository
from core.alerts.service import episode_payload
from core.digests.night import last_night
from core.history.repository import RollupRepository
from core.outbox.payloads import DigestDevice, DigestPayload, Event
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


async def _digest(session: AsyncSession, user: User, local: datetime) -> DigestPayload | None:
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
    return DigestPayload(
        event=Event.DIGEST,
        start=start.timestamp(),
        end=end.timestamp(),
        devices=[
            DigestDevice(name=d.name, location=d.location, metrics=stats.get(d.id, {}))
            for d in devices
        ],
        alerts=[episode_payload(e, by_id[e.device_id], Event.OPENED) for e in episodes],
        offline=[d.name for d in devices if not d.is_online and d.last_seen_at is not None],
    )
