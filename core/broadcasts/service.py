"""Broadcasts: a platform admin's message to everyone, to the owners of a device kind, or to
the people who read the bot in one language.

Each recipient's copy is one outbox row in the broadcast lane, written in the transaction that
starts the broadcast: the bots deliver them paced (Telegram's ~30 a second overall, one a second
per chat), after any alert that waits, and a bot restart resumes where delivery stopped without
sending anybody anything twice (the outbox's guarantee).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from core import clock
from core.audit.repository import AuditRepository
from core.broadcasts.models import Broadcast
from core.broadcasts.repository import BroadcastRepository
from core.outbox.repository import OutboxRepository
from core.users.repository import UserRepository

BROADCAST_SENT = "broadcast.sent"


class AudienceKind(StrEnum):
    """Who a broadcast goes to."""

    EVERYONE = "everyone"
    KIND = "kind"  # the owners of a device of a kind
    LANGUAGE = "language"  # the people who read the bot in a language


@dataclass(frozen=True, slots=True)
class Audience:
    """A broadcast's audience: a kind of audience, and the device kind or language."""

    kind: AudienceKind = AudienceKind.EVERYONE
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Choices:
    """The audiences an admin can pick, each with how many people it reaches."""

    everyone: int
    kinds: list[tuple[str, int]]  # device kind → its owners
    languages: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a broadcast stands."""

    broadcast: Broadcast
    sent: int
    blocked: int
    failed: int
    pending: int

    @property
    def done(self) -> bool:
        """Whether every copy has an outcome."""
        return self.pending == 0


def _recipients(users: UserRepository, audience: Audience) -> Select[Any]:
    return users.audience(
        audience.value if audience.kind == AudienceKind.KIND else None,
        audience.value if audience.kind == AudienceKind.LANGUAGE else None,
    )


async def choices(session: AsyncSession) -> Choices:
    """Every audience there is, with its size."""
    users = UserRepository(session)
    everyone = await users.count(users.audience(None, None))
    return Choices(everyone, await users.owners_by_kind(), await users.languages())


async def audience_size(session: AsyncSession, audience: Audience) -> int:
    """How many people a broadcast to `audience` would reach now."""
    users = UserRepository(session)
    return await users.count(_recipients(users, audience))


async def start(
    session: AsyncSession,
    draft: str,
    author_id: int,
    text: str,
    photo: str | None,
    audience: Audience,
) -> Broadcast | None:
    """Write the broadcast and a copy for each recipient, and commit; None when this draft
    was sent already (a second press of Send, another bot instance)."""
    broadcasts = BroadcastRepository(session)
    created = await broadcasts.create(draft, author_id, text, photo, audience.kind, audience.value)
    if created is None:
        await session.rollback()
        return None
    users = UserRepository(session)
    total = await OutboxRepository(session).enqueue_broadcast(
        created.id, _recipients(users, audience)
    )
    await broadcasts.set_total(created.id, total)
    created.total = total
    AuditRepository(session).record(
        BROADCAST_SENT,
        actor_user_id=author_id,
        device_id=None,
        after={
            "broadcast": created.id,
            "audience": audience.kind,
            "value": audience.value,
            "total": total,
        },
    )
    await session.commit()
    return created


async def progress(session: AsyncSession, broadcast: Broadcast) -> Progress:
    """Where a broadcast stands; one with nothing pending is marked finished."""
    tally = await OutboxRepository(session).broadcast_tally(broadcast.id)
    found = Progress(broadcast, tally["sent"], tally["blocked"], tally["failed"], tally["pending"])
    if found.done and broadcast.finished_at is None:
        broadcast.finished_at = clock.now()
        await BroadcastRepository(session).finish(broadcast.id, broadcast.finished_at)
        await session.commit()
    return found
