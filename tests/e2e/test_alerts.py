"""Alerts end to end: the right people hear once, at the right moments, through failures."""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import BotOptions
from bot.notifier.delivery import DeliveryOptions
from core import clock
from core.alerts.models import AlertEpisode
from core.alerts.repository import EpisodeRepository
from core.alerts.rules import Kind
from core.alerts.service import Change, queue_reminders, record_changes
from core.audit.models import AuditEntry
from core.outbox.models import OutboxMessage
from core.settings import Settings
from core.users.models import User
from core.users.service import set_digest_hour, set_quiet_hours
from processor.app import run_processor
from tests.conftest import RunningProcessor, eventually, forget_mqtt_session, publish, unique_uid
from tests.e2e.conftest import RunningBot, bot_running
from tests.emulators.telegram_api import ApiError, ChatMessage, FakeUser, TelegramEmulator
from tests.integration.broker import cli_env
from tests.integration.helpers import add_device, add_member, rollup_count, set_config

ROOT = Path(__file__).resolve().parents[2]
OWNER = FakeUser(3001, "Anna")
ADMIN = FakeUser(3002, "Bob")
QUIET = FakeUser(3003, "Cleo")  # a member with notifications off
STRANGER = FakeUser(3004, "Eve")


async def _all_sent(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage] | None:
    async with sessions() as session:
        rows = list((await session.scalars(select(OutboxMessage))).all())
    return rows if rows and all(r.status == "sent" for r in rows) else None


async def co2_device(
    sessions: async_sessionmaker[AsyncSession], emulator: TelegramEmulator, **threshold: object
) -> tuple[str, int]:
    uid = unique_uid("co2_")
    provisioned = await add_device(sessions, uid, name="Bedroom", location="Home")
    device_id = provisioned.device.id
    await set_config(sessions, device_id, thresholds={"co2": {"high": 1000, **threshold}})
    await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    for user in (ADMIN, QUIET, STRANGER):
        await emulator.reply_to(user, "/start")
    await add_member(sessions, ADMIN.id, device_id, "admin", name="Bob")
    await add_member(sessions, QUIET.id, device_id, "viewer", notifications=False, name="Cleo")
    return uid, device_id


async def test_crossing_alerts_each_member_once_and_closing_says_back_to_normal(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await co2_device(sessions, emulator)
    before = {u.id: len(emulator.bot_messages(u.id)) for u in (OWNER, ADMIN, QUIET, STRANGER)}
    await publish(f"devices/{uid}/telemetry", b'{"co2": 900}')
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1250}')
    owner_alert = await emulator.wait_for(
        lambda: (
            len(emulator.bot_messages(OWNER.id)) > before[OWNER.id]
            and emulator.bot_messages(OWNER.id)[-1]
        )
    )
    text = owner_alert.plain
    assert "CO₂ too high — Bedroom · Home" in text
    assert "1250 ppm (threshold 1000 ppm)" in text and "since" in text
    assert [b["text"] for b in owner_alert.buttons()] == [
        "✅ Acknowledge",
        "🔕 Mute 1 h",
        "📟 Open device",
    ]
    await emulator.wait_for(lambda: len(emulator.bot_messages(ADMIN.id)) > before[ADMIN.id])

    # Oscillating inside the hysteresis band (closes only at ≤ 900): nothing more.
    for co2 in (1050, 950, 1100, 920, 1010):
        await publish(f"devices/{uid}/telemetry", f'{{"co2": {co2}}}'.encode())
    await publish(f"devices/{uid}/telemetry", b'{"co2": 850}')
    back = await emulator.wait_for_message(OWNER, "back to normal")
    assert "now 850 ppm" in back.plain
    # The alert itself now reads as over and can no longer be acknowledged.
    await emulator.wait_for(lambda: "✅ Over at" in owner_alert.plain)
    assert "1250 ppm (threshold 1000 ppm)" in owner_alert.plain
    assert [b["text"] for b in owner_alert.buttons()] == ["📟 Open device"]
    await emulator.wait_for_message(ADMIN, "back to normal")
    for user in (OWNER, ADMIN):
        assert len(emulator.bot_messages(user.id)) == before[user.id] + 2
    for user in (QUIET, STRANGER):
        assert len(emulator.bot_messages(user.id)) == before[user.id]
    async with sessions() as session:
        (episode,) = (await session.scalars(select(AlertEpisode))).all()
    assert (episode.value, episode.threshold, episode.close_value) == (1250, 1000, 850)
    assert episode.closed_at is not None


