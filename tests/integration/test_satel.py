"""SATEL panels through the real processor, PostgreSQL and Redis, against the panel emulator."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.alerts.models import AlertEpisode
from core.audit.models import AuditEntry
from core.cancellation import cancel_and_wait
from core.confirmations import ConfirmationExpiredError, Confirmations, NotYoursError
from core.db import make_engine, make_session_factory
from core.devices.models import Device
from core.devices.service import provision, set_attributes
from core.history.models import MinuteRollup
from core.live.store import LiveStateStore
from core.outbox.models import OutboxMessage
from core.panels.models import PanelEvent, PanelFence
from core.panels.profile import SATEL, PanelProfile
from core.panels.requests import PanelAction
from core.panels.service import PanelService, Proposal
from core.panels.state import PanelSnapshot
from core.redis_keys import RedisKeys
from core.secrets import SecretBox
from core.settings import Settings
from processor.alerting import AlertEngine
from processor.app import ProcessorOptions
from processor.ingest.directory import DeviceDirectory
from processor.jobs.offline import SilenceSweep
from tests.conftest import RunningProcessor, eventually, forget_mqtt_session
from tests.emulators.satel import SatelPanelEmulator
from tests.integration.helpers import (
    add_member,
    device_row,
    processor_running,
    set_config,
    start_processor_process,
)

OWNER = 6001


@pytest.fixture
async def panel() -> AsyncIterator[SatelPanelEmulator]:
    """An emulated INTEGRA with two partitions of four zones; user code 1234."""
    emulator = SatelPanelEmulator(partitions=2, zones_per_partition=4)
    await emulator.start()
    yield emulator
    await emulator.stop()


async def register(
    sessions: async_sessionmaker[AsyncSession], emulator: SatelPanelEmulator, **names: object
) -> int:
    """`dozor panel add` and an owner."""
    attributes = {"host": "127.0.0.1", "port": emulator.port, **names}
    async with sessions() as session:
        uid = f"satel-{uuid.uuid4().hex[:8]}"
        device = (await provision(session, uid, SATEL, name="Office", attributes=attributes)).device
    await add_member(sessions, OWNER, device.id, "owner", name="Olga")
    return device.id


def service(redis: Redis, settings: Settings) -> PanelService:
    keys = RedisKeys(settings.redis_prefix)
    return PanelService(redis, keys, SecretBox(settings.secret_keys), Confirmations(redis, keys))


async def state(redis: Redis, settings: Settings, device_id: int) -> PanelSnapshot | None:
    return await service(redis, settings).snapshot(device_id)


async def reason_of(redis: Redis, settings: Settings, device_id: int) -> str | None:
    """Why the panel's card says it is not connected ("busy", "refused", "silent")."""
    snap = await state(redis, settings, device_id)
    return snap.reason if snap is not None else None


async def episodes(sessions: async_sessionmaker[AsyncSession], kind: str) -> list[AlertEpisode]:
    async with sessions() as session:
        return list(await session.scalars(select(AlertEpisode).where(AlertEpisode.kind == kind)))


