"""The ESP32 firmware on the real MicroPython interpreter, against the real broker.

Each test flashes a board (tests/firmware/harness.py), powers it on and watches its topics
as the server would."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiomqtt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.settings import Settings
from tests.conftest import MQTT_URL, eventually, publish, unique_uid
from tests.firmware.harness import FIRMWARE, FlashedDevice, build_image, micropython_dir
from tests.firmware.images import ImageServer
from tests.integration.broker import secure_broker
from tests.integration.helpers import processor_running, rollup_count
from tests.integration.test_broker_accounts import added, device_row_by_uid

HOST, _, PORT = MQTT_URL.removeprefix("mqtt://").partition(":")
BROKER = {"host": HOST, "port": int(PORT or 1883)}


@dataclass
class Watcher:
    """What the device published, as the server sees it."""

    uid: str
    seen: list[tuple[str, bytes]] = field(default_factory=list)

    def of(self, kind: str) -> list[bytes]:
        return [p for t, p in self.seen if t == f"devices/{self.uid}/{kind}"]

    def telemetry(self) -> list[dict[str, object]]:
        return [json.loads(p) for p in self.of("telemetry")]

    def ota(self) -> list[dict[str, object]]:
        return [json.loads(p) for p in self.of("ota/status")]

    async def wait(self, predicate, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
        await eventually(predicate, timeout)


@contextlib.asynccontextmanager
async def watching(uid: str) -> AsyncIterator[Watcher]:
    watcher = Watcher(uid)
    async with aiomqtt.Client(HOST, int(PORT or 1883)) as client:
        await client.subscribe(f"devices/{uid}/#", qos=1)

        async def collect() -> None:
            async for message in client.messages:
                assert isinstance(message.payload, bytes)
                watcher.seen.append((message.topic.value, message.payload))

        task = asyncio.create_task(collect())
        try:
            yield watcher
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@pytest.fixture
async def board(tmp_path: Path) -> AsyncIterator[FlashedDevice]:
    uid = unique_uid("esp_")
    device = FlashedDevice(tmp_path / "flash", uid, "secret", BROKER, interval=0.5)
    yield device
    await device.power_off()
    for kind in ("status", "config"):
        await publish(f"devices/{uid}/{kind}", b"", retain=True)


async def test_reports_obeys_its_config_and_answers_commands(board: FlashedDevice) -> None:
    await publish(
        f"devices/{board.uid}/config", b'{"report_interval": 5, "version": 7}', retain=True
    )
    async with watching(board.uid) as seen:
        await board.power_on()
        await seen.wait(seen.telemetry)
        assert seen.of("status")[0] == b"online"
        first = seen.telemetry()[0]
        # The SCD4x's values, read over its I2C protocol; the retained config applied at once.
        assert (first["co2"], first["temperature"], first["humidity"]) == (612, 21.5, 40.0)
        assert first["config_version"] == 7 and first["firmware_version"] == "2.1.0"
        assert isinstance(first["timestamp"], int) and first["ip"] == "127.0.0.1"

        # A new config: the shorter interval applies at once, its version is reported.
        await publish(
            f"devices/{board.uid}/config", b'{"report_interval": 0.2, "version": 8}', retain=True
        )
        await seen.wait(lambda: [t for t in seen.telemetry() if t.get("config_version") == 8])
        board.set_sensor(co2=1450, temperature=24.0, humidity=55.5)
        await seen.wait(lambda: [t for t in seen.telemetry() if t["co2"] == 1450])

        commands = [
            {"id": "c-identify", "command": "identify"},
            {"id": "c-calibrate", "command": "calibrate", "params": {"reference_ppm": 420}},
            {"id": "c-low", "command": "calibrate", "params": {"reference_ppm": 100}},
            {"id": "c-fly", "command": "fly"},
        ]
        for command in commands:
            await publish(f"devices/{board.uid}/commands", json.dumps(command).encode())
        await seen.wait(lambda: len(seen.of("events")) == 4)
        answers = {a["id"]: a for a in map(json.loads, seen.of("events"))}
        assert answers["c-identify"] == {"id": "c-identify", "ok": True}
        assert answers["c-calibrate"] == {"id": "c-calibrate", "ok": True}
        assert answers["c-low"]["ok"] is False and "range" in answers["c-low"]["error"]
        assert answers["c-fly"] == {"id": "c-fly", "ok": False, "error": "unknown command fly"}
        assert (board.folder / "identify.log").read_text() == "blink\n"
        assert (board.folder / "calibration.log").read_text() == "420\n"

        # Restart: answered, then the board resets and comes back.
        await publish(f"devices/{board.uid}/commands", b'{"id": "c-restart", "command": "restart"}')
        await seen.wait(lambda: len(board.boots) == 2 and len(seen.of("status")) >= 3)
        assert {"id": "c-restart", "ok": True} in map(json.loads, seen.of("events"))


async def test_a_board_that_loses_power_is_reported_offline_by_its_last_will(
    board: FlashedDevice,
) -> None:
    async with watching(board.uid) as seen:
        await board.power_on()
        await seen.wait(seen.telemetry)
        await board.power_off()
        await seen.wait(lambda: seen.of("status")[-1:] == [b"offline"], timeout=30)


async def test_no_timestamp_until_the_clock_is_set(board: FlashedDevice) -> None:
    (board.folder / "no_ntp").touch()
    async with watching(board.uid) as seen:
        await board.power_on()
        await seen.wait(seen.telemetry)
        assert "timestamp" not in seen.telemetry()[0]
        assert seen.telemetry()[0]["co2"] == 612


async def test_the_shared_modules_give_the_same_on_micropython_and_cpython() -> None:
    """The simulator runs protocol.py under CPython, the board under MicroPython."""
    script = str(Path(__file__).parent / "board" / "codecs_check.py")
    mp = micropython_dir()
    runs = []
    for command, env in (
        ([str(mp / "micropython"), script], {"MICROPYPATH": f"{FIRMWARE}:.frozen"}),
        ([sys.executable, script], {"PYTHONPATH": str(FIRMWARE)}),
    ):
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        runs.append(json.loads(out))
    on_micropython, on_cpython = runs
    assert on_micropython == on_cpython
    assert on_cpython[8] == 0x92  # the datasheet's example CRC
    assert on_cpython[9] == {"co2": 500, "temperature": 25.0, "humidity": 37.0}
    assert on_cpython[6] == "no http(s) url"


@pytest.fixture
async def images() -> AsyncIterator[ImageServer]:
    server = ImageServer()
    await server.start()
    yield server
    await server.stop()


def _states(seen: Watcher) -> list[str]:
    return [str(s["state"]) for s in seen.ota()]


async def _ready(board: FlashedDevice, seen: Watcher) -> None:
    """Powered on with a config (which makes a new version healthy at once) and reporting."""
    config = b'{"report_interval": 0.5, "version": 1}'
    await publish(f"devices/{board.uid}/config", config, retain=True)
    await board.power_on()
    await seen.wait(seen.telemetry)


async def test_an_update_is_downloaded_verified_booted_and_kept(
    board: FlashedDevice, images: ImageServer
) -> None:
    images.images["v220"] = build_image("2.2.0")
    async with watching(board.uid) as seen:
        await _ready(board, seen)
        await publish(f"devices/{board.uid}/ota", images.order("v220", "2.2.0"))
        await seen.wait(lambda: "done" in _states(seen))
        states = _states(seen)
        assert states[0] == "downloading" and states[-4:] == [
            "downloading", "verifying", "rebooting", "done"
        ]  # fmt: skip
        progress = [int(str(s["progress"])) for s in seen.ota() if s["state"] == "downloading"]
        assert progress == sorted(progress) and all(0 <= p < 100 for p in progress)
        assert {s["version"] for s in seen.ota()} == {"2.2.0"}
        assert board.boots == [("ota_0", "2.1.0"), ("ota_1", "2.2.0")]
        await seen.wait(lambda: seen.telemetry()[-1]["firmware_version"] == "2.2.0")
    assert json.loads((board.folder / "otadata.json").read_text())["state"] == "valid"
    # Kept: the next power cycle boots it again, no rollback.
    await board.power_off()
    await board.power_on()
    await eventually(lambda: len(board.boots) == 3)
    assert board.boots[-1] == ("ota_1", "2.2.0")


async def test_a_corrupted_image_fails_and_the_old_version_goes_on(
    board: FlashedDevice, images: ImageServer
) -> None:
    good = build_image("2.2.0")
    images.images["v220"] = good[:100] + bytes([good[100] ^ 0xFF]) + good[101:]
    async with watching(board.uid) as seen:
        await _ready(board, seen)
        order = json.loads(images.order("v220", "2.2.0"))
        order["sha256"] = hashlib.sha256(good).hexdigest()
        await publish(f"devices/{board.uid}/ota", json.dumps(order).encode())
        await seen.wait(lambda: "failed" in _states(seen))
        assert seen.ota()[-1] == {
            "version": "2.2.0",
            "state": "failed",
            "error": "checksum mismatch",
        }
        assert "rebooting" not in _states(seen)
        count = len(seen.telemetry())
        await seen.wait(lambda: len(seen.telemetry()) > count)
        assert seen.telemetry()[-1]["firmware_version"] == "2.1.0"
    assert board.boots == [("ota_0", "2.1.0")]
    assert json.loads((board.folder / "otadata.json").read_text())["boot"] == "ota_0"


async def test_orders_that_cannot_be_carried_out_fail_with_their_reason(
    board: FlashedDevice, images: ImageServer
) -> None:
    images.images["huge"] = build_image("2.2.0") + b"\0" * (64 * 4096)
    async with watching(board.uid) as seen:
        await _ready(board, seen)
        await publish(f"devices/{board.uid}/ota", images.order("huge", "2.2.0"))
        await publish(f"devices/{board.uid}/ota", b'{"version": "2.2.0", "url": "ftp://x"}')
        images.images["short"] = build_image("2.2.0")
        lying = json.loads(images.order("short", "2.2.0"))
        lying["size"] += 10
        await publish(f"devices/{board.uid}/ota", json.dumps(lying).encode())
        await seen.wait(lambda: _states(seen).count("failed") == 3)
        errors = [str(s["error"]) for s in seen.ota() if s["state"] == "failed"]
        assert "does not fit the partition" in errors[0]
        assert errors[1] == "no http(s) url"
        assert "the server sends" in errors[2]
    assert board.boots == [("ota_0", "2.1.0")]


async def test_a_version_that_never_gets_healthy_is_rolled_back(
    tmp_path: Path, images: ImageServer
) -> None:
    uid = unique_uid("esp_")
    board = FlashedDevice(tmp_path / "flash", uid, "secret", BROKER, interval=0.5, health_timeout=3)
    app = (FIRMWARE / "dozor" / "app.py").read_text()
    broken = app.replace("client.connect()", 'raise OSError("broken build")')
    assert broken != app
    images.images["v221"] = build_image("2.2.1", {"dozor/app.py": broken})
    try:
        async with watching(uid) as seen:
            await _ready(board, seen)
            await publish(f"devices/{uid}/ota", images.order("v221", "2.2.1"))
            await seen.wait(lambda: "rolled_back" in _states(seen), timeout=40)
            last = seen.ota()[-1]
            assert last["version"] == "2.2.1" and "did not become healthy" in str(last["error"])
            assert "done" not in _states(seen)
            await seen.wait(lambda: seen.telemetry()[-1]["firmware_version"] == "2.1.0")
        assert board.boots == [("ota_0", "2.1.0"), ("ota_1", "2.2.1"), ("ota_0", "2.1.0")]
        assert "broken build" in board.console()
    finally:
        await board.power_off()
        for kind in ("status", "config"):
            await publish(f"devices/{uid}/{kind}", b"", retain=True)


async def test_power_lost_mid_download_resumes_and_never_boots_half_an_image(
    tmp_path: Path, images: ImageServer
) -> None:
    uid = unique_uid("esp_")
    board = FlashedDevice(tmp_path / "flash", uid, "secret", BROKER, interval=0.5, blocks=128)
    filler = base64.b64encode(os.urandom(150_000)).decode()  # an image of ~200 KiB
    images.images["big"] = build_image("2.3.0", {"dozor/filler.py": f'DATA = "{filler}"\n'})
    images.pause = 0.004  # per KiB: the download takes about a second
    try:
        async with watching(uid) as seen:
            await _ready(board, seen)
            await publish(f"devices/{uid}/ota", images.order("big", "2.3.0"))
            await seen.wait(lambda: [s for s in seen.ota() if int(str(s.get("progress", 0))) >= 40])
            await board.power_off()  # mid-download
            assert "rebooting" not in _states(seen)
            images.pause = 0
            await board.power_on()
            await seen.wait(lambda: "done" in _states(seen), timeout=30)
        ranges = [r for _, r in images.requests]
        assert ranges[0] is None and ranges[1] is not None
        assert int(ranges[1].removeprefix("bytes=").removesuffix("-")) >= 16 * 4096
        # Never booted the half-written partition: the old one until the image was whole.
        assert board.boots == [("ota_0", "2.1.0"), ("ota_0", "2.1.0"), ("ota_1", "2.3.0")]
    finally:
        await board.power_off()
        for kind in ("status", "config"):
            await publish(f"devices/{uid}/{kind}", b"", retain=True)


async def test_logs_in_with_its_own_account_over_tls_with_the_ca(
    tmp_path: Path, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """On the production broker (accounts, TLS with the generated CA) the board logs in as
    itself and the processor stores what it sends; with a wrong password it gets nowhere."""
    async with secure_broker(settings) as broker:
        uid = unique_uid("co2_")
        password = added(broker, uid)
        device_id = (await device_row_by_uid(sessions, uid)).id
        over_tls = {"host": "localhost", "port": broker.tls_port, "tls": True, "ca": "ca.pem"}
        board = FlashedDevice(tmp_path / "good", uid, password, over_tls, interval=0.3)
        shutil.copy(broker.ca_file, board.folder / "ca.pem")
        intruder = FlashedDevice(tmp_path / "bad", uid, "guessed", over_tls, interval=0.3)
        shutil.copy(broker.ca_file, intruder.folder / "ca.pem")
        async with processor_running(broker.settings):
            await intruder.power_on()
            await eventually(lambda: "broker refused" in intruder.console(), timeout=20)
            assert await rollup_count(sessions, device_id, "co2") == 0
            await intruder.power_off()
            await board.power_on()
            await eventually(lambda: rollup_count(sessions, device_id, "co2"), timeout=20)
            await board.power_off()
        assert "connected to localhost" in board.console()
        assert "connected to" not in intruder.console()
