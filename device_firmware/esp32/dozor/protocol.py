"""The device side of Dozor's MQTT contract (docs/architecture.md), pure and shared.

Written in the MicroPython subset — no dataclasses, typing or `__future__` at run time —
so that the firmware on the board and the CPython simulator run this same module and cannot
drift. Payloads are JSON as bytes.
"""

import json

MIN_INTERVAL = 0.1  # seconds: what tests and benchmarks use
MAX_INTERVAL = 86400
CALIBRATION_RANGE = (350, 1000)  # ppm of fresh air a forced recalibration accepts
OTA_STATES = ("downloading", "verifying", "rebooting", "done", "failed", "rolled_back")


def topic(uid: str, kind: str) -> str:
    """A topic of the device's own tree: `devices/{uid}/{kind}`."""
    return "devices/" + uid + "/" + kind


def topics(uid: str) -> dict[str, str]:
    """The topics a device uses, by their role."""
    return {
        "status": topic(uid, "status"),
        "telemetry": topic(uid, "telemetry"),
        "config": topic(uid, "config"),
        "commands": topic(uid, "commands"),
        "events": topic(uid, "events"),
        "ota": topic(uid, "ota"),
        "ota_status": topic(uid, "ota/status"),
    }


def _loads(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (ValueError, TypeError):  # MicroPython raises ValueError, CPython a subclass of it
        return None


class DeviceState:
    """What the device knows of itself: its config and the version it applied."""

    def __init__(self, uid: str, firmware_version: str, interval: float = 30.0) -> None:
        self.uid = uid
        self.firmware_version = firmware_version
        self.interval = float(interval)
        self.config: dict[str, object] = {}
        self.config_version: int | None = None

    def telemetry(
        self,
        readings: dict[str, float],
        now: int | None = None,
        uptime: int | None = None,
        ip: str | None = None,
    ) -> bytes:
        """One telemetry payload; `now` (Unix seconds) only once the clock is set (NTP)."""
        body: dict[str, object] = {}
        if now is not None:
            body["timestamp"] = int(now)
        for metric, value in readings.items():
            body[metric] = value
        body["firmware_version"] = self.firmware_version
        if ip is not None:
            body["ip"] = ip
        if uptime is not None:
            body["uptime"] = int(uptime)
        if self.config_version is not None:
            body["config_version"] = self.config_version
        return json.dumps(body).encode()

    def apply_config(self, raw: bytes) -> bool:
        """Apply a retained config message; return whether it changed anything (a new version
        is a change: it is reported at once). A malformed one is ignored."""
        config = _loads(raw)
        if not isinstance(config, dict):
            return False
        version = config.get("version")
        changed = version != self.config_version
        self.config = config
        interval = config.get("report_interval")
        if (
            isinstance(interval, (int, float))
            and not isinstance(interval, bool)
            and MIN_INTERVAL <= interval <= MAX_INTERVAL
            and float(interval) != self.interval
        ):
            self.interval = float(interval)
            changed = True
        if isinstance(version, int) and not isinstance(version, bool):
            self.config_version = version
        return changed


def run_command(raw: bytes, actions: object) -> bytes | None:
    """Carry out a command with `actions` (`restart()`, `identify()`, `calibrate(ppm)`);
    return the answer for `events`, None when the command has no id to answer to.

    `restart` is answered before it is done: `actions.restart()` only asks for it."""
    command = _loads(raw)
    if not isinstance(command, dict) or not isinstance(command.get("id"), str):
        return None
    ident = command["id"]
    name = command.get("command")
    params = command.get("params")
    if not isinstance(params, dict):
        params = {}
    error = None
    if name == "restart":
        actions.restart()  # type: ignore[attr-defined]
    elif name == "identify":
        actions.identify()  # type: ignore[attr-defined]
    elif name == "calibrate":
        reference = params.get("reference_ppm")
        low, high = CALIBRATION_RANGE
        if (
            not isinstance(reference, (int, float))
            or isinstance(reference, bool)
            or not low <= reference <= high
        ):
            error = "reference out of range"
        else:
            error = actions.calibrate(reference)  # type: ignore[attr-defined]
    else:
        error = "unknown command " + str(name)
    return answer(ident, error)


def answer(ident: str, error: str | None = None) -> bytes:
    """A command's answer: `{"id": …, "ok": true}` or with `"ok": false` and the error."""
    if error is None:
        return json.dumps({"id": ident, "ok": True}).encode()
    return json.dumps({"id": ident, "ok": False, "error": error}).encode()


class OtaOrder:
    """An update the server ordered on `devices/{uid}/ota`."""

    def __init__(self, version: str, url: str, sha256: str, size: int) -> None:
        self.version = version
        self.url = url
        self.sha256 = sha256
        self.size = size

    def to_dict(self) -> dict[str, object]:
        """The order as the server sent it (kept on flash across the reboot)."""
        return {"version": self.version, "url": self.url, "sha256": self.sha256, "size": self.size}


def parse_ota(raw: bytes) -> OtaOrder | str:  # noqa: PLR0911 - a reason per field
    """The order in an `ota` message, or the reason it cannot be carried out."""
    body = _loads(raw)
    if not isinstance(body, dict):
        return "malformed order"
    version, url, digest, size = (body.get(k) for k in ("version", "url", "sha256", "size"))
    if not isinstance(version, str) or not version:
        return "no version"
    if not isinstance(url, str) or not (url.startswith("http://") or url.startswith("https://")):
        return "no http(s) url"
    if not isinstance(digest, str) or len(digest) != 64:  # noqa: PLR2004 - hex of 32 bytes
        return "no sha256"
    try:
        int(digest, 16)
    except ValueError:
        return "no sha256"
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        return "no size"
    return OtaOrder(version, url, digest.lower(), size)


def ota_status(
    version: str, state: str, progress: int | None = None, error: str | None = None
) -> bytes:
    """An `ota/status` message."""
    body: dict[str, object] = {"version": version, "state": state}
    if progress is not None:
        body["progress"] = progress
    if error is not None:
        body["error"] = error
    return json.dumps(body).encode()
