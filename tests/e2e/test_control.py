"""Settings pushed to the device and commands answered by it, through the bot and the simulator."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotOptions
from core.audit.models import AuditEntry
from core.devices.models import DeviceConfig
from core.settings import Settings
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import RunningBot, bot_running
from tests.emulators.telegram_api import ChatMessage, FakeUser, TelegramEmulator
from tests.integration.helpers import (
    add_device,
    add_member,
    device_row,
    forget_retained,
    simulator_running,
)

OWNER = FakeUser(5001, "Olga")


async def owned_device(
    sessions: async_sessionmaker[AsyncSession], name: str = "Bedroom"
) -> tuple[str, int]:
    """A CO2 monitor owned by OWNER."""
    uid = unique_uid("co2_")
    provisioned = await add_device(sessions, uid, name=name)
    await add_member(sessions, OWNER.id, provisioned.device.id, "owner", name="Olga")
    return uid, provisioned.device.id


async def open_card(emulator: TelegramEmulator, name: str) -> ChatMessage:
    """/devices, then tap the device: the card replaces the list (an alert that arrives
    meanwhile is not mistaken for the list)."""
    before = len(emulator.bot_messages(OWNER.id))
    await emulator.send(OWNER, "/devices")
    listing: ChatMessage = await emulator.wait_for(
        lambda: next(
            (m for m in emulator.bot_messages(OWNER.id)[before:] if "Your devices" in m.plain),
            None,
        )
    )
    await emulator.press(OWNER, listing, name)
    await emulator.wait_for(lambda: "Your role" in listing.plain)
    return listing


async def press_and_wait(
    emulator: TelegramEmulator, message: ChatMessage, button: str, words: str
) -> ChatMessage:
    """Press a button of `message` and wait until it reads `words`."""
    await emulator.press(OWNER, message, button)
    await emulator.wait_for(lambda: words in message.plain)
    return message


async def stored_config(sessions: async_sessionmaker[AsyncSession], device_id: int) -> DeviceConfig:
    """Read a device's config row afresh."""
    async with sessions() as session:
        row = await session.get(DeviceConfig, device_id)
        assert row is not None
        return row


async def test_report_interval_typed_in_a_prompt_reaches_the_device_which_applies_it(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, device_id = await owned_device(sessions)
    async with simulator_running(uid, processor.settings.mqtt_url) as device:
        card = await open_card(emulator, "Bedroom")
        screen = await press_and_wait(emulator, card, "Settings", "Settings — Bedroom")
        assert "Report interval: every 30 s" in screen.plain
        await press_and_wait(emulator, screen, "Report interval", "Send the report interval")

        # A wrong answer is explained in the prompt itself: one message per prompt.
        count = len(emulator.bot_messages(OWNER.id))
        await emulator.send(OWNER, "often")
        await emulator.wait_for(lambda: "not a number I can read" in screen.plain)
        assert "Send the report interval" in screen.plain
        await emulator.send(OWNER, "2 s")
        await emulator.wait_for(
            lambda: "out of range: a report interval is from 5 s to 24 h" in screen.plain
        )
        assert len(emulator.bot_messages(OWNER.id)) == count
        assert (await stored_config(sessions, device_id)).version == 1

        done = await emulator.reply_to(OWNER, "5")
        assert "Report interval: every 5 s" in done.plain
        await emulator.wait_for(lambda: "applied by the device" in done.plain)
        assert device.interval == 5 and device.config["version"] == 2
    row = await stored_config(sessions, device_id)
    assert (row.version, row.applied_version, row.config["report_interval"]) == (2, 2, 5)
    async with sessions() as session:
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "device.settings"))
        ).one()
    assert audit.actor_user_id == OWNER.id
    assert audit.before == {"version": 1, "report_interval": 30}
    assert audit.after == {"version": 2, "report_interval": 5}
    await forget_retained(uid)


