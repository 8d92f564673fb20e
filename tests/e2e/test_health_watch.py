"""Health that speaks up: /health shows each link, and when one goes down the admins get one
message (after the grace period) and one when it is back — never a flood."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace

import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from bot.app import BotOptions
from bot.health_watch import HealthOptions
from core import clock
from core.health_report import HealthReports, ProcessorReport
from core.redis_keys import RedisKeys
from core.settings import Settings
from processor.app import ProcessorOptions
from tests.conftest import eventually
from tests.e2e.conftest import bot_running
from tests.emulators.telegram_api import ApiError, ChatMessage, FakeUser, TelegramEmulator
from tests.integration.helpers import processor_running
from tests.integration.proxy import TcpProxy
from tests.integration.test_resilience import LocalServer, private_broker

__all__ = ["private_broker"]  # the fixture, shared with the resilience tests
ADMIN = FakeUser(4501, "Pat")
QUICK = HealthOptions(check_seconds=0.2, grace_seconds=1.0)
REPORTING = ProcessorOptions(health_report_seconds=0.2)
CONFLICT = ApiError(409, "Conflict: terminated by other getUpdates request")
HEALTHY = {"mqtt": True, "postgresql": True, "redis": True}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """ADMIN is a platform admin."""
    return settings.model_copy(update={"admin_user_ids": frozenset({ADMIN.id})})


def _options(**health: float) -> BotOptions:
    return BotOptions(polling_timeout=1, health=replace(QUICK, **health))


@asynccontextmanager
async def _behind_proxy(settings: Settings, link: str) -> AsyncIterator[tuple[TcpProxy, Settings]]:
    """A TCP proxy in front of PostgreSQL or Redis, and the settings that go through it."""
    url = make_url(settings.database_url if link == "postgresql" else settings.redis_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or (5432 if link == "postgresql" else 6379))
    await proxy.start()
    if link == "postgresql":
        through = url.set(port=proxy.port).render_as_string(hide_password=False)
        behind = settings.model_copy(update={"database_url": through})
    else:
        through = f"redis://127.0.0.1:{proxy.port}/{url.database or 0}"
        behind = settings.model_copy(update={"redis_url": through})
    try:
        yield proxy, behind
    finally:
        await proxy.close()


def _about(emulator: TelegramEmulator, link: str) -> list[str]:
    return [m.plain for m in emulator.bot_messages(ADMIN.id) if m.plain.startswith(("🔴", "🟢"))
            and link in m.plain.split("\n")[0]]  # fmt: skip


async def _down_then_back(
    emulator: TelegramEmulator,
    link: str,
    cut: Callable[[], Awaitable[None]],
    restore: Callable[[], Awaitable[None]],
) -> None:
    """Once the bot polls, cut a link, wait for the one "down" message, restore it, wait for
    the one "back" message."""
    await emulator.wait_for(lambda: emulator.calls("getUpdates"), timeout=15)
    await cut()
    await emulator.wait_for(lambda: _about(emulator, link), timeout=20)
    (down,) = _about(emulator, link)
    assert down.startswith(f"🔴 {link} is down")
    await restore()
    await emulator.wait_for(lambda: len(_about(emulator, link)) == 2, timeout=30)
    back = _about(emulator, link)[1]
    assert back.startswith(f"🟢 {link} is back (it was down for")


async def test_the_health_card_shows_every_link(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    emulator.open_chat(ADMIN)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(processor_running(settings, options=REPORTING))
        await stack.enter_async_context(bot_running(settings, emulator, _options()))

        async def card_with_the_processor() -> ChatMessage | None:
            card = await emulator.reply_to(ADMIN, "/health")  # its first report is on its way
            return card if "🟢 MQTT broker" in card.plain else None

        card = await eventually(card_with_the_processor, timeout=15, interval=0.3)
    lines = card.plain.split("\n")
    for link in ("MQTT broker", "PostgreSQL", "Redis", "Telegram long poll", "Processor"):
        assert any(line.startswith(f"🟢 {link} · since ") for line in lines), link
    assert "⚪ InfluxDB · not configured" in lines
    assert "⚪ Alarm panels · no panels" in lines
    assert any(line.startswith("Outbox: 0 waiting") for line in lines)
    assert any(line.startswith("Ingest: ") for line in lines)
    assert not [m for m in emulator.bot_messages(ADMIN.id) if m.plain.startswith("🔴")]


async def test_the_broker_lost_and_back_is_one_message_each(
    settings: Settings, emulator: TelegramEmulator, private_broker: tuple[LocalServer, int]
) -> None:
    broker, port = private_broker
    local = settings.model_copy(update={"mqtt_url": f"mqtt://127.0.0.1:{port}"})
    emulator.open_chat(ADMIN)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(processor_running(local, options=REPORTING))
        await stack.enter_async_context(bot_running(local, emulator, _options()))
        await _down_then_back(emulator, "MQTT broker", broker.stop, lambda: broker.start(port))
    assert len(_about(emulator, "MQTT broker")) == 2


async def test_postgresql_cut_from_the_bot_is_one_message_each(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    emulator.open_chat(ADMIN)
    async with (
        _behind_proxy(settings, "postgresql") as (proxy, behind),
        bot_running(behind, emulator, _options()),
    ):
        await _down_then_back(emulator, "PostgreSQL", proxy.cut, proxy.start)
    assert "the bot cannot reach the database" in _about(emulator, "PostgreSQL")[0]


async def test_redis_cut_from_the_bot_is_one_message_each(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    emulator.open_chat(ADMIN)
    async with (
        _behind_proxy(settings, "redis") as (proxy, behind),
        bot_running(behind, emulator, _options()),
    ):
        await _down_then_back(emulator, "Redis", proxy.cut, proxy.start)


async def test_postgresql_cut_from_the_processor_is_told_too(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    emulator.open_chat(ADMIN)
    async with AsyncExitStack() as stack:
        proxy, behind = await stack.enter_async_context(_behind_proxy(settings, "postgresql"))
        await stack.enter_async_context(processor_running(behind, options=REPORTING))
        await stack.enter_async_context(bot_running(settings, emulator, _options()))
        await _down_then_back(emulator, "PostgreSQL", proxy.cut, proxy.start)
    assert "the processor cannot reach the database" in _about(emulator, "PostgreSQL")[0]


async def test_a_409_on_the_long_poll_is_one_message_each(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    emulator.open_chat(ADMIN)

    async def conflict() -> None:
        emulator.failures["getUpdates"] = CONFLICT

    async def resolved() -> None:
        emulator.failures.pop("getUpdates", None)

    async with bot_running(settings, emulator, _options()):
        await _down_then_back(emulator, "Telegram long poll", conflict, resolved)
    assert "another instance polls the same bot token" in _about(emulator, "Telegram")[0]


async def test_a_stalled_long_poll_is_one_message_each(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    emulator.open_chat(ADMIN)
    options = BotOptions(polling_timeout=1, poll_stale=1.5, health=QUICK)

    async def stall() -> None:
        emulator.hang_from["getUpdates"] = (len(emulator.calls("getUpdates")) + 1, 4.0)

    async def answer() -> None:
        emulator.hang_from.pop("getUpdates", None)

    async with bot_running(settings, emulator, options):
        await _down_then_back(emulator, "Telegram long poll", stall, answer)
    assert "no answer to the long poll" in _about(emulator, "Telegram")[0]


async def test_a_link_back_within_the_grace_period_says_nothing(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    emulator.open_chat(ADMIN)
    async with bot_running(settings, emulator, _options(grace_seconds=30.0)):
        emulator.failures["getUpdates"] = CONFLICT
        await emulator.wait_for(lambda: len(emulator.calls("getUpdates")) >= 3, timeout=20)
        emulator.failures.pop("getUpdates", None)
        calls = len(emulator.calls("getUpdates"))
        await emulator.wait_for(lambda: len(emulator.calls("getUpdates")) > calls + 1, timeout=20)
    assert not _about(emulator, "Telegram")


@pytest.mark.parametrize(
    ("link", "trouble", "said"),
    [
        ("Alarm panels", {"panels_total": 2, "panels_busy": ["satel_hq"]}, "satel_hq"),
        ("InfluxDB", {"links": {**HEALTHY, "influx": False}}, "writes are failing"),
        ("Quarantine", {"rejected_per_minute": 5000.0}, "5,000 messages rejected"),
    ],
)
async def test_what_a_processor_reports_is_told_once_each_way(
    settings: Settings,
    emulator: TelegramEmulator,
    redis: Redis,
    link: str,
    trouble: dict[str, object],
    said: str,
) -> None:
    """A panel taken by another client, InfluxDB writes failing, the quarantine filling:
    what a processor reports (here written as it would) is announced, and its end too."""
    reports = HealthReports(redis, RedisKeys(settings.redis_prefix))
    state: dict[str, object] = {"links": {**HEALTHY, "influx": True}, "panels_total": 2}
    stop = asyncio.Event()

    async def keep_reporting() -> None:  # a processor's reporter, every 0.1 s
        while not stop.is_set():
            report = ProcessorReport(instance="p1", at=clock.now().timestamp(), **state)  # type: ignore[arg-type]
            await reports.write(report)
            await asyncio.sleep(0.1)

    async def wrong() -> None:
        state.update(trouble)

    async def right() -> None:
        state.update({"links": {**HEALTHY, "influx": True}, "panels_busy": [],
                      "rejected_per_minute": 0.0})  # fmt: skip

    emulator.open_chat(ADMIN)
    reporter = asyncio.create_task(keep_reporting())
    try:
        async with bot_running(settings, emulator, _options()):
            await _down_then_back(emulator, link, wrong, right)
    finally:
        stop.set()
        await reporter
    assert said in _about(emulator, link)[0]
