"""Retention: the tables that grow with use are kept to a number of days each.

Once a day one processor instance (an advisory lock; the others skip) deletes, in batches,
audit entries, settled outbox messages (sent, failed, dropped — never pending ones) and
finished broadcasts (by the outbox's setting), panel events, closed alert episodes, and
invitations used or expired, older than their setting (`RETENTION_*_DAYS`; 0 keeps forever).
Readings have their own retention in the history job; the quarantine is a list in Redis
capped at its newest QUARANTINE_KEEP messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.alerts.repository import EpisodeRepository
from core.audit.repository import AuditRepository
from core.broadcasts.repository import BroadcastRepository
from core.history.repository import HistoryRepository
from core.outbox.repository import OutboxRepository
from core.panels.repository import PanelEventRepository
from core.settings import Settings
from core.sharing.repository import InviteRepository

JOB: Final = "platform.retention"
BATCH: Final = 5_000  # rows per statement
MAX_BATCHES: Final = 200  # per table and run: a backlog is worked off over a few days

Pruner = Callable[[AsyncSession, datetime, int], Awaitable[int]]
_TABLES: Final[dict[str, Pruner]] = {
    "audit_log": lambda s, before, n: AuditRepository(s).prune(before, n),
    "outbox": lambda s, before, n: OutboxRepository(s).prune(before, n),
    "broadcasts": lambda s, before, n: BroadcastRepository(s).prune(before, n),
    "panel_events": lambda s, before, n: PanelEventRepository(s).prune(before, n),
    "alert_episodes": lambda s, before, n: EpisodeRepository(s).prune(before, n),
    "invites": lambda s, before, n: InviteRepository(s).prune(before, n),
}


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How many days each table keeps (0: forever)."""

    days: dict[str, int]

    @classmethod
    def of(cls, settings: Settings) -> RetentionPolicy:
        """The policy the settings give."""
        return cls(
            {
                "audit_log": settings.retention_audit_days,
                "outbox": settings.retention_outbox_days,
                "broadcasts": settings.retention_outbox_days,  # finished ones, with the outbox
                "panel_events": settings.retention_panel_events_days,
                "alert_episodes": settings.retention_episodes_days,
                "invites": settings.retention_invites_days,
            }
        )


async def prune(
    sessions: async_sessionmaker[AsyncSession], now: datetime, policy: RetentionPolicy
) -> dict[str, int] | None:
    """Delete what the policy no longer keeps; how many rows went per table, or None when
    another instance holds the job."""
    deleted: dict[str, int] = {}
    async with sessions() as session, session.begin():
        if not await HistoryRepository(session).try_lock(JOB):
            return None
        for table, pruner in _TABLES.items():
            days = policy.days.get(table, 0)
            if days <= 0:
                continue
            before, total = now - timedelta(days=days), 0
            for _ in range(MAX_BATCHES):
                gone = await pruner(session, before, BATCH)
                total += gone
                if gone < BATCH:
                    break
            deleted[table] = total
    return deleted