async def test_threshold_set_while_the_device_is_offline_reaches_it_when_it_connects(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, device_id = await owned_device(sessions)
    emulator.open_chat(OWNER)  # they talked to the bot before: alerts reach them
    async with simulator_running(uid, processor.settings.mqtt_url) as device:
        assert device.sent >= 1  # it reported: the device is known; then it goes away
    await publish(f"devices/{uid}/status", b"offline", retain=True)  # its Last Will
    await eventually(lambda: _offline(sessions, device_id))
    # Its offline alert arrives first, so it cannot come between a prompt and its reply.
    await emulator.wait_for_message(OWNER, "Bedroom went offline")

    card = await open_card(emulator, "Bedroom")
    screen = await press_and_wait(emulator, card, "Settings", "Settings — Bedroom")
    await press_and_wait(emulator, screen, "CO₂", "An alert opens")
    await press_and_wait(emulator, screen, "Upper limit", "Send the upper limit of CO₂")
    await emulator.send(OWNER, "20000")
    await emulator.wait_for(
        lambda: "from 300 to 10000 ppm" in screen.plain and "out of" in screen.plain
    )
    done = await emulator.reply_to(OWNER, "1 200")
    assert "CO₂: above 1200 ppm" in done.plain
    assert "waiting for the device (offline since" in done.plain

    # The retained config is waiting at the broker.
    async with simulator_running(uid, processor.settings.mqtt_url, device):
        await emulator.wait_for(lambda: "applied by the device" in done.plain, timeout=15)
        assert device.config["thresholds"] == {"co2": {"high": 1200}}
    row = await stored_config(sessions, device_id)
    assert (row.version, row.applied_version) == (2, 2)
    await forget_retained(uid)


async def _seen(sessions: async_sessionmaker[AsyncSession], device_id: int) -> bool:
    return (await device_row(sessions, device_id)).last_seen_at is not None


async def _offline(sessions: async_sessionmaker[AsyncSession], device_id: int) -> bool:
    return not (await device_row(sessions, device_id)).is_online


async def test_buttons_of_an_outdated_settings_message_are_refused(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, device_id = await owned_device(sessions)
    first = await press_and_wait(
        emulator, await open_card(emulator, "Bedroom"), "Settings", "Settings — "
    )
    second = await press_and_wait(
        emulator, await open_card(emulator, "Bedroom"), "Settings", "Settings — "
    )
    await press_and_wait(emulator, second, "Device alerts: on", "Device alerts: off")
    query = await emulator.press(OWNER, first, "Device alerts: on")
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    assert "changed meanwhile" in answer["text"]
    row = await stored_config(sessions, device_id)
    assert (row.version, row.config["alerts_enabled"]) == (2, False)


async def test_cancel_leaves_the_prompt_and_a_later_number_changes_nothing(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, device_id = await owned_device(sessions)
    screen = await press_and_wait(
        emulator, await open_card(emulator, "Bedroom"), "Settings", "Settings"
    )
    await press_and_wait(emulator, screen, "Report interval", "Send the report interval")
    await press_and_wait(emulator, screen, "Cancel", "Report interval: every")  # back to settings
    assert "Settings — Bedroom" in screen.plain
    assert "did not expect a message" in (await emulator.reply_to(OWNER, "60")).plain
    # /cancel leaves a prompt too, with a way back to where the person was.
    await press_and_wait(emulator, screen, "Report interval", "Send the report interval")
    cancelled = await emulator.reply_to(OWNER, "/cancel")
    assert cancelled.plain == "Cancelled."
    await press_and_wait(emulator, cancelled, "Back to where I was", "Settings — Bedroom")
    assert (await stored_config(sessions, device_id)).version == 1


async def test_a_prompt_survives_a_bot_restart(
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    engine: object,
    redis: object,
) -> None:
    _, device_id = await owned_device(sessions)
    async with bot_running(settings, emulator):
        screen = await press_and_wait(
            emulator, await open_card(emulator, "Bedroom"), "Settings", "Settings"
        )
        await press_and_wait(emulator, screen, "Report interval", "Send the report interval")
    async with bot_running(settings, emulator):
        done = await emulator.reply_to(OWNER, "10 min", timeout=15)
        assert "Report interval: every 10 min" in done.plain
    assert (await stored_config(sessions, device_id)).config["report_interval"] == 600


async def test_commands_go_to_the_device_and_its_answer_is_shown(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, device_id = await owned_device(sessions)
    async with simulator_running(uid, processor.settings.mqtt_url) as device:
        card = await open_card(emulator, "Bedroom")
        menu = await press_and_wait(emulator, card, "Commands", "Commands — Bedroom")
        await press_and_wait(emulator, menu, "Identify", "done by Bedroom")
        assert [c["command"] for c in device.commands] == ["identify"]
        assert " s." in menu.plain or "at once" in menu.plain
        # The menu stays under the answer: the next command is one press away.
        assert "Commands — Bedroom" in menu.plain and menu.button("Restart")

        await press_and_wait(emulator, menu, "Back to the device", "Your role")
        await press_and_wait(emulator, menu, "Commands", "Commands — Bedroom")
        await press_and_wait(emulator, menu, "Restart", "Restart Bedroom?")
        assert len(device.commands) == 1  # nothing is sent before the confirmation
        await press_and_wait(emulator, menu, "Yes", "Restart: done by Bedroom")
        assert [c["command"] for c in device.commands] == ["identify", "restart"]
        assert device.commands[1]["params"] == {} and isinstance(device.commands[1]["id"], str)
    async with sessions() as session:
        sent = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "device.command"))
        ).all()
    assert [(e.actor_user_id, (e.after or {})["command"]) for e in sent] == [
        (OWNER.id, "identify"),
        (OWNER.id, "restart"),
    ]
    assert {(e.after or {})["id"] for e in sent} == {c["id"] for c in device.commands}
    assert device_id
    await forget_retained(uid)


@pytest.mark.parametrize("bot_options", [BotOptions(polling_timeout=1, command_timeout=1.0)])
async def test_a_command_to_an_offline_device_says_no_answer_and_since_when(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, device_id = await owned_device(sessions)
    await publish(f"devices/{uid}/telemetry", b'{"co2": 600}')
    await eventually(lambda: _seen(sessions, device_id))
    await publish(f"devices/{uid}/status", b"offline")
    await eventually(lambda: _offline(sessions, device_id))
    card = await open_card(emulator, "Bedroom")
    menu = await press_and_wait(emulator, card, "Commands", "Commands — Bedroom")
    await press_and_wait(emulator, menu, "Identify", "no answer from Bedroom in 1 s")
    assert "The device is offline since" in menu.plain
    await forget_retained(uid)


async def test_forged_settings_buttons_are_out_of_date_and_change_nothing(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, device_id = await owned_device(sessions)
    chat = await emulator.reply_to(OWNER, "/help")
    for data in (
        f"cf:x:{device_id}:1:bogus:co2:0",  # no such field
        f"cf:x:{device_id}:1:high:<b>:0",  # no such metric
        f"s:{device_id}:owner",  # owners are not invited
        f"m:r:{device_id}:5002:emperor",  # no such role
    ):
        query = await emulator.press(OWNER, chat, data=data)
        answer = await emulator.wait_for(partial(emulator.callback_answers.get, query))
        assert answer.get("text") in {
            "This button is out of date. Send /devices for a fresh list.",
            "I could not use that. Please check it and try again.",
            "This device does not exist or you have no access to it.",
        }, data
    row = await stored_config(sessions, device_id)
    assert (row.version, row.config) == (1, {"report_interval": 30, "alerts_enabled": True})
    assert chat.edits == 0


async def test_a_preset_answers_the_prompt_and_ends_it(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Report interval → "30 s": applied, and the prompt is over. A number typed afterwards
    is not taken for an answer, and the old prompt's Cancel says the prompt is closed."""
    _, device_id = await owned_device(sessions)
    screen = await press_and_wait(
        emulator, await open_card(emulator, "Bedroom"), "Settings", "Settings"
    )
    await press_and_wait(emulator, screen, "Report interval", "Send the report interval")
    prompt = screen
    await press_and_wait(emulator, prompt, "30 s", "Report interval: every 30 s")
    later = await emulator.reply_to(OWNER, "60")
    assert "did not expect a message" in later.plain
    row = await stored_config(sessions, device_id)
    assert (row.version, row.config["report_interval"]) == (1, 30)

    # A prompt answered by typing leaves its message behind: its Cancel is closed now.
    await press_and_wait(emulator, screen, "Report interval", "Send the report interval")
    old = screen
    await emulator.reply_to(OWNER, "2 min")
    query = await emulator.press(OWNER, old, "Cancel")
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    assert "This prompt is closed" in answer["text"]
    await emulator.wait_for(lambda: not old.buttons())
    assert (await stored_config(sessions, device_id)).config["report_interval"] == 120


async def test_a_limit_screen_offers_clearing_only_what_is_set_and_a_clash_names_both(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await owned_device(sessions)
    card = await open_card(emulator, "Bedroom")
    screen = await press_and_wait(emulator, card, "Settings", "Settings — Bedroom")
    await press_and_wait(emulator, screen, "CO₂", "An alert opens")
    assert not any("No upper limit" in b["text"] for b in screen.buttons())
    await press_and_wait(emulator, screen, "Upper limit", "Send the upper limit of CO₂")
    done = await emulator.reply_to(OWNER, "1000")
    await press_and_wait(emulator, done, "CO₂", "An alert opens")
    labels = [b["text"] for b in done.buttons()]
    assert any("No upper limit" in t for t in labels) and not any("No lower" in t for t in labels)
    await press_and_wait(emulator, done, "Lower limit", "Send the lower limit of CO₂")
    await emulator.send(OWNER, "1200")
    await emulator.wait_for(lambda: "(upper 1000 ppm, lower 1200 ppm)" in done.plain)


async def test_night_mode_hours_can_be_typed(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, device_id = await owned_device(sessions)
    screen = await press_and_wait(
        emulator, await open_card(emulator, "Bedroom"), "Settings", "Settings — Bedroom"
    )
    await emulator.press(OWNER, screen, "Night mode")
    await emulator.wait_for(lambda: "Other hours" in str(screen.rows()))
    await press_and_wait(emulator, screen, "Other hours", "Send the night mode hours")
    await emulator.send(OWNER, "25-7")
    await emulator.wait_for(lambda: "could not read those hours" in screen.plain)
    done = await emulator.reply_to(OWNER, "23:00–06:00")
    assert "Night mode: 23:00–06:00" in done.plain
    assert (await stored_config(sessions, device_id)).config["night_mode"] == {
        "start": 23,
        "end": 6,
    }
