"""Notices to one person (someone joined, you were removed, …) written to the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.payloads import Event, NoticePayload
from core.outbox.repository import OutboxRepository
from core.users.repository import UserRepository

NOTICE_EVENT = Event.NOTICE.value


async def notify(
    session: AsyncSession,
    user_id: int,
    key: str,
    *,
    dedup: str | None = None,
    severity: str = "info",
    **args: str,
) -> bool:
    """Stage a notice for `user_id` in the caller's transaction; `key` names the bot's text.
    With `dedup`, a second call about the same thing writes nothing. Returns whether new."""
    return await OutboxRepository(session).enqueue_one(
        user_id,
        NOTICE_EVENT,
        severity,
        f"{NOTICE_EVENT}:{dedup or uuid.uuid4().hex}:{user_id}",
        NoticePayload(event=Event.NOTICE, key=key, args=args),
    )


async def notify_admins(
    session: AsyncSession, admin_ids: Iterable[int], key: str, dedup: str, **args: str
) -> int:
    """Stage one notice for each platform admin who has talked to the bot; `dedup` makes a
    second call about the same thing (another instance, a retry) write nothing. Returns how
    many were written."""
    known = await UserRepository(session).get_many(set(admin_ids))
    written = 0
    for user_id in sorted(known):
        written += await notify(session, user_id, key, dedup=dedup, severity="warning", **args)
    return written
