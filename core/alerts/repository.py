"""All SQL for alert episodes and the thresholds waiting out their minimum duration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.access.models import Membership
from core.alerts.models import AlertEpisode, AlertWatch
from core.db import any_id, delete_some
from core.devices.models import Device


@dataclass(frozen=True, slots=True)
class Watch:
    """A threshold waiting out its minimum duration: since when, with which value."""

    device_id: int
    kind: str
    metric: str
    since: datetime
    value: float


_START_WATCHES = text("""
INSERT INTO alert_watches AS w (device_id, kind, metric, pending_since, value)
SELECT v.* FROM unnest(CAST(:ids AS integer[]), CAST(:kinds AS text[]),
                       CAST(:metrics AS text[]), CAST(:since AS timestamptz[]),
                       CAST(:values AS float8[])) AS v(device_id, kind, metric, since, value)
-- a device removed since its reading arrived has nothing to wait for
JOIN devices AS d ON d.id = v.device_id
ON CONFLICT (device_id, kind, metric) DO UPDATE
SET pending_since = excluded.pending_since, value = excluded.value
""")


class WatchRepository:
    """Thresholds passed and waiting out their rule's minimum duration (`alert_watches`)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all(self) -> list[Watch]:
        """Every threshold waiting now."""
        rows = (await self._session.scalars(select(AlertWatch))).all()
        return [Watch(r.device_id, r.kind, r.metric, r.pending_since, r.value) for r in rows]

    async def of(self, device_ids: Iterable[int]) -> list[Watch]:
        """The thresholds of these devices waiting now."""
        query = select(AlertWatch).where(any_id(AlertWatch.device_id, device_ids))
        rows = (await self._session.scalars(query)).all()
        return [Watch(r.device_id, r.kind, r.metric, r.pending_since, r.value) for r in rows]

    async def apply(self, started: Sequence[Watch], ended: Sequence[tuple[int, str, str]]) -> None:
        """Record thresholds that started waiting and forget those that no longer wait (in
        key order: a fixed lock order)."""
        if ended:
            keys = sorted(ended)
            await self._session.execute(
                delete(AlertWatch).where(
                    tuple_(AlertWatch.device_id, AlertWatch.kind, AlertWatch.metric).in_(keys)
                )
            )
        if started:
            rows = sorted(started, key=lambda w: (w.device_id, w.kind, w.metric))
            await self._session.execute(
                _START_WATCHES,
                {
                    "ids": [w.device_id for w in rows],
                    "kinds": [w.kind for w in rows],
                    "metrics": [w.metric for w in rows],
                    "since": [w.since for w in rows],
                    "values": [w.value for w in rows],
                },
            )