async def test_processor_restart_during_an_episode_sends_nothing_new(
    settings: Settings,
    engine: AsyncEngine,
    redis: Redis,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, device_id = await co2_device(sessions, emulator)
    stored = 0

    async def run_once(*payloads: bytes) -> None:
        nonlocal stored
        stop, ready = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(run_processor(settings, stop, ready))
        await asyncio.wait_for(ready.wait(), 10)
        for payload in payloads:
            await publish(f"devices/{uid}/telemetry", payload)
        stored += len(payloads)
        await eventually(lambda: _stored(sessions, device_id, stored), timeout=10)
        stop.set()
        await asyncio.wait_for(task, 30)

    try:
        await run_once(b'{"co2": 1300}')
        await emulator.wait_for_message(OWNER, "too high")
        count = len(emulator.bot_messages(OWNER.id))
        await run_once(b'{"co2": 1400}', b'{"co2": 1350}')
        await run_once(b'{"co2": 700}')
        await emulator.wait_for_message(OWNER, "back to normal")
        assert len(emulator.bot_messages(OWNER.id)) == count + 1
        async with sessions() as session:
            rows = (await session.scalars(select(OutboxMessage.dedup_key))).all()
        assert len(rows) == len(set(rows)) == 4  # opened + closed, for Anna and Bob
    finally:
        await forget_mqtt_session(settings.mqtt_client_id)


async def _stored(sessions: async_sessionmaker[AsyncSession], device_id: int, n: int) -> bool:
    return await rollup_count(sessions, device_id, "co2") >= n


async def test_last_will_and_silence_open_offline_episodes(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, device_id = await co2_device(sessions, emulator)
    await publish(f"devices/{uid}/telemetry", b'{"co2": 500}')
    await publish(f"devices/{uid}/status", b"offline")
    offline = await emulator.wait_for_message(OWNER, "went offline")
    assert "Bedroom · Home went offline" in offline.plain
    await publish(f"devices/{uid}/telemetry", b'{"co2": 510}')
    online = await emulator.wait_for_message(OWNER, "back online")
    assert "away for" in online.plain

    # Silence: a 0.3 s report interval, so 0.9 s without telemetry means offline (set once
    # the last reading is in: the sweep reads the interval afresh, and a device silent for
    # longer already would go offline before that reading, and come back with it).
    await publish(f"devices/{uid}/telemetry", b'{"co2": 520}')
    await eventually(lambda: _stored(sessions, device_id, 3))
    await set_config(sessions, device_id, report_interval=0.3)
    await emulator.wait_for_message(OWNER, "went offline", timeout=20)
    async with sessions() as session:
        kinds = (await session.scalars(select(AlertEpisode.kind))).all()
    assert kinds == ["device_offline", "device_offline"]


async def test_alerts_disabled_sends_nothing(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, device_id = await co2_device(sessions, emulator)
    await set_config(sessions, device_id, alerts_enabled=False)
    count = len(emulator.bot_messages(OWNER.id))
    await publish(f"devices/{uid}/telemetry", b'{"co2": 5000}')
    await publish(f"devices/{uid}/status", b"offline")
    reply = await emulator.reply_to(OWNER, "/help")  # the bot is responsive meanwhile
    assert "/devices" in reply.plain
    async with sessions() as session:
        assert (await session.scalars(select(AlertEpisode))).all() == []
    assert len(emulator.bot_messages(OWNER.id)) == count + 1


async def test_acknowledge_shows_everyone_who_and_mute_silences(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await co2_device(sessions, emulator)
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1500}')
    owner_alert = await emulator.wait_for_message(OWNER, "too high")
    admin_alert = await emulator.wait_for_message(ADMIN, "too high")
    await eventually(lambda: _all_sent(sessions))  # every copy is recorded with its id
    await emulator.press(OWNER, owner_alert, "Acknowledge")
    await emulator.wait_for(lambda: "Acknowledged by Anna" in owner_alert.plain)
    note = await emulator.wait_for_message(ADMIN, "Acknowledged by Anna")
    assert note.message_id != admin_alert.message_id
    assert "Acknowledge" not in [b["text"] for b in admin_alert.buttons()]

    await emulator.press(ADMIN, admin_alert, "Open device")
    card = await emulator.wait_for_message(ADMIN, "Your role: admin")
    assert "Bedroom" in card.plain and "CO₂: 1500 ppm" in card.plain

    query = await emulator.press(ADMIN, admin_alert, "Mute")
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    until = (clock.now() + timedelta(hours=1)).strftime("%H:")
    # Past midnight the day is named too ("until 05 Dec 00:00").
    said = re.search(r"no alerts for you until (?:\d\d \w{3} )?(\d\d:)", answer["text"])
    assert said is not None and said[1] == until, answer["text"]
    await emulator.wait_for(lambda: "🔔 Unmute" in str(admin_alert.rows()))  # it can be undone
    admin_count = len(emulator.bot_messages(ADMIN.id))
    await publish(f"devices/{uid}/telemetry", b'{"co2": 600}')
    await emulator.wait_for_message(OWNER, "back to normal")
    assert len(emulator.bot_messages(ADMIN.id)) == admin_count

    # The card says so too, and unmutes.
    await emulator.press(ADMIN, admin_alert, "Open device")
    muted_card = await emulator.wait_for(
        lambda: next(
            (m for m in emulator.bot_messages(ADMIN.id) if "muted until" in str(m.rows())), None
        )
    )
    await emulator.press(ADMIN, muted_card, "muted until")
    await emulator.wait_for(lambda: "My alerts: on" in str(muted_card.rows()))
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1600}')
    await emulator.wait_for(lambda: len(emulator.bot_messages(ADMIN.id)) > admin_count + 1)
    assert "too high" in emulator.bot_messages(ADMIN.id)[-1].plain

    # A stranger forging the acknowledge button of this episode (id 1) learns nothing.
    forged = await emulator.press(STRANGER, owner_alert, data="a:a:1:0")
    refused = await emulator.wait_for(lambda: emulator.callback_answers.get(forged))
    assert refused["text"] == "This device does not exist or you have no access to it."


async def test_delivery_waits_on_429_retries_5xx_and_stops_at_403(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await co2_device(sessions, emulator)
    emulator.fail_next["sendMessage"] = [
        ApiError(429, "Too Many Requests: retry after 1", retry_after=1),
        ApiError(502, "Bad Gateway"),
    ]
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1500}')
    for user in (OWNER, ADMIN):
        await emulator.wait_for_message(user, "too high", timeout=20)
    assert emulator.fail_next["sendMessage"] == []
    rows = await eventually(lambda: _all_sent(sessions))  # sent, and recorded as sent
    assert max(r.attempts for r in rows) >= 1

    emulator.blocked_by.add(ADMIN.id)
    await publish(f"devices/{uid}/telemetry", b'{"co2": 600}')
    await emulator.wait_for_message(OWNER, "back to normal")

    async def admin_inactive() -> bool:
        async with sessions() as session:
            user = await session.get(User, ADMIN.id)
            return user is not None and not user.is_active

    await eventually(admin_inactive)
    async with sessions() as session:
        dropped = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.user_id == ADMIN.id, OutboxMessage.event == "closed"
                )
            )
        ).all()
    assert [r.status for r in dropped] == ["dropped"]


