"""A private Mosquitto for benchmarks, with the production queue limits of deploy/mosquitto.conf.

(The Debian default of max_queued_messages 1000 drops QoS 1 messages for a subscriber that
falls behind during a burst, which would measure the broker's configuration, not Dozor.)
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_broker(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Run Mosquitto on a free loopback port; return the process and the port."""
    port = free_port()
    production = (ROOT / "deploy" / "mosquitto.conf").read_text().splitlines()
    kept = [
        line
        for line in production
        if line.startswith(("max_queued", "max_inflight", "allow_anonymous"))
    ]
    config = workdir / "mosquitto.conf"
    config.write_text("\n".join([f"listener {port} {HOST}", *kept]) + "\n")
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
