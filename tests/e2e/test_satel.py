"""SATEL panels through the bot, the processor and the panel emulator."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.audit.models import AuditEntry
from core.devices.models import Device, DeviceConfig
from core.devices.service import provision
from core.live.store import LiveStateStore
from core.panels.models import PanelCode
from core.panels.profile import SATEL
from core.panels.repository import PanelCodeRepository, PanelEventRepository
from core.panels.state import PanelSnapshot
from core.redis_keys import RedisKeys
from core.secrets import SecretBox
from core.settings import Settings
from tests.conftest import RunningProcessor, eventually, forget_mqtt_session
from tests.e2e.conftest import RunningBot
from tests.emulators.satel import SatelPanelEmulator
from tests.emulators.telegram_api import ChatMessage, FakeUser, TelegramEmulator
from tests.integration.helpers import add_member, processor_running, start_processor_process

OWNER = FakeUser(5201, "Olga")
VIEWER = FakeUser(5202, "Vera")


@pytest.fixture
async def panel() -> AsyncIterator[SatelPanelEmulator]:
    emulator = SatelPanelEmulator(partitions=2, zones_per_partition=4)
    emulator.state.names[(0, 1)] = "Ground floor"
    emulator.state.names[(1, 3)] = "Terrace door"
    emulator.state.names[(1, 2)] = "Hall PIR"
    await emulator.start()
    yield emulator
    await emulator.stop()


async def add_panel(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    emulator: SatelPanelEmulator,
    **attributes: object,
) -> int:
    async with sessions() as session:
        created = await provision(
            session,
            f"satel-{uuid.uuid4().hex[:8]}",
            SATEL,
            name="Office",
            attributes={"host": "127.0.0.1", "port": emulator.port, **attributes},
        )
    device_id = created.device.id
    await add_member(sessions, OWNER.id, device_id, "owner", name="Olga")
    await add_member(sessions, VIEWER.id, device_id, "viewer", name="Vera")
    if "owner_code" in attributes:  # given for the owner, as `panel set --code` does
        async with sessions() as session, session.begin():
            device = await session.get(Device, device_id)
            assert device is not None
            await PanelCodeRepository(session).hand_over_to_owner(device)
    key = RedisKeys(settings.redis_prefix).panel_state(device_id)

    async def connected() -> bool:
        snap = PanelSnapshot.decode(await redis.get(key))
        return snap is not None and snap.connected

    await eventually(connected, timeout=15)
    return device_id


async def open_card(emulator: TelegramEmulator, user: FakeUser) -> ChatMessage:
    listing = await emulator.reply_to(user, "/devices")
    await emulator.press(user, listing, "Office")
    await emulator.wait_for(lambda: "Your role" in listing.plain)
    return listing


async def walk(emulator: TelegramEmulator, card: ChatMessage, *steps: tuple[str, str]) -> None:
    """Press each button on the owner's card and wait for the words it should bring."""
    for button, words in steps:
        await emulator.press(OWNER, card, button)
        await emulator.wait_for(_shows(card, words), timeout=15)


async def _is(read: Callable[[], Awaitable[object]], expected: object) -> bool:
    return await read() == expected


def labels(card: ChatMessage) -> list[str]:
    """The texts of a message's buttons."""
    return [button["text"] for button in card.buttons()]


def _shows(card: ChatMessage, words: str) -> Callable[[], bool]:
    return lambda: words in card.plain