async def test_unacknowledged_critical_alerts_are_reminded_three_times(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await co2_device(sessions, emulator, severity="critical")
    await publish(f"devices/{uid}/telemetry", b'{"co2": 2500}')
    alert = await emulator.wait_for_message(OWNER, "too high")
    assert alert.plain.startswith("🔴")

    def reminders() -> list[ChatMessage]:
        return [m for m in emulator.bot_messages(OWNER.id) if "Reminder" in m.plain]

    got = await emulator.wait_for(lambda: len(reminders()) >= 3 and reminders(), timeout=30)
    assert [m.plain.split(" —")[0] for m in got] == [
        "⏰ Reminder 1 of 3",
        "⏰ Reminder 2 of 3",
        "⏰ Reminder 3 of 3",
    ]
    assert "CO₂ too high — Bedroom · Home" in got[0].plain
    async with sessions() as session:
        (episode,) = (await session.scalars(select(AlertEpisode))).all()
        assert episode.reminders_sent == 3
        assert await queue_reminders(session, timedelta(0)) == 0  # three is the most

    # Acknowledged: no reminder is due any more, however much time passes.
    await emulator.press(OWNER, got[-1], "Acknowledge")
    await emulator.wait_for(lambda: "Acknowledged by Anna" in got[-1].plain)
    async with sessions() as session, session.begin():
        await session.execute(update(AlertEpisode).values(reminders_sent=0))
    async with sessions() as session:
        assert await queue_reminders(session, timedelta(0)) == 0


async def test_a_member_switches_their_alerts_off_from_the_card(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await co2_device(sessions, emulator)
    listing = await emulator.reply_to(OWNER, "/devices")
    await emulator.press(OWNER, listing, "Bedroom")
    await emulator.wait_for(lambda: "Your role: owner" in listing.plain)
    assert listing.button("My alerts").get("text") == "🔔 My alerts: on (tap to switch off)"
    await emulator.press(OWNER, listing, "My alerts")
    await emulator.wait_for(lambda: "🔕 My alerts: off" in listing.button("My alerts")["text"])

    owner_count = len(emulator.bot_messages(OWNER.id))
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1800}')
    await emulator.wait_for_message(ADMIN, "too high")
    assert len(emulator.bot_messages(OWNER.id)) == owner_count
    async with sessions() as session:
        audit = (await session.scalars(select(AuditEntry.action))).all()
    assert "member.notifications" in audit


async def test_alerts_lists_open_episodes_first_a_page_at_a_time(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, device_id = await co2_device(sessions, emulator)
    start = clock.now() - timedelta(days=1)
    async with sessions() as session, session.begin():
        episodes = EpisodeRepository(session)
        for hour in range(6):
            at = start + timedelta(hours=hour)
            await episodes.open(device_id, "threshold_high", "co2", "warning", 1200, 1000, at)
            await episodes.close(
                device_id, "threshold_high", "co2", at + timedelta(minutes=20), 900
            )
        await episodes.open(device_id, "device_offline", "", "warning", None, None, start)

    first = await emulator.reply_to(OWNER, "/alerts")
    lines = first.plain.split("\n\n")
    assert lines[0] == "Alerts (page 1 of 2)"
    assert lines[1].startswith("1. 📴 Bedroom · Home went offline") and "open since" in lines[1]
    assert len(lines) == 6 and all("CO₂ too high" in line for line in lines[2:])
    assert "1200 ppm (threshold 1000 ppm)" in lines[2]
    assert first.rows() == [["✅ 1"], ["◀ Older"]]  # only the open one can be acknowledged
    await emulator.press(OWNER, first, "✅ 1")
    await emulator.wait_for(lambda: "✅ Anna" in first.plain)
    assert first.rows() == [["◀ Older"]]
    await emulator.press(OWNER, first, "Older")
    await emulator.wait_for(lambda: "page 2 of 2" in first.plain)
    assert first.plain.count("CO₂ too high") == 2
    assert [b["text"] for b in first.buttons()] == ["Newer ▶"]
    assert "No alerts so far" in (await emulator.reply_to(STRANGER, "/alerts")).plain


async def test_alerts_due_together_go_as_one_message(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    emulator.open_chat(OWNER)  # the bot is not running while the alerts pile up
    names = ["Kitchen", "Hall", "Garage"]
    device_ids = [(await add_device(sessions, unique_uid(), name=n)).device.id for n in names]
    for device_id in device_ids:
        await add_member(sessions, OWNER.id, device_id, "owner", name="Anna")
    now = clock.now().timestamp()
    async with sessions() as session, session.begin():
        recorded = await record_changes(
            session,
            [Change(d, Kind.OFFLINE, "", True, "warning", None, None, now) for d in device_ids],
        )
    assert [r.notified for r in recorded] == [1, 1, 1]

    async with bot_running(settings, emulator):
        message = await emulator.wait_for(
            lambda: emulator.bot_messages(OWNER.id) and emulator.bot_messages(OWNER.id)[-1]
        )
        await emulator.reply_to(OWNER, "/help")  # give delivery time to send anything more
    lines = message.plain.split("\n")
    assert lines[0] == "📴 3 devices went offline"
    assert [line.split(" · ")[0] for line in lines[1:]] == ["1. Garage", "2. Hall", "3. Kitchen"]
    assert all(" · since " in line for line in lines[1:])
    assert message.rows()[:2] == [["✅ 1", "✅ 2", "✅ 3"], ["✅ Acknowledge all"]]
    alerts = [m for m in emulator.bot_messages(OWNER.id) if "offline" in m.plain]
    assert alerts == [message]
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert {(r.status, r.message_id) for r in rows} == {("sent", message.message_id)}


async def test_after_downtime_a_chat_gets_one_summary_not_a_replay(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    emulator.open_chat(OWNER)
    hall = (await add_device(sessions, unique_uid(), name="Hall")).device.id
    lab = (await add_device(sessions, unique_uid(), name="Lab")).device.id
    for device_id in (hall, lab):
        await add_member(sessions, OWNER.id, device_id, "owner", name="Anna")
    t0 = clock.now().timestamp() - 3600
    async with sessions() as session, session.begin():
        await record_changes(
            session,
            [
                Change(hall, Kind.HIGH, "co2", True, "warning", 1300, 1000, t0),
                Change(lab, Kind.HIGH, "co2", True, "warning", 1400, 1000, t0 + 60),
            ],
        )
    async with sessions() as session, session.begin():
        await record_changes(
            session, [Change(hall, Kind.HIGH, "co2", False, "warning", 850, 1000, t0 + 600)]
        )
        await session.execute(
            update(OutboxMessage).values(created_at=clock.now() - timedelta(hours=1))
        )  # held up for an hour

    async with bot_running(settings, emulator):
        summary = await emulator.wait_for(
            lambda: emulator.bot_messages(OWNER.id) and emulator.bot_messages(OWNER.id)[-1]
        )
        await emulator.reply_to(OWNER, "/help")
    lines = summary.plain.split("\n")
    assert lines[0] == "📭 While Dozor was unreachable (2 alerts):"
    assert lines[1].startswith("1. 🟠 CO₂ too high — Hall (") and lines[1].endswith("over now)")
    assert lines[2] == "2. 🟠 CO₂ too high — Lab"
    assert lines[3].startswith("    1400 ppm (threshold 1000 ppm) · since ")
    assert summary.rows() == [["✅ 2"], ["📟 Hall", "📟 Lab"]]
    assert len([m for m in emulator.bot_messages(OWNER.id) if "CO₂" in m.plain]) == 1


async def test_processor_killed_during_an_episode_sends_no_duplicate(
    settings: Settings,
    engine: AsyncEngine,
    redis: Redis,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, device_id = await co2_device(sessions, emulator)
    env = cli_env(settings)

    async def start() -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "processor", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
        )
        assert process.stderr is not None
        line = b""
        while b"connected to MQTT broker" not in line:
            line = await asyncio.wait_for(process.stderr.readline(), 30)
        return process

    first = await start()
    try:
        await publish(f"devices/{uid}/telemetry", b'{"co2": 1600}')
        await emulator.wait_for_message(OWNER, "too high")
        count = len(emulator.bot_messages(OWNER.id))
        first.kill()  # no goodbye, no flush
        await first.wait()
        second = await start()
        try:
            await publish(f"devices/{uid}/telemetry", b'{"co2": 1700}')
            await eventually(lambda: _stored(sessions, device_id, 2), timeout=15)
            await publish(f"devices/{uid}/telemetry", b'{"co2": 700}')
            await emulator.wait_for_message(OWNER, "back to normal")
        finally:
            second.terminate()
            await second.wait()
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
        await forget_mqtt_session(settings.mqtt_client_id)
    assert len(emulator.bot_messages(OWNER.id)) == count + 1
    async with sessions() as session:
        assert len((await session.scalars(select(AlertEpisode))).all()) == 1


async def test_quiet_hours_hold_warnings_let_critical_through_and_summarise_later(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await co2_device(sessions, emulator)
    hour = clock.now().hour  # the owner's timezone is the default, UTC
    async with sessions() as session:
        await set_quiet_hours(session, OWNER.id, hour, (hour + 2) % 24)
        # No morning digest falls due during this test, whatever the hour it runs at.
        await set_digest_hour(session, OWNER.id, (hour + 12) % 24)
    provisioned = await add_device(sessions, unique_uid(), name="Freezer")
    await set_config(
        sessions,
        provisioned.device.id,
        thresholds={"temperature": {"high": -10, "severity": "critical"}},
    )
    await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    count = len(emulator.bot_messages(OWNER.id))

    await publish(f"devices/{uid}/telemetry", b'{"co2": 1300}')
    await emulator.wait_for_message(ADMIN, "too high")
    await publish(f"devices/{uid}/telemetry", b'{"co2": 800}')
    await emulator.wait_for_message(ADMIN, "back to normal")
    await publish(f"devices/{provisioned.device.uid}/telemetry", b'{"temperature": 2}')
    critical = await emulator.wait_for_message(OWNER, "Temperature too high")
    assert critical.plain.startswith("🔴 Temperature too high — Freezer")
    assert len(emulator.bot_messages(OWNER.id)) == count + 1  # the CO₂ alerts wait

    async with sessions() as session, session.begin():
        held = (await session.scalars(select(OutboxMessage).where(OutboxMessage.held))).all()
        assert {(r.user_id, r.event) for r in held} == {(OWNER.id, "opened"), (OWNER.id, "closed")}
        assert all(r.due_at > clock.now() for r in held)
        # The morning comes: the quiet hours are over and the held rows are due.
        await session.execute(update(User).where(User.id == OWNER.id).values(quiet_start=None))
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.held).values(due_at=clock.now())
        )
    await emulator.wait_for_message(OWNER, "quiet hours")
    summary = emulator.bot_messages(OWNER.id)[-1]
    assert summary.plain.startswith("🌙 During your quiet hours (one alert):")
    assert "CO₂ too high — Bedroom · Home" in summary.plain and "over now" in summary.plain


async def test_settings_set_quiet_hours_and_timezone(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    screen = await emulator.reply_to(OWNER, "/settings")
    assert "Quiet hours: off" in screen.plain and "Timezone: UTC" in screen.plain
    assert "• No quiet hours •" in str(screen.rows())  # the current choice is marked
    await emulator.press(OWNER, screen, "22–07")
    await emulator.wait_for(lambda: "Quiet hours: 22:00–07:00" in screen.plain)
    assert "• 🌙 22–07 •" in str(screen.rows()) and "• ☀️ 08:00 •" in str(screen.rows())
    assert "Morning digest (with quiet hours on): 08:00" in screen.plain
    await emulator.press(OWNER, screen, "☀️ 07:00")
    await emulator.wait_for(lambda: "Morning digest (with quiet hours on): 07:00" in screen.plain)
    # The same hour again changes nothing: a short "up to date", and no edit for Telegram to
    # refuse ("message is not modified").
    edits = len(emulator.calls("editMessageText"))
    again = await emulator.press(OWNER, screen, "☀️ 07:00")
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(again))
    assert answer.get("text") == "✓ Up to date."
    assert len(emulator.calls("editMessageText")) == edits
    assert (
        "Timezone set to America/New_York"
        in (await emulator.reply_to(OWNER, "/settings tz new york")).plain
    )
    assert (
        "Timezone set to Europe/Warsaw"
        in (await emulator.reply_to(OWNER, "/settings tz warsaw")).plain
    )
    refused = await emulator.reply_to(OWNER, "/settings tz Mars/Olympus")
    assert "do not know the timezone “Mars/Olympus”" in refused.plain
    async with sessions() as session:
        user = await session.get(User, OWNER.id)
    assert user is not None
    assert (user.quiet_start, user.quiet_end, user.timezone) == (22, 7, "Europe/Warsaw")
    assert user.digest_hour == 7


async def test_morning_digest_tells_how_the_night_went_once(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await co2_device(sessions, emulator)
    garage = await add_device(sessions, unique_uid(), name="Garage")
    await emulator.reply_to(OWNER, f"/add {garage.claim_code}")
    now = clock.now()
    night_end = now.replace(minute=0, second=0, microsecond=0)
    # A reading now keeps the sensor online; the night's readings carry their own times.
    await publish(f"devices/{uid}/telemetry", b'{"co2": 700}')
    for minutes, co2 in ((90, 600), (60, 1200), (30, 900)):
        at = int((night_end - timedelta(minutes=minutes)).timestamp())
        await publish(f"devices/{uid}/telemetry", f'{{"co2": {co2}, "timestamp": {at}}}'.encode())
    await publish(f"devices/{garage.device.uid}/telemetry", b'{"co2": 500}')
    await publish(f"devices/{garage.device.uid}/status", b"offline")
    await eventually(lambda: _stored(sessions, garage.device.id, 1))
    await emulator.wait_for_message(OWNER, "Garage went offline")
    async with sessions() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.id == OWNER.id)
            .values(quiet_start=(now.hour - 2) % 24, quiet_end=now.hour, digest_hour=now.hour)
        )

    await emulator.wait_for_message(OWNER, "Good morning")
    digest = emulator.bot_messages(OWNER.id)[-1].plain
    assert "Bedroom: CO₂ 600–1200, avg 900 ppm" in digest
    assert "Garage: CO₂" not in digest  # its reading came after the night
    assert "One alert overnight:\n• 🟠 CO₂ too high — Bedroom · Home" in digest
    assert digest.endswith("Offline now: Garage")
    await emulator.reply_to(OWNER, "/help")
    digests = [m for m in emulator.bot_messages(OWNER.id) if "Good morning" in m.plain]
    assert len(digests) == 1


@pytest.mark.parametrize(
    "bot_options", [BotOptions(delivery=DeliveryOptions(send_timeout=1), polling_timeout=1)]
)
async def test_a_send_that_times_out_is_retried_and_arrives_once(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await co2_device(sessions, emulator)
    emulator.hang_next["sendMessage"] = [3.0]
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1500}')
    for user in (OWNER, ADMIN):
        await emulator.wait_for_message(user, "too high", timeout=20)
    for chat in (OWNER.id, ADMIN.id):
        assert len([m for m in emulator.bot_messages(chat) if "too high" in m.plain]) == 1
    rows = await eventually(lambda: _all_sent(sessions))  # sent, and recorded as sent
    assert max(r.attempts for r in rows) == 1  # the lost request was retried once


async def test_a_closing_updates_the_combined_message_that_announced_it(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    emulator.open_chat(OWNER)
    hall = (await add_device(sessions, unique_uid(), name="Hall")).device.id
    lab = (await add_device(sessions, unique_uid(), name="Lab")).device.id
    for device_id in (hall, lab):
        await add_member(sessions, OWNER.id, device_id, "owner", name="Anna")
    t0 = clock.now().timestamp()
    async with sessions() as session, session.begin():
        await record_changes(
            session,
            [
                Change(hall, Kind.HIGH, "co2", True, "warning", 1300, 1000, t0),
                Change(lab, Kind.HIGH, "co2", True, "warning", 1400, 1000, t0),
            ],
        )
    async with bot_running(settings, emulator):
        combined = await emulator.wait_for_message(OWNER, "2 alerts")
        async with sessions() as session, session.begin():
            await record_changes(
                session, [Change(hall, Kind.HIGH, "co2", False, "warning", 800, 1000, t0 + 300)]
            )
        # The recovery is news: it arrives as a message of its own (and notifies) …
        back = await emulator.wait_for_message(OWNER, "back to normal")
        assert back.plain.startswith("✅ CO₂ back to normal — Hall")
        # … and the list that announced it shows that line as over, without its button.
        await emulator.wait_for(lambda: "over now" in combined.plain, timeout=15)
        await emulator.reply_to(OWNER, "/help")
    assert "1. 🟠 CO₂ too high — Hall (" in combined.plain and "over now" in combined.plain
    assert "2. 🟠 CO₂ too high — Lab" in combined.plain
    assert combined.rows()[0] == ["✅ 2"]
    assert [m for m in emulator.bot_messages(OWNER.id) if "CO₂" in m.plain] == [combined, back]


async def test_a_row_with_a_malformed_payload_is_failed_and_the_chat_goes_on(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A payload no version of Dozor writes (hand-edited, or from a broken writer) is never
    rendered half: its row fails with the reason, and the good rows around it are sent."""
    await co2_device(sessions, emulator)
    before = len(emulator.bot_messages(OWNER.id))
    payloads: list[dict[str, Any]] = [
        {"event": "opened", "kind": "gremlins", "device_name": "Bedroom"},
        {"event": "notice", "args": {"name": "no key"}},
        {
            "event": "notice",
            "key": "notice-removed",
            "args": {"device": "Attic", "name": "Bob"},
        },
    ]
    async with sessions() as session, session.begin():
        for n, payload in enumerate(payloads):
            session.add(
                OutboxMessage(
                    user_id=OWNER.id,
                    event=str(payload["event"]),
                    severity="warning",
                    dedup_key=f"malformed-test:{uuid.uuid4().hex}:{n}",
                    payload=payload,
                )
            )
    said = await emulator.wait_for(
        lambda: (
            len(emulator.bot_messages(OWNER.id)) > before and emulator.bot_messages(OWNER.id)[-1]
        )
    )
    assert "Attic was removed by Bob" in said.plain

    async def settled() -> list[OutboxMessage] | None:
        async with sessions() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.dedup_key.like("malformed-test:%"))
                    .order_by(OutboxMessage.id)
                )
            ).all()
        return list(rows) if rows[-1].status != "pending" else None  # sent, then committed

    rows = await eventually(settled)
    assert [r.status for r in rows] == ["failed", "failed", "sent"]
    assert rows[0].last_error is not None and "kind" in rows[0].last_error
    assert rows[1].last_error is not None and "key" in rows[1].last_error
    assert len(emulator.bot_messages(OWNER.id)) == before + 1


async def test_a_combined_message_keeps_values_and_lets_each_alert_be_acknowledged(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """An offline alert and a CO₂ alert due together: the message keeps the ppm, the limit
    and the time, and each alert can be acknowledged from it, one by one or all at once."""
    emulator.open_chat(OWNER)
    emulator.open_chat(ADMIN)
    hall = (await add_device(sessions, unique_uid(), name="Hall")).device.id
    bedroom = (await add_device(sessions, unique_uid(), name="Bedroom")).device.id
    attic = (await add_device(sessions, unique_uid(), name="Attic")).device.id
    for device_id in (hall, bedroom, attic):
        await add_member(sessions, OWNER.id, device_id, "owner", name="Anna")
    await add_member(sessions, ADMIN.id, bedroom, "viewer", name="Bob")
    now = clock.now().timestamp()
    async with sessions() as session, session.begin():
        recorded = await record_changes(
            session,
            [
                Change(hall, Kind.OFFLINE, "", True, "warning", None, None, now),
                Change(bedroom, Kind.HIGH, "co2", True, "warning", 1250, 1000, now),
                Change(attic, Kind.OFFLINE, "", True, "warning", None, None, now),
            ],
        )
    hall_episode, co2_episode, attic_episode = (r.episode_id for r in recorded)
    async with bot_running(settings, emulator):
        combined = await emulator.wait_for_message(OWNER, "3 alerts")
        lines = combined.plain.split("\n")
        assert lines[1] == "1. 📴 Hall went offline"
        assert lines[3] == "2. 🟠 CO₂ too high — Bedroom"
        assert lines[4].startswith("    1250 ppm (threshold 1000 ppm) · since ")
        assert combined.rows()[:2] == [["✅ 1", "✅ 2", "✅ 3"], ["✅ Acknowledge all"]]
        bob_alert = await emulator.wait_for_message(ADMIN, "CO₂ too high")

        await emulator.press(OWNER, combined, "✅ 2")
        await emulator.wait_for(lambda: combined.rows()[0] == ["✅ 1", "✅ 3"])
        await emulator.wait_for_message(OWNER, "2. 🟠 CO₂ too high — Bedroom: acknowledged by")
        # Bob's own copy (a single alert) loses its Acknowledge button and says who.
        await emulator.wait_for(lambda: "✅ Acknowledge" not in str(bob_alert.rows()))
        await emulator.wait_for_message(ADMIN, "Acknowledged by Anna")

        query = await emulator.press(OWNER, combined, "✅ Acknowledge all")
        await emulator.wait_for(lambda: "✅" not in str(combined.rows()))
        answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
        assert answer.get("text") == "2 alerts acknowledged."
    async with sessions() as session:
        acked = {
            e.id: e.acknowledged_by
            for e in (await session.scalars(select(AlertEpisode))).all()
            if e.id in {hall_episode, co2_episode, attic_episode}
        }
    assert acked == {hall_episode: OWNER.id, co2_episode: OWNER.id, attic_episode: OWNER.id}


async def test_alerts_pages_neither_repeat_nor_skip_alerts_opened_at_the_same_instant(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A site going dark opens many episodes in one instant; paging through /alerts shows
    each of them exactly once."""
    emulator.open_chat(OWNER)
    names = [f"Room {i:02d}" for i in range(23)]
    same = clock.now() - timedelta(minutes=5)
    async with sessions() as session, session.begin():
        episodes = EpisodeRepository(session)
        for name in names:
            device_id = (await add_device(sessions, unique_uid(), name=name)).device.id
            await add_member(sessions, OWNER.id, device_id, "owner", name="Anna")
            await episodes.open(device_id, "device_offline", "", "warning", None, None, same)
    page = await emulator.reply_to(OWNER, "/alerts")
    seen: list[str] = []
    for number in range(1, 6):
        title = f"page {number} of 5"
        await emulator.wait_for(lambda title=title: title in page.plain)  # type: ignore[misc]
        seen += [name for name in names if f"{name} went offline" in page.plain]
        if number < 5:
            await emulator.press(OWNER, page, "Older")
    assert sorted(seen) == names


async def test_switching_quiet_hours_off_releases_the_held_alerts(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A warning held for quiet hours arrives as soon as the person switches them off, not
    at the old end of the night."""
    _, device_id = await co2_device(sessions, emulator)
    hour = clock.now().hour
    async with sessions() as session:
        await set_quiet_hours(session, OWNER.id, hour, (hour + 3) % 24)
        await set_digest_hour(session, OWNER.id, (hour + 12) % 24)
    count = len(emulator.bot_messages(OWNER.id))
    async with sessions() as session, session.begin():
        now = clock.now().timestamp()
        await record_changes(
            session, [Change(device_id, Kind.HIGH, "co2", True, "warning", 1300, 1000, now)]
        )

    async def held() -> bool:
        async with sessions() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.user_id == OWNER.id, OutboxMessage.held
                    )
                )
            ).all()
        return bool(rows) and all(r.due_at > clock.now() for r in rows)

    await eventually(held)
    assert len(emulator.bot_messages(OWNER.id)) == count  # held for the night
    screen = await emulator.reply_to(OWNER, "/settings")
    await emulator.press(OWNER, screen, "No quiet hours")
    alert = await emulator.wait_for_message(OWNER, "CO₂ too high")
    assert "1300 ppm" in alert.plain


async def test_recoveries_of_grouped_alerts_always_arrive_as_new_messages(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """One rule: a recovery is a message of its own (several due together share one), and the
    list that announced the alerts is updated to show which are over."""
    emulator.open_chat(OWNER)
    names = ["Garage", "Hall", "Kitchen"]
    ids = [(await add_device(sessions, unique_uid(), name=n)).device.id for n in names]
    for device_id in ids:
        await add_member(sessions, OWNER.id, device_id, "owner", name="Anna")
    t0 = clock.now().timestamp()

    async def change(devices: list[int], opens: bool, at: float) -> None:
        async with sessions() as session, session.begin():
            await record_changes(
                session,
                [Change(d, Kind.OFFLINE, "", opens, "warning", None, None, at) for d in devices],
            )

    await change(ids, True, t0)
    async with bot_running(settings, emulator):
        listed = await emulator.wait_for_message(OWNER, "3 devices went offline")
        await change(ids[:1], False, t0 + 60)
        first = await emulator.wait_for_message(OWNER, "Garage is back online")
        await emulator.wait_for(lambda: "over now" in listed.plain)
        assert listed.rows()[0] == ["✅ 2", "✅ 3"]
        await change(ids[1:], False, t0 + 120)
        both = await emulator.wait_for_message(OWNER, "Hall is back online")
        assert "Kitchen is back online" in both.plain  # due together: one message
        await emulator.wait_for(lambda: listed.plain.count("over now") == 3)
        await emulator.reply_to(OWNER, "/help")
    assert listed.plain.split("\n")[0] == "⚠️ 3 alerts"
    assert "✅" not in str(listed.rows())
    news = [m for m in emulator.bot_messages(OWNER.id) if "online" in m.plain]
    assert news == [first, both]


async def test_a_flood_wait_holds_for_the_whole_chat_and_replies_wait_it_out(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Telegram answers 429 with retry_after 3 for the owner's chat: nothing else goes to that
    chat until then — not the next alert, not the reply to /devices, which waits and arrives
    (no "Something went wrong"); the admin's chat is not held up."""
    uid, _ = await co2_device(sessions, emulator)
    emulator.fail_next["sendMessage"] = [
        ApiError(429, "Too Many Requests: retry after 3", retry_after=3)
    ]
    await publish(f"devices/{uid}/telemetry", b'{"co2": 1500}')
    await emulator.wait_for(lambda: OWNER.id in emulator.flood_until)
    await emulator.wait_for_message(ADMIN, "too high")
    await emulator.send(OWNER, "/devices")
    await emulator.wait_for(
        lambda: any("Your devices" in m.plain for m in emulator.bot_messages(OWNER.id)),
        timeout=15,
    )
    assert all("went wrong" not in m.plain for m in emulator.bot_messages(OWNER.id))
    # A row written meanwhile (the recovery) waits for the flood wait too; then the chat gets
    # what it missed.
    await publish(f"devices/{uid}/telemetry", b'{"co2": 600}')
    await emulator.wait_for(
        lambda: any("CO₂ too high — Bedroom" in m.plain for m in emulator.bot_messages(OWNER.id)),
        timeout=20,
    )
    assert emulator.flood_violations == []


async def test_a_stop_during_a_slow_send_waits_for_it_and_the_restart_sends_nothing_twice(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Telegram takes 4 s to answer a send and the bot is asked to stop while it waits: the
    stop waits for the answer, the row is recorded as sent, and the restarted bot does not
    send it again. (Only a send slower than its 15 s timeout can repeat: docs/alerts.md.)"""
    emulator.open_chat(OWNER)
    device_id = (await add_device(sessions, unique_uid(), name="Hall")).device.id
    await add_member(sessions, OWNER.id, device_id, "owner", name="Anna")
    async with sessions() as session, session.begin():
        now = clock.now().timestamp()
        await record_changes(
            session, [Change(device_id, Kind.HIGH, "co2", True, "warning", 1300, 1000, now)]
        )
    emulator.delay_next["sendMessage"] = [4.0]
    async with bot_running(settings, emulator):
        await emulator.wait_for(lambda: emulator.calls("sendMessage"))
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert [r.status for r in rows] == ["sent"]
    async with bot_running(settings, emulator):
        await emulator.reply_to(OWNER, "/help")  # a delivery round has run by now
    alerts = [m for m in emulator.bot_messages(OWNER.id) if "CO₂ too high" in m.plain]
    assert len(alerts) == 1


async def test_a_press_answered_too_late_does_not_say_something_went_wrong(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, device_id = await co2_device(sessions, emulator)
    async with sessions() as session, session.begin():
        now = clock.now().timestamp()
        await record_changes(
            session, [Change(device_id, Kind.HIGH, "co2", True, "warning", 1300, 1000, now)]
        )
    alert = await emulator.wait_for_message(OWNER, "CO₂ too high")
    emulator.fail_next["answerCallbackQuery"] = [
        ApiError(400, "Bad Request: query is too old and response timeout expired")
    ]
    query = await emulator.press(OWNER, alert, "Acknowledge")
    await emulator.wait_for(lambda: "Acknowledged by Anna" in alert.plain)
    await emulator.reply_to(OWNER, "/help")  # the press has been handled by now
    assert emulator.callback_answers.get(query) is None  # no "Something went wrong" popup
    assert all("went wrong" not in m.plain for m in emulator.bot_messages(OWNER.id))


async def _many_alerts(
    sessions: async_sessionmaker[AsyncSession],
    user: FakeUser,
    count: int,
    name: str,
    location: str | None = None,
) -> list[int]:
    """`count` CO₂ alerts of as many devices of `user`, due together; their episodes."""
    devices = []
    for n in range(count):
        named = f"{name} {n:02d}"
        device = (await add_device(sessions, unique_uid(), name=named, location=location)).device
        await add_member(sessions, user.id, device.id, "owner", name=user.first_name)
        devices.append(device.id)
    now = clock.now().timestamp()
    changes = [Change(d, Kind.HIGH, "co2", True, "warning", 1250, 1000, now) for d in devices]
    async with sessions() as session, session.begin():
        recorded = await record_changes(session, changes)
    return [r.episode_id for r in recorded]


async def _rows_of(
    sessions: async_sessionmaker[AsyncSession], episodes: list[int]
) -> list[OutboxMessage]:
    async with sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.episode_id.in_(episodes))
        return list((await session.scalars(query.order_by(OutboxMessage.id))).all())


async def test_combined_alerts_are_batched_by_length_and_none_is_lost(
    settings: Settings, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """25 alerts of devices with long names are longer than one message: they go in as many
    messages as it takes, each below Telegram's limit, and every one is delivered."""
    user = FakeUser(3101, "Cleo")
    emulator.open_chat(user)
    long_name = "Warehouse north wing, cold store compressor room, shelf"  # 58 characters
    place = "Logistics centre Gdańsk-Port, building C, ground floor east"
    episodes = await _many_alerts(sessions, user, 25, long_name, place)

    async def all_settled() -> list[OutboxMessage] | None:
        rows = await _rows_of(sessions, episodes)
        return rows if all(r.status != "pending" for r in rows) else None

    async with bot_running(settings, emulator):
        rows = await eventually(all_settled, timeout=30)
    assert {r.status for r in rows} == {"sent"}
    said = [m for m in emulator.bot_messages(user.id) if "CO₂ too high" in m.plain]
    assert len(said) >= 2  # the emulator refuses a text over 4,096 characters with a 400
    assert sum(m.plain.count("CO₂ too high") for m in said) == 25
    assert {r.message_id for r in rows} == {m.message_id for m in said}


async def test_a_combined_message_refused_goes_out_one_by_one(
    settings: Settings, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Telegram refuses a combined message (400): its alerts are sent one by one; only the
    one refused again on its own fails, the others arrive."""
    user = FakeUser(3102, "Dara")
    emulator.open_chat(user)
    episodes = await _many_alerts(sessions, user, 3, "Shed")
    emulator.fail_next["sendMessage"] = [
        ApiError(400, "Bad Request: can't parse entities"),  # the combined message
        ApiError(400, "Bad Request: can't parse entities"),  # then the first alone
    ]

    async def all_settled() -> list[OutboxMessage] | None:
        rows = await _rows_of(sessions, episodes)
        return rows if all(r.status != "pending" for r in rows) else None

    async with bot_running(settings, emulator):
        rows = await eventually(all_settled, timeout=20)
    assert [r.status for r in rows] == ["failed", "sent", "sent"]
    said = [m for m in emulator.bot_messages(user.id) if "CO₂ too high" in m.plain]
    assert len(said) == 2 and all(m.plain.count("CO₂ too high") == 1 for m in said)
    assert "Shed 01" in said[0].plain and "Shed 02" in said[1].plain
