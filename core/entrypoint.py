"""What every process entry point does first: read settings or say what is wrong, set up logs."""

from __future__ import annotations

import asyncio
import signal
import sys

from pydantic import ValidationError

from core.logs import configure_logging
from core.settings import Settings, describe_errors, get_settings


def load_settings() -> Settings:
    """Return the settings with logging configured, or exit 2 with one line per bad variable."""
    try:
        settings = get_settings()
    except ValidationError as err:
        sys.stderr.write("\n".join(describe_errors(err)) + "\n")
        raise SystemExit(2) from None
    configure_logging(settings.log_level, settings.log_format)
    return settings


def stop_event_on_signals() -> asyncio.Event:
    """Return an event that SIGTERM and SIGINT set (call inside the running loop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
