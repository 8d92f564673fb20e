"""The access table of ARCHITECTURE.md, through the bot: every role × every action.

Each person presses the button the action has on their card (for those who do not see it,
the same callback data, as a forged or stale press would send it). Allowed actions must take
effect; refused ones change nothing and are audited; a stranger's are answered like a missing
device, a member's say that their role does not allow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotOptions
from bot.callbacks import (
    AlertAction,
    AlertOp,
    CommandAction,
    CommandOp,
    DeviceAction,
    DeviceOp,
    MemberAction,
    MemberOp,
    SettingsAction,
    SettingsOp,
    ShareAction,
)
from core import clock
from core.access.models import Membership
from core.alerts.models import AlertEpisode
from core.audit.models import AuditEntry
from core.devices.models import Device, DeviceConfig
from core.redis_keys import RedisKeys
from core.settings import Settings
from core.sharing.models import Invite
from tests.conftest import eventually, unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member

OWNER = FakeUser(4001, "Olga")
ADMIN = FakeUser(4002, "Adam")
VIEWER = FakeUser(4003, "Vera")
STRANGER = FakeUser(4004, "Eve")
PLATFORM = FakeUser(4005, "Pat")  # in ADMIN_USER_IDS, not a member
EXTRA = FakeUser(4006, "Xena")  # a viewer the member actions are aimed at
ACTORS = {
    "owner": OWNER,
    "admin": ADMIN,
    "viewer": VIEWER,
    "non-member": STRANGER,
    "platform admin": PLATFORM,
}
ALLOWED = {
    "view card": {"owner", "admin", "viewer"},
    "send command": {"owner", "admin"},
    "change setting": {"owner", "admin"},
    "invite viewer": {"owner", "admin"},
    "invite admin": {"owner"},
    "see members": {"owner"},
    "change role": {"owner"},
    "revoke member": {"owner"},
    "transfer ownership": {"owner"},
    "remove device": {"owner"},
    "read log": {"owner"},
}
ASKED_FIRST = {"revoke member", "transfer ownership", "remove device"}
NOT_FOUND = "This device does not exist or you have no access to it."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """PLATFORM is a platform admin."""
    return settings.model_copy(update={"admin_user_ids": frozenset({PLATFORM.id})})


@pytest.fixture
def bot_options() -> BotOptions:
    """No processor runs here: commands give up quickly."""
    return BotOptions(polling_timeout=1, command_timeout=0.3)


def callback_data(action: str, device_id: int) -> str:
    """The data of the button for `action` on the device's screens."""
    member = {"device_id": device_id, "user_id": EXTRA.id}
    data: dict[str, Any] = {
        "view card": DeviceAction(op=DeviceOp.OPEN, device_id=device_id),
        "send command": CommandAction(op=CommandOp.RUN, device_id=device_id, name="identify"),
        "change setting": SettingsAction(op=SettingsOp.ALERTS, device_id=device_id, version=1),
        "invite viewer": ShareAction(device_id=device_id, role="viewer"),
        "invite admin": ShareAction(device_id=device_id, role="admin"),
        "see members": MemberAction(op=MemberOp.LIST, device_id=device_id),
        "change role": MemberAction(op=MemberOp.ROLE, role="admin", **member),
        # These ask first; the "yes" is held on the server (tests/e2e/test_confirmations.py).
        "revoke member": MemberAction(op=MemberOp.REVOKE_ASK, **member),
        "transfer ownership": MemberAction(op=MemberOp.TRANSFER_ASK, **member),
        "remove device": MemberAction(op=MemberOp.REMOVE_ASK, device_id=device_id),
        "read log": MemberAction(op=MemberOp.LOG, device_id=device_id),
    }
    packed: str = data[action].pack()
    return packed


@dataclass(frozen=True)
class State:
    """What any action could change."""

    device: bool
    members: tuple[tuple[int, str], ...]
    config: tuple[int, Any]
    invites: int
    commands: int


async def state_of(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, keys: RedisKeys, device_id: int
) -> State:
    """Read the state an action could change."""
    async with sessions() as session:
        device = await session.get(Device, device_id)
        members = (
            await session.execute(
                select(Membership.user_id, Membership.role)
                .where(Membership.device_id == device_id)
                .order_by(Membership.user_id)
            )
        ).all()
        config = await session.get(DeviceConfig, device_id)
        invites = await session.scalar(select(func.count(Invite.id)))
    return State(
        device is not None,
        tuple((u, r) for u, r in members),
        (config.version, config.config) if config else (0, None),
        int(invites or 0),
        int(await redis.xlen(keys.command_stream)),
    )


async def setup_device(sessions: async_sessionmaker[AsyncSession]) -> int:
    """A device with an owner, an admin and two viewers."""
    provisioned = await add_device(sessions, unique_uid(), name="Boiler room")
    device_id = provisioned.device.id
    for user, role in ((OWNER, "owner"), (ADMIN, "admin"), (VIEWER, "viewer"), (EXTRA, "viewer")):
        await add_member(sessions, user.id, device_id, role, name=user.first_name)
    return device_id


def effect_seen(action: str, before: State, after: State) -> bool:
    """Say whether the allowed action did what it does."""
    members = dict(after.members)
    effects = {
        "send command": after.commands == before.commands + 1,
        "change setting": after.config[0] == before.config[0] + 1
        and after.config[1].get("alerts_enabled") is False,
        "invite viewer": after.invites == before.invites + 1,
        "invite admin": after.invites == before.invites + 1,
        "change role": members.get(EXTRA.id) == "admin",
        "revoke member": EXTRA.id not in members,
        "transfer ownership": members.get(EXTRA.id) == "owner" and members.get(OWNER.id) == "admin",
        "remove device": not after.device,
    }
    return effects.get(action, after == before)


