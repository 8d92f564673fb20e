"""Shelly relays and meters through the bot, the processor and the Shelly emulator."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotOptions
from bot.callbacks import FirmwareAction, FirmwareOp
from core.alerts.models import AlertEpisode
from core.audit.models import AuditEntry
from core.devices.models import Device
from core.devices.service import provision
from core.firmware.models import ShellyUpdate
from core.settings import Settings
from processor.app import ProcessorOptions
from tests.conftest import RunningProcessor, eventually
from tests.e2e.conftest import RunningBot
from tests.emulators.shelly import ShellyEmulator, monophase_status
from tests.emulators.telegram_api import ChatMessage, FakeUser, TelegramEmulator
from tests.integration.helpers import add_member, processor_running, rollup_count, set_config

OWNER = FakeUser(5101, "Olga")
VIEWER = FakeUser(5102, "Vera")


@pytest.fixture
async def relays(settings: Settings) -> AsyncIterator[ShellyEmulator]:
    device = ShellyEmulator(f"shellypro3-{uuid.uuid4().hex[:12]}", "pro3", settings.mqtt_url)
    yield device
    await device.close()


@pytest.fixture
async def meter(settings: Settings) -> AsyncIterator[ShellyEmulator]:
    device = ShellyEmulator(f"shellypro3em-{uuid.uuid4().hex[:12]}", "pro3em", settings.mqtt_url)
    yield device
    await device.close()


async def add_shelly(
    sessions: async_sessionmaker[AsyncSession],
    emulated: ShellyEmulator,
    name: str,
    **attributes: object,
) -> int:
    type_code = "shelly_pro3" if emulated.model == "pro3" else "shelly_pro3em"
    async with sessions() as session:
        created = await provision(
            session, emulated.device_id, type_code, name=name, attributes=attributes
        )
    await add_member(sessions, OWNER.id, created.device.id, "owner", name="Olga")
    return created.device.id


async def open_card(emulator: TelegramEmulator, user: FakeUser, name: str) -> ChatMessage:
    listing = await emulator.reply_to(user, "/devices")
    await emulator.press(user, listing, name)
    await emulator.wait_for(lambda: "Your role" in listing.plain)
    return listing


async def test_relays_switch_from_the_card_and_are_confirmed_by_the_device(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    relays: ShellyEmulator,
    meter: ShellyEmulator,
) -> None:
    meter_id = await add_shelly(sessions, meter, "Main meter")
    relays_id = await add_shelly(
        sessions,
        relays,
        "Boiler room",
        channel_names=["Pump", "Heater", "Light"],
        critical_channels=[1],
        links={"0": {"meter": meter.device_id, "phase": "a"}},
    )
    await add_member(sessions, VIEWER.id, relays_id, "viewer", name="Vera")
    await meter.start_mqtt()
    await relays.start_mqtt()
    await eventually(lambda: rollup_count(sessions, meter_id, "a_act_power"))
    await eventually(lambda: rollup_count(sessions, relays_id, "switch2_output"))

    card = await open_card(emulator, OWNER, "Boiler room")
    assert "Pump: ⚫ off · 951 W on phase A" in card.plain  # the linked meter's phase
    assert "Heater ⚠️: ⚫ off" in card.plain and "Light: ⚫ off" in card.plain
    await emulator.press(OWNER, card, "Pump: switch on")
    await emulator.wait_for(lambda: "switching on" in card.plain or "confirmed" in card.plain)
    await emulator.wait_for(lambda: "Pump is on — confirmed by the device in" in card.plain)
    assert relays.output(0) is True and not relays.output(1)
    assert "Pump: 🟢 on" in card.plain
    assert card.button("Pump: switch off")
    async with sessions() as session:
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "device.command"))
        ).one()
    assert audit.actor_user_id == OWNER.id
    assert audit.after is not None and audit.after["params"] == {"channel": 0, "on": True}

    # A critical channel asks before it goes off; the answer switches it.
    await emulator.press(OWNER, card, "Heater: switch on")
    await emulator.wait_for(lambda: "Heater is on — confirmed" in card.plain)
    await emulator.press(OWNER, card, "Heater: switch off")
    await emulator.wait_for(lambda: "is marked critical. Switch it off?" in card.plain)
    assert relays.output(1) is True  # nothing happened yet
    await emulator.press(OWNER, card, "Yes, switch Heater off")
    await emulator.wait_for(lambda: "Heater is off — confirmed" in card.plain)
    assert relays.output(1) is False
    # A forged press that skips the question is asked too.
    await emulator.press(OWNER, card, "Heater: switch on")
    await emulator.wait_for(lambda: "Heater is on — confirmed" in card.plain)
    forged = card.button("Heater: switch off")["callback_data"]
    await emulator.press(OWNER, card, data=forged)
    await emulator.wait_for(lambda: "marked critical" in card.plain)
    assert relays.output(1) is True

    # A viewer sees the channels but gets no switches, and a forged press changes nothing.
    viewer_card = await open_card(emulator, VIEWER, "Boiler room")
    assert "Pump: 🟢 on" in viewer_card.plain
    assert not [b for b in viewer_card.buttons() if b["callback_data"].startswith("r:")]
    await emulator.press(VIEWER, viewer_card, data=f"r:s:{relays_id}:0:0:0")

    async def refused() -> bool:
        async with sessions() as session:
            rows = await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "access.denied")
            )
            return [r.actor_user_id for r in rows] == [VIEWER.id]

    await eventually(refused)
    assert relays.output(0) is True
    # A made-up channel is answered in words, and nothing is sent to the device.
    switched = [c for c in relays.calls if c[1].startswith("Switch.")]
    query = await emulator.press(OWNER, card, data=f"r:s:{relays_id}:7:1:0")
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    assert answer["text"] == "This device has no such channel. Open the device again from /devices."
    assert [c for c in relays.calls if c[1].startswith("Switch.")] == switched


async def test_the_meter_card_shows_phases_totals_and_energy(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    meter: ShellyEmulator,
) -> None:
    meter_id = await add_shelly(sessions, meter, "Main meter")
    await meter.start_mqtt()
    await meter.set_power(1500.0, -400.0, 20.0)  # phase B exports (PV)
    await meter.add_energy(1250.0)  # counters move: 1.25 kWh imported since the first frame
    await eventually(lambda: rollup_count(sessions, meter_id, "interval_import_energy"))
    card = await open_card(emulator, OWNER, "Main meter")
    assert "Phase A: 1.50 kW · 230.0 V · 6.52 A" in card.plain
    assert "Phase B: -400 W" in card.plain
    assert "Total: 1.12 kW" in card.plain
    assert "Energy: today 1.25 kWh · this month 1.25 kWh" in card.plain
    assert "Returned" not in card.plain  # nothing was returned


async def test_the_monophase_meter_card_shows_its_three_meters_with_their_energy(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    """The card said "No readings yet." while em1:0..2 readings and energy were stored."""
    mono = ShellyEmulator(
        f"shellypro3em-{uuid.uuid4().hex[:12]}",
        "pro3em",
        settings.mqtt_url,
        components=monophase_status(),
    )
    try:
        meter_id = await add_shelly(sessions, mono, "Flat meter")
        await mono.start_mqtt()
        await mono.add_meter_energy(0, 500.0)
        await mono.add_meter_energy(1, 250.0)
        metric = "em1_1_interval_import_energy"
        await eventually(lambda: rollup_count(sessions, meter_id, metric))
        card = await open_card(emulator, OWNER, "Flat meter")
        assert "No readings yet" not in card.plain
        assert "Meter 1: 951 W · 230.0 V · 4.14 A" in card.plain
        assert "Meter 2: 120 W · 231.0 V" in card.plain
        assert "Meter 3: 0 W" in card.plain
        assert "energy today 0.50 kWh · this month 0.50 kWh" in card.plain
        assert "energy today 0.25 kWh · this month 0.25 kWh" in card.plain
        assert "Energy: today 0.75 kWh · this month 0.75 kWh" in card.plain
    finally:
        await mono.close()


@pytest.mark.parametrize(
    "bot_options", [BotOptions(polling_timeout=1, command_timeout=2.0)], indirect=False
)
async def test_an_offline_relay_gets_no_confirmation_and_raises_the_offline_alert(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    relays: ShellyEmulator,
) -> None:
    relays_id = await add_shelly(sessions, relays, "Garage", channel_names=["Door"])
    await relays.start_mqtt()
    await eventually(lambda: rollup_count(sessions, relays_id, "switch0_output"))
    card = await open_card(emulator, OWNER, "Garage")
    await relays.stop_mqtt(lost=True)  # power cut: the broker publishes the Last Will
    alert = await emulator.wait_for_message(OWNER, "went offline")
    assert "Garage" in alert.plain
    await emulator.press(OWNER, card, "Door: switch on")
    await emulator.wait_for(lambda: "no confirmation from the device" in card.plain)
    assert "Door: no confirmation from the device in 2 s" in card.plain
    assert "The device is offline since" in card.plain
    assert relays.output(0) is False


async def test_shelly_alerts_total_power_voltage_band_and_a_relay_off_that_draws_power(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    relays: ShellyEmulator,
    meter: ShellyEmulator,
) -> None:
    meter_id = await add_shelly(sessions, meter, "Main meter")
    relays_id = await add_shelly(
        sessions,
        relays,
        "Boiler room",
        channel_names=["Pump"],
        links={"0": {"meter": meter.device_id, "phase": "a"}},
    )
    limits = {"total_act_power": {"high": 5000}, "a_voltage": {"low": 207, "high": 253}}
    await set_config(sessions, meter_id, thresholds=limits)
    await set_config(
        sessions, relays_id, thresholds={"switch0_off_act_power": {"high": 20, "min_duration": 0}}
    )
    emulator.open_chat(OWNER)
    await meter.start_mqtt()  # phase A draws 951 W …
    await relays.start_mqtt()  # … while the Pump relay reports off
    drawn = await emulator.wait_for_message(OWNER, "is off but its circuit still draws power")
    assert "Pump is off but its circuit still draws power — Boiler room" in drawn.plain

    await meter.set_power(4000.0, 1500.0, 200.0)  # 5.7 kW in total
    high = await emulator.wait_for_message(OWNER, "Total power too high")
    assert "5.70 kW" in high.plain or "5700 W" in high.plain
    await meter.set_power(100.0, 100.0, 100.0, voltage=262.0)  # overvoltage on every phase
    await emulator.wait_for_message(OWNER, "Phase A voltage too high")

    # Switching the pump on: its circuit is meant to draw power now; the episode closes.
    relays_card = await open_card(emulator, OWNER, "Boiler room")
    await emulator.press(OWNER, relays_card, "Pump: switch on")
    await emulator.wait_for_message(OWNER, "Pump: no power drawn while off any more", timeout=15)


async def _device(sessions: async_sessionmaker[AsyncSession], device_id: int) -> Device | None:
    async with sessions() as session:
        return await session.get(Device, device_id)


async def _offers(sessions: async_sessionmaker[AsyncSession], device_id: int, version: str) -> bool:
    device = await _device(sessions, device_id)  # offered, and its own version known
    known = device is not None and device.firmware_version is not None
    return known and device is not None and device.available_firmware == version


async def test_an_owner_updates_a_shelly_from_its_card_and_the_device_says_how_it_went(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    relays: ShellyEmulator,
) -> None:
    relays.available, relays.restart_seconds = "1.5.0", 1.0
    relays_id = await add_shelly(sessions, relays, "Boiler room")
    await add_member(sessions, VIEWER.id, relays_id, "viewer", name="Vera")
    await relays.start_mqtt()
    await eventually(lambda: _offers(sessions, relays_id, "1.5.0"))

    # A viewer reads about it but may not start it, not even with a forged press.
    viewer_card = await open_card(emulator, VIEWER, "Boiler room")
    assert "Firmware 1.5.0 is available from Shelly" in viewer_card.plain
    assert not [b for b in viewer_card.buttons() if "Update to" in b["text"]]
    forged = FirmwareAction(op=FirmwareOp.SHELLY_ASK, device_id=relays_id, version="1.5.0")
    await emulator.press(VIEWER, viewer_card, data=forged.pack())
    await emulator.wait_for(lambda: emulator.calls("answerCallbackQuery"))
    assert not [c for c in relays.calls if c[1] == "Shelly.Update"]

    card = await open_card(emulator, OWNER, "Boiler room")
    assert "Firmware 1.5.0 is available from Shelly" in card.plain
    assert "Firmware 1.4.4" in card.plain
    await emulator.press(OWNER, card, "Update to 1.5.0")
    await emulator.wait_for(lambda: "Update Boiler room from 1.4.4 to 1.5.0?" in card.plain)
    assert not [c for c in relays.calls if c[1] == "Shelly.Update"]  # nothing before the yes
    await emulator.press(OWNER, card, "Yes, update")
    await emulator.wait_for(lambda: "took the update to 1.5.0" in card.plain)
    assert ("mqtt", "Shelly.Update", {"stage": "stable"}) in relays.calls

    # The device downloads, restarts into 1.5.0; its own status says so, and the owner is told.
    done = await emulator.wait_for_message(OWNER, "now runs firmware 1.5.0", timeout=20)
    assert "Boiler room" in done.plain
    # Its restart was part of the update: no offline episode, nobody told it went offline.
    async with sessions() as session:
        episodes = (
            await session.scalars(select(AlertEpisode).where(AlertEpisode.device_id == relays_id))
        ).all()
    assert episodes == []
    told = [m.plain for user in (OWNER, VIEWER) for m in emulator.bot_messages(user.id)]
    assert not [t for t in told if "offline" in t], told
    async with sessions() as session:
        row = (await session.scalars(select(ShellyUpdate))).one()
        audit = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "firmware.shelly_update")
            )
        ).one()
    assert (row.state, row.from_version, row.version, row.progress) == (
        "done",
        "1.4.4",
        "1.5.0",
        100,
    )
    assert audit.actor_user_id == OWNER.id and audit.after is not None
    assert audit.after["stage"] == "stable"
    device = await _device(sessions, relays_id)
    assert device is not None and device.firmware_version == "1.5.0"
    assert device.available_firmware is None
    card = await open_card(emulator, OWNER, "Boiler room")
    assert "Firmware 1.5.0\nYour role" in card.plain and "available from Shelly" not in card.plain
    assert not [b for b in card.buttons() if "Update to" in b["text"]]
    # A second "yes" (an old button) starts nothing more.
    again = FirmwareAction(op=FirmwareOp.SHELLY_GO, device_id=relays_id, version="1.5.0")
    await emulator.press(OWNER, card, data=again.pack())
    await emulator.wait_for(lambda: len(emulator.calls("answerCallbackQuery")) >= 5)
    assert len([c for c in relays.calls if c[1] == "Shelly.Update"]) == 1


async def test_a_shelly_update_that_fails_is_said_and_offered_again(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    meter: ShellyEmulator,
) -> None:
    meter.available, meter.update_outcome = "1.5.0", "error"
    meter_id = await add_shelly(sessions, meter, "Main meter")
    await meter.start_mqtt()
    await eventually(lambda: _offers(sessions, meter_id, "1.5.0"))
    card = await _update_from_the_card(emulator, "Main meter")
    failed = await emulator.wait_for_message(OWNER, "did not update to 1.5.0")
    assert "Image verification failed" in failed.plain
    assert meter.firmware == "1.4.4"
    card = await open_card(emulator, OWNER, "Main meter")
    assert "Firmware 1.5.0 is available from Shelly" in card.plain
    assert "The last attempt failed: Image verification failed" in card.plain
    assert card.button("Update to 1.5.0")


async def test_a_shelly_that_does_not_come_back_from_its_update_raises_the_offline_alert(
    settings: Settings,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    relays: ShellyEmulator,
) -> None:
    relays.available, relays.update_outcome = "1.5.0", "gone"
    relays_id = await add_shelly(sessions, relays, "Boiler room")
    options = ProcessorOptions(update_grace_seconds=2.0, rollout_step_seconds=0.2)
    async with processor_running(settings, options=options):
        await relays.start_mqtt()
        await eventually(lambda: _offers(sessions, relays_id, "1.5.0"))
        await _update_from_the_card(emulator, "Boiler room")
        await eventually(lambda: _is_offline(sessions, relays_id))
        assert not [m for m in emulator.bot_messages(OWNER.id) if "offline" in m.plain]
        # Past the grace, the owner hears of it once — from when it went offline.
        alert = await emulator.wait_for_message(OWNER, "went offline", timeout=15)
        assert "Boiler room" in alert.plain
        async with sessions() as session:
            episode = (
                await session.scalars(
                    select(AlertEpisode).where(
                        AlertEpisode.device_id == relays_id, AlertEpisode.kind == "device_offline"
                    )
                )
            ).one()
            device = await session.get(Device, relays_id)
        assert device is not None and device.online_changed_at is not None
        assert episode.opened_at == device.online_changed_at  # dated from its going offline


async def _is_offline(sessions: async_sessionmaker[AsyncSession], device_id: int) -> bool:
    device = await _device(sessions, device_id)
    return device is not None and not device.is_online


async def test_a_shelly_update_that_stalls_times_out_and_is_said(
    settings: Settings,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    meter: ShellyEmulator,
) -> None:
    meter.available, meter.update_outcome = "1.5.0", "stall"  # ota_begin, then nothing
    meter_id = await add_shelly(sessions, meter, "Main meter")
    patient = settings.model_copy(update={"ota_step_timeout_seconds": 3.0})
    async with processor_running(patient, options=ProcessorOptions(rollout_step_seconds=0.2)):
        await meter.start_mqtt()
        await eventually(lambda: _offers(sessions, meter_id, "1.5.0"))
        card = await _update_from_the_card(emulator, "Main meter")
        await emulator.wait_for(lambda: "took the update to 1.5.0" in card.plain)
        await eventually(lambda: _update_is(sessions, "downloading"))  # its ota_begin
        card = await open_card(emulator, OWNER, "Main meter")
        assert "Updating to 1.5.0: downloading, 0 %" in card.plain
        told = await emulator.wait_for_message(OWNER, "did not update to 1.5.0")
        assert "no news while downloading" in told.plain
    async with sessions() as session:
        row = (await session.scalars(select(ShellyUpdate))).one()
    assert (row.state, row.error) == ("timed_out", "no news while downloading")


async def _update_is(sessions: async_sessionmaker[AsyncSession], state: str) -> bool:
    async with sessions() as session:
        row = (await session.scalars(select(ShellyUpdate))).one_or_none()
    return row is not None and row.state == state


async def _update_from_the_card(emulator: TelegramEmulator, name: str) -> ChatMessage:
    """The owner opens the card, presses Update to 1.5.0 and says yes; the card message."""
    card = await open_card(emulator, OWNER, name)
    await emulator.press(OWNER, card, "Update to 1.5.0")
    await emulator.wait_for(lambda: f"Update {name} from 1.4.4 to 1.5.0?" in card.plain)
    await emulator.press(OWNER, card, "Yes, update")
    return card