class EpisodeRepository:
    """Opening, closing and reading episodes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def prune(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` episodes closed before `before` (retention; open ones stay,
        and the outbox rows of those that go, long since settled, go with them)."""
        closed = AlertEpisode.closed_at < before
        return await delete_some(self._session, AlertEpisode, closed, limit)

    async def open_episodes(self) -> Sequence[AlertEpisode]:
        """Return every episode that is still open."""
        query = select(AlertEpisode).where(AlertEpisode.closed_at.is_(None))
        return (await self._session.scalars(query)).all()

    async def open_keys(self, device_ids: Iterable[int]) -> list[tuple[int, str, str]]:
        """(device id, kind, metric) of the open episodes of these devices."""
        query = select(AlertEpisode.device_id, AlertEpisode.kind, AlertEpisode.metric).where(
            AlertEpisode.closed_at.is_(None), any_id(AlertEpisode.device_id, device_ids)
        )
        return [(d, kind, metric) for d, kind, metric in (await self._session.execute(query)).all()]

    async def open(
        self,
        device_id: int,
        kind: str,
        metric: str,
        severity: str,
        value: float | None,
        threshold: float | None,
        at: datetime,
        detail: dict[str, Any] | None = None,
    ) -> AlertEpisode | None:
        """Open an episode; None when one is open already (a restart, another instance)."""
        query = (
            insert(AlertEpisode)
            .values(
                device_id=device_id,
                kind=kind,
                metric=metric,
                severity=severity,
                value=value,
                threshold=threshold,
                opened_at=at,
                detail=detail or {},
            )
            .on_conflict_do_nothing(
                index_elements=["device_id", "kind", "metric"],
                index_where=text("closed_at IS NULL"),
            )
            .returning(AlertEpisode)
        )
        return await self._session.scalar(query)

    async def close(
        self, device_id: int, kind: str, metric: str, at: datetime, value: float | None
    ) -> AlertEpisode | None:
        """Close the open episode, if there is one, and return it."""
        query = (
            update(AlertEpisode)
            .where(
                AlertEpisode.device_id == device_id,
                AlertEpisode.kind == kind,
                AlertEpisode.metric == metric,
                AlertEpisode.closed_at.is_(None),
            )
            .values(closed_at=at, close_value=value)
            .returning(AlertEpisode)
        )
        return await self._session.scalar(query)

    async def take_due_reminders(
        self, now: datetime, every: timedelta, limit: int
    ) -> Sequence[AlertEpisode]:
        """Count one more reminder on each open, unacknowledged critical episode that is due."""
        due = AlertEpisode.opened_at + every * (AlertEpisode.reminders_sent + 1) <= now
        query = (
            update(AlertEpisode)
            .where(
                AlertEpisode.closed_at.is_(None),
                AlertEpisode.acknowledged_by.is_(None),
                AlertEpisode.severity == "critical",
                AlertEpisode.reminders_sent < limit,
                due,
            )
            .values(reminders_sent=AlertEpisode.reminders_sent + 1)
            .returning(AlertEpisode)
        )
        return (await self._session.scalars(query)).all()

    async def recent_for_member(
        self, user_id: int, offset: int, limit: int
    ) -> tuple[Sequence[tuple[AlertEpisode, Device]], int]:
        """Episodes of the user's devices, open ones first, then newest; and how many in all."""
        mine = select(Membership.device_id).where(Membership.user_id == user_id)
        query = (
            select(AlertEpisode, Device)
            .join(Device, Device.id == AlertEpisode.device_id)
            .where(AlertEpisode.device_id.in_(mine))
            .order_by(
                AlertEpisode.closed_at.is_(None).desc(),
                AlertEpisode.opened_at.desc(),
                AlertEpisode.id.desc(),  # episodes opened in the same instant keep one order
            )
            .offset(offset)
            .limit(limit)
        )
        rows = [(episode, device) for episode, device in (await self._session.execute(query)).all()]
        total = await self._session.scalar(
            select(func.count()).select_from(AlertEpisode).where(AlertEpisode.device_id.in_(mine))
        )
        return rows, int(total or 0)

    async def in_range(
        self, device_ids: Sequence[int], start: datetime, end: datetime, *, opened: bool = True
    ) -> Sequence[AlertEpisode]:
        """Episodes of these devices that opened in [start, end) (`opened`), or that were
        open at some moment of it, oldest first."""
        if opened:
            when = (AlertEpisode.opened_at >= start, AlertEpisode.opened_at < end)
        else:
            when = (
                AlertEpisode.opened_at < end,
                AlertEpisode.closed_at.is_(None) | (AlertEpisode.closed_at > start),
            )
        query = (
            select(AlertEpisode)
            .where(AlertEpisode.device_id.in_(device_ids), *when)
            .order_by(AlertEpisode.opened_at)
        )
        return (await self._session.scalars(query)).all()

    async def count_opened(self, since: datetime) -> int:
        """How many episodes opened since `since`, on any device."""
        query = select(func.count()).where(AlertEpisode.opened_at >= since)
        return int(await self._session.scalar(query) or 0)

    async def get(self, episode_id: int) -> AlertEpisode | None:
        """Return one episode."""
        return await self._session.get(AlertEpisode, episode_id)

    async def acknowledged_among(self, episode_ids: Iterable[int]) -> set[int]:
        """Which of these episodes someone has acknowledged."""
        ids = list(episode_ids)
        if not ids:
            return set()
        query = select(AlertEpisode.id).where(
            AlertEpisode.id.in_(ids), AlertEpisode.acknowledged_by.is_not(None)
        )
        return set((await self._session.scalars(query)).all())

    async def acknowledge(self, episode_id: int, user_id: int, at: datetime) -> bool:
        """Mark an episode acknowledged unless someone did already; return whether we did."""
        query = (
            update(AlertEpisode)
            .where(AlertEpisode.id == episode_id, AlertEpisode.acknowledged_by.is_(None))
            .values(acknowledged_by=user_id, acknowledged_at=at)
        )
        result = await self._session.execute(query)
        return bool(result.rowcount)  # type: ignore[attr-defined]