@pytest.mark.parametrize("role", list(ACTORS))
@pytest.mark.parametrize("action", list(ALLOWED))
async def test_access_table(
    action: str,
    role: str,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    device_id = await setup_device(sessions)
    keys = RedisKeys(settings.redis_prefix)
    actor = ACTORS[role]
    chat = await emulator.reply_to(actor, "/help")
    before = await state_of(sessions, redis, keys, device_id)
    count = len(emulator.bot_messages(actor.id))

    query = await emulator.press(actor, chat, data=callback_data(action, device_id))
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))

    if role in ALLOWED[action]:
        assert answer.get("text") != NOT_FOUND
        if action in ASKED_FIRST:
            await emulator.wait_for(lambda: any("Yes" in b["text"] for b in chat.buttons()))
            await emulator.press(actor, chat, "Yes")
        await eventually(lambda: _effect(action, before, sessions, redis, keys, device_id))
        # The pressed message now shows the result, naming the device or the member (a
        # command to this device, which is not running, ends in "no answer").
        await emulator.wait_for(
            lambda: (
                ("Boiler room" in chat.plain or "Xena" in chat.plain)
                and "sent to" not in chat.plain
            )
        )
    elif role in {"owner", "admin", "viewer"}:  # a member: told it is their role
        assert answer.get("text") == (
            f"You may not do this on Boiler room any more: your role there is {role}."
        )
        assert await state_of(sessions, redis, keys, device_id) == before
        assert len(emulator.bot_messages(actor.id)) == count and chat.edits == 0
    else:  # a stranger learns nothing: the same answer as for a missing device
        assert answer.get("text") == NOT_FOUND
        assert await state_of(sessions, redis, keys, device_id) == before
        assert len(emulator.bot_messages(actor.id)) == count and chat.edits == 0
        async with sessions() as session:
            refused = (
                await session.scalars(
                    select(AuditEntry).where(AuditEntry.actor_user_id == actor.id)
                )
            ).all()
        # In the platform's security log, not in the device's log its owner reads.
        assert [(r.action, r.device_id) for r in refused] == [("security.denied", None)]
        assert (refused[0].after or {})["device_id"] == device_id


async def _effect(
    action: str,
    before: State,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    keys: RedisKeys,
    device_id: int,
) -> bool:
    return effect_seen(action, before, await state_of(sessions, redis, keys, device_id))


async def test_platform_admin_sees_metadata_of_every_device_and_nothing_more(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device_id = await setup_device(sessions)
    async with sessions() as session:
        device = await session.get(Device, device_id)
    assert device is not None
    inventory = await emulator.reply_to(PLATFORM, f"/all_devices {device.uid}")
    assert "Devices matching" in inventory.plain and device.uid in inventory.plain
    assert "Boiler room · co2 · 4 members" in inventory.plain
    lonely = await add_device(sessions, unique_uid(), name="Shed")
    again = await emulator.reply_to(PLATFORM, f"/all_devices {lonely.device.uid}")
    assert f"⚪ {lonely.device.uid} · Shed · co2 · no members" in again.plain  # never connected
    assert "CO₂" not in inventory.plain and "Olga" not in inventory.plain
    assert "do not know that command" in (await emulator.reply_to(OWNER, "/admin")).plain
    assert "no devices" in (await emulator.reply_to(PLATFORM, "/devices")).plain


async def test_a_strangers_forged_presses_stay_out_of_the_owners_log(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Twenty forged presses filled the owner's 📜 Log with twenty rows naming only the
    stranger. They go to the security log, five per person per window, which platform admins
    read with /security; the owner's log stays theirs."""
    device_id = await setup_device(sessions)
    chat = await emulator.reply_to(STRANGER, "/help")
    for _ in range(20):
        query = await emulator.press(STRANGER, chat, data=callback_data("view card", device_id))
        await emulator.wait_for(lambda q=query: emulator.callback_answers.get(q))  # type: ignore[misc]
    async with sessions() as session:
        rows = (
            await session.scalars(select(AuditEntry).where(AuditEntry.actor_user_id == STRANGER.id))
        ).all()
    assert [(r.action, r.device_id) for r in rows] == [("security.denied", None)] * 5
    log = await emulator.reply_to(PLATFORM, "/security")
    assert "Security log" in log.plain and str(STRANGER.id) in log.plain
    assert log.plain.count(f"user {STRANGER.id}") == 5
    refused = await emulator.reply_to(STRANGER, "/security")  # not a platform admin
    assert "Security log" not in refused.plain


async def test_acknowledging_a_missing_alert_reads_like_a_foreign_one(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The answer to "acknowledge alert N" told a stranger whether alert N existed."""
    device_id = await setup_device(sessions)
    async with sessions() as session:
        episode = AlertEpisode(
            device_id=device_id, kind="threshold", metric="co2", severity="warning",
            value=1500.0, threshold=1000.0, opened_at=clock.now(),
        )  # fmt: skip
        session.add(episode)
        await session.commit()
        existing = episode.id
    chat = await emulator.reply_to(STRANGER, "/help")
    answers = []
    for episode_id in (existing, existing + 1000):
        data = AlertAction(op=AlertOp.ACK, episode_id=episode_id).pack()
        query = await emulator.press(STRANGER, chat, data=data)
        answer = await emulator.wait_for(lambda q=query: emulator.callback_answers.get(q))  # type: ignore[misc]
        answers.append(answer["text"])
    assert answers == [NOT_FOUND, NOT_FOUND]
