"""Every "are you sure?" is held on the server: a forged, reused or someone else's "yes"
does nothing, and preset buttons go through the same range checks as typed values."""

from __future__ import annotations

from functools import partial

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import (
    CommandAction,
    CommandOp,
    MemberAction,
    MemberOp,
    RelayAction,
    RelayOp,
    SettingsAction,
    SettingsOp,
)
from core.access.models import Membership
from core.audit.models import AuditEntry
from core.devices.models import Device, DeviceConfig
from core.devices.service import provision
from tests.conftest import unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import ChatMessage, FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member

OWNER = FakeUser(7201, "Olek")
ADMIN = FakeUser(7202, "Ada")
EXPIRED = "⌛ That confirmation expired (30 s) or was used. Start again from the card."
NOT_YOURS = "🙅 Only the person who asked can confirm this."


async def answer(
    emulator: TelegramEmulator, user: FakeUser, message: ChatMessage, data: str
) -> str:
    """Press (forged) callback `data` under `message`; return the callback's answer text."""
    query = await emulator.press(user, message, data=data)
    reply = await emulator.wait_for(partial(emulator.callback_answers.get, query))
    return str(reply.get("text", ""))


async def commands_sent(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).where(AuditEntry.action == "device.command")
        )
    return int(count or 0)


