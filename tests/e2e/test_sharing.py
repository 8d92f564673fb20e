"""Sharing through the bot: invites by link and code, roles, revoke, transfer, removal, the log."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from redis.asyncio import Redis
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.access.models import Membership
from core.audit.models import AuditEntry
from core.devices.models import Device
from core.outbox.models import OutboxMessage
from core.redis_keys import RedisKeys
from core.settings import Settings
from core.sharing.models import Invite
from core.users.service import set_quiet_hours
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import ChatMessage, FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member, rollup_count, set_config

OWNER = FakeUser(6001, "Olga")
FRIEND = FakeUser(6002, "Fred", username="fred")
NEIGHBOUR = FakeUser(6003, "Nina")
LINK = re.compile(r"https://t\.me/dozor_test_bot\?start=(join-[A-Za-z0-9_-]+)")
CODE = re.compile(r"/add ([0-9A-Z]{5}-[0-9A-Z]{5})")


async def owned_device(sessions: async_sessionmaker[AsyncSession], name: str = "Cottage") -> int:
    """A device owned by OWNER."""
    provisioned = await add_device(sessions, unique_uid(), name=name)
    await add_member(sessions, OWNER.id, provisioned.device.id, "owner", name="Olga")
    return provisioned.device.id


async def invite(emulator: TelegramEmulator, user: FakeUser, role_button: str) -> ChatMessage:
    """/share, pick the device, pick the role: the invitation message."""
    chooser = await emulator.reply_to(user, "/share")
    await emulator.press(user, chooser, "Cottage")
    await emulator.wait_for(lambda: "What may the person do?" in chooser.plain)
    await emulator.press(user, chooser, role_button)
    await emulator.wait_for(lambda: "Invitation to Cottage" in chooser.plain)
    return chooser


async def owner_card(emulator: TelegramEmulator, user: FakeUser) -> ChatMessage:
    """/devices, then tap Cottage: the card of its owner `user` replaces the list."""
    card = await emulator.reply_to(user, "/devices")
    await emulator.press(user, card, "Cottage")
    await emulator.wait_for(lambda: "Your role: owner" in card.plain)
    return card


async def member_screen(emulator: TelegramEmulator, member: str, role: str) -> ChatMessage:
    """The owner opens Cottage's card, then 👥 Members, then the member: their screen."""
    screen = await owner_card(emulator, OWNER)
    await emulator.press(OWNER, screen, "Members")
    await emulator.wait_for(lambda: "Members of Cottage" in screen.plain)
    await emulator.press(OWNER, screen, member)
    await emulator.wait_for(lambda: f"{role} of Cottage" in screen.plain)
    return screen


async def revoke(emulator: TelegramEmulator, screen: ChatMessage) -> None:
    """🚫 Revoke access on a member's screen, and yes."""
    await emulator.press(OWNER, screen, "Revoke access")
    await emulator.wait_for(lambda: "Revoke the access of" in screen.plain)
    await emulator.press(OWNER, screen, "Yes, revoke")
    await emulator.wait_for(lambda: "no longer has access" in screen.plain)


async def role_of(sessions: async_sessionmaker[AsyncSession], user_id: int) -> str | None:
    """The user's role on any device (these tests have one)."""
    async with sessions() as session:
        return await session.scalar(select(Membership.role).where(Membership.user_id == user_id))


