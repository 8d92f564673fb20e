"""Firmware rollouts with simulated devices that download from the processor's image server."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.cancellation import cancel_and_wait
from core.devices.models import Device
from core.firmware.models import FirmwareRollout, FirmwareUpdate
from core.firmware.service import add_image, start_rollout
from core.settings import Settings
from device_firmware.simulator.device import SimulatedDevice
from processor.app import ProcessorOptions
from tests.conftest import eventually, unique_uid
from tests.integration.helpers import add_device, forget_retained, processor_running, set_config
from tests.integration.test_resilience import free_port

OPTIONS = ProcessorOptions(rollout_step_seconds=0.1)


@pytest.fixture
def ota_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "ota_http_host": "127.0.0.1",
            "ota_http_port": free_port(),
            "ota_step_timeout_seconds": 1.5,
            "ota_watch_seconds": 3.0,
        }
    )


@contextlib.asynccontextmanager
async def fleet(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    behaviours: list[str],
    *,
    offline: frozenset[int] = frozenset(),
    heard: bool = True,
) -> AsyncIterator[tuple[list[SimulatedDevice], list[int]]]:
    """Simulated CO2 monitors on version 2.0.1, running (those not in `offline`) and heard."""
    devices, ids, tasks = [], [], {}
    for index, behaviour in enumerate(behaviours):
        uid = unique_uid(f"ota{index}_")
        ids.append((await add_device(sessions, uid, name=f"Room {index}")).device.id)
        devices.append(
            SimulatedDevice(
                uid, interval=0.3, mqtt_url=settings.mqtt_url, firmware_version="2.0.1",
                ota_behaviour=behaviour,
            )
        )  # fmt: skip
    for index, device in enumerate(devices):
        if index not in offline:
            tasks[index] = asyncio.create_task(device.run())
    if heard:  # by a processor running already
        await eventually(lambda: _all_heard(sessions, [ids[i] for i in tasks]), timeout=15)
    try:
        yield devices, ids
    finally:
        # Cancelled until they end: on Python 3.11 a publish's wait_for can swallow a cancel.
        await cancel_and_wait(list(tasks.values()))
        for device in devices:
            await forget_retained(device.uid)


async def _all_heard(sessions: async_sessionmaker[AsyncSession], ids: list[int]) -> bool:
    async with sessions() as session:
        rows = (await session.scalars(select(Device).where(Device.id.in_(ids)))).all()
    return len(rows) == len(ids) and all(d.is_online and d.firmware_version for d in rows)


async def _rollout(
    sessions: async_sessionmaker[AsyncSession],
    ids: list[int],
    *,
    canary: int = 1,
    pace: int = 100,
    failure_limit: int = 10,
) -> int:
    """Image 2.1.0 of co2 added, rolled out to `ids`."""
    async with sessions() as session, session.begin():
        image = await add_image(session, "co2", "2.1.0", os.urandom(50_000), notes="faster")
        rollout = await start_rollout(
            session, image.id, device_ids=ids, canary=canary, pace=pace,
            failure_limit=failure_limit, now=clock.now(),
        )  # fmt: skip
        return rollout.id


async def _state(
    sessions: async_sessionmaker[AsyncSession], rollout_id: int
) -> tuple[FirmwareRollout, dict[int, FirmwareUpdate]]:
    async with sessions() as session:
        rollout = await session.get(FirmwareRollout, rollout_id)
        assert rollout is not None
        rows = (
            await session.scalars(
                select(FirmwareUpdate).where(FirmwareUpdate.rollout_id == rollout_id)
            )
        ).all()
        return rollout, {row.device_id: row for row in rows}


async def _rollout_is(
    sessions: async_sessionmaker[AsyncSession], rollout_id: int, state: str
) -> bool:
    rollout, _ = await _state(sessions, rollout_id)
    return rollout.state == state


async def test_the_canary_first_then_the_rest_at_the_pace(
    ota_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with (
        processor_running(ota_settings, options=OPTIONS),
        fleet(sessions, ota_settings, ["ok"] * 4) as (devices, ids),
    ):
        rollout_id = await _rollout(sessions, ids, canary=1, pace=120)  # one every 0.5 s
        await eventually(lambda: _rollout_is(sessions, rollout_id, "done"), timeout=30)
        await eventually(lambda: _all_on(sessions, ids, "2.1.0"), timeout=10)
    rollout, updates = await _state(sessions, rollout_id)
    assert {u.state for u in updates.values()} == {"done"}
    assert all(u.attempts == 1 for u in updates.values())  # each device was sent it once
    canary = [u for u in updates.values() if u.canary]
    assert len(canary) == 1 and canary[0].finished_at is not None
    waves = sorted((u for u in updates.values() if not u.canary), key=lambda u: u.sent_at or 0)
    assert rollout.waves_at is not None and rollout.waves_at >= canary[0].finished_at
    for index, update in enumerate(waves):  # the pace: the k-th no sooner than k × 0.5 s
        assert update.sent_at is not None
        assert update.sent_at - rollout.waves_at >= timedelta(seconds=0.5 * index - 0.05)
    assert all(d.firmware_version == "2.1.0" for d in devices)
    assert [r["state"] for r in devices[0].ota_reports][-1] == "done"


async def _all_on(sessions: async_sessionmaker[AsyncSession], ids: list[int], version: str) -> bool:
    async with sessions() as session:
        rows = (await session.scalars(select(Device).where(Device.id.in_(ids)))).all()
    return all(d.firmware_version == version for d in rows)


async def test_a_failing_canary_halts_the_rollout_before_anyone_else_gets_it(
    ota_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with (
        processor_running(ota_settings, options=OPTIONS),
        fleet(sessions, ota_settings, ["fail", "ok", "ok"]) as (devices, ids),
    ):
        rollout_id = await _rollout(sessions, ids, canary=1)
        await eventually(lambda: _rollout_is(sessions, rollout_id, "halted"), timeout=20)
    rollout, updates = await _state(sessions, rollout_id)
    assert rollout.halt_reason == "the canary Room 0 failed: checksum mismatch"
    assert updates[ids[0]].state == "failed"
    assert [updates[i].state for i in ids[1:]] == ["queued", "queued"]
    assert all(updates[i].sent_at is None for i in ids[1:])
    assert devices[1].ota_reports == [] and devices[1].firmware_version == "2.0.1"


async def test_a_device_that_was_offline_gets_its_update_when_it_comes_back(
    ota_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with (
        processor_running(ota_settings, options=OPTIONS),
        fleet(sessions, ota_settings, ["ok", "ok"], offline=frozenset({1})) as (devices, ids),
    ):
        rollout_id = await _rollout(sessions, ids, canary=1)
        await eventually(lambda: _all_on(sessions, ids[:1], "2.1.0"), timeout=20)
        _, updates = await _state(sessions, rollout_id)
        assert updates[ids[0]].canary  # the online one went first
        assert updates[ids[1]].state == "queued"  # kept for when it is back
        late = asyncio.create_task(devices[1].run())
        try:
            await eventually(lambda: _rollout_is(sessions, rollout_id, "done"), timeout=20)
        finally:
            late.cancel()
            await asyncio.gather(late, return_exceptions=True)
    _, updates = await _state(sessions, rollout_id)
    assert updates[ids[1]].state == "done" and devices[1].firmware_version == "2.1.0"


async def test_a_device_that_never_answers_is_sent_it_again_then_timed_out(
    ota_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with (
        processor_running(ota_settings, options=OPTIONS),
        fleet(sessions, ota_settings, ["silent"]) as (_, ids),
    ):
        rollout_id = await _rollout(sessions, ids, canary=0)
        await eventually(lambda: _rollout_is(sessions, rollout_id, "halted"), timeout=30)
    rollout, updates = await _state(sessions, rollout_id)
    assert updates[ids[0]].state == "timed_out" and updates[ids[0]].attempts == 3
    assert updates[ids[0]].error == "no news while sent"
    assert rollout.halt_reason == "1 of 1 devices failed"


async def test_a_device_that_comes_back_on_its_old_version_is_rolled_back(
    ota_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with (
        processor_running(ota_settings, options=OPTIONS),
        fleet(sessions, ota_settings, ["ok", "rollback"]) as (_, ids),
    ):
        rollout_id = await _rollout(sessions, ids, canary=1, failure_limit=50)
        await eventually(lambda: _rollout_is(sessions, rollout_id, "done"), timeout=20)
    rollout, updates = await _state(sessions, rollout_id)
    assert updates[ids[1]].state == "rolled_back"
    assert "did not become healthy" in (updates[ids[1]].error or "")
    assert rollout.halt_reason is None  # 1 of 2 failed: within the limit of 50 %


async def test_a_device_silent_soon_after_its_update_halts_the_rollout(
    ota_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with (
        processor_running(ota_settings, options=OPTIONS),
        fleet(sessions, ota_settings, ["ok", "ok", "ok"], offline=frozenset({0})) as (
            devices,
            ids,
        ),
    ):
        # Reporting every 0.3 s: silent for three of them, it counts as offline.
        await set_config(sessions, ids[0], report_interval=0.3)
        canary = asyncio.create_task(devices[0].run())
        await eventually(lambda: _all_heard(sessions, ids[:1]), timeout=10)
        rollout_id = await _rollout(sessions, ids, canary=1, pace=1)  # one a minute after
        await eventually(lambda: _all_on(sessions, ids[:1], "2.1.0"), timeout=20)
        await cancel_and_wait(canary)  # the updated canary goes quiet
        await eventually(lambda: _rollout_is(sessions, rollout_id, "halted"), timeout=20)
    rollout, updates = await _state(sessions, rollout_id)
    assert rollout.halt_reason == "Room 0 went silent after the update"
    assert updates[ids[2]].sent_at is None  # the pace kept the third waiting; now it never goes


async def test_a_processor_restart_mid_rollout_loses_nothing_and_sends_nothing_twice(
    ota_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # A timeout no busy test machine reaches: an order sent again would be the restart's.
    patient = ota_settings.model_copy(update={"ota_step_timeout_seconds": 20.0})
    async with fleet(sessions, patient, ["ok"] * 3, heard=False) as (devices, ids):
        async with processor_running(patient, options=OPTIONS, forget=False):
            await eventually(lambda: _all_heard(sessions, ids), timeout=15)
            rollout_id = await _rollout(sessions, ids, canary=1, pace=60)
            await eventually(lambda: _all_on(sessions, ids[:1], "2.1.0"), timeout=20)
        async with processor_running(patient, options=OPTIONS):
            await eventually(lambda: _rollout_is(sessions, rollout_id, "done"), timeout=30)
    _, updates = await _state(sessions, rollout_id)
    assert {u.state for u in updates.values()} == {"done"}
    # Each device was sent the update once — again only when the restart cut its download
    # (the image server went with the processor), and then it resumed — and installed it once.
    cut = {
        ids[i]: sum(1 for r in d.ota_reports if "interrupted" in str(r.get("error")))
        for i, d in enumerate(devices)
    }
    assert all(u.attempts == 1 + cut[device] for device, u in updates.items()), (
        {d: (u.attempts, u.sent_at) for d, u in updates.items()},
        cut,
        [d.ota_reports for d in devices],
    )
    reports = [[r["state"] for r in d.ota_reports] for d in devices]
    assert all(states.count("done") == 1 for states in reports), reports


async def test_the_image_server_serves_ranges_to_a_valid_token_only(
    ota_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    from core.firmware.service import token_hash

    uid = unique_uid("ota_")
    device_id = (await add_device(sessions, uid)).device.id
    data = os.urandom(200_000)
    async with sessions() as session, session.begin():
        image = await add_image(session, "co2", "9.9.9", data)
        rollout = await start_rollout(session, image.id, device_ids=[device_id], now=clock.now())
        await session.flush()
        row = (
            await session.scalars(
                select(FirmwareUpdate).where(FirmwareUpdate.rollout_id == rollout.id)
            )
        ).one()
        row.state, row.token_hash = "downloading", token_hash("a" * 32)
        row.token_expires_at = clock.now() + timedelta(minutes=5)
        expired = FirmwareUpdate(
            rollout_id=rollout.id, device_id=(await add_device(sessions, unique_uid())).device.id,
            state="sent", attempts=1, token_hash=token_hash("b" * 32),
            token_expires_at=clock.now() - timedelta(seconds=1),
        )  # fmt: skip
        session.add(expired)
    base = f"http://127.0.0.1:{ota_settings.ota_http_port}/firmware/"
    async with processor_running(ota_settings, options=OPTIONS), aiohttp.ClientSession() as http:
        async with http.get(base + "a" * 32) as whole:
            assert whole.status == 200 and await whole.read() == data
        async with http.get(base + "a" * 32, headers={"Range": "bytes=150000-"}) as rest:
            assert rest.status == 206
            assert rest.headers["Content-Range"] == "bytes 150000-199999/200000"
            assert await rest.read() == data[150_000:]
        async with http.get(base + "a" * 32, headers={"Range": "bytes=300000-"}) as past:
            assert past.status == 416
        for token in ("b" * 32, "c" * 32, "short"):
            async with http.get(base + token) as refused:
                assert refused.status == 404 and await refused.read() == b"not found"
    await forget_retained(uid)


async def test_reports_move_an_update_forward_only_and_a_cut_download_is_sent_again(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    from core.firmware.service import MAX_ATTEMPTS, Report, record_report

    device_id = (await add_device(sessions, unique_uid("ota_"))).device.id
    rollout_id = await _rollout(sessions, [device_id], canary=0)

    async def said(state: str, progress: int | None = None, error: str | None = None) -> str:
        async with sessions() as session, session.begin():
            row = await record_report(
                session, device_id, Report("2.1.0", state, progress, error), clock.now()
            )
            return row.state if row is not None else "none"

    async def sent() -> None:  # as a step sends it
        async with sessions() as session, session.begin():
            row = (
                await session.scalars(
                    select(FirmwareUpdate).where(FirmwareUpdate.rollout_id == rollout_id)
                )
            ).one()
            row.state, row.attempts = "sent", row.attempts + 1

    await sent()
    assert await said("verifying") == "verifying"
    assert await said("downloading", 90) == "verifying"  # late: states only move forward
    for _ in range(MAX_ATTEMPTS - 1):
        assert await said("failed", error="download interrupted (ECONNRESET)") == "queued"
        await sent()
    assert await said("failed", error="download interrupted (ECONNRESET)") == "failed"
    assert await said("done") == "none"  # finished: nothing more is taken
    async with sessions() as session:
        assert (
            await record_report(session, device_id, Report("7.7.7", "done"), clock.now()) is None
        )  # an update nobody ordered


async def test_an_image_is_read_from_postgresql_once_for_many_downloads(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A rollout to many devices does not read the image from the database for each one."""
    from core.firmware.service import token_hash
    from processor.ota.server import ImageServer

    devices = [(await add_device(sessions, unique_uid("ota_"))).device.id for _ in range(3)]
    data = os.urandom(300_000)
    async with sessions() as session, session.begin():
        image = await add_image(session, "co2", "9.9.8", data)
        rollout = await start_rollout(session, image.id, device_ids=devices, now=clock.now())
        await session.flush()
        rows = (
            await session.scalars(
                select(FirmwareUpdate).where(FirmwareUpdate.rollout_id == rollout.id)
            )
        ).all()
        for n, row in enumerate(rows):
            row.state, row.token_hash = "downloading", token_hash(f"{n}" * 32)
            row.token_expires_at = clock.now() + timedelta(minutes=5)
    port = free_port()
    server = ImageServer(sessions, "127.0.0.1", port)
    assert await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            for n in range(3):
                url = f"http://127.0.0.1:{port}/firmware/{n}" + f"{n}" * 31
                async with http.get(url) as whole:
                    assert whole.status == 200 and await whole.read() == data
            url = f"http://127.0.0.1:{port}/firmware/" + "1" * 32
            async with http.get(url, headers={"Range": "bytes=299990-"}) as tail:
                assert tail.status == 206 and await tail.read() == data[299_990:]
    finally:
        await server.stop()
    assert server.reads == 1
