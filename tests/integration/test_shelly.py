"""Shelly devices through the real processor and broker, against the Shelly emulator."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.alerts.models import AlertEpisode
from core.commands.bus import CommandBus
from core.commands.service import ControlService
from core.confirmations import Confirmations
from core.firmware.shelly import ShellyUpdates
from core.history.models import MinuteRollup
from core.live.store import LiveStateStore
from core.redis_keys import RedisKeys
from core.secrets import SecretBox
from core.settings import Settings
from tests.conftest import RunningProcessor, eventually
from tests.emulators.shelly import ShellyEmulator
from tests.integration.helpers import (
    add_member,
    device_row,
    processor_running,
    rollup_count,
    set_config,
)

OWNER = 5001


def shelly_uid(model: str) -> str:
    return f"shelly{model}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def pro3(settings: Settings) -> AsyncIterator[ShellyEmulator]:
    """An emulated Pro 3 (not connected yet)."""
    device = ShellyEmulator(shelly_uid("pro3"), "pro3", settings.mqtt_url)
    yield device
    await device.close()


@pytest.fixture
async def pro3em(settings: Settings) -> AsyncIterator[ShellyEmulator]:
    """An emulated Pro 3EM (not connected yet)."""
    device = ShellyEmulator(shelly_uid("pro3em"), "pro3em", settings.mqtt_url)
    yield device
    await device.close()


def control(redis: Redis, settings: Settings, timeout: float = 10.0) -> ControlService:
    keys = RedisKeys(settings.redis_prefix)
    return ControlService(CommandBus(redis, keys), Confirmations(redis, keys), timeout)


async def owned(
    sessions: async_sessionmaker[AsyncSession], uid: str, type_code: str, **attributes: object
) -> int:
    async with sessions() as session:
        from core.devices.service import provision

        device = (await provision(session, uid, type_code, attributes=attributes)).device
    await add_member(sessions, OWNER, device.id, "owner")
    return device.id


async def test_a_relay_press_is_confirmed_by_the_device_status(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    pro3: ShellyEmulator,
) -> None:
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3")
    await pro3.start_mqtt()
    async with sessions() as session:
        outcome = await control(redis, settings).switch(session, OWNER, device_id, 1, on=True)
    assert outcome.result is not None and outcome.result.ok
    assert pro3.output(1) is True and pro3.output(0) is False
    assert ("mqtt", "Switch.Set", {"id": 1, "on": True}) in pro3.calls
    # The state the device reported is what the card shows.
    await eventually(lambda: rollup_count(sessions, device_id, "switch1_output"))
    # Pressing "on" again: nothing changes, so no notification comes; the device's
    # Switch.GetStatus confirms it.
    async with sessions() as session:
        again = await control(redis, settings).switch(session, OWNER, device_id, 1, on=True)
    assert again.result is not None and again.result.ok
    assert ("mqtt", "Switch.GetStatus", {"id": 1}) in pro3.calls


async def test_a_relay_that_does_not_move_is_not_confirmed(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    pro3: ShellyEmulator,
) -> None:
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3")
    pro3.relays_stuck = True  # Switch.Set is answered, but the relay stays off
    await pro3.start_mqtt()
    async with sessions() as session:
        outcome = await control(redis, settings, 1.5).switch(session, OWNER, device_id, 0, on=True)
    assert outcome.result is None
    assert ("mqtt", "Switch.Set", {"id": 0, "on": True}) in pro3.calls


async def test_a_channel_the_device_does_not_have_is_refused(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings
) -> None:
    from core.devices.shelly import BadChannelError

    device_id = await owned(sessions, shelly_uid("pro3"), "shelly_pro3")
    async with sessions() as session:
        with pytest.raises(BadChannelError):
            await control(redis, settings).switch(session, OWNER, device_id, 3, on=True)


async def count_is(
    sessions: async_sessionmaker[AsyncSession], device_id: int, metric: str, wanted: int
) -> bool:
    return await rollup_count(sessions, device_id, metric) == wanted


def http_polls(device: ShellyEmulator) -> int:
    return sum(
        1 for via, method, _ in device.calls if (via, method) == ("http", "Shelly.GetStatus")
    )


async def test_http_polling_takes_over_while_mqtt_is_silent_and_stores_each_reading_once(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    pro3em: ShellyEmulator,
) -> None:
    await pro3em.start_http()
    device_id = await owned(sessions, pro3em.device_id, "shelly_pro3em", http_host=pro3em.http_host)
    await set_config(sessions, device_id, report_interval=2)  # silent after 2 s (under load too)
    fast = settings.model_copy(update={"shelly_poll_seconds": 0.2})
    async with processor_running(fast):
        await asyncio.sleep(0.3)  # subscribed
        await pro3em.start_mqtt()  # NotifyFullStatus: reading 1
        await pro3em.set_power(100.0, 0.0, 0.0)  # NotifyStatus: reading 2
        await eventually(lambda: count_is(sessions, device_id, "a_act_power", 2))
        assert http_polls(pro3em) == 0  # MQTT speaks: no polling

        pro3em.quiet = True  # connected, but nothing comes over MQTT any more
        await pro3em.set_power(200.0, 0.0, 0.0)  # only HTTP can see it: reading 3
        await eventually(lambda: count_is(sessions, device_id, "a_act_power", 3))
        await eventually(lambda: http_polls(pro3em) >= 4)
        assert await rollup_count(sessions, device_id, "a_act_power") == 3  # polls of the same

        pro3em.quiet = False
        await pro3em.set_power(300.0, 0.0, 0.0)  # MQTT is back: reading 4
        await eventually(lambda: count_is(sessions, device_id, "a_act_power", 4))
        polls = http_polls(pro3em)
        await asyncio.sleep(1.0)
        assert http_polls(pro3em) <= polls + 1  # polling stopped (one may have been under way)
        assert await rollup_count(sessions, device_id, "a_act_power") == 4
        row = await device_row(sessions, device_id)
        assert row.is_online


async def test_losing_mqtt_alone_is_not_offline_but_losing_http_too_is(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    pro3em: ShellyEmulator,
) -> None:
    pro3em.password = "s3cret-pass"  # digest auth on the HTTP side
    await pro3em.start_http()
    box = SecretBox(settings.secret_keys)
    device_id = await owned(
        sessions,
        pro3em.device_id,
        "shelly_pro3em",
        http_host=pro3em.http_host,
        http_password=box.encrypt("s3cret-pass"),
    )
    await add_member(sessions, OWNER + 1, device_id, "viewer")
    fast = settings.model_copy(update={"shelly_poll_seconds": 0.2})
    async with processor_running(fast):
        await asyncio.sleep(0.3)
        await pro3em.start_mqtt()
        await eventually(lambda: count_is(sessions, device_id, "a_act_power", 1))
        await pro3em.stop_mqtt(lost=True)  # the broker publishes its Last Will
        await pro3em.set_power(50.0, 0.0, 0.0)
        # HTTP (through digest auth) brings the new reading; the device stays online.
        await eventually(lambda: count_is(sessions, device_id, "a_act_power", 2))
        assert (await device_row(sessions, device_id)).is_online
        async with sessions() as session:
            assert (await session.scalars(select(AlertEpisode))).all() == []

        await pro3em.stop_http()  # now nothing answers
        await eventually(lambda: _offline(sessions, device_id))
        async with sessions() as session:
            kinds = (await session.scalars(select(AlertEpisode.kind))).all()
        assert kinds == ["device_offline"]


async def _offline(sessions: async_sessionmaker[AsyncSession], device_id: int) -> bool:
    return not (await device_row(sessions, device_id)).is_online


async def test_a_relay_press_goes_over_http_while_the_device_has_no_mqtt(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    pro3: ShellyEmulator,
) -> None:
    await pro3.start_http()
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3", http_host=pro3.http_host)
    fast = settings.model_copy(update={"shelly_poll_seconds": 0.2})
    async with processor_running(fast):
        await asyncio.sleep(0.3)
        await pro3.start_mqtt()
        await pro3.stop_mqtt(lost=True)  # Last Will: MQTT is gone, HTTP still answers
        await eventually(lambda: http_polls(pro3) >= 1)
        async with sessions() as session:
            outcome = await control(redis, settings).switch(session, OWNER, device_id, 2, on=True)
        assert outcome.result is not None and outcome.result.ok
        assert pro3.output(2) is True
        assert ("http", "Switch.Set", {"id": 2, "on": True}) in pro3.calls
        assert not any(via == "mqtt" and m == "Switch.Set" for via, m, _ in pro3.calls)
        # The state read back after the press is stored like any reading.
        await eventually(lambda: rollup_count(sessions, device_id, "switch2_output"))


async def test_with_the_broker_down_shellies_are_polled_and_switched_over_http(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    pro3: ShellyEmulator,
) -> None:
    await pro3.start_http()
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3", http_host=pro3.http_host)
    closed = free_port()  # nothing listens there: this processor never reaches a broker
    cut_off = settings.model_copy(
        update={"shelly_poll_seconds": 0.2, "mqtt_url": f"mqtt://127.0.0.1:{closed}"}
    )
    async with processor_running(cut_off, subscribed=False):
        await eventually(lambda: rollup_count(sessions, device_id, "switch0_output"))
        assert (await device_row(sessions, device_id)).is_online
        async with sessions() as session:
            outcome = await control(redis, settings).switch(session, OWNER, device_id, 0, on=True)
        assert outcome.result is not None and outcome.result.ok
        assert pro3.output(0) is True
        assert ("http", "Switch.Set", {"id": 0, "on": True}) in pro3.calls


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_energy_added_while_the_processor_was_down_is_counted_after_its_restart(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, pro3em: ShellyEmulator
) -> None:
    """The last counters lived in memory only: the first frame after a restart became a new
    baseline, and what the meter counted meanwhile was lost (+100 Wh instead of +400)."""
    meter_id = await owned(sessions, pro3em.device_id, "shelly_pro3em")

    async def imported() -> float:
        async with sessions() as session:
            total = await session.scalar(
                select(func.coalesce(func.sum(MinuteRollup.sum), 0.0)).where(
                    MinuteRollup.device_id == meter_id,
                    MinuteRollup.metric == "interval_import_energy",
                )
            )
        return float(total or 0.0)

    async with processor_running(settings):
        await pro3em.start_mqtt()
        await pro3em.add_energy(100.0)
        await eventually(lambda: _equals(imported, 100.0), timeout=15)
    for _ in range(3):  # nobody listens: the meter counts on
        await pro3em.add_energy(100.0)
    async with processor_running(settings):
        await pro3em.add_energy(100.0)
        await eventually(lambda: _equals(imported, 500.0), timeout=15)
    assert await imported() == 500.0


async def _equals(read: Callable[[], Awaitable[float]], expected: float) -> bool:
    return abs(await read() - expected) < 1e-6


async def test_a_press_whose_answer_is_lost_is_confirmed_by_the_device_status(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    pro3: ShellyEmulator,
) -> None:
    """The relay switched and said so in NotifyStatus, but the RPC answer never came: the
    press was reported unconfirmed, because the status was looked at only after the answer."""
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3")
    await pro3.start_mqtt()
    await eventually(lambda: rollup_count(sessions, device_id, "switch0_output"))
    pro3.lose_answers = True
    async with sessions() as session:
        outcome = await control(redis, settings, timeout=5).switch(
            session, OWNER, device_id, 2, on=True
        )
    assert pro3.output(2) is True
    assert outcome.result is not None and outcome.result.ok


async def test_relays_connected_before_the_processor_are_known_at_once(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    pro3: ShellyEmulator,
) -> None:
    """A Shelly's full status on connect is not retained: a processor started while the
    device was already connected never learned its relays (the card said "not reported yet"
    for up to a day). It asks Shelly.GetStatus when it first hears of a device."""
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3")
    pro3.components["switch:1"]["output"] = True
    await pro3.start_mqtt()  # its full status goes out now, to nobody
    async with processor_running(settings):

        async def outputs() -> dict[str, float]:
            values = (
                await LiveStateStore(redis, RedisKeys(settings.redis_prefix)).read(device_id)
            ).values
            return {k: v for k, v in values.items() if k.endswith("_output")}

        known = await eventually(outputs, timeout=15)
        assert known == {"switch0_output": 0.0, "switch1_output": 1.0, "switch2_output": 0.0}

        async def firmware() -> str | None:
            return (await device_row(sessions, device_id)).firmware_version

        assert await eventually(firmware, timeout=10) == "1.4.4"  # Shelly.GetDeviceInfo `ver`
    assert ("mqtt", "Shelly.GetStatus", {}) in pro3.calls


async def test_a_rule_with_a_duration_opens_without_another_reading(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    pro3em: ShellyEmulator,
) -> None:
    """Shelly notifies on change: with a steady load no reading follows the one that passed
    the limit, and a "for 2 s" rule was checked only when a reading came (late or never)."""
    meter_id = await owned(sessions, pro3em.device_id, "shelly_pro3em")
    await set_config(
        sessions,
        meter_id,
        thresholds={"total_act_power": {"high": 3000, "min_duration": 2}},
    )
    await pro3em.start_mqtt()
    await eventually(lambda: rollup_count(sessions, meter_id, "total_act_power"))
    await pro3em.set_power(1500.0, 1500.0, 1000.0)  # 4 kW, then nothing more is notified

    async def opened() -> list[AlertEpisode]:
        async with sessions() as session:
            query = select(AlertEpisode).where(
                AlertEpisode.device_id == meter_id, AlertEpisode.kind == "threshold_high"
            )
            return list(await session.scalars(query))

    (episode,) = await eventually(opened, timeout=10)
    assert (episode.metric, episode.value) == ("total_act_power", 4000.0)
    assert await rollup_count(sessions, meter_id, "total_act_power") == 2  # no third reading


async def test_a_retained_online_left_by_a_dead_shelly_is_not_trusted(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, pro3: ShellyEmulator
) -> None:
    """A Gen2's Last Will may not be retained: a device that died while no processor listened
    leaves its retained `online true` behind, and the next processor took it and showed the
    device online until the silence rule (a day for a Pro 3). Now the retained `true` only
    asks the device; no answer in 5 s, and it is offline (with its alert)."""
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3")
    async with processor_running(settings):
        await pro3.start_mqtt()
        await eventually(lambda: rollup_count(sessions, device_id, "switch0_output"))
        assert (await device_row(sessions, device_id)).is_online
    await pro3.stop_mqtt(lost=True)  # power cut while nobody listened; `true` stays retained
    async with processor_running(settings):
        await eventually(lambda: _offline(sessions, device_id), timeout=15)
        async with sessions() as session:
            kinds = (await session.scalars(select(AlertEpisode.kind))).all()
        assert kinds == ["device_offline"]


async def test_a_retained_online_of_a_live_shelly_keeps_it_online(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, pro3: ShellyEmulator
) -> None:
    """The same retained `true` from a device that is still there: it answers the status
    asked, and is online (its relays known) with no alert."""
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3")
    await pro3.start_mqtt()  # before the processor: it gets the retained `true`
    async with processor_running(settings):
        await eventually(lambda: rollup_count(sessions, device_id, "switch0_output"))
        await pro3.press_button(0)  # and it goes on living
        await eventually(lambda: _count_at_least(sessions, device_id, "switch0_output", 2))
        assert (await device_row(sessions, device_id)).is_online
        async with sessions() as session:
            assert (await session.scalars(select(AlertEpisode))).all() == []


async def _count_at_least(
    sessions: async_sessionmaker[AsyncSession], device_id: int, metric: str, count: int
) -> bool:
    return await rollup_count(sessions, device_id, metric) >= count


async def test_a_firmware_update_goes_over_http_while_the_device_has_no_mqtt(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    pro3: ShellyEmulator,
) -> None:
    pro3.available, pro3.update_outcome = "1.5.0", "stall"
    await pro3.start_http()
    device_id = await owned(sessions, pro3.device_id, "shelly_pro3", http_host=pro3.http_host)
    fast = settings.model_copy(update={"shelly_poll_seconds": 0.2})
    async with processor_running(fast):
        await asyncio.sleep(0.3)
        await pro3.start_mqtt()
        await pro3.stop_mqtt(lost=True)  # Last Will: MQTT is gone, HTTP still answers
        await eventually(lambda: http_polls(pro3) >= 1)

        async def offered() -> bool:  # the HTTP poll's sys status says so
            return (await device_row(sessions, device_id)).available_firmware == "1.5.0"

        await eventually(offered)
        keys = RedisKeys(settings.redis_prefix)
        updates = ShellyUpdates(CommandBus(redis, keys), Confirmations(redis, keys))
        async with sessions() as session:
            _, nonce = await updates.ask(session, OWNER, device_id, "1.5.0")
            prepared = await updates.prepare(session, OWNER, device_id, "1.5.0", nonce)
            started = await updates.send(session, prepared)
    assert started.result is not None and started.result.ok
    assert ("http", "Shelly.Update", {"stage": "stable"}) in pro3.calls
    assert not any(via == "mqtt" and m == "Shelly.Update" for via, m, _ in pro3.calls)