async def test_arm_with_bypass_reaches_the_panel_and_an_alarm_every_member(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    emulator.open_chat(VIEWER)
    await add_panel(sessions, redis, settings, panel)
    panel.violate(3)
    await eventually(lambda: 0x00 not in panel.changed, timeout=5)  # the processor read it
    card = await open_card(emulator, OWNER)
    assert "Ground floor: 🔓 disarmed" in card.plain
    assert "Partition 2: 🔓 disarmed" in card.plain
    assert "Violated: Terrace door" in card.plain
    assert "Your code: not stored" in card.plain

    # Arm the ground floor in full mode, bypassing the open terrace door; the code is asked.
    await walk(
        emulator,
        card,
        ("🔒 Arm", "which partition of Office"),
        ("Ground floor", "in which mode"),
        ("Full", "Violated now: Terrace door"),
    )
    confirmation = card.button("✅ Arm, bypassing that zone")["callback_data"]
    # Only the person who asked may confirm; the viewer's press (forged) does nothing.
    query = await emulator.press(VIEWER, card, data=confirmation)
    await emulator.wait_for(lambda: query in emulator.callback_answers)
    assert "Only the person who asked" in emulator.callback_answers[query]["text"]
    await emulator.press(OWNER, card, data=confirmation)
    await emulator.wait_for(lambda: "Send your code for Office" in card.plain)
    typed = await emulator.send(OWNER, "1234")
    # the prompt itself turns into the answer and the card
    await emulator.wait_for(lambda: "Done: Arm Ground floor" in card.plain, timeout=15)
    assert typed.deleted  # the code did not stay in the chat
    assert "Ground floor: 🔒 armed (full)" in card.plain
    assert "Bypassed: Terrace door" in card.plain
    assert panel.state.partitions[1].armed and not panel.state.partitions[2].armed
    assert (0x86, "1234", {3}) in panel.controls  # bypass first, then arm
    armed_notice = await emulator.wait_for_message(VIEWER, "Ground floor armed")
    assert "by Olga" in armed_notice.plain

    # An alarm reaches every member.
    panel.violate(2)
    for user in (OWNER, VIEWER):
        alarm = await emulator.wait_for_message(user, "ALARM in Ground floor", timeout=5)
        assert "Office" in alarm.plain
        assert "Zone: Hall PIR" in alarm.plain  # the alarm names the zone that raised it

    # The viewer sees the state but gets no panel buttons, and a forged press is refused.
    card = await open_card(emulator, OWNER)
    assert "Ground floor: 🚨 ALARM" in card.plain
    forged = card.button("🔕 Clear alarm")["callback_data"]
    viewer_card = await open_card(emulator, VIEWER)
    assert "Ground floor: 🚨 ALARM" in viewer_card.plain
    assert not any("Arm" in text or "alarm" in text for text in labels(viewer_card))
    query = await emulator.press(VIEWER, viewer_card, data=forged)
    await emulator.wait_for(lambda: query in emulator.callback_answers)
    assert "Ground floor: 🚨 ALARM" in viewer_card.plain  # nothing moved
    assert [c for c in panel.controls if c[0] == 0x85] == []  # no clear-alarm reached the panel
    async with sessions() as session:
        actions = [
            (a.actor_user_id, a.action, (a.after or {}).get("result"))
            for a in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if a.action.startswith("panel.") or a.action == "access.denied"
        ]
    assert actions == [(OWNER.id, "panel.arm", "ok"), (VIEWER.id, "access.denied", None)]


async def test_wrong_code_then_a_stored_code_disarms_and_everything_is_audited(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    emulator.open_chat(OWNER)
    await add_panel(sessions, redis, settings, panel)
    panel.arm_now(1, mode=0)  # armed at the keypad: members are told, without a name
    notice = await emulator.wait_for_message(OWNER, "Ground floor armed")
    assert " by " not in notice.plain
    panel.violate(2)
    await emulator.wait_for_message(OWNER, "ALARM in Ground floor", timeout=5)
    card = await open_card(emulator, OWNER)
    assert "Ground floor: 🚨 ALARM" in card.plain

    # A wrong code is answered plainly and counted.
    await walk(
        emulator,
        card,
        ("🔓 Disarm", "which partition of Office"),
        ("Ground floor", "Disarm Ground floor on Office?"),
        ("✅ Disarm", "Send your code"),
    )
    typo = await emulator.send(OWNER, "12a4")  # a typo: said so, and the prompt still waits
    await emulator.wait_for_message(OWNER, "A panel code is 4 to 16 digits")
    assert typo.deleted and "Send your code" in card.plain
    await emulator.send(OWNER, "9999")
    await emulator.wait_for(lambda: "Wrong code. 2 tries left." in card.plain, timeout=15)
    assert panel.state.partitions[1].armed

    # The owner stores a code; disarming then needs no typing.
    await emulator.press(OWNER, card, "🔑 My code")
    await emulator.wait_for(lambda: "Send the code you use" in card.plain)
    typed = await emulator.send(OWNER, "1234")
    await emulator.wait_for(lambda: "Your code for Office is stored" in card.plain)
    assert typed.deleted
    assert "Your code: stored" in card.plain
    await walk(
        emulator,
        card,
        ("🔓 Disarm", "which partition of Office"),
        ("Ground floor", "Disarm Ground floor on Office?"),
        ("✅ Disarm", "Done: Disarm Ground floor"),
    )
    assert not panel.state.partitions[1].armed
    assert "Ground floor: 🔓 disarmed · ⚠️ alarm memory" in card.plain

    # Clearing the alarm memory; pressing the used confirmation again does nothing.
    await walk(
        emulator,
        card,
        ("🔕 Clear alarm", "which partition of Office"),
        ("Ground floor", "Clear alarm Ground floor on Office?"),
    )
    used = card.button("✅ Clear alarm")["callback_data"]
    await emulator.press(OWNER, card, data=used)
    await emulator.wait_for(lambda: "Done: Clear alarm Ground floor" in card.plain, timeout=15)
    assert "alarm memory" not in card.plain and not panel.state.partitions[1].alarm_memory
    query = await emulator.press(OWNER, card, data=used)
    await emulator.wait_for(lambda: query in emulator.callback_answers)
    assert "expired" in emulator.callback_answers[query]["text"]
    assert [c[0] for c in panel.controls].count(0x85) == 1
    async with sessions() as session:
        token = await session.scalar(select(PanelCode.code_token))
        actions = [
            (a.actor_user_id, a.action, (a.after or {}).get("result"))
            for a in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if a.action.startswith("panel.")
        ]
    assert token is not None and "1234" not in token
    assert actions == [
        (OWNER.id, "panel.disarm", "user_code_not_found"),
        (OWNER.id, "panel.code_stored", None),
        (OWNER.id, "panel.disarm", "ok"),
        (OWNER.id, "panel.clear", "ok"),
    ]


async def test_restart_and_takeover_the_bot_keeps_working(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """Two processors, one connected; the panel restarts; the holder is killed; arm works."""
    emulator.open_chat(OWNER)
    emulator.open_chat(VIEWER)
    first = await start_processor_process(settings)
    try:
        await add_panel(sessions, redis, settings, panel)  # the first processor holds it
        async with processor_running(settings):
            await asyncio.sleep(2 * settings.satel_lease_seconds)
            assert (panel.connections, panel.refused) == (1, 0)  # the second never knocked

            # The panel restarts, armed at the keypad meanwhile: the card shows it after.
            panel.arm_now(2, mode=1)
            await panel.restart(0.3)
            await eventually(lambda: panel.connections == 2 and panel.connected, timeout=15)
            await emulator.wait_for_message(OWNER, "Partition 2 armed")
            card = await open_card(emulator, OWNER)
            assert "Partition 2: 🔒 armed (partial 1 (home))" in card.plain

            # The holder dies; the other instance takes the panel and the bot arms through it.
            first.kill()
            await first.wait()
            await eventually(lambda: panel.connections == 3 and panel.connected, timeout=20)
            await walk(
                emulator,
                card,
                ("🔒 Arm", "which partition of Office"),
                ("Ground floor", "in which mode"),
                ("Full", "Arm Ground floor on Office"),
                ("✅ Arm", "Send your code for Office"),
            )
            await emulator.send(OWNER, "1234")
            await emulator.wait_for(lambda: "Done: Arm Ground floor" in card.plain, timeout=15)
            assert panel.state.partitions[1].armed
            assert "Ground floor: 🔒 armed (full)" in card.plain
            assert panel.refused == 0  # never two clients at once
        await forget_mqtt_session(settings.mqtt_client_id + "-killed")
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()


async def test_forget_my_code_forgets_the_code_given_at_panel_add(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """`panel set --code` for a panel with an owner makes the code that owner's own;
    "Forget my code" said "forgotten" and the card still said "stored"."""
    device_id = await add_panel(sessions, redis, settings, panel)
    token = SecretBox(settings.secret_keys).encrypt("1234")
    async with sessions() as session, session.begin():
        device = await session.get(Device, device_id)
        assert device is not None
        device.attributes = {**device.attributes, "owner_code": token}
        assert await PanelCodeRepository(session).hand_over_to_owner(device)
    card = await open_card(emulator, OWNER)
    assert "Your code: stored" in card.plain
    await emulator.press(OWNER, card, "Forget my code")
    await emulator.wait_for(lambda: "is forgotten" in card.plain)
    assert "Your code: not stored" in card.plain
    async with sessions() as session:
        device = await session.get(Device, device_id)
        assert await PanelCodeRepository(session).get(OWNER.id, device_id) is None
    assert device is not None and "owner_code" not in device.attributes


async def _arm_ground_floor_from_the_chat(emulator: TelegramEmulator) -> ChatMessage:
    card = await open_card(emulator, OWNER)
    await walk(
        emulator,
        card,
        ("🔒 Arm", "which partition of Office"),
        ("Ground floor", "in which mode"),
        ("Full", "valid for 30 s"),
    )
    await emulator.press(OWNER, card, "✅")
    await emulator.wait_for(lambda: "Send your code for Office" in card.plain)
    await emulator.send(OWNER, "1234")
    return card


async def test_a_keypad_disarm_soon_after_a_chat_arming_is_nobodys(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """Credit goes by the change a command asked for, not by a time window: Olga's arming is
    hers; a keypad disarm seconds later was reported "disarmed by Olga"."""
    emulator.open_chat(VIEWER)
    await add_panel(sessions, redis, settings, panel)
    card = await _arm_ground_floor_from_the_chat(emulator)
    await emulator.wait_for(lambda: "Done: Arm Ground floor" in card.plain, timeout=15)
    armed = await emulator.wait_for_message(VIEWER, "Ground floor armed")
    assert "by Olga" in armed.plain
    panel.disarm_now(1)  # at the keypad
    disarmed = await emulator.wait_for_message(VIEWER, "Ground floor disarmed", timeout=10)
    assert " by " not in disarmed.plain


async def test_an_arming_with_a_long_exit_delay_is_still_credited_to_who_asked(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    """With an exit delay longer than the old 15 s window, Olga's own arming was announced
    without her name."""
    panel = SatelPanelEmulator(partitions=2, zones_per_partition=4, exit_seconds=16.0)
    panel.state.names[(0, 1)] = "Ground floor"
    await panel.start()
    try:
        emulator.open_chat(VIEWER)
        await add_panel(sessions, redis, settings, panel)
        await _arm_ground_floor_from_the_chat(emulator)
        armed = await emulator.wait_for_message(VIEWER, "Ground floor armed", timeout=30)
        assert "by Olga" in armed.plain
    finally:
        await panel.stop()


async def test_outputs_switch_zones_bypass_and_a_forced_arming_from_the_card(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    for number, name, function in ((1, "Garden lights", 25), (2, "Gate", 24), (3, "Siren", 25)):
        panel.state.names[(4, number)] = name
        panel.state.output_functions[number] = function
    panel.state.names[(4, 4)] = "Keypad buzzer"  # function 0: not switchable, not offered
    box = SecretBox(settings.secret_keys)
    await add_panel(
        sessions, redis, settings, panel, critical_outputs=[3], owner_code=box.encrypt("1234")
    )
    card = await open_card(emulator, OWNER)

    # A plain output switches with one press; the card then says it is on.
    await walk(emulator, card, ("💡 Outputs", "Outputs of Office"))
    assert not any("Keypad buzzer" in text for text in labels(card))
    await walk(emulator, card, ("⚪ Garden lights · switch on", "Done: Switch on Garden lights"))
    assert panel.state.outputs == {1}
    assert "💡 On: Garden lights" in card.plain
    # A pulse output (mono switch) is pressed, never switched off.
    await walk(emulator, card, ("💡 Outputs", "Outputs of Office"))
    assert not any("Gate · switch off" in text for text in labels(card))
    await walk(emulator, card, ("▶ Gate · pulse", "Done: Switch on Gate"))
    # A critical output asks first.
    await walk(
        emulator,
        card,
        ("💡 Outputs", "Outputs of Office"),
        ("⚪ Siren · switch on ⚠️", "Switch on Siren on Office?"),
        ("✅ Switch on", "Done: Switch on Siren"),
    )
    assert panel.state.outputs == {1, 2, 3}
    await walk(
        emulator,
        card,
        ("💡 Outputs", "Outputs of Office"),
        ("🟢 Garden lights · switch off", "Done: Switch off Garden lights"),
    )
    assert 1 not in panel.state.outputs

    # A zone is bypassed from the card (violated ones first), then unbypassed.
    panel.violate(3)
    await eventually(lambda: 0x00 not in panel.changed, timeout=5)
    await walk(emulator, card, ("🚫 Bypass zones", "Zones of Office"))
    assert labels(card)[0] == "👣 Terrace door · bypass"
    await walk(
        emulator,
        card,
        ("👣 Terrace door · bypass", "raises no alarm"),
        ("✅ Bypass", "Done: Bypass Terrace door"),
    )
    assert panel.state.zones["bypassed"] == {3}
    assert "Bypassed: Terrace door" in card.plain
    await walk(
        emulator,
        card,
        ("🚫 Bypass zones", "Zones of Office"),
        ("🚫 Terrace door · unbypass", "Unbypass Terrace door on Office?"),
        ("✅ Unbypass", "Done: Unbypass Terrace door"),
    )
    assert panel.state.zones["bypassed"] == set()

    # Forced arming: the warning says what it ignores, and A0 reaches the panel.
    await walk(
        emulator,
        card,
        ("🔒 Arm", "which partition of Office"),
        ("Ground floor", "in which mode"),
        ("Full", "leaves Terrace door out until they close"),
        ("⚠️ Force arm, ignoring them", "Done: Arm Ground floor"),
    )
    assert panel.state.partitions[1].armed
    assert [c[0] for c in panel.controls if c[0] >= 0xA0] == [0xA0]
    async with sessions() as session:
        audited = [
            (a.action, (a.after or {}).get("items"), (a.after or {}).get("force"))
            for a in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if a.action.startswith("panel.")
        ]
    assert audited == [
        ("panel.output_on", [1], False),
        ("panel.output_on", [2], False),
        ("panel.output_on", [3], False),
        ("panel.output_off", [1], False),
        ("panel.bypass", [3], False),
        ("panel.unbypass", [3], False),
        ("panel.arm", [], True),
    ]


async def test_troubles_by_device_their_memory_cleared_service_mode_and_a_late_clock(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    emulator.open_chat(OWNER)
    panel.state.names[(1, 5)] = "Garage PIR"
    panel.service()  # an installer is at the panel when Dozor connects
    panel.state.clock_offset = -600.0  # its clock is 10 minutes late
    box = SecretBox(settings.secret_keys)
    await add_panel(sessions, redis, settings, panel, owner_code=box.encrypt("1234"))
    service = await emulator.wait_for_message(OWNER, "Trouble: service mode")
    assert "Office" in service.plain

    panel.trouble(125, part=0x1D)  # part 3, byte 15 bit 4: wireless zone 5's battery
    told = await emulator.wait_for_message(OWNER, "Trouble: wireless zone 5 (Garage PIR)")
    assert "battery low" in told.plain
    card = await open_card(emulator, OWNER)
    assert "Troubles: wireless zone 5 (Garage PIR): battery low" in card.plain
    assert "🛠 Service mode" in card.plain
    assert "The panel's clock is 10 min behind" in card.plain
    assert not any("Clear trouble memory" in text for text in labels(card))

    panel.trouble(125, on=False, part=0x1D)  # the battery was changed: over, but remembered
    await emulator.wait_for_message(OWNER, "Trouble over: wireless zone 5 (Garage PIR)")
    card = await open_card(emulator, OWNER)
    assert "Trouble memory: wireless zone 5 (Garage PIR): battery low" in card.plain
    await walk(
        emulator,
        card,
        ("🧹 Clear trouble memory", "Clear trouble memory of the panel on Office?"),
        ("✅ Clear trouble memory", "Done: Clear trouble memory of the panel"),
    )
    assert (0x8B, "1234", set()) in panel.controls
    assert panel.state.trouble_memory[0x1D] == set()
    assert "Trouble memory" not in card.plain


async def test_the_panels_event_log_says_who_did_what_at_the_keypad_paged_back(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    panel.state.names[(2, 3)] = "Olga K."
    panel.state.event_texts[(0x17, False)] = "Uzbrojenie"
    panel.state.event_texts[(0x17, True)] = "Rozbrojenie"
    panel.state.event_texts[(0x01, False)] = "Alarm z wejścia"
    for _ in range(25):  # an old log: only the newest 20 are kept the first time
        panel.log_event(7, 1, 0x50, 0)
    device_id = await add_panel(sessions, redis, settings, panel)

    async def kept() -> int:
        async with sessions() as session:
            _, total = await PanelEventRepository(session).log_page(device_id, 1)
        return total

    await eventually(lambda: _is(kept, 20), timeout=15)
    panel.log_event(2, 1, 0x17, 3)  # Olga armed the ground floor at the keypad
    panel.log_event(0, 1, 0x01, 3)  # the terrace door raised an alarm
    panel.log_event(2, 1, 0x17, 3, restore=True)  # and Olga disarmed
    await eventually(lambda: _is(kept, 23), timeout=15)

    card = await open_card(emulator, OWNER)
    latest = card.plain.split("Latest in the panel's log:")[1]
    lines = [line for line in latest.splitlines() if line.strip()][:3]
    assert "Rozbrojenie · Ground floor · Olga K." in lines[0]
    assert "Alarm z wejścia · Ground floor · Terrace door" in lines[1]
    assert "Uzbrojenie · Ground floor · Olga K." in lines[2]
    await walk(emulator, card, ("📋 Panel log", "page 1 of 3"))
    assert card.plain.count("Event 80") == 7  # 3 of ours, then 7 of the old ones
    await walk(emulator, card, ("◀ Older", "page 2 of 3"), ("◀ Older", "page 3 of 3"))
    assert card.plain.count("Event 80") == 3
    viewer = await open_card(emulator, VIEWER)  # members see it; it is not a control
    assert "Latest in the panel's log:" in viewer.plain


async def test_an_atd100_temperature_on_the_card_gets_a_limit_from_the_chat(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    panel.state.names[(1, 7)] = "Server room"
    panel.state.temperatures[7] = 21.5
    device_id = await add_panel(sessions, redis, settings, panel, temperature_zones=[7])
    key = RedisKeys(settings.redis_prefix).panel_state(device_id)

    async def read() -> bool:
        snap = PanelSnapshot.decode(await redis.get(key))
        return snap is not None and 7 in snap.temperatures

    await eventually(read, timeout=15)
    store = LiveStateStore(redis, RedisKeys(settings.redis_prefix))

    async def reading() -> bool:  # ⚙️ is offered once a reading that takes a limit is stored
        return "z7_temperature" in (await store.read(device_id)).values

    await eventually(reading, timeout=15)
    card = await open_card(emulator, OWNER)
    await emulator.wait_for(lambda: "🌡 Server room: 21.5 °C" in card.plain)
    await walk(emulator, card, ("Settings", "Settings — Office"))
    assert "Report interval" not in card.plain  # a panel's ⚙️ holds limits only
    assert not any("Night" in text or "Alerts" in text for text in labels(card))
    await walk(
        emulator,
        card,
        ("Zone 7 temperature", "An alert opens"),
        ("Upper limit", "Send the upper limit of Zone 7 temperature"),
    )
    done = await emulator.reply_to(OWNER, "30")
    assert "Zone 7 temperature: above 30" in done.plain
    async with sessions() as session:
        config = await session.get(DeviceConfig, device_id)
    assert config is not None and config.config["thresholds"]["z7_temperature"]["high"] == 30
    viewer = await open_card(emulator, VIEWER)
    assert not any("Settings" in text for text in labels(viewer))


async def test_the_device_list_does_not_trust_connected_when_nobody_refreshes_it(
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    """No processor holds the panel: PostgreSQL still says online and Redis "connected", and
    the list said 🟢 forever."""
    async with sessions() as session:
        created = await provision(
            session, f"satel-{uuid.uuid4().hex[:8]}", SATEL, name="Office", attributes={}
        )
        created.device.is_online = True
        created.device.last_seen_at = clock.now()
        await session.commit()
    device_id = created.device.id
    await add_member(sessions, OWNER.id, device_id, "owner", name="Olga")
    old = PanelSnapshot(connected=True, confirmed_at=clock.now().timestamp() - 120)
    await redis.set(RedisKeys(settings.redis_prefix).panel_state(device_id), old.encode())
    listing = await emulator.reply_to(OWNER, "/devices")
    assert "🟡 Office" in labels(listing)
    fresh = PanelSnapshot(connected=True, confirmed_at=clock.now().timestamp())
    await redis.set(RedisKeys(settings.redis_prefix).panel_state(device_id), fresh.encode())
    listing = await emulator.reply_to(OWNER, "/devices")
    assert "🟢 Office" in labels(listing)
