"""The bot running against the Bot API emulator, with the real services behind it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import BotOptions, run_bot
from bot.live import LiveOptions
from core.settings import Settings
from tests.emulators.telegram_api import TelegramEmulator


@dataclass
class RunningBot:
    """A bot task and how to stop it."""

    task: asyncio.Task[None]
    stop: asyncio.Event


@pytest.fixture
def bot_options() -> BotOptions:
    """Shorter live-view timings so tests finish quickly (the rules are the same)."""
    return BotOptions(live=LiveOptions(edit_interval=0.5, lifetime=600.0), polling_timeout=1)


@pytest.fixture
async def bot(
    settings: Settings,
    emulator: TelegramEmulator,
    engine: AsyncEngine,
    redis: Redis,
    bot_options: BotOptions,
) -> AsyncIterator[RunningBot]:
    """Start the bot pointed at the emulator and wait until it polls."""
    bot_settings = settings.model_copy(update={"telegram_api_url": emulator.url})
    stop = asyncio.Event()
    task = asyncio.create_task(run_bot(bot_settings, stop, bot_options))
    await emulator.wait_for(lambda: emulator.calls("getUpdates") or task.done(), timeout=15)
    if task.done():
        task.result()  # raises what stopped the bot
    yield RunningBot(task, stop)
    stop.set()
    await asyncio.wait_for(task, 15)


@asynccontextmanager
async def bot_running(
    settings: Settings, emulator: TelegramEmulator, options: BotOptions | None = None
) -> AsyncIterator[None]:
    """Run the bot for a block of a test (for tests that prepare things while it is down)."""
    stop = asyncio.Event()
    bot_settings = settings.model_copy(update={"telegram_api_url": emulator.url})
    task = asyncio.create_task(
        run_bot(bot_settings, stop, options or BotOptions(polling_timeout=1))
    )
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
