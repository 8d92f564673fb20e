"""The simulated device follows the MQTT contract: online, Last Will, telemetry, config."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import aiomqtt

from core.cancellation import cancel_and_wait
from device_firmware.simulator.device import SimulatedDevice
from tests.conftest import MQTT_URL, publish, unique_uid

HOST, _, PORT = MQTT_URL.removeprefix("mqtt://").partition(":")
ROOT = Path(__file__).resolve().parents[2]


async def _collect(uid: str, until: int) -> list[tuple[str, bytes, bool]]:
    seen: list[tuple[str, bytes, bool]] = []
    async with aiomqtt.Client(HOST, int(PORT or 1883)) as client:
        await client.subscribe(f"devices/{uid}/#", qos=1)
        async with asyncio.timeout(20):
            async for message in client.messages:
                assert isinstance(message.payload, bytes)
                seen.append((message.topic.value, message.payload, message.retain))
                if len([s for s in seen if s[0].endswith("/telemetry")]) >= until:
                    return seen
    return seen


async def test_announces_online_publishes_drifting_telemetry_and_obeys_config() -> None:
    uid = unique_uid("sim_")
    await publish(f"devices/{uid}/config", b'{"report_interval": 0.2, "version": 3}', retain=True)
    device = SimulatedDevice(uid, "co2", interval=3600, mqtt_url=MQTT_URL, seed=1)
    watcher = asyncio.create_task(_collect(uid, until=4))
    await asyncio.sleep(0.3)  # the watcher subscribes first (a bounded wait, not an assertion)
    runner = asyncio.create_task(device.run())
    seen = await watcher
    await cancel_and_wait(runner)
    await publish(f"devices/{uid}/config", b"", retain=True)
    await publish(f"devices/{uid}/status", b"", retain=True)

    assert (f"devices/{uid}/status", b"online", False) in seen
    telemetry = [json.loads(p) for t, p, _ in seen if t.endswith("/telemetry")]
    # An interval of an hour would give one message; the retained config made it 0.2 s.
    assert len(telemetry) >= 4
    assert device.interval == 0.2
    assert telemetry[-1]["config_version"] == 3
    for body in telemetry:
        assert 400 <= body["co2"] <= 3000 and 15 <= body["temperature"] <= 30
        assert body["firmware_version"] and isinstance(body["timestamp"], int)
    assert len({b["co2"] for b in telemetry}) > 1  # values drift


async def simulate(*args: str, stderr: int | None = None) -> asyncio.subprocess.Process:
    """`dozor simulate ARGS…` as its own process, against the test broker."""
    env = {"PATH": os.environ.get("PATH", ""), "MQTT_URL": MQTT_URL}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli.main", "simulate", *args,
        cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
    )  # fmt: skip


async def test_last_will_says_offline_when_the_device_vanishes() -> None:
    uid = unique_uid("sim_")
    async with aiomqtt.Client(HOST, int(PORT or 1883)) as observer:
        await observer.subscribe(f"devices/{uid}/status", qos=1)
        device = await simulate("--uid", uid, "--interval", "60")
        states: list[bytes] = []
        async with asyncio.timeout(30):
            async for message in observer.messages:
                assert isinstance(message.payload, bytes)
                states.append(message.payload)
                if message.payload == b"online":
                    device.kill()  # gone without a goodbye, like a device losing power
                if message.payload == b"offline":
                    break
        await device.wait()
    await publish(f"devices/{uid}/status", b"", retain=True)
    assert states == [b"online", b"offline"]


async def test_simulate_set_holds_a_reading_so_alerts_can_be_tried() -> None:
    """`dozor simulate --set co2=1500` publishes CO₂ 1500 every time, the rest drifting."""
    uid = unique_uid("sim_")
    async with aiomqtt.Client(HOST, int(PORT or 1883)) as observer:
        await observer.subscribe(f"devices/{uid}/telemetry", qos=1)
        device = await simulate(
            "--uid", uid, "--interval", "0.2", "--count", "3", "--set", "co2=1500"
        )
        readings: list[dict[str, object]] = []
        async with asyncio.timeout(30):
            async for message in observer.messages:
                assert isinstance(message.payload, bytes)
                readings.append(json.loads(message.payload))
                if len(readings) == 3:
                    break
        await device.wait()
    await publish(f"devices/{uid}/status", b"", retain=True)
    assert [r["co2"] for r in readings] == [1500, 1500, 1500]
    assert all("temperature" in r for r in readings)


async def test_simulate_set_refuses_what_is_not_metric_equals_value() -> None:
    bad = await simulate("--uid", "x", "--set", "co2", stderr=asyncio.subprocess.PIPE)
    _, err = await bad.communicate()
    assert bad.returncode == 2 and b"expected METRIC=VALUE" in err