async def test_an_invite_link_makes_a_viewer_once_and_the_inviter_is_told(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await owned_device(sessions)
    message = await invite(emulator, OWNER, "Viewer")
    assert "as viewer" in message.plain and "It works once, until" in message.plain
    link = LINK.search(message.plain)
    assert link is not None and CODE.search(message.plain) is not None
    # 📤 Share opens Telegram's share sheet with the same link.
    share = parse_qs(urlparse(message.button("Share")["url"]).query)
    assert share["url"] == [link.group(0)] and "Cottage" in share["text"][0]

    joined = await emulator.reply_to(FRIEND, f"/start {link.group(1)}")
    assert "You can now see Cottage as viewer" in joined.plain
    told = await emulator.wait_for_message(OWNER, "joined")
    assert "Fred joined Cottage as viewer" in told.plain
    assert await role_of(sessions, FRIEND.id) == "viewer"

    again = await emulator.reply_to(NEIGHBOUR, f"/start {link.group(1)}")
    assert "used already" in again.plain
    assert await role_of(sessions, NEIGHBOUR.id) is None
    forged = await emulator.reply_to(NEIGHBOUR, "/start join-notarealtoken")
    assert "not valid" in forged.plain
    async with sessions() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "invite.created" in actions and "member.joined" in actions


async def test_an_invite_code_works_with_add_and_expires(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await owned_device(sessions)
    first = CODE.search((await invite(emulator, OWNER, "Admin")).plain)
    second = CODE.search((await invite(emulator, OWNER, "Viewer")).plain)
    assert first is not None and second is not None

    joined = await emulator.reply_to(FRIEND, f"/add {first.group(1).lower()}")
    assert "You can now see Cottage as admin" in joined.plain
    assert await role_of(sessions, FRIEND.id) == "admin"
    assert "used already" in (await emulator.reply_to(NEIGHBOUR, f"/add {first.group(1)}")).plain

    async with sessions() as session:  # a day passes
        await session.execute(
            update(Invite)
            .where(Invite.used_at.is_(None))
            .values(expires_at=clock.now() - timedelta(minutes=1))
        )
        await session.commit()
    expired = await emulator.reply_to(NEIGHBOUR, f"/add {second.group(1)}")
    assert "expired" in expired.plain
    assert await role_of(sessions, NEIGHBOUR.id) is None


async def test_admins_invite_viewers_only_and_a_member_cannot_join_twice(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device_id = await owned_device(sessions)
    await add_member(sessions, FRIEND.id, device_id, "admin", name="Fred")
    chooser = await emulator.reply_to(FRIEND, "/share")
    await emulator.press(FRIEND, chooser, "Cottage")
    await emulator.wait_for(lambda: "What may the person do?" in chooser.plain)
    roles = [b["text"] for b in chooser.buttons()]
    assert any("Viewer" in r for r in roles) and not any("Admin" in r for r in roles)

    message = await invite(emulator, OWNER, "Viewer")
    code = CODE.search(message.plain)
    assert code is not None
    twice = await emulator.reply_to(FRIEND, f"/add {code.group(1)}")
    assert "already a member of this device (as admin)" in twice.plain
    assert await role_of(sessions, FRIEND.id) == "admin"
    assert "nothing" not in twice.plain


async def test_revoke_stops_the_live_view_at_once_and_the_member_is_told(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    device_id = await owned_device(sessions)
    async with sessions() as session:
        device = await session.get(Device, device_id)
    assert device is not None
    await add_member(sessions, FRIEND.id, device_id, "viewer", name="Fred")
    await publish(f"devices/{device.uid}/telemetry", b'{"co2": 700}')
    await eventually(lambda: rollup_count(sessions, device_id, "co2"))
    live = await emulator.reply_to(FRIEND, "/live")
    assert "Live: Cottage" in live.plain
    friend_card = await emulator.reply_to(FRIEND, "/devices")

    members = await member_screen(emulator, "Fred", "Fred — viewer")
    await revoke(emulator, members)

    await emulator.wait_for(lambda: "no longer have access" in live.plain)
    told = await emulator.wait_for_message(FRIEND, "revoked")
    assert "Your access to Cottage was revoked" in told.plain
    assert await role_of(sessions, FRIEND.id) is None
    # The old button of the device list: refused, like a device that does not exist.
    query = await emulator.press(FRIEND, friend_card, "Cottage")
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    assert answer["text"] == "This device does not exist or you have no access to it."
    edits = live.edits
    await publish(f"devices/{device.uid}/telemetry", b'{"co2": 999}')
    assert "no devices" in (await emulator.reply_to(FRIEND, "/devices")).plain
    assert live.edits == edits and "999" not in live.plain
    await publish(f"devices/{device.uid}/status", b"", retain=True)


async def test_role_change_transfer_and_removal_tell_the_members(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device_id = await owned_device(sessions)
    await add_member(sessions, FRIEND.id, device_id, "viewer", name="Fred")
    await add_member(sessions, NEIGHBOUR.id, device_id, "viewer", name="Nina")
    for member in (FRIEND, NEIGHBOUR):
        emulator.open_chat(member)  # they talked to the bot before
    screen = await member_screen(emulator, "Fred", "viewer")
    await emulator.press(OWNER, screen, "Make admin")
    await emulator.wait_for(lambda: "admin of Cottage" in screen.plain)
    assert "is now admin" in (await emulator.wait_for_message(FRIEND, "Your role")).plain

    await emulator.press(OWNER, screen, "Make owner")
    await emulator.wait_for(lambda: "Make Fred the owner" in screen.plain)
    await emulator.press(OWNER, screen, "Yes, make them the owner")
    await emulator.wait_for(lambda: "is the owner now; you are an admin" in screen.plain)
    await emulator.wait_for_message(FRIEND, "You are now the owner of Cottage")
    assert await role_of(sessions, OWNER.id) == "admin"

    # The former owner's old buttons no longer work for owner-only actions.
    card = await owner_card(emulator, FRIEND)
    await emulator.press(FRIEND, card, "Log")
    await emulator.wait_for(lambda: "Log of Cottage" in card.plain)
    assert "Olga handed ownership to Fred and stayed on as admin." in card.plain
    assert "Olga made Fred admin." in card.plain

    await emulator.press(FRIEND, card, "Back to the device")
    await emulator.wait_for(lambda: "Your role: owner" in card.plain)
    await emulator.press(FRIEND, card, "Remove device")
    await emulator.wait_for(lambda: "Remove Cottage?" in card.plain)
    await emulator.press(FRIEND, card, "Yes, remove it")
    await emulator.wait_for(lambda: "Cottage was removed." in card.plain)
    for member in (OWNER, NEIGHBOUR):
        told = await emulator.wait_for_message(member, "was removed")
        assert "Cottage was removed by Fred" in told.plain
    async with sessions() as session:
        assert await session.get(Device, device_id) is None
        assert (await session.scalars(select(Membership))).all() == []
        removed = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "device.removed"))
        ).one()
    assert removed.actor_user_id == FRIEND.id and (removed.before or {})["name"] == "Cottage"


async def test_a_removed_device_is_forgotten_by_the_processor_and_others_go_on(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    removed_id = await owned_device(sessions)
    kept = await add_device(sessions, unique_uid(), name="Garage")
    async with sessions() as session:
        removed = await session.get(Device, removed_id)
    assert removed is not None
    await publish(f"devices/{removed.uid}/telemetry", b'{"co2": 700}')
    await eventually(lambda: rollup_count(sessions, removed_id, "co2"))  # cached as known

    card = await owner_card(emulator, OWNER)
    await emulator.press(OWNER, card, "Remove device")
    await emulator.wait_for(lambda: "Remove Cottage?" in card.plain)
    await emulator.press(OWNER, card, "Yes, remove it")
    await emulator.wait_for(lambda: "Cottage was removed." in card.plain)

    keys = RedisKeys(settings.redis_prefix)
    await eventually(lambda: _rejected_unknown(redis, keys, removed.uid), timeout=15)
    await publish(f"devices/{kept.device.uid}/telemetry", b'{"co2": 650}')
    await eventually(lambda: rollup_count(sessions, kept.device.id, "co2"))
    await publish(f"devices/{removed.uid}/status", b"", retain=True)


async def _rejected_unknown(redis: Redis, keys: RedisKeys, uid: str) -> bool:
    """Publish a reading of the removed device; say whether it was rejected as unknown."""
    before = int((await redis.hget(keys.ingest_rejected, "unknown_device")) or 0)
    await publish(f"devices/{uid}/telemetry", b'{"co2": 800}')
    await asyncio.sleep(0.3)
    return int((await redis.hget(keys.ingest_rejected, "unknown_device")) or 0) > before


async def test_share_offers_only_devices_the_member_may_share(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device_id = await owned_device(sessions)
    await add_member(sessions, FRIEND.id, device_id, "viewer", name="Fred")
    refused = await emulator.reply_to(FRIEND, "/share")
    assert "no device you may share" in refused.plain and refused.buttons() == []
    offered = await emulator.reply_to(OWNER, "/share")
    assert [b["text"] for b in offered.buttons()] == ["Cottage"]


async def test_the_owner_is_told_when_an_admins_invitee_joins(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device_id = await owned_device(sessions)
    await emulator.reply_to(OWNER, "/start")
    await add_member(sessions, FRIEND.id, device_id, "admin", name="Fred")
    message = await invite(emulator, FRIEND, "Viewer")
    code = CODE.search(message.plain)
    assert code is not None
    joined = await emulator.reply_to(NEIGHBOUR, f"/add {code.group(1)}")
    assert "You can now see Cottage as viewer" in joined.plain
    told_admin = await emulator.wait_for_message(FRIEND, "Nina joined")
    assert "Nina joined Cottage as viewer." in told_admin.plain
    told_owner = await emulator.wait_for_message(OWNER, "Nina joined")
    assert "Nina joined Cottage as viewer, invited by Fred." in told_owner.plain


async def _quiet_friend(
    sessions: async_sessionmaker[AsyncSession], emulator: TelegramEmulator, device_id: int
) -> Device:
    """FRIEND becomes a viewer of the device, in quiet hours now; the device alerts over
    1000 ppm CO₂. Returns the device."""
    await set_config(sessions, device_id, thresholds={"co2": {"high": 1000}})
    await add_member(sessions, FRIEND.id, device_id, "viewer", name="Fred")
    for user in (OWNER, FRIEND):
        await emulator.reply_to(user, "/start")  # a bot cannot start a chat
    async with sessions() as session:
        hour = clock.now().hour
        await set_quiet_hours(session, FRIEND.id, hour, (hour + 2) % 24)
        device = await session.get(Device, device_id)
    assert device is not None
    return device


async def test_a_revoked_member_gets_no_alert_queued_before_the_revocation(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """An alert held for the member's quiet hours was delivered hours after their access was
    revoked. Revoking drops their pending rows, and delivery checks membership when it sends."""
    device_id = await owned_device(sessions)
    device = await _quiet_friend(sessions, emulator, device_id)
    await publish(f"devices/{device.uid}/telemetry", b'{"co2": 1500}')
    await emulator.wait_for_message(OWNER, "too high")

    async def held_for_friend() -> list[OutboxMessage]:
        async with sessions() as session:
            query = select(OutboxMessage).where(
                OutboxMessage.user_id == FRIEND.id, OutboxMessage.device_id == device_id
            )
            return list((await session.scalars(query)).all())

    async def held() -> bool:
        return [row.held for row in await held_for_friend()] == [True]

    await eventually(held)  # for the friend's quiet hours
    await revoke(emulator, await member_screen(emulator, "Fred", "viewer"))
    rows = await held_for_friend()
    assert [(row.status, row.last_error) for row in rows] == [("dropped", "access revoked")]
    assert not any("too high" in m.plain for m in emulator.bot_messages(FRIEND.id))
    await publish(f"devices/{device.uid}/status", b"", retain=True)


async def test_delivery_drops_what_is_about_a_device_the_reader_left(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A row queued for a member whose membership ended some other way (a removal racing the
    alert) is not sent either: delivery checks membership when it sends."""
    device_id = await owned_device(sessions)
    device = await _quiet_friend(sessions, emulator, device_id)
    await publish(f"devices/{device.uid}/telemetry", b'{"co2": 1500}')
    await emulator.wait_for_message(OWNER, "too high")

    async def friends_row() -> OutboxMessage | None:
        async with sessions() as session:
            return await session.scalar(
                select(OutboxMessage).where(
                    OutboxMessage.user_id == FRIEND.id, OutboxMessage.device_id == device_id
                )
            )

    async def held() -> bool:
        row = await friends_row()
        return row is not None and row.held

    await eventually(held)
    async with sessions() as session, session.begin():
        await session.execute(
            delete(Membership).where(
                Membership.user_id == FRIEND.id, Membership.device_id == device_id
            )
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.user_id == FRIEND.id)
            .values(due_at=clock.now(), held=False)
        )

    async def dropped() -> bool:
        row = await friends_row()
        return row is not None and row.status == "dropped"

    await eventually(dropped)
    assert not any("too high" in m.plain for m in emulator.bot_messages(FRIEND.id))
    await publish(f"devices/{device.uid}/status", b"", retain=True)
