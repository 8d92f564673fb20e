"""A CO2 monitor reports and its owner sees it in Telegram; a stranger sees nothing."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotOptions, run_bot
from bot.live import LiveOptions
from core.access.models import Membership
from core.audit.models import AuditEntry
from core.settings import Settings
from core.users.models import User
from core.users.repository import UserRepository
from device_firmware.simulator.device import SimulatedDevice
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import ApiError, FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, rollup_count

OWNER = FakeUser(1001, "Anna")
STRANGER = FakeUser(2002, "Eve")


async def test_start_registers_the_user_and_sets_the_menu(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    reply = await emulator.reply_to(OWNER, "/start")
    assert "Hello, Anna" in reply.plain
    async with sessions() as session:
        user = await session.get(User, OWNER.id)
    assert user is not None and user.first_name == "Anna" and user.is_active
    commands = {c["command"] for c in emulator.commands}
    assert {"devices", "status", "live", "stop", "add", "help", "select"} <= commands
    assert "/devices" in (await emulator.reply_to(OWNER, "/help")).plain


async def test_start_makes_a_user_who_had_blocked_the_bot_reachable_again(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await emulator.reply_to(OWNER, "/start")
    async with sessions() as session:
        await UserRepository(session).set_active(OWNER.id, active=False)
        await session.commit()
    await emulator.reply_to(OWNER, "/start")
    async with sessions() as session:
        user = await session.get(User, OWNER.id)
    assert user is not None and user.is_active


async def test_unknown_commands_and_stray_text_get_a_hint(
    bot: RunningBot, emulator: TelegramEmulator
) -> None:
    assert "do not know that command" in (await emulator.reply_to(OWNER, "/frobnicate")).plain
    assert "/help" in (await emulator.reply_to(OWNER, "hello there")).plain


async def test_owner_claims_a_simulated_device_and_sees_its_readings(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: object,
) -> None:
    uid = unique_uid("co2_")
    provisioned = await add_device(sessions, uid, name="Bedroom", location="Home")
    device_id = provisioned.device.id
    # One reading now, the next in a minute: the values stay put while the test reads them.
    simulator = SimulatedDevice(uid, "co2", interval=60, mqtt_url=processor.settings.mqtt_url)
    running = asyncio.create_task(simulator.run())
    await eventually(lambda: rollup_count(sessions, device_id, "co2"))

    # A stranger with a wrong code gets a clear refusal, and sees no devices.
    assert "does not match" in (await emulator.reply_to(STRANGER, "/add AAAAA-BBBBB")).plain
    assert "no devices" in (await emulator.reply_to(STRANGER, "/devices")).plain

    # The owner is asked for the code and types it.
    assert "claim code" in (await emulator.reply_to(OWNER, "/add")).plain
    done = await emulator.reply_to(OWNER, provisioned.claim_code.lower())
    assert "Bedroom is yours now" in done.plain

    # The same code again: already used, for anyone.
    used = await emulator.reply_to(STRANGER, f"/add {provisioned.claim_code}")
    assert "used already" in used.plain

    status = (await emulator.reply_to(OWNER, "/status")).plain
    co2 = simulator.values["co2"]
    assert "Bedroom" in status and f"CO₂: {round(co2)} ppm" in status

    listing = await emulator.reply_to(OWNER, "/devices")
    button = listing.button("Bedroom")
    assert button["text"].startswith("🟢") and f"{round(co2)} ppm" in button["text"]
    await emulator.press(OWNER, listing, "Bedroom")
    card = await emulator.wait_for(lambda: listing.edits and listing)
    text = card.plain
    assert "Bedroom" in text and "📍 Home" in text and "Firmware 2.0.1-sim" in text
    assert f"CO₂: {round(co2)} ppm" in text and "s ago" in text
    assert "Temperature:" in text and "°C" in text and "Your role: owner" in text
    assert "online since" in text

    async with sessions() as session:
        members = (await session.scalars(select(Membership))).all()
        audit = (await session.scalars(select(AuditEntry.action))).all()
    assert [(m.user_id, m.role) for m in members] == [(OWNER.id, "owner")]
    assert "device.claimed" in audit
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    await publish(f"devices/{uid}/status", b"", retain=True)  # leave no retained message behind


async def test_forged_callback_reveals_nothing_to_a_stranger(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    provisioned = await add_device(sessions, unique_uid(), name="Secret lab")
    await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    menu = await emulator.reply_to(STRANGER, "/start")
    forged = f"d:o:{provisioned.device.id}"
    query_id = await emulator.press(STRANGER, menu, data=forged)
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query_id))
    assert answer["text"] == "This device does not exist or you have no access to it."
    missing = await emulator.press(STRANGER, menu, data="d:o:999999")
    assert (await emulator.wait_for(lambda: emulator.callback_answers.get(missing)))[
        "text"
    ] == answer["text"]
    assert all("Secret lab" not in m.text for m in emulator.chat(STRANGER.id))
    garbage = await emulator.press(STRANGER, menu, data="d:zz:not-a-number")
    await emulator.wait_for(lambda: emulator.callback_answers.get(garbage))
    assert all("Secret lab" not in m.text for m in emulator.chat(STRANGER.id))


async def test_repeated_wrong_codes_are_rate_limited(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    provisioned = await add_device(sessions, unique_uid())
    for _ in range(5):
        assert "does not match" in (await emulator.reply_to(STRANGER, "/add 00000-00000")).plain
    limited = await emulator.reply_to(STRANGER, f"/add {provisioned.claim_code}")
    assert "Too many wrong codes. Try again in 15 minutes." in limited.plain
    async with sessions() as session:
        assert (await session.scalars(select(Membership))).all() == []


async def test_live_view_edits_on_new_telemetry_and_stops(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid = unique_uid()
    provisioned = await add_device(sessions, uid, name="Office")
    await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    await publish(f"devices/{uid}/telemetry", b'{"co2": 700}')
    await eventually(lambda: rollup_count(sessions, provisioned.device.id, "co2"))

    live = await emulator.reply_to(OWNER, "/live")
    assert "Live: Office" in live.plain and "CO₂: 700 ppm" in live.plain

    await publish(f"devices/{uid}/telemetry", b'{"co2": 1234}')
    await emulator.wait_for(lambda: "CO₂: 1234 ppm" in live.plain)
    edits = live.edits

    # The same values again: nothing changed, so no edit.
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1234}')
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1300}')
    await emulator.wait_for(lambda: "CO₂: 1300 ppm" in live.plain)
    assert live.edits == edits + 1

    assert [b["text"] for b in live.buttons()] == ["⏹ Stop"]
    count = len(emulator.bot_messages(OWNER.id))
    await emulator.send(OWNER, "/stop")  # one answer: the live message itself says it ended
    await emulator.wait_for(lambda: "Live view stopped at " in live.plain)
    assert "as of then" in live.plain and len(emulator.bot_messages(OWNER.id)) == count
    assert live.buttons() == []
    frozen = live.edits
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1500}')
    assert "No live view is running" in (await emulator.reply_to(OWNER, "/stop")).plain
    assert live.edits == frozen and "1500" not in live.plain

    # ⏹ Stop on the message ends it there, with no message of its own.
    again = await emulator.reply_to(OWNER, "/live")
    count = len(emulator.bot_messages(OWNER.id))
    query = await emulator.press(OWNER, again, "⏹ Stop")
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    assert answer["text"] == "Live view stopped."
    await emulator.wait_for(lambda: "Live view stopped at " in again.plain)
    assert len(emulator.bot_messages(OWNER.id)) == count


async def test_live_view_edits_at_most_once_per_interval(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    bot_options: BotOptions,
) -> None:
    uid = unique_uid()
    provisioned = await add_device(sessions, uid, name="Hall")
    await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    live = await emulator.reply_to(OWNER, "/live")
    for co2 in range(500, 540):
        await publish(f"devices/{uid}/telemetry", f'{{"co2": {co2}}}'.encode())
    await emulator.wait_for(lambda: "CO₂: 539 ppm" in live.plain)
    edit_times = [
        i
        for i, (name, params) in enumerate(emulator.requests)
        if name == "editMessageText" and int(params["message_id"]) == live.message_id
    ]
    assert 1 <= len(edit_times) < 10  # 40 readings, a handful of edits


@pytest.mark.parametrize(
    "bot_options",
    [BotOptions(live=LiveOptions(edit_interval=0.5, lifetime=2.0), polling_timeout=1)],
)
async def test_live_view_ends_by_itself_with_a_note(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    provisioned = await add_device(sessions, unique_uid(), name="Garage")
    await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    live = await emulator.reply_to(OWNER, "/live")
    note = await emulator.wait_for(
        lambda: [m for m in emulator.bot_messages(OWNER.id) if "Live view of" in m.plain],
        timeout=15,
    )
    assert "Live view of Garage ended" in note[0].plain and "/live" in note[0].plain
    assert "Live view ended" in live.plain


async def test_bot_keeps_running_when_the_api_rejects_start_up_calls(
    emulator: TelegramEmulator,
    settings: Settings,
    engine: object,
    redis: Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator.failures["setMyCommands"] = ApiError(400, "Bad Request: commands are not allowed")
    emulator.failures["deleteWebhook"] = ApiError(500, "Internal Server Error")
    emulator.failures["getMe"] = ApiError(502, "Bad Gateway")
    stop = asyncio.Event()
    bot_settings = settings.model_copy(update={"telegram_api_url": emulator.url})
    task = asyncio.create_task(run_bot(bot_settings, stop, BotOptions(polling_timeout=1)))
    await emulator.wait_for(lambda: len(emulator.calls("getMe")) >= 2, timeout=15)
    del emulator.failures["getMe"]  # the Bot API server comes back
    reply = await emulator.reply_to(OWNER, "/help", timeout=15)
    assert "/devices" in reply.plain
    stop.set()
    await asyncio.wait_for(task, 15)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("setMyCommands failed at start-up" in w for w in warnings)
    assert any("deleteWebhook failed at start-up" in w for w in warnings)
    assert any("Bot API refused polling" in w for w in warnings)


async def test_select_chooses_the_device_live_watches(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert "no devices yet" in (await emulator.reply_to(OWNER, "/live")).plain
    kitchen = await add_device(sessions, unique_uid(), name="Kitchen")
    attic = await add_device(sessions, unique_uid(), name="Attic <2>")
    for provisioned in (kitchen, attic):
        await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    assert "Choose a device first" in (await emulator.reply_to(OWNER, "/live")).plain

    picker = await emulator.reply_to(OWNER, "/select")
    assert [b["text"] for b in picker.buttons()] == ["⚪ Attic <2>", "⚪ Kitchen"]
    await emulator.press(OWNER, picker, "Attic")
    await emulator.wait_for(lambda: "Current device: Attic <2>" in picker.plain)
    live = await emulator.reply_to(OWNER, "/live")
    assert "Live: Attic <2>" in live.plain
    await emulator.send(OWNER, "/stop")
    await emulator.wait_for(lambda: "Live view stopped at" in live.plain)


async def test_a_new_command_ends_the_claim_prompt(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """/add → /devices → "hello": "hello" is not a wrong code (nor a try toward the lock-out),
    and after five of those the right code still works."""
    provisioned = await add_device(sessions, unique_uid(), name="Attic")
    for _ in range(5):
        assert "claim code" in (await emulator.reply_to(STRANGER, "/add")).plain
        await emulator.reply_to(STRANGER, "/devices")
        hello = await emulator.reply_to(STRANGER, "hello")
        assert "does not match" not in hello.plain
        assert "did not expect a message" in hello.plain
    # /cancel still knows there was a prompt to leave.
    await emulator.reply_to(STRANGER, "/add")
    assert (await emulator.reply_to(STRANGER, "/cancel")).plain == "Cancelled."
    claimed = await emulator.reply_to(STRANGER, f"/add {provisioned.claim_code}")
    assert "Attic is yours now" in claimed.plain


async def test_first_contact_describes_the_bot_and_explains_codes(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """What a newcomer meets: a description before /start, /start pointing to /help, a code
    of the wrong shape explained (and not counted), the tries left before the lock-out, and
    commands meant for another bot left alone."""
    assert "Dozor watches your sensors" in emulator.description
    assert 0 < len(emulator.short_description) <= 120
    assert "/help" in (await emulator.reply_to(STRANGER, "/start")).plain
    short = await emulator.reply_to(STRANGER, "/add 12345")
    assert "A code has 10 letters and digits" in short.plain
    wrong = await emulator.reply_to(STRANGER, "/add 00000-00000")
    assert "does not match any device" in wrong.plain and "4 tries left" in wrong.plain
    assert "/devices" in (await emulator.reply_to(STRANGER, f"/help@{emulator.username}")).plain
    before = len(emulator.bot_messages(STRANGER.id))
    await emulator.send(STRANGER, "/help@other_bot")
    assert "do not know" in (await emulator.reply_to(STRANGER, "/frobnicate")).plain
    assert len(emulator.bot_messages(STRANGER.id)) == before + 1  # only the /frobnicate reply
