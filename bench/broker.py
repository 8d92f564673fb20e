"""A private Mosquitto for benchmarks, started with the production configuration.

`deploy/mosquitto.conf` as it is (accounts only, through the dynamic security plugin; the
production queue limits — the Debian default of max_queued_messages 1000 drops QoS 1 messages
for a subscriber that falls behind during a burst), with only paths and the port changed and
the TLS listener left out. Its account file holds the processor's account (rights as in
production) and one account the benchmark's simulated devices share, with the rights of all
devices together (in production each has its own; the broker's work per message is the same).
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import time
from pathlib import Path

from cli.broker import give_to_broker, local_config
from drivers.mosquitto import dynsec
from processor.accounts import service_rights

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PROCESSOR_USER = "dozor-processor"
PROCESSOR_PASSWORD = secrets.token_hex(12)  # a loopback broker that lives for one run
DEVICES_USER = "bench-devices"
DEVICES_PASSWORD = secrets.token_hex(12)
_DEVICES = dynsec.Rights(
    publish=(
        "devices/+/telemetry", "devices/+/status", "devices/+/events", "devices/+/ota/status",
        "+/online", "+/events/rpc", "+/status/#", "+/+/rpc",
    ),
    subscribe=("devices/+/config", "devices/+/commands", "devices/+/ota", "+/rpc"),
)  # fmt: skip


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def processor_url(port: int) -> str:
    """MQTT_URL of the processor: its own account."""
    return f"mqtt://{PROCESSOR_USER}:{PROCESSOR_PASSWORD}@{HOST}:{port}"


def devices_url(port: int) -> str:
    """The URL the benchmark's simulated devices log in with."""
    return f"mqtt://{DEVICES_USER}:{DEVICES_PASSWORD}@{HOST}:{port}"


def start_broker(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Run Mosquitto on a free loopback port (the processor's account may run any number of
    ingest slots); return the process and the port."""
    port = free_port()
    accounts = [
        dynsec.Account(PROCESSOR_USER, PROCESSOR_PASSWORD, service_rights()),
        dynsec.Account(DEVICES_USER, DEVICES_PASSWORD, _DEVICES),
    ]
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    (workdir / "data" / "dynamic-security.json").write_text(
        json.dumps(dynsec.config_file(accounts))
    )
    config = workdir / "mosquitto.conf"
    config.write_text(local_config(workdir, port, None, HOST).replace("log_type all\n", ""))
    give_to_broker(workdir)
    broker = subprocess.Popen(  # noqa: S603
        ["mosquitto", "-c", str(config)],  # noqa: S607
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return broker, port
        time.sleep(0.05)
    raise SystemExit("mosquitto did not start")
