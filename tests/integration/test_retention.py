"""Retention: what the tables no longer keep goes; what they keep, and anything still open or
pending, stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.alerts.models import AlertEpisode
from core.audit.models import AuditEntry
from core.broadcasts.models import Broadcast
from core.outbox.models import OutboxMessage
from core.panels.models import PanelEvent
from core.retention import RetentionPolicy, prune
from core.settings import Settings
from core.sharing.models import Invite
from core.users.repository import UserRepository
from tests.conftest import unique_uid
from tests.integration.helpers import add_device, add_member

OWNER = 6101


async def test_old_rows_go_and_recent_open_or_pending_ones_stay(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    now = clock.now()
    old, recent = now - timedelta(days=400), now - timedelta(days=1)
    device_id = (await add_device(sessions, unique_uid("keep_"))).device.id
    await add_member(sessions, OWNER, device_id, "owner")
    async with sessions() as session, session.begin():
        for at in (old, recent):
            session.add(AuditEntry(action="device.command", actor_user_id=OWNER, at=at))
            session.add(PanelEvent(device_id=device_id, at=at, kind="arm", on=True))
        closed_old = AlertEpisode(
            device_id=device_id, kind="device_offline", metric="", severity="warning",
            opened_at=old, closed_at=old + timedelta(hours=1),
        )  # fmt: skip
        open_old = AlertEpisode(
            device_id=device_id, kind="threshold_high", metric="co2", severity="warning",
            opened_at=old,
        )  # fmt: skip
        closed_recent = AlertEpisode(
            device_id=device_id, kind="threshold_high", metric="temperature",
            severity="warning", opened_at=recent, closed_at=recent,
        )  # fmt: skip
        session.add_all([closed_old, open_old, closed_recent])
        for index, (status, at) in enumerate(
            [("sent", old), ("failed", old), ("dropped", old), ("pending", old), ("sent", recent)]
        ):
            session.add(
                OutboxMessage(
                    user_id=OWNER, event="notice", severity="info", dedup_key=f"r{index}",
                    payload={}, status=status, created_at=at,
                )
            )  # fmt: skip
        for index, (expires, used) in enumerate(
            [(old, None), (now + timedelta(days=1), old), (now + timedelta(days=1), None)]
        ):
            session.add(
                Invite(
                    device_id=device_id, role="viewer", created_by=OWNER,
                    token_hash=f"t{index}" * 8, code_hash=f"c{index}" * 8,
                    expires_at=expires, used_at=used,
                )
            )  # fmt: skip

        await UserRepository(session).upsert(
            OWNER, first_name="O", last_name=None, username=None, language="en"
        )
        for draft, finished in (("old", old), ("recent", recent), ("going", None)):
            session.add(
                Broadcast(
                    draft=draft, author_id=OWNER, text="t", audience="everyone", total=0,
                    created_at=old, finished_at=finished,
                )
            )  # fmt: skip

    deleted = await prune(sessions, now, RetentionPolicy.of(settings))
    assert deleted == {
        "audit_log": 1, "outbox": 3, "broadcasts": 1, "panel_events": 1, "alert_episodes": 1,
        "invites": 2,
    }  # fmt: skip
    async with sessions() as session:
        drafts = sorted((await session.scalars(select(Broadcast.draft))).all())
        assert drafts == ["going", "recent"]  # one under way stays, however old
    async with sessions() as session:
        commands = select(AuditEntry.at).where(AuditEntry.action == "device.command")
        assert [at > old for at in (await session.scalars(commands)).all()] == [True]
        statuses = sorted((await session.scalars(select(OutboxMessage.status))).all())
        assert statuses == ["pending", "sent"]  # the pending one stays, however old
        episodes = sorted((await session.scalars(select(AlertEpisode.metric))).all())
        assert episodes == ["co2", "temperature"]  # open, and closed recently
        assert await session.scalar(select(func.count()).select_from(PanelEvent)) == 1
        invites = (await session.scalars(select(Invite))).all()
        assert [(i.used_at, i.expires_at > now) for i in invites] == [(None, True)]

    # 0 keeps forever; a second run finds nothing more.
    forever = RetentionPolicy({**RetentionPolicy.of(settings).days, "audit_log": 0})
    assert await prune(sessions, now + timedelta(days=400), forever) is not None
    async with sessions() as session:
        assert len((await session.scalars(commands)).all()) == 1