async def test_state_names_and_an_alarm_reach_redis_postgres_and_the_outbox(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    device_id = await register(sessions, panel)

    async def connected() -> bool:
        snap = await state(redis, settings, device_id)
        return snap is not None and snap.connected

    await eventually(connected, timeout=15)
    row = await device_row(sessions, device_id)
    assert row.is_online
    assert row.attributes["names"]["zones"]["5"] == "Zone 5"
    assert row.attributes["zone_partitions"]["5"] == 2
    assert row.attributes["model"] == "INTEGRA 128"
    assert panel.connections == 1

    panel.arm_now(1)
    panel.violate(2)

    async def alarm() -> bool:
        snap = await state(redis, settings, device_id)
        return snap is not None and snap.partition("alarm") == {1}

    await eventually(alarm, timeout=5)
    # the live state is written first, then the history and the episode
    opened = await eventually(lambda: episodes(sessions, "panel_alarm"), timeout=5)
    assert [(e.metric, e.severity) for e in opened] == [("p1", "critical")]
    async with sessions() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        kinds = [(r.user_id, r.payload["kind"], r.severity) for r in rows]
        events = [(e.kind, e.number, e.on) for e in await session.scalars(select(PanelEvent))]
    assert (OWNER, "panel_alarm", "critical") in kinds
    assert ("armed", 1, True) in events and ("alarm", 1, True) in events
    snap = await state(redis, settings, device_id)
    assert snap is not None and 2 in snap.zone("violated") and snap.mode(1) == 0


async def test_arm_with_bypass_wrong_codes_lock_and_disarm(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    device_id = await register(sessions, panel)
    panels = service(redis, settings)
    panel.violate(3)

    async def violated() -> bool:
        snap = await panels.snapshot(device_id)
        return snap is not None and 3 in snap.zone("violated")

    await eventually(violated, timeout=15)
    async with sessions() as session:
        proposal = await panels.propose(session, OWNER, device_id, PanelAction.ARM, [1])
        assert proposal.violated == (3,) and proposal.needs_code
        refused = await panels.execute(session, OWNER, proposal, by="Olga", code="1234")
        assert refused.result == "cannot_arm_force_possible"
        armed = await panels.execute(
            session, OWNER, proposal, by="Olga", code="1234", bypass=proposal.violated
        )
    assert armed.result == "ok"
    assert panel.state.partitions[1].armed and 3 in panel.state.zones["bypassed"]
    snap = await panels.snapshot(device_id)
    assert snap is not None and snap.mode(1) == 0

    async with sessions() as session:
        proposal = await panels.propose(session, OWNER, device_id, PanelAction.DISARM, [1])
        results = [
            (await panels.execute(session, OWNER, proposal, by="Olga", code="9999")).result
            for _ in range(3)
        ]
        assert results == ["user_code_not_found"] * 3
        from core.access.attempts import TooManyAttemptsError

        with pytest.raises(TooManyAttemptsError):
            await panels.execute(session, OWNER, proposal, by="Olga", code="1234")
    assert panel.state.partitions[1].armed  # the right code was not even sent while locked
    await redis.delete(
        f"{RedisKeys(settings.redis_prefix).panel_failures_prefix(device_id)}:{OWNER}"
    )
    async with sessions() as session:
        await panels.store_code(session, OWNER, device_id, "1234")
        proposal = await panels.propose(session, OWNER, device_id, PanelAction.DISARM, [1])
        assert not proposal.needs_code
        disarmed = await panels.execute(session, OWNER, proposal, by="Olga")
    assert disarmed.result == "ok" and not panel.state.partitions[1].armed
    async with sessions() as session:
        audit = [
            (a.action, a.after["result"] if a.after else None)
            for a in await session.scalars(
                select(AuditEntry).where(AuditEntry.action.like("panel.%")).order_by(AuditEntry.id)
            )
        ]
        infos = [
            (m.payload["armed"], m.payload["by"])
            for m in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.event == "panel_arming")
            )
        ]
    assert audit == [
        ("panel.arm", "cannot_arm_force_possible"),
        ("panel.arm", "ok"),
        *[("panel.disarm", "user_code_not_found")] * 3,
        ("panel.code_stored", None),
        ("panel.disarm", "ok"),
    ]
    assert infos == [(True, "Olga"), (False, "Olga")]
    assert "1234" not in str(audit)


