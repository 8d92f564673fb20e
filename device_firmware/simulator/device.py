"""A simulated sensor: LWT `offline`, `online` on connect, drifting telemetry, obeys its config.

What goes over MQTT — the telemetry payload, how a config is applied, how commands are
answered — is the firmware's own module (`device_firmware/esp32/dozor/protocol.py`), so the
simulator and the board cannot drift apart; this adds the drifting values and aiomqtt."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import aiohttp
import aiomqtt

from device_firmware.esp32.dozor import protocol

log = logging.getLogger(__name__)

FIRMWARE_VERSION = "2.0.1-sim"
# Per device type and metric: start value, largest drift per step, lowest, highest.
PROFILES: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "co2": {
        "co2": (650, 25, 400, 3000),
        "temperature": (22.5, 0.1, 15, 30),
        "humidity": (40, 0.5, 20, 70),
    },
    "temp": {"temperature": (21.0, 0.1, -10, 35), "humidity": (45, 0.5, 20, 80)},
    "dust": {"pm25": (8, 1, 0, 150), "pm10": (14, 1.5, 0, 250)},
    "multi": {
        "co2": (700, 25, 400, 3000),
        "temperature": (22, 0.1, 15, 30),
        "humidity": (42, 0.5, 20, 70),
        "pressure": (1013, 0.3, 980, 1040),
        "pm25": (6, 1, 0, 150),
    },
}


def _topic(uid: str, kind: str) -> str:
    # Not drivers/: the simulator follows the published contract, as the firmware does.
    return protocol.topic(uid, kind)


@dataclass
class SimulatedDevice:
    """One device; `run()` connects and publishes until cancelled."""

    uid: str
    device_type: str = "co2"
    interval: float = 30.0
    mqtt_url: str = "mqtt://127.0.0.1:1883"  # mqtt[s]://<uid>:<password>@host:port
    ca_file: str | None = None  # the CA of the broker's certificate (mqtts://)
    seed: int | None = None
    values: dict[str, float] = field(default_factory=dict)
    config_version: int | None = None
    config: dict[str, object] = field(default_factory=dict)
    commands: list[dict[str, object]] = field(default_factory=list)  # as received
    sent: int = 0
    pinned: dict[str, float] = field(default_factory=dict)  # readings held at these values
    firmware_version: str = FIRMWARE_VERSION
    # How it takes a firmware update: "ok" (downloads, checks, "reboots" into it), "fail"
    # (reports the checksum wrong), "rollback" (reboots and comes back on the old version),
    # "silent" (never answers).
    ota_behaviour: str = "ok"
    ota_reports: list[dict[str, object]] = field(default_factory=list)  # as sent

    def __post_init__(self) -> None:
        self._state = protocol.DeviceState(self.uid, self.firmware_version, self.interval)
        self._updates: set[asyncio.Task[None]] = set()
        self._rng = random.Random(self.seed)
        profile = PROFILES.get(self.device_type, PROFILES["co2"])
        self.values = {metric: start for metric, (start, *_) in profile.items()}
        self._started = time.monotonic()
        self._config_changed = asyncio.Event()

    def step(self) -> dict[str, float]:
        """Drift every value by a random step within its range; return the new readings."""
        profile = PROFILES.get(self.device_type, PROFILES["co2"])
        for metric, (_, step, low, high) in profile.items():
            value = self.values[metric] + self._rng.uniform(-step, step)
            self.values[metric] = min(high, max(low, value))
        self.values.update(self.pinned)  # `dozor simulate --set co2=1500`: try an alert
        return {
            m: round(v, 1) if m in {"temperature", "pressure"} else round(v)
            for m, v in self.values.items()
        }

    def telemetry(self) -> dict[str, object]:
        """Build one telemetry payload as the firmware sends it."""
        body: dict[str, object] = json.loads(
            self._state.telemetry(
                self.step(),
                int(time.time()),
                int(time.monotonic() - self._started),
                "127.0.0.1",
            )
        )
        return body

    def apply_config(self, raw: bytes) -> bool:
        """Apply a retained config message; return whether anything changed."""
        changed = self._state.apply_config(raw)  # a malformed one is ignored
        self.interval = self._state.interval
        self.config = self._state.config
        self.config_version = self._state.config_version
        return changed

    def _client(self) -> aiomqtt.Client:
        parts = urlsplit(self.mqtt_url)
        secure = parts.scheme == "mqtts"
        return aiomqtt.Client(
            hostname=parts.hostname or "127.0.0.1",
            port=parts.port or (8883 if secure else 1883),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            identifier=self.uid,  # the device's account takes no other client id
            tls_context=ssl.create_default_context(cafile=self.ca_file) if secure else None,
            will=aiomqtt.Will(_topic(self.uid, "status"), b"offline", qos=1, retain=True),
            keepalive=15,
        )

    async def run(self, count: int | None = None) -> None:
        """Connect, announce `online`, publish telemetry every `interval` seconds."""
        async with self._client() as client:
            await client.publish(_topic(self.uid, "status"), b"online", qos=1, retain=True)
            await client.subscribe(
                [(_topic(self.uid, kind), 1) for kind in ("config", "commands", "ota")]
            )
            reader = asyncio.create_task(self._read_messages(client))
            try:
                await self._publish_loop(client, count)
                # A device switched off on purpose says so; a crash leaves it to the Last Will.
                await client.publish(_topic(self.uid, "status"), b"offline", qos=1, retain=True)
            finally:
                # Cancelled until it ends: on Python 3.11 a publish's wait_for can swallow one.
                for task in (reader, *self._updates):
                    while not task.done():
                        task.cancel()
                        await asyncio.wait([task], timeout=0.2)
                await asyncio.gather(reader, *self._updates, return_exceptions=True)

    async def _publish_loop(self, client: aiomqtt.Client, count: int | None) -> None:
        while count is None or self.sent < count:
            body = json.dumps(self.telemetry()).encode()
            await client.publish(_topic(self.uid, "telemetry"), body, qos=1)
            self.sent += 1
            # A new config cuts the wait short so a shorter interval applies at once. Not
            # `wait_for`: on Python 3.11 it loses a cancel that meets the event being set.
            changed = asyncio.ensure_future(self._config_changed.wait())
            try:
                await asyncio.wait([changed], timeout=self.interval)
            finally:
                changed.cancel()
            self._config_changed.clear()

    async def _read_messages(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            if message.topic.value.endswith("/commands"):
                answer = self.run_command(bytes(message.payload))
                if answer is not None:
                    await client.publish(_topic(self.uid, "events"), answer, qos=1)
            elif message.topic.value.endswith("/ota"):
                task = asyncio.create_task(self._update(client, bytes(message.payload)))
                self._updates.add(task)
                task.add_done_callback(self._updates.discard)
            elif self.apply_config(bytes(message.payload)):
                log.info("%s: config version %s applied", self.uid, self.config_version)
                self._config_changed.set()

    async def _update(self, client: aiomqtt.Client, raw: bytes) -> None:
        """Carry out an update order as the firmware does, as `ota_behaviour` says."""
        order = protocol.parse_ota(raw)

        async def report(state: str, progress: int | None = None, error: str | None = None) -> None:
            version = order.version if isinstance(order, protocol.OtaOrder) else ""
            body = protocol.ota_status(version, state, progress, error)
            self.ota_reports.append(json.loads(body))
            await client.publish(_topic(self.uid, "ota/status"), body, qos=1)

        if isinstance(order, str):
            await report("failed", error=order)
            return
        if self.ota_behaviour == "silent":
            return
        if order.version == self.firmware_version:
            await report("done")
            return
        error = await _fetch(order, report, self.ota_behaviour == "fail")
        if error is not None:
            await report("failed", error=error)
            return
        await report("rebooting")
        await asyncio.sleep(0.2)
        self._started = time.monotonic()
        if self.ota_behaviour == "rollback":
            await report("rolled_back", error=f"{order.version} did not become healthy")
            return
        self.firmware_version = self._state.firmware_version = order.version
        self._config_changed.set()  # report at once, with the new version
        await report("done")

    def run_command(self, raw: bytes) -> bytes | None:
        """Carry out a command; return the answer for `events` (None when there is no id)."""
        with contextlib.suppress(ValueError):
            command = json.loads(raw)
            if isinstance(command, dict) and isinstance(command.get("id"), str):
                self.commands.append(command)
        return protocol.run_command(raw, self)

    def restart(self) -> None:
        """Uptime starts again, as after a reboot."""
        self._started = time.monotonic()

    def identify(self) -> None:
        """Nothing to blink."""

    def calibrate(self, reference_ppm: float) -> str | None:
        """Accepted (the range is checked by the protocol)."""
        log.info("%s: calibrated to %s ppm", self.uid, reference_ppm)
        return None


async def _fetch(
    order: protocol.OtaOrder,
    report: Callable[..., Awaitable[None]],
    corrupt: bool,
) -> str | None:
    """Download and check an image as the firmware does; the error, or None."""
    try:
        image = await _download(order.url)
    except (aiohttp.ClientError, TimeoutError) as err:
        return f"download interrupted ({err})"
    await report("downloading", 50)
    await report("verifying")
    if len(image) != order.size:
        return f"the server sent {len(image)} bytes"
    if hashlib.sha256(image).hexdigest() != order.sha256 or corrupt:
        return "checksum mismatch"
    return None


async def _download(url: str) -> bytes:
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
    try:
        async with http.get(url) as response:
            response.raise_for_status()
            return await response.read()
    finally:
        # A device being stopped is cancelled until it ends: its connection is closed all
        # the same (a second cancel must not cut the close short and leave it open).
        await asyncio.shield(http.close())


async def run_device(device: SimulatedDevice, count: int | None = None) -> None:
    """Run a device until it has sent `count` messages (forever when None)."""
    await device.run(count)
