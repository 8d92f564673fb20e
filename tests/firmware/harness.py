"""Run the ESP32 firmware on the real MicroPython interpreter, as a board would.

`FlashedDevice` is one board: a folder that stands for its flash (the settings file, the two
app partitions as files, `otadata.json`), the firmware image written into `ota_0` as
flashing does, and a bootloader that chooses the partition to run the way ESP-IDF's app
rollback does (docs.espressif.com, "Over The Air Updates (OTA)" → "App rollback"):

- a partition made the boot partition by an update is NEW; the bootloader boots it and marks
  it PENDING_VERIFY; if the app resets before it marks itself valid, the next boot marks it
  ABORTED and boots the last valid partition again;
- an image that does not validate is not booted.

An image here is `DZFW`, its length (4 bytes, big endian) and a zip of the firmware's
`dozor` package as it would be frozen into a MicroPython build: booting a partition unpacks
it and runs MicroPython on that code with the test hardware layer (`board/testboard.py`).
A reset ends the process with `REBOOT` and the bootloader starts it again; a power loss is
`power_off()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import shutil
import struct
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "device_firmware" / "esp32"
BOARD = Path(__file__).resolve().parent / "board"
REBOOT = 75
BLOCK = 4096
MAGIC = b"DZFW"


def micropython_dir() -> Path:
    """Where the MicroPython Unix port and micropython-lib are: `MICROPYTHON_DIR`, else
    `shared/tools/micropython` beside the checkout (or one of its parents)."""
    if os.environ.get("MICROPYTHON_DIR"):
        return Path(os.environ["MICROPYTHON_DIR"])
    for parent in [ROOT, *ROOT.parents, Path("/work")]:
        candidate = parent / "shared" / "tools" / "micropython"
        if (candidate / "micropython").exists():
            return candidate
    msg = "MicroPython's Unix port not found: set MICROPYTHON_DIR (see tests/firmware/harness.py)"
    raise FileNotFoundError(msg)


def build_image(version: str, patches: dict[str, str] | None = None) -> bytes:
    """A firmware image of this checkout's `dozor` package reporting `version`; `patches`
    replace files (path inside the package → new text) to make a broken build."""
    files = {
        path.relative_to(FIRMWARE).as_posix(): path.read_text()
        for path in sorted((FIRMWARE / "dozor").rglob("*.py"))
    }
    files["dozor/version.py"] = f'VERSION = "{version}"\n'
    for name, text in (patches or {}).items():
        files[name] = text
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    body = buffer.getvalue()
    return MAGIC + struct.pack(">I", len(body)) + body


def image_version(image: bytes) -> str | None:
    """The version an image reports (None when it is not a valid image)."""
    if image[:4] != MAGIC:
        return None
    (length,) = struct.unpack(">I", image[4:8])
    try:
        with zipfile.ZipFile(io.BytesIO(image[8 : 8 + length])) as archive:
            text = archive.read("dozor/version.py").decode()
    except (zipfile.BadZipFile, KeyError):
        return None
    return text.split('"')[1]


_RUN = """
import testboard
from dozor import app
try:
    app.main(testboard.TestBoard())
except Exception as err:
    app.log("fatal:", repr(err))
    testboard.TestBoard().reset()
"""


class FlashedDevice:
    """One board running the firmware under MicroPython until `power_off()`."""

    def __init__(
        self,
        folder: Path,
        uid: str,
        password: str,
        broker: dict[str, object],
        *,
        version: str = "2.1.0",
        blocks: int = 64,
        interval: float = 30,
        health_timeout: float = 300,
    ) -> None:
        self.folder = folder
        self.uid = uid
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "uid": uid,
            "password": password,
            "wifi": {"ssid": "test", "password": "test"},
            "broker": broker,
            "interval": interval,
            "keepalive": 10,
            "health_timeout": health_timeout,
        }
        (folder / "settings.json").write_text(json.dumps(settings))
        blank = b"\xff" * (blocks * BLOCK)
        for label in ("ota_0", "ota_1"):
            (folder / f"{label}.bin").write_bytes(blank)
        self.write_partition("ota_0", build_image(version))
        self._otadata({"boot": "ota_0", "state": "valid", "valid": "ota_0"})
        self.boots: list[tuple[str, str]] = []  # (partition, version) of every boot
        self._process: asyncio.subprocess.Process | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self.set_sensor(co2=612, temperature=21.5, humidity=40.0)

    def write_partition(self, label: str, image: bytes) -> None:
        """Write an image at the start of a partition, as esptool flashing does."""
        with (self.folder / f"{label}.bin").open("r+b") as file:
            file.write(image)

    def set_sensor(self, **values: float) -> None:
        """What the SCD4x measures from now on."""
        (self.folder / "sensor.json").write_text(json.dumps(values))

    def _otadata(self, data: dict[str, str] | None = None) -> dict[str, str]:
        path = self.folder / "otadata.json"
        if data is not None:
            path.write_text(json.dumps(data))
            return data
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded

    def _image(self, label: str) -> bytes:
        return (self.folder / f"{label}.bin").read_bytes()

    def _bootloader(self) -> tuple[str, str]:
        """Choose the partition to boot and mark the states as ESP-IDF's bootloader does."""
        data = self._otadata()
        label = data["boot"]
        if data["state"] == "new":
            data["state"] = "pending_verify"
        elif data["state"] == "pending_verify":  # reset before it was confirmed: roll back
            data["state"] = "aborted"
            label = data["valid"]
        version = image_version(self._image(label))
        if version is None:  # does not validate: the last valid one
            label = data["valid"]
            version = image_version(self._image(label))
        assert version is not None, "no bootable partition"
        if label == data["valid"]:
            data["boot"], data["state"] = label, "valid"
        self._otadata(data)
        return label, version

    @property
    def running(self) -> str | None:
        """The version running now (the last boot's)."""
        return self.boots[-1][1] if self.boots else None

    def console(self) -> str:
        """Everything the board printed."""
        path = self.folder / "console.log"
        return path.read_text(errors="replace") if path.exists() else ""

    async def power_on(self) -> None:
        """Boot and keep rebooting on every reset, until `power_off()`."""
        self._supervisor = asyncio.create_task(self._supervise())

    async def _supervise(self) -> None:
        mp = micropython_dir()
        while True:
            label, version = self._bootloader()
            self.boots.append((label, version))
            code = self.folder / ".boot" / label
            shutil.rmtree(code, ignore_errors=True)
            image = self._image(label)
            (length,) = struct.unpack(">I", image[4:8])
            with zipfile.ZipFile(io.BytesIO(image[8 : 8 + length])) as archive:
                archive.extractall(code)
            env = {
                "PATH": os.environ.get("PATH", ""),
                "MICROPYPATH": f"{code}:{BOARD}:{mp / 'lib'}:.frozen",
                "DOZOR_RUNNING": label,
            }
            with (self.folder / "console.log").open("ab") as console:
                console.write(f"--- boot {label} {version}\n".encode())
                console.flush()
                self._process = await asyncio.create_subprocess_exec(
                    str(mp / "micropython"), "-c", _RUN,
                    cwd=self.folder, env=env, stdout=console, stderr=console,
                )  # fmt: skip
                returncode = await self._process.wait()
            if returncode != REBOOT:
                return  # killed: the power is off

    async def power_off(self) -> None:
        """Cut the power: the process dies wherever it was."""
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
        if self._supervisor is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._supervisor, 10)
            self._supervisor = None
