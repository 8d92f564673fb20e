"""A private Mosquitto started with the production configuration (deploy/mosquitto.conf).

The shared test broker lets anyone in; this one is what a deployment runs: the dynamic
security plugin with the account file `dozor broker init` writes, a TLS listener with the
certificate `dozor broker certs` makes. Only paths and ports are substituted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from cli.broker import give_to_broker, local_config
from core.settings import Settings
from tests.conftest import eventually

ROOT = Path(__file__).resolve().parents[2]
PROCESSOR_USER = "dozor-processor"
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SecureBroker:
    """Where the private broker listens, its files, and settings that use it."""

    folder: Path
    port: int
    tls_port: int
    settings: Settings  # the processor's account, the admin password

    @property
    def ca_file(self) -> str:
        return str(self.folder / "certs" / "ca.crt")

    @property
    def log(self) -> str:
        return (self.folder / "mosquitto.log").read_text(errors="replace")


def dozor_cli(
    settings: Settings, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `dozor …` as an operator would, with `settings` in its environment."""
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=cli_env(settings),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment of a `dozor …` process that uses `settings`."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "REDIS_PREFIX": settings.redis_prefix,
        "MQTT_URL": settings.mqtt_url,
        "MQTT_CLIENT_ID": settings.mqtt_client_id,
        "MQTT_ADMIN_PASSWORD": (
            settings.mqtt_admin_password.get_secret_value() if settings.mqtt_admin_password else ""
        ),
        "MQTT_DEVICE_URL": settings.mqtt_device_url or "",
        "MQTT_CA_FILE": settings.mqtt_ca_file or "",
    }


def _prepare(settings: Settings, folder: Path) -> SecureBroker:
    port, tls_port = _free_port(), _free_port()
    processor_password = "processor-" + secrets.token_hex(8)
    ours = settings.model_copy(
        update={
            "mqtt_url": f"mqtt://{PROCESSOR_USER}:{processor_password}@127.0.0.1:{port}",
            "mqtt_admin_password": SecretStr("admin-" + secrets.token_hex(8)),
            "mqtt_device_url": f"mqtt://127.0.0.1:{port},mqtts://localhost:{tls_port}",
            "mqtt_ca_file": str(folder / "certs" / "ca.crt"),
        }
    )
    for step in (
        ("broker", "init", str(folder / "data" / "dynamic-security.json")),
        ("broker", "certs", str(folder / "certs")),
    ):
        done = dozor_cli(ours, *step)
        assert done.returncode == 0, done.stdout + done.stderr
    (folder / "mosquitto.conf").write_text(local_config(folder, port, tls_port, HOST))
    give_to_broker(folder)
    return SecureBroker(folder, port, tls_port, ours)


@contextlib.asynccontextmanager
async def secure_broker(settings: Settings) -> AsyncIterator[SecureBroker]:
    """Write the account file and certificates with `dozor broker init|certs`, then run
    Mosquitto with the production configuration until the block ends.

    Its folder is a new one under the system's temporary directory (started as root,
    Mosquitto runs as "mosquitto", which must reach it), removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="dozor-broker-"))
    broker = await asyncio.to_thread(_prepare, settings, folder)
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    process = await asyncio.create_subprocess_exec(
        mosquitto,
        "-c",
        str(folder / "mosquitto.conf"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await eventually(lambda: _listening(broker.port) and _listening(broker.tls_port), 10)
        yield broker
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
        await asyncio.to_thread(shutil.rmtree, folder, True)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
