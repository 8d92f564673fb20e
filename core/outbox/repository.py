"""All SQL for the outbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, String, case, cast, func, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.access.models import Membership
from core.db import delete_some
from core.outbox.models import ALERT_LANE, BROADCAST_LANE, OutboxMessage
from core.outbox.payloads import BroadcastPayload, Event, Payload, encode

_FOR_MEMBERS = text("""
INSERT INTO outbox (user_id, device_id, episode_id, event, severity, dedup_key, payload)
SELECT m.user_id, m.device_id, :episode_id, :event, :severity,
       :dedup_prefix || m.user_id, CAST(:payload AS jsonb)
FROM memberships AS m JOIN users AS u ON u.id = m.user_id
WHERE m.device_id = :device_id AND m.notifications AND u.is_active
  AND (m.muted_until IS NULL OR m.muted_until <= now())
ORDER BY m.user_id
ON CONFLICT (dedup_key) DO NOTHING
""")

_DUE_CHATS = text("""
SELECT user_id FROM outbox
WHERE status = 'pending' AND due_at <= now() AND NOT (user_id = ANY(:busy)) AND lane = :lane
GROUP BY user_id ORDER BY min(id) LIMIT :chats
""")


class OutboxRepository:
    """Writing, claiming and settling outbox rows."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue_for_members(
        self,
        device_id: int,
        episode_id: int | None,
        event: str,
        severity: str,
        payload: Payload,
        *,
        dedup: str | None = None,
    ) -> int:
        """Write one row per member who wants alerts of the device; return how many.

        Rows are unique per `dedup` (default: the event and episode) and member.
        """
        result = await self._session.execute(
            _FOR_MEMBERS,
            {
                "device_id": device_id,
                "episode_id": episode_id,
                "event": event,
                "severity": severity,
                "dedup_prefix": dedup or f"{event}:{episode_id}:",
                "payload": orjson.dumps(encode(payload)).decode(),
            },
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def enqueue_one(
        self, user_id: int, event: str, severity: str, dedup_key: str, payload: Payload
    ) -> bool:
        """Write one message for one person unless its dedup key exists; return whether new."""
        result = await self._session.execute(
            insert(OutboxMessage)
            .values(
                user_id=user_id,
                event=event,
                severity=severity,
                dedup_key=dedup_key,
                payload=encode(payload),
            )
            .on_conflict_do_nothing(index_elements=["dedup_key"])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delivery_figures(self, since: datetime) -> tuple[int, int, float, float]:
        """Pending messages now, and of those sent since `since`: how many, and their mean and
        longest lag from due to sent, in seconds."""
        lag = func.extract("epoch", OutboxMessage.sent_at - OutboxMessage.due_at)
        sent, mean, longest = (
            await self._session.execute(
                select(func.count(), func.avg(lag), func.max(lag)).where(
                    OutboxMessage.status == "sent", OutboxMessage.sent_at >= since
                )
            )
        ).one()
        pending = await self._session.scalar(
            select(func.count()).where(OutboxMessage.status == "pending")
        )
        return int(pending or 0), int(sent or 0), float(mean or 0.0), float(longest or 0.0)

    async def due_chats(
        self, *, busy: Sequence[int], limit: int = 30, lane: int = ALERT_LANE
    ) -> list[int]:
        """Chats with messages of `lane` due now, oldest first, leaving out `busy` ones."""
        rows = await self._session.scalars(
            _DUE_CHATS, {"busy": list(busy), "chats": limit, "lane": lane}
        )
        return list(rows.all())

    async def enqueue_broadcast(self, broadcast_id: int, recipients: Select[Any]) -> int:
        """One copy of a broadcast for each of `recipients` (a query of user ids), in the
        broadcast lane; a recipient who has one already gets none. Returns how many."""
        payload = encode(BroadcastPayload(event=Event.BROADCAST, broadcast_id=broadcast_id))
        ids = recipients.subquery()
        rows = select(
            ids.c[0],
            literal(broadcast_id),
            literal(BROADCAST_LANE),
            literal(Event.BROADCAST.value),
            literal("info"),
            literal(f"broadcast:{broadcast_id}:") + cast(ids.c[0], String),
            cast(literal(orjson.dumps(payload).decode()), JSONB),
        )
        columns = ["user_id", "broadcast_id", "lane", "event", "severity", "dedup_key", "payload"]
        result = await self._session.execute(
            insert(OutboxMessage)
            .from_select(columns, rows)
            .on_conflict_do_nothing(index_elements=["dedup_key"])
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def broadcast_tally(self, broadcast_id: int) -> dict[str, int]:
        """A broadcast's copies by outcome: sent, blocked (403: the person blocked the bot),
        failed (refused otherwise) and pending."""
        outcome = case(
            (OutboxMessage.status == "sent", "sent"),
            (OutboxMessage.status == "pending", "pending"),
            (OutboxMessage.last_error.like("403%"), "blocked"),
            else_="failed",
        )
        rows = await self._session.execute(
            select(outcome, func.count())
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .group_by(outcome)
        )
        tally = dict.fromkeys(("sent", "blocked", "failed", "pending"), 0)
        tally.update({str(k): int(n) for k, n in rows.all()})
        return tally

    async def lock_chat(self, user_id: int, limit: int = 100) -> Sequence[OutboxMessage]:
        """Take a chat's due messages for this transaction; none if another bot has the chat.

        The advisory lock keeps one chat with one bot instance at a time, so its messages
        leave in order; the row locks keep every row with one sender.
        """
        locked = await self._session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:chat)"), {"chat": user_id}
        )
        if not locked:
            return []
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.status == "pending",
                OutboxMessage.due_at <= func.now(),
            )
            .order_by(OutboxMessage.lane, OutboxMessage.id)  # alerts before a broadcast
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (await self._session.scalars(query)).all()
        return await self._of_members(user_id, rows)

    async def _of_members(
        self, user_id: int, rows: Sequence[OutboxMessage]
    ) -> Sequence[OutboxMessage]:
        """Keep the rows about devices the person is still a member of; drop the others (an
        alert queued before a revocation, held by quiet hours, must not follow the person)."""
        devices = {row.device_id for row in rows if row.device_id is not None}
        if not devices:
            return rows
        members_of = set(
            (
                await self._session.scalars(
                    select(Membership.device_id).where(
                        Membership.user_id == user_id, Membership.device_id.in_(devices)
                    )
                )
            ).all()
        )
        gone = [
            row.id for row in rows if row.device_id is not None and row.device_id not in members_of
        ]
        if not gone:
            return rows
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(gone))
            .values(status="dropped", last_error="no longer a member")
        )
        return [row for row in rows if row.id not in gone]

    async def drop_for_member(self, user_id: int, device_id: int, reason: str) -> int:
        """Give up on a person's pending rows about a device (their access was taken away)."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.device_id == device_id,
                OutboxMessage.status == "pending",
            )
            .values(status="dropped", last_error=reason[:256])
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def mark_sent(self, ids: Sequence[int], message_id: int, at: datetime) -> None:
        """Settle rows as delivered in one message."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status="sent", sent_at=at, message_id=message_id, last_error=None)
        )

    async def postpone_chat(self, user_id: int, until: datetime, error: str) -> None:
        """Delay every pending row of a chat (keeps them in order) after a failure."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.user_id == user_id, OutboxMessage.status == "pending")
            .values(due_at=until, attempts=OutboxMessage.attempts + 1, last_error=error[:256])
        )

    async def hold(self, ids: Sequence[int], until: datetime) -> None:
        """Keep rows back until the end of the reader's quiet hours."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(due_at=until, held=True, last_error="held for quiet hours")
        )

    async def release_held(self, user_id: int) -> int:
        """Make a person's rows held for quiet hours due now; return how many."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.status == "pending",
                OutboxMessage.held,
                OutboxMessage.due_at > func.now(),
            )
            .values(due_at=func.now())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def drop_chat(self, user_id: int, reason: str) -> None:
        """Give up on every pending row of a chat (the user blocked the bot)."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.user_id == user_id, OutboxMessage.status == "pending")
            .values(status="dropped", last_error=reason[:256])
        )

    async def fail(self, ids: Sequence[int], reason: str) -> None:
        """Give up on rows Telegram refuses for good (e.g. chat not found)."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status="failed", last_error=reason[:256])
        )

    async def send_alone(self, ids: Sequence[int], error: str) -> None:
        """Let rows refused together go out one by one (each in a message of its own)."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(alone=True, attempts=OutboxMessage.attempts + 1, last_error=error[:256])
        )

    async def combined_with_opening(
        self, user_id: int, episode_id: int, since: datetime
    ) -> Sequence[OutboxMessage]:
        """The rows sent together in the message that told `user_id` of this episode opening,
        when that message listed several alerts and is recent enough to edit."""
        opening = await self._session.scalar(
            select(OutboxMessage.message_id).where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.episode_id == episode_id,
                OutboxMessage.event == "opened",
                OutboxMessage.status == "sent",
                OutboxMessage.sent_at >= since,
            )
        )
        if opening is None:
            return []
        rows = await self.rows_of_message(user_id, opening)
        return rows if len(rows) > 1 else []

    async def closings_sent(
        self, user_id: int, episode_ids: Iterable[int]
    ) -> Sequence[OutboxMessage]:
        """The recoveries of these episodes sent to `user_id`."""
        ids = list(episode_ids)
        if not ids:
            return []
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.episode_id.in_(ids),
                OutboxMessage.event == "closed",
                OutboxMessage.status == "sent",
            )
            .order_by(OutboxMessage.id)
        )
        return (await self._session.scalars(query)).all()

    async def rows_of_message(self, user_id: int, message_id: int) -> Sequence[OutboxMessage]:
        """The rows a sent message told `user_id` of (several for a combined message)."""
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user_id, OutboxMessage.message_id == message_id)
            .order_by(OutboxMessage.id)
        )
        return (await self._session.scalars(query)).all()

    async def deliveries_of(self, episode_id: int) -> Sequence[OutboxMessage]:
        """Return the sent messages about an episode (to edit them later)."""
        query = select(OutboxMessage).where(
            OutboxMessage.episode_id == episode_id,
            OutboxMessage.status == "sent",
            or_(OutboxMessage.event == "opened", OutboxMessage.event.like("reminder%")),
        )
        return (await self._session.scalars(query)).all()

    async def prune(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` settled messages (sent, failed, dropped) written before
        `before` (retention); pending ones stay whatever their age."""
        settled = OutboxMessage.status.in_(("sent", "failed", "dropped"))
        where = settled & (OutboxMessage.created_at < before)
        return await delete_some(self._session, OutboxMessage, where, limit)
