"""What every end-to-end benchmark runs: a bench database, settings, the processor process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import make_url

from bench.broker import HOST
from cli.main import migrate
from core.db import ensure_database
from core.settings import Settings
from tests.emulators.telegram_api import TelegramEmulator

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/dozor")
DB_URL = make_url(BASE_URL).set(database="dozor_bench").render_as_string(hide_password=False)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_PROCESSOR_SETTINGS = ("database_url", "redis_url", "redis_prefix", "mqtt_url", "mqtt_client_id")


async def prepare_database() -> None:
    """Create and migrate the bench database."""
    await ensure_database(DB_URL)
    await asyncio.to_thread(migrate, Settings(_env_file=None, database_url=DB_URL))


def bench_settings(run: str, port: int, emulator: TelegramEmulator) -> Settings:
    """Settings of one benchmark run: its Redis prefix, the private broker, the emulator."""
    return Settings(
        _env_file=None,
        database_url=DB_URL,
        redis_url=REDIS_URL,
        redis_prefix=f"dozorbench:{run}",
        mqtt_url=f"mqtt://{HOST}:{port}",
        mqtt_client_id=f"dozor-bench-{run}",
        bot_token=emulator.token,
        telegram_api_url=emulator.url,
        log_level="ERROR",
    )


def start_processor(
    settings: Settings, extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Run the processor as its own process with these settings (and `extra` variables)."""
    values = settings.model_dump()
    env = {**os.environ, "LOG_LEVEL": "ERROR"}
    env.update({name.upper(): str(values[name]) for name in _PROCESSOR_SETTINGS})
    env.update(extra or {})
    return subprocess.Popen([sys.executable, "-m", "processor"], cwd=ROOT, env=env)
