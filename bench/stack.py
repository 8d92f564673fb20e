"""What every end-to-end benchmark runs: a bench database, settings, the processor process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import delete, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.broker import processor_url, start_broker
from bot.app import BotOptions, run_bot
from cli.main import migrate
from core.db import ensure_database, make_engine, make_session_factory
from core.devices.models import Device
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
        mqtt_url=processor_url(port),
        mqtt_client_id=f"dozor-bench-{run}",
        bot_token=emulator.token,
        telegram_api_url=emulator.url,
        log_level="ERROR",
    )


def start_processor(
    settings: Settings, extra: dict[str, str] | None = None, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Run the processor as its own process with these settings (and `extra` variables);
    its log goes to `log` when given."""
    values = settings.model_dump()
    env = {**os.environ, "LOG_LEVEL": "ERROR"}
    env.update({name.upper(): str(values[name]) for name in _PROCESSOR_SETTINGS})
    env.update(extra or {})
    return subprocess.Popen([sys.executable, "-m", "processor"], cwd=ROOT, env=env, stderr=log)


@dataclass(frozen=True, slots=True)
class Stack:
    """One benchmark run's database sessions, private broker, Bot API emulator and settings."""

    run: str  # a short random id; the run's device uids contain it
    sessions: async_sessionmaker[AsyncSession]
    port: int  # the private broker's
    emulator: TelegramEmulator
    settings: Settings


@contextlib.asynccontextmanager
async def bench_stack(devices_like: str, *, pool_size: int = 5) -> AsyncIterator[Stack]:
    """Set up a run; afterwards stop the broker and delete the devices whose uid is LIKE
    `devices_like` (formatted with `run`, e.g. "satel-b{run}%")."""
    await prepare_database()
    engine = make_engine(DB_URL, pool_size=pool_size)
    sessions = make_session_factory(engine)
    run = uuid.uuid4().hex[:6]
    broker, port = start_broker(Path(tempfile.mkdtemp(prefix="dozor-bench-")))
    emulator = TelegramEmulator()
    await emulator.start()
    try:
        yield Stack(run, sessions, port, emulator, bench_settings(run, port, emulator))
    finally:
        broker.terminate()
        async with sessions() as session, session.begin():  # leave no devices behind
            pattern = devices_like.format(run=run)
            await session.execute(delete(Device).where(Device.uid.like(pattern)))
        await emulator.close()
        await engine.dispose()


@contextlib.asynccontextmanager
async def processor_and_bot(
    settings: Settings, extra: dict[str, str] | None = None, log: IO[bytes] | None = None
) -> AsyncIterator[subprocess.Popen[bytes]]:
    """The processor as its own process and the bot in this one, stopped afterwards."""
    processor = start_processor(settings, extra, log)
    stop = asyncio.Event()
    bot = asyncio.create_task(run_bot(settings, stop, BotOptions(polling_timeout=1)))
    try:
        yield processor
    finally:
        stop.set()
        await asyncio.wait_for(bot, 30)
        processor.terminate()
        processor.wait(30)
