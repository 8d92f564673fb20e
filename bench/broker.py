"""A private Mosquitto for benchmarks, started with the production configuration.

`deploy/mosquitto.conf` as it is (accounts only, through the dynamic security plugin; the
production queue limits — the Debian default of max_queued_messages 1000 drops QoS 1 messages
for a subscriber that falls behind during a burst), with only paths and the port changed and
the TLS listener left out. Its account file holds the processor's account (rights as in
production) and one account the benchmark's simulated devices share, with the rights of all
devices together (in production each has its own; the broker's work per message is the same).
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import secrets
import socket
import subprocess
import time
from pathlib import Path

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


def _plugin() -> str:
    for pattern in ("/usr/lib/*/mosquitto_dynamic_security.so", "/usr/lib/mosquitto_dynamic_*.so"):
        found = glob.glob(pattern)
        if found:
            return found[0]
    raise SystemExit("mosquitto_dynamic_security.so is not installed")


def _config(workdir: Path, port: int) -> str:
    text = (ROOT / "deploy" / "mosquitto.conf").read_text()
    plain, tls = text.split("\nlistener 8883\n", 1)
    tls_rest = tls.split("\n\n", 1)[1]  # the TLS listener's own lines end at the blank line
    text = f"{plain}\n\n{tls_rest}"
    text = text.replace("/usr/lib/mosquitto_dynamic_security.so", _plugin())
    text = text.replace("/mosquitto/", f"{workdir}/")
    return text.replace("listener 1883\n", f"listener {port} {HOST}\n")


def start_broker(workdir: Path, client_id: str) -> tuple[subprocess.Popen[bytes], int]:
    """Run Mosquitto on a free loopback port for a processor called `client_id`; return the
    process and the port."""
    port = free_port()
    accounts = [
        dynsec.Account(PROCESSOR_USER, PROCESSOR_PASSWORD, service_rights(client_id)),
        dynsec.Account(DEVICES_USER, DEVICES_PASSWORD, _DEVICES),
    ]
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    (workdir / "data" / "dynamic-security.json").write_text(
        json.dumps(dynsec.config_file(accounts))
    )
    config = workdir / "mosquitto.conf"
    config.write_text(_config(workdir, port))
    if os.geteuid() == 0:  # started as root, mosquitto runs as "mosquitto"
        user = pwd.getpwnam("mosquitto")
        for path in [workdir, *workdir.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
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
