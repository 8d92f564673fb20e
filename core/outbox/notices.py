"""Notices to one person (someone joined, you were removed, …) written to the outbox."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.repository import OutboxRepository

NOTICE_EVENT = "notice"


async def notify(session: AsyncSession, user_id: int, key: str, **args: str) -> None:
    """Stage a notice for `user_id` in the caller's transaction; `key` names the bot's text."""
    await OutboxRepository(session).enqueue_one(
        user_id,
        NOTICE_EVENT,
        "info",
        f"{NOTICE_EVENT}:{uuid.uuid4().hex}",
        {"event": NOTICE_EVENT, "key": key, "args": args},
    )