async def test_restart_reconnects_and_unreachable_goes_offline(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    device_id = await register(sessions, panel)
    await eventually(lambda: panel.connections == 1, timeout=15)
    panel.arm_now(2, mode=1)
    await panel.restart(0.3)

    async def armed_again() -> bool:
        snap = await state(redis, settings, device_id)
        if not (panel.connections == 2 and snap is not None and snap.connected):
            return False
        # the state is published before the online flag is written: wait for both
        return snap.mode(2) == 1 and (await device_row(sessions, device_id)).is_online

    await eventually(armed_again, timeout=10)
    assert await episodes(sessions, "device_offline") == []

    panel.hang()  # answers nothing: the request times out, reconnect fails with no answers

    async def offline() -> bool:
        return not (await device_row(sessions, device_id)).is_online

    await eventually(offline, timeout=20)
    assert [e.closed_at for e in await episodes(sessions, "device_offline")] == [None]
    panel.hang(False)
    await eventually(lambda: panel.connected, timeout=40)

    async def online() -> bool:
        return (await device_row(sessions, device_id)).is_online

    await eventually(online, timeout=10)
    assert [e.closed_at is not None for e in await episodes(sessions, "device_offline")] == [True]


async def test_one_instance_holds_a_panel_and_another_takes_over_when_it_dies(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    device_id = await register(sessions, panel)
    first = await start_processor_process(settings)
    try:
        await eventually(lambda: panel.connected, timeout=30)
        async with processor_running(settings):
            await asyncio.sleep(2 * settings.satel_lease_seconds)  # several renewals
            assert (panel.connections, panel.refused) == (1, 0)  # the second never knocked
            first.kill()
            await first.wait()
            await eventually(lambda: panel.connections == 2 and panel.connected, timeout=20)
            async with sessions() as session:
                panels = service(redis, settings)
                proposal = await panels.propose(session, OWNER, device_id, PanelAction.ARM, [2])
                outcome = await panels.execute(session, OWNER, proposal, by="Olga", code="1234")
            assert outcome.result == "ok" and panel.state.partitions[2].armed
            assert panel.refused == 0
        await forget_mqtt_session(settings.mqtt_client_id + "-killed")
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()


async def test_exit_time_is_reported_with_less_than_10_s_left_then_armed(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    # 14 s: the first read still finds more than 10 s left on a loaded machine (at 11 s, one
    # slow second under four test workers was enough to miss it).
    emulator = SatelPanelEmulator(partitions=1, zones_per_partition=2, exit_seconds=14)
    await emulator.start()
    try:
        device_id = await register(sessions, emulator)
        panels = service(redis, settings)
        await eventually(lambda: emulator.connections == 1, timeout=15)
        async with sessions() as session:
            proposal = await panels.propose(session, OWNER, device_id, PanelAction.ARM, [1])
            outcome = await panels.execute(session, OWNER, proposal, by="Olga", code="1234")
        assert outcome.result == "ok"  # exit time running counts as the panel's confirmation

        async def flags() -> tuple[bool, bool, int | None]:
            snap = await panels.snapshot(device_id)
            assert snap is not None
            return 1 in snap.partition("exit"), 1 in snap.partition("exit_short"), snap.mode(1)

        assert await flags() == (True, False, None)  # more than 10 s left, not yet armed
        await eventually(lambda: _is(flags, (True, True, None)), timeout=8)
        await eventually(lambda: _is(flags, (False, False, 0)), timeout=15)
    finally:
        await emulator.stop()


async def _is(read: Callable[[], Awaitable[object]], expected: object) -> bool:
    return await read() == expected


async def test_fire_tamper_and_trouble_open_and_close_their_alerts(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    device_id = await register(sessions, panel)
    await eventually(lambda: panel.connections == 1, timeout=15)
    panel.fire(2)
    panel.tamper(3)
    panel.trouble(328)  # mains power lost

    async def opened() -> list[tuple[str, str, str]]:
        async with sessions() as session:
            rows = await session.scalars(
                select(AlertEpisode)
                .where(AlertEpisode.device_id == device_id, AlertEpisode.closed_at.is_(None))
                .order_by(AlertEpisode.kind)
            )
            return [(e.kind, e.metric, e.severity) for e in rows]

    expected = [
        ("panel_fire", "p2", "critical"),
        ("panel_tamper", "z3", "critical"),
        ("panel_trouble", "1:328", "warning"),
    ]
    await eventually(lambda: _is(opened, expected), timeout=5)
    async with sessions() as session:
        sent = {
            (r.payload["kind"], r.severity)
            for r in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.user_id == OWNER)
            )
        }
    assert {(k, s) for k, _, s in expected} <= sent
    snap = await state(redis, settings, device_id)
    assert snap is not None and snap.troubles == {"1:328"} and 3 in snap.zone("tamper")

    panel.fire(2, on=False)
    panel.tamper(3, on=False)
    panel.trouble(328, on=False)
    await eventually(lambda: _is(opened, []), timeout=5)


async def test_a_confirmation_is_for_the_asker_only_and_expires(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    device_id = await register(sessions, panel)
    await add_member(sessions, 6002, device_id, "admin", name="Adam")
    panels = service(redis, settings)
    async with sessions() as session:
        proposal = await panels.propose(session, OWNER, device_id, PanelAction.ARM, [1])
        nonce = await panels.hold(OWNER, proposal, seconds=1)
        with pytest.raises(NotYoursError):  # another admin of the same panel
            await panels.take(session, 6002, nonce)
        await asyncio.sleep(1.2)
        with pytest.raises(ConfirmationExpiredError):
            await panels.take(session, OWNER, nonce)


async def test_a_keypad_arming_in_partial_mode_1_is_seen_as_that_mode(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """Mode 1 lives in the answer of 2A, which a bare 7F (5 flag bytes, up to 27) never flags:
    the panel was shown as armed in full. 7F 00 gets 6 bytes, up to 2F."""
    device_id = await register(sessions, panel)
    await eventually(lambda: panel.connections == 1, timeout=15)

    async def connected() -> bool:
        snap = await state(redis, settings, device_id)
        return snap is not None and snap.connected

    await eventually(connected, timeout=15)
    panel.arm_now(2, mode=1)

    async def mode_of_2() -> int | None:
        snap = await state(redis, settings, device_id)
        return snap.mode(2) if snap is not None and 2 in snap.partition("armed") else -1

    await eventually(lambda: _is(mode_of_2, 1), timeout=10)
    panel.disarm_now(2)
    await eventually(lambda: _is(mode_of_2, -1), timeout=10)
    assert panel.connections == 1  # seen while connected, not by reading everything again


async def test_a_panel_connected_for_days_is_never_swept_offline(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """The silence sweep waits 3 × a kind's report interval since the last contact; a panel's
    worker wrote that only on connecting, so after three days a healthy, connected panel was
    declared offline (and its later real outages were then silent). A connected panel's
    liveness is its worker's to report."""
    device_id = await register(sessions, panel)

    async def online() -> bool:
        return (await device_row(sessions, device_id)).is_online

    await eventually(online, timeout=15)
    async with sessions() as session, session.begin():  # connected, three days ago
        await session.execute(
            update(Device)
            .where(Device.id == device_id)
            .values(last_seen_at=clock.now() - timedelta(days=4))
        )
    keys = RedisKeys(settings.redis_prefix)
    sweep = SilenceSweep(
        sessions, AlertEngine(sessions), LiveStateStore(redis, keys), DeviceDirectory(sessions)
    )
    assert await sweep.run() == 0
    assert await online()
    assert await episodes(sessions, "device_offline") == []
    # A real outage is still told: the worker says so.
    panel.hang()
    await eventually(lambda: _offline_episode(sessions), timeout=30)


async def _offline_episode(sessions: async_sessionmaker[AsyncSession]) -> bool:
    return bool(await episodes(sessions, "device_offline"))


async def test_a_module_that_stops_answering_is_offline_in_time_from_its_last_answer(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """A hang (the module accepts connections and answers nothing) used to be noticed only
    when a later connection attempt failed, one backoff after another: with 5 s allowed, the
    alert came after about 12 s. It is counted from the last good answer. (This test measures
    time because the defect is one of time: the README promises 30 s.)"""
    local = settings.model_copy(update={"satel_offline_seconds": 5.0})
    device_id = await register(sessions, panel)
    async with processor_running(local):

        async def online() -> bool:
            return (await device_row(sessions, device_id)).is_online

        await eventually(online, timeout=15)
        await eventually(lambda: _fresh(redis, settings, device_id), timeout=5)
        panel.hang()
        hung_at = clock.now()
        await eventually(lambda: _offline_episode(sessions), timeout=30)
    (episode,) = await episodes(sessions, "device_offline")
    late = (episode.opened_at - hung_at).total_seconds()
    assert late < 7.5, late  # 5 s after the last answer, give or take a poll (12 s before)


async def _fresh(redis: Redis, settings: Settings, device_id: int) -> bool:
    snap = await state(redis, settings, device_id)
    return snap is not None and snap.connected and snap.confirmed_at is not None


async def test_read_names_while_connected_reads_them_again(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """`panel set --read-names` empties the names; the worker holding the panel used to read
    names only on connecting, so they stayed empty until a restart."""
    panel.state.names[(0, 1)] = "Ground floor"
    device_id = await register(sessions, panel)

    async def partition_name() -> str | None:
        row = await device_row(sessions, device_id)
        return PanelProfile.of(row.attributes).name("partitions", 1)

    await eventually(lambda: _is(partition_name, "Ground floor"), timeout=15)
    panel.state.names[(0, 1)] = "Hall"
    async with sessions() as session:  # what `panel set --read-names` writes
        await set_attributes(
            session,
            (await device_row(sessions, device_id)).uid,
            lambda a: {k: v for k, v in a.items() if k not in {"names", "names_set"}},
        )
    await eventually(lambda: _is(partition_name, "Hall"), timeout=15)
    assert panel.connections == 1  # read while connected, not by reconnecting


async def test_a_module_serving_another_client_says_so_and_is_asked_again_soon(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """An ETHM module serves one integration client; another program holding it answers
    "Busy!". The card says so (it said only "not connected"), and Dozor asks again every 2 s
    instead of backing off to 30 s, so it is back soon after the other client leaves."""
    device_id = await register(sessions, panel)
    await eventually(lambda: panel.connections == 1, timeout=15)
    panel.busy(True)
    panel.drop()

    async def refused_as_busy() -> bool:
        snap = await state(redis, settings, device_id)
        return snap is not None and not snap.connected and snap.reason == "busy"

    await eventually(refused_as_busy, timeout=15)
    await eventually(lambda: panel.refused >= 3, timeout=15)
    panel.busy(False)
    await eventually(lambda: panel.connections == 2, timeout=4)  # the next try is ≤ 2 s away

    async def connected_again() -> bool:
        snap = await state(redis, settings, device_id)
        return snap is not None and snap.connected and snap.reason is None

    await eventually(connected_again, timeout=10)


async def test_a_wrong_port_says_so_on_the_card_and_the_owner_is_told(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    """A panel that never connected raised nothing and showed no reason."""
    gone = SatelPanelEmulator(partitions=1, zones_per_partition=1)
    await gone.start()
    await gone.stop()  # its port is free now: nothing listens there
    device_id = await register(sessions, gone)

    await eventually(
        lambda: _is(lambda: reason_of(redis, settings, device_id), "refused"), timeout=15
    )

    async def told() -> list[OutboxMessage]:
        async with sessions() as session:
            query = select(OutboxMessage).where(
                OutboxMessage.user_id == OWNER, OutboxMessage.event == "notice"
            )
            return list((await session.scalars(query)).all())

    (notice,) = await eventually(told, timeout=20)  # once, SATEL_OFFLINE_SECONDS later
    assert notice.payload["key"] == "notice-panel-unreachable"
    assert notice.payload["args"]["reason"] == "refused"


async def test_a_module_that_never_answers_is_said_to_be_silent(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """What a module with integration encryption on looks like: it takes the connection and
    never answers in plain."""
    panel.hang()
    device_id = await register(sessions, panel)

    await eventually(
        lambda: _is(lambda: reason_of(redis, settings, device_id), "silent"), timeout=15
    )


async def test_zones_above_128_of_an_integra_256_plus_are_seen_and_named(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    """The ETHM-1 Plus says in 7C that it lists zones and outputs as 32 bytes (1–256) when a
    read has one extra data byte; zone 200 violated and zone 150 tampered were invisible."""
    big = SatelPanelEmulator(partitions=1, zones_per_partition=4, wide=True)
    big.state.names[(1, 200)] = "Garage gate"
    await big.start()
    try:
        device_id = await register(sessions, big)

        async def name_of_200() -> str | None:
            row = await device_row(sessions, device_id)
            return PanelProfile.of(row.attributes).name("zones", 200)

        await eventually(lambda: _is(name_of_200, "Garage gate"), timeout=20)
        big.violate(200)
        big.tamper(150)

        async def seen() -> bool:
            snap = await state(redis, settings, device_id)
            return snap is not None and 200 in snap.zone("violated") and 150 in snap.zone("tamper")

        await eventually(seen, timeout=10)
    finally:
        await big.stop()


async def test_an_encrypted_module_is_served_with_its_key_and_a_wrong_key_is_named(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
) -> None:
    """Many installers leave "encrypted integration" on; a plain-only client silently failed."""
    box = SecretBox(settings.secret_keys)
    locked = SatelPanelEmulator(partitions=1, zones_per_partition=2, key="Integra!Key1")
    await locked.start()
    try:
        right = await register(sessions, locked, integration_key=box.encrypt("Integra!Key1"))

        async def connected() -> bool:
            snap = await state(redis, settings, right)
            return snap is not None and snap.connected

        await eventually(connected, timeout=15)
        locked.violate(2)

        async def violated() -> bool:
            snap = await state(redis, settings, right)
            return snap is not None and 2 in snap.zone("violated")

        await eventually(violated, timeout=10)
    finally:
        await locked.stop()

    other = SatelPanelEmulator(partitions=1, zones_per_partition=2, key="Integra!Key1")
    await other.start()
    try:
        wrong = await register(sessions, other, integration_key=box.encrypt("Integra!Key2"))
        await eventually(lambda: _is(lambda: reason_of(redis, settings, wrong), "key"), timeout=15)
    finally:
        await other.stop()


async def test_atd100_temperatures_are_readings_with_history_and_alert_limits(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """A temperature zone (`7D`) is read like any metric: the card, the rollups, a limit."""
    panel.state.names[(1, 7)] = "Server room"
    panel.state.temperatures[7] = 21.5
    device_id = await register(sessions, panel, temperature_zones=[7])
    await set_config(
        sessions, device_id, thresholds={"z7_temperature": {"high": 30, "severity": "critical"}}
    )
    options = ProcessorOptions(panel_temperature_seconds=0.5)
    async with processor_running(settings, options=options):

        async def temperature() -> float | None:
            snap = await state(redis, settings, device_id)
            return snap.temperatures.get(7) if snap is not None else None

        await eventually(lambda: _is(temperature, 21.5), timeout=15)
        panel.state.temperatures[7] = 35.0
        opened = await eventually(lambda: episodes(sessions, "threshold_high"), timeout=15)
        assert [(e.device_id, e.metric, e.value) for e in opened] == [
            (device_id, "z7_temperature", 35.0)
        ]
        async with sessions() as session:
            minutes = list(
                await session.scalars(
                    select(MinuteRollup).where(MinuteRollup.device_id == device_id)
                )
            )
        assert {m.metric for m in minutes} == {"z7_temperature"}
        assert max(m.max for m in minutes) == 35.0 and min(m.min for m in minutes) == 21.5


async def test_the_offline_alert_of_a_panel_says_why_when_it_is_known(
    processor: RunningProcessor,
    sessions: async_sessionmaker[AsyncSession],
    panel: SatelPanelEmulator,
) -> None:
    """Another program took the module: the offline alert said only "offline"."""
    device_id = await register(sessions, panel)

    async def online() -> bool:
        return (await device_row(sessions, device_id)).is_online

    await eventually(online, timeout=15)  # only what went online can go offline
    panel.busy(True)
    panel.drop()

    async def offline_alerts() -> list[OutboxMessage]:
        async with sessions() as session:
            query = select(OutboxMessage).where(
                OutboxMessage.user_id == OWNER, OutboxMessage.event == "opened"
            )
            rows = (await session.scalars(query)).all()
        return [r for r in rows if r.payload.get("kind") == "device_offline"]

    (alert,) = await eventually(offline_alerts, timeout=30)
    assert alert.payload["reason"] == "busy"


async def test_a_panel_is_not_blinded_when_redis_lost_its_fencing_counter(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """Redis flushed: its counter starts again at 1 while PostgreSQL's fence holds 5, and
    every write of the new holder was refused. A new token is raised past PostgreSQL's."""
    device_id = await register(sessions, panel)
    async with sessions() as session, session.begin():
        session.add(PanelFence(device_id=device_id, token=5))  # earlier holders wrote with 5
    assert await redis.get(RedisKeys(settings.redis_prefix).panel_fence(device_id)) is None
    async with processor_running(settings):

        async def connected() -> bool:
            snap = await state(redis, settings, device_id)
            return snap is not None and snap.connected

        await eventually(connected, timeout=15)
        panel.arm_now(1)

        async def armed_event() -> bool:
            async with sessions() as session:
                rows = await session.scalars(
                    select(PanelEvent).where(PanelEvent.device_id == device_id)
                )
                return any(e.kind == "armed" for e in rows)

        await eventually(armed_event, timeout=10)  # the history took the holder's writes
    async with sessions() as session:
        fence = await session.get(PanelFence, device_id)
    assert fence is not None and fence.token > 5


async def test_a_panel_action_waits_for_the_panel_without_a_database_connection(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    """An action held its session's connection while it waited (up to 10 s) for the panel:
    ten pending actions starved the bot's pool. It commits before it waits."""
    device_id = await register(sessions, panel)
    keys = RedisKeys(settings.redis_prefix)
    await redis.set(keys.panel_lease(device_id), "busy-instance:1", px=30_000)  # held elsewhere
    engine = make_engine(settings.database_url, pool_size=1)
    engine.pool._max_overflow = 0  # type: ignore[attr-defined]  # one connection, no more
    small = make_session_factory(engine)
    panels = PanelService(
        redis, keys, SecretBox(settings.secret_keys), Confirmations(redis, keys), 20.0
    )
    try:
        async with small() as session:
            device = await session.get(Device, device_id)
        assert device is not None
        proposal = Proposal(device, PanelAction.ARM, (1,), 0, (), needs_code=True)

        async def act() -> object:
            async with small() as session:
                return await panels.execute(session, OWNER, proposal, by="Olga", code="1234")

        waiting = asyncio.create_task(act())
        await eventually(lambda: redis.llen(keys.panel_inbox("busy-instance")))  # sent: waiting
        async with small() as session:  # the one connection is free meanwhile
            assert await asyncio.wait_for(session.scalar(select(func.count(Device.id))), 5)
        assert not waiting.done()
        await cancel_and_wait(waiting)
    finally:
        await engine.dispose()