async def test_forged_reused_and_foreign_yes_to_a_critical_command_are_refused(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device = (await add_device(sessions, unique_uid("co2_"), name="Attic")).device
    await add_member(sessions, OWNER.id, device.id, "owner", name=OWNER.first_name)
    await add_member(sessions, ADMIN.id, device.id, "admin", name=ADMIN.first_name)
    chat = await emulator.reply_to(OWNER, "/help")
    await emulator.reply_to(ADMIN, "/help")

    def run(nonce: str = "") -> str:
        return CommandAction(
            op=CommandOp.RUN, device_id=device.id, name="restart", nonce=nonce
        ).pack()

    # A RUN without the question, or with a made-up nonce, sends nothing.
    assert await answer(emulator, OWNER, chat, run()) == EXPIRED
    assert await answer(emulator, OWNER, chat, run("AAAAAAAAAAAA")) == EXPIRED
    # The question asked for the owner cannot be answered by the admin.
    ask = CommandAction(op=CommandOp.ASK, device_id=device.id, name="restart").pack()
    await emulator.press(OWNER, chat, data=ask)
    await emulator.wait_for(lambda: "Restart <b>Attic</b>?" in chat.text)
    yes = chat.button("Yes")["callback_data"]
    assert await answer(emulator, ADMIN, chat, yes) == NOT_YOURS
    # Nor is a "yes" to a restart a "yes" to a calibration.
    other = CommandAction.unpack(yes)
    forged = CommandAction(
        op=CommandOp.RUN, device_id=device.id, name="calibrate", nonce=other.nonce
    ).pack()
    assert await answer(emulator, OWNER, chat, forged) == EXPIRED
    assert await commands_sent(sessions) == 0

    # Its rightful "yes" works once (the device is offline, so no answer comes).
    used = yes
    await emulator.press(OWNER, chat, data=ask)
    await emulator.wait_for(lambda: chat.button("Yes")["callback_data"] != used)
    yes = chat.button("Yes")["callback_data"]
    await emulator.press(OWNER, chat, data=yes)
    await emulator.wait_for(lambda: "no answer from" in chat.plain, timeout=20)
    assert await commands_sent(sessions) == 1
    assert await answer(emulator, OWNER, chat, yes) == EXPIRED
    assert await commands_sent(sessions) == 1


async def test_a_forged_yes_to_switching_a_critical_relay_off_is_refused(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        device = (
            await provision(
                session,
                unique_uid("shellypro3-"),
                "shelly_pro3",
                name="Boiler room",
                attributes={"channel_names": ["Pump", "Heater"], "critical_channels": [1]},
            )
        ).device
    await add_member(sessions, OWNER.id, device.id, "owner", name=OWNER.first_name)
    chat = await emulator.reply_to(OWNER, "/help")
    # The old form of the "yes" (an expiry in the button) and a made-up nonce do nothing.
    old = f"r:y:{device.id}:1:0:{2**31}"
    made_up = RelayAction(
        op=RelayOp.CONFIRM, device_id=device.id, channel=1, on=0, nonce="BBBBBBBBBBBB"
    ).pack()
    assert await answer(emulator, OWNER, chat, made_up) == EXPIRED
    assert await answer(emulator, OWNER, chat, old) == EXPIRED
    press = RelayAction(op=RelayOp.SET, device_id=device.id, channel=1, on=0).pack()
    await emulator.press(OWNER, chat, data=press)  # a press without the question is asked
    await emulator.wait_for(lambda: "is marked critical. Switch it off?" in chat.plain)
    yes = RelayAction.unpack(chat.button("Yes, switch Heater off")["callback_data"])
    # A "yes" for channel 1 does not switch channel 0.
    other = RelayAction(op=RelayOp.CONFIRM, device_id=device.id, channel=0, on=0, nonce=yes.nonce)
    await emulator.press(OWNER, chat, data=other.pack())  # channel 0 is not critical: it goes
    await emulator.wait_for(lambda: "Pump: no confirmation" in chat.plain, timeout=20)
    assert await commands_sent(sessions) == 1  # only the non-critical channel 0
    forged_one = RelayAction(op=RelayOp.CONFIRM, device_id=device.id, channel=1, on=0, nonce="x")
    assert await answer(emulator, OWNER, chat, forged_one.pack()) == EXPIRED
    assert await commands_sent(sessions) == 1


async def test_forged_yes_to_revoke_transfer_and_removal_change_nothing(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device = (await add_device(sessions, unique_uid("co2_"), name="Garage")).device
    await add_member(sessions, OWNER.id, device.id, "owner", name=OWNER.first_name)
    await add_member(sessions, ADMIN.id, device.id, "viewer", name=ADMIN.first_name)
    chat = await emulator.reply_to(OWNER, "/help")
    for op in (MemberOp.REVOKE, MemberOp.TRANSFER, MemberOp.REMOVE):
        for nonce in ("", "CCCCCCCCCCCC"):
            data = MemberAction(op=op, device_id=device.id, user_id=ADMIN.id, nonce=nonce)
            assert await answer(emulator, OWNER, chat, data.pack()) == EXPIRED, op
    # A "yes" to revoking is not a "yes" to handing over ownership.
    ask = MemberAction(op=MemberOp.REVOKE_ASK, device_id=device.id, user_id=ADMIN.id)
    await emulator.press(OWNER, chat, data=ask.pack())
    await emulator.wait_for(lambda: "Revoke the access of" in chat.plain)
    yes = MemberAction.unpack(chat.button("Yes")["callback_data"])
    transfer = MemberAction(
        op=MemberOp.TRANSFER, device_id=device.id, user_id=ADMIN.id, nonce=yes.nonce
    )
    assert await answer(emulator, OWNER, chat, transfer.pack()) == EXPIRED
    async with sessions() as session:
        members = (await session.scalars(select(Membership).order_by(Membership.user_id))).all()
        assert await session.get(Device, device.id) is not None
    assert [(m.user_id, m.role) for m in members] == [(OWNER.id, "owner"), (ADMIN.id, "viewer")]


async def test_a_forged_preset_goes_through_the_range_check(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device = (await add_device(sessions, unique_uid("co2_"), name="Hall")).device
    await add_member(sessions, OWNER.id, device.id, "owner", name=OWNER.first_name)
    chat = await emulator.reply_to(OWNER, "/help")
    for seconds in (1, 10**9):
        data = SettingsAction(op=SettingsOp.INTERVAL, device_id=device.id, version=1, value=seconds)
        text = await answer(emulator, OWNER, chat, data.pack())
        assert text == "That is out of range: a report interval is from 5 s to 24 h."
    async with sessions() as session:
        row = await session.get(DeviceConfig, device.id)
    assert row is not None and (row.version, row.config["report_interval"]) == (1, 30)
