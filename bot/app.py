"""Composition of the bot: Bot, Dispatcher, services; `run_bot` runs it until asked to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from aiohttp import ClientError
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast_cards import BroadcastCards
from bot.card_loop import CARDS_SECONDS
from bot.charts import ChartRenderer
from bot.commands_menu import set_admin_commands, set_commands, set_description
from bot.config_watch import ConfigWatch
from bot.flood import FloodControl, FloodWaits
from bot.health import BotHealth, TelegramCalls
from bot.health_watch import HealthOptions, HealthWatch
from bot.i18n import translator
from bot.live import LiveOptions, LiveViews
from bot.middlewares.current_user import CurrentUserMiddleware
from bot.middlewares.db_session import DbSessionMiddleware
from bot.middlewares.in_flight import InFlightUpdates
from bot.middlewares.private_only import PrivateChatsOnly
from bot.middlewares.prompts import CommandEndsPrompt
from bot.notifier.delivery import DeliveryOptions, OutboxNotifier
from bot.rollout_cards import RolloutCards
from bot.routers import (
    admin,
    alerts,
    broadcasts,
    claim,
    control,
    device_settings,
    devices,
    errors,
    fallback,
    firmware,
    history,
    history_of_alerts,
    live,
    members,
    panels,
    relays,
    sharing,
    shelly_updates,
    start,
    user_settings,
)
from bot.session import DozorSession
from core.access.attempts import AttemptLimiter
from core.cancellation import cancel_and_wait
from core.commands.bus import CommandBus
from core.commands.service import ControlService
from core.confirmations import Confirmations
from core.db import answers, make_engine, make_session_factory
from core.devices.configuration import ConfigService
from core.devices.overview import DeviceOverview
from core.devices.relays import RelayPanel
from core.firmware.shelly import ShellyUpdates
from core.history.views import HistoryService
from core.live.store import LiveStateStore
from core.outbox.wakeup import OutboxWakeup
from core.panels.service import PanelService
from core.redis_client import make_redis
from core.redis_keys import RedisKeys
from core.secrets import SecretBox
from core.settings import Settings
from core.sharing.service import SharingService
from core.users.repository import UserRepository

log = logging.getLogger(__name__)
REFUSALS_KEPT = 5  # a stranger's refusals written to the security log per 10 minutes
FSM_TTL_SECONDS = 24 * 3600
MAX_RESTART_BACKOFF = 60.0
HANDLER_DRAIN_SECONDS = 12.0  # a command waits 10 s for its device
DRAIN_MARGIN_SECONDS = 5.0  # after a send's timeout: the commit that records it


@dataclass(slots=True)
class BotOptions:
    """Tunables of the bot that are not configuration (tests shorten them)."""

    live: LiveOptions = field(default_factory=LiveOptions)
    delivery: DeliveryOptions = field(default_factory=DeliveryOptions)
    polling_timeout: int = 25
    command_timeout: float = 10.0  # how long a command waits for the device's answer
    rollout_cards: float = CARDS_SECONDS  # how often rollout and broadcast cards are redrawn
    # The long poll is not alive (/readyz) when no getUpdates was answered for this long.
    poll_stale: float = 90.0
    health: HealthOptions = field(default_factory=HealthOptions)  # links watched for admins


@dataclass(slots=True)
class BotServices:
    """Long-lived objects handlers receive by parameter name."""

    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    keys: RedisKeys
    overview: DeviceOverview
    limiter: AttemptLimiter
    live: LiveViews
    sharing: SharingService
    configs: ConfigService
    control: ControlService
    shelly_updates: ShellyUpdates
    watch: ConfigWatch
    panel: RelayPanel
    panels: PanelService
    history: HistoryService
    charts: ChartRenderer
    refusals: AttemptLimiter  # how many of one stranger's refusals the security log keeps
    in_flight: InFlightUpdates = field(default_factory=InFlightUpdates)
    wakeup: OutboxWakeup | None = None


def build_bot(settings: Settings, redis: Redis, calls: TelegramCalls | None = None) -> Bot:
    """Create the Bot pointed at TELEGRAM_API_URL, sending HTML, within Telegram's flood
    waits (kept in Redis for every instance); `calls` counts what it calls."""
    assert settings.bot_token is not None  # noqa: S101 - checked by the entry points
    session = DozorSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    if calls is not None:
        session.middleware(calls)
    session.middleware(FloodControl(FloodWaits(redis, RedisKeys(settings.redis_prefix))))
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_services(
    settings: Settings,
    bot: Bot,
    redis: Redis,
    sessions: async_sessionmaker[AsyncSession],
    options: BotOptions,
) -> BotServices:
    """Create the services the handlers use."""
    keys = RedisKeys(settings.redis_prefix)
    store = LiveStateStore(redis, keys)
    overview = DeviceOverview(store)
    limiter = AttemptLimiter(redis, keys.claim_failures_prefix)
    bus = CommandBus(redis, keys)
    configs = ConfigService(store, bus)
    watch = ConfigWatch(bot, sessions, configs, redis, keys, settings.tz)
    live = LiveViews(bot, sessions, overview, redis, keys, options.live, [watch.check])
    confirmations = Confirmations(redis, keys)
    panel_service = PanelService(
        redis, keys, SecretBox(settings.secret_keys), confirmations, options.command_timeout
    )
    return BotServices(
        sessions=sessions,
        redis=redis,
        keys=keys,
        overview=overview,
        limiter=limiter,
        live=live,
        sharing=SharingService(
            store,
            limiter,
            OutboxWakeup(redis, keys),
            bus,
            confirmations,
            pepper=settings.code_pepper,
        ),
        configs=configs,
        control=ControlService(bus, confirmations, options.command_timeout),
        shelly_updates=ShellyUpdates(bus, confirmations, options.command_timeout),
        watch=watch,
        panel=RelayPanel(store, panel_service),
        panels=panel_service,
        history=HistoryService(overview),
        charts=ChartRenderer(),
        refusals=AttemptLimiter(redis, keys.refusals_prefix, limit=REFUSALS_KEPT, window=600),
        wakeup=OutboxWakeup(redis, keys),
    )


def build_dispatcher(settings: Settings, services: BotServices) -> Dispatcher:
    """Wire middlewares and routers; services reach handlers by parameter name."""
    storage = RedisStorage(
        services.redis,
        key_builder=DefaultKeyBuilder(prefix=services.keys.fsm),
        state_ttl=FSM_TTL_SECONDS,
        data_ttl=FSM_TTL_SECONDS,
    )
    dp = Dispatcher(
        storage=storage,
        settings=settings,
        overview=services.overview,
        limiter=services.limiter,
        live=services.live,
        sessions=services.sessions,
        sharing=services.sharing,
        configs=services.configs,
        control=services.control,
        shelly_updates=services.shelly_updates,
        watch=services.watch,
        panel=services.panel,
        panels=services.panels,
        history=services.history,
        charts=services.charts,
        refusals=services.refusals,
        wakeup=services.wakeup,
    )
    dp.update.outer_middleware(services.in_flight)
    dp.update.outer_middleware(DbSessionMiddleware(services.sessions))
    dp.update.outer_middleware(CurrentUserMiddleware(settings.tz))
    private = PrivateChatsOnly()
    dp.message.outer_middleware(private)
    dp.callback_query.outer_middleware(private)
    dp.message.outer_middleware(CommandEndsPrompt())
    dp.include_routers(
        errors.build_router(),
        start.build_router(),
        admin.build_router(),
        broadcasts.build_router(),
        firmware.build_router(),
        shelly_updates.build_router(),
        devices.build_router(),
        device_settings.build_router(),
        control.build_router(),
        relays.build_router(),
        panels.build_router(),
        sharing.build_router(),
        members.build_router(),
        live.build_router(),
        alerts.build_router(),
        history_of_alerts.build_router(),
        history.build_router(),
        user_settings.build_router(),
        claim.build_router(),
        fallback.build_router(),
    )
    return dp


async def prepare(
    bot: Bot, admins: frozenset[int], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Drop any webhook and publish the command menus (everyone's, and each admin's in their
    language); failures are warnings, never fatal."""

    async def admin_menus() -> None:
        try:
            async with sessions() as session:
                known = await UserRepository(session).get_many(set(admins))
        except Exception as err:  # noqa: BLE001 - the database away: menus in English
            log.warning("admins' languages unknown at start-up (%s)", err)
            known = {}
        languages = [(a, known[a].language if a in known else None) for a in sorted(admins)]
        await set_admin_commands(bot, languages)

    for what, call in (
        ("deleteWebhook", lambda: bot.delete_webhook(drop_pending_updates=False)),
        ("setMyCommands", lambda: set_commands(bot, translator(None))),
        ("setMyCommands (admins)", admin_menus),
        ("setMyDescription", lambda: set_description(bot, translator(None))),
    ):
        try:
            await call()
        except (TelegramAPIError, ClientError, TimeoutError) as err:
            log.warning("%s failed at start-up (%s); continuing without it", what, err)


async def poll(dp: Dispatcher, bot: Bot, options: BotOptions) -> None:
    """Poll for updates; if the Bot API refuses even getMe, warn and try again later."""
    backoff = 1.0
    while True:
        try:
            await dp.start_polling(
                bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=options.polling_timeout,
            )
        except (TelegramAPIError, ClientError, TimeoutError) as err:
            log.warning("Bot API refused polling (%s); retrying in %.0f s", err, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_RESTART_BACKOFF)
        else:
            return


async def run_bot(
    settings: Settings, stop: asyncio.Event, options: BotOptions | None = None
) -> None:
    """Run the bot until `stop` is set."""
    options = options or BotOptions()
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    calls = TelegramCalls()
    bot = build_bot(settings, redis, calls)
    services = build_services(settings, bot, redis, make_session_factory(engine), options)
    dp = build_dispatcher(settings, services)
    watch = HealthWatch(
        bot,
        services.sessions,
        redis,
        services.keys,
        calls,
        settings.admin_user_ids,
        options.poll_stale,
        options.health,
    )
    dp["health_watch"] = watch
    health = BotHealth(
        services.sessions,
        {"postgresql": lambda: answers(services.sessions), "redis": _pinged(redis)},
        calls,
        poll_stale=options.poll_stale,
    )
    if settings.bot_http_port:
        await health.start(settings.bot_http_host, settings.bot_http_port)
    await prepare(bot, settings.admin_user_ids, services.sessions)
    notifier = OutboxNotifier(
        bot, services.sessions, redis, services.keys, settings.tz, options.delivery
    )
    tasks = [
        asyncio.create_task(poll(dp, bot, options)),
        asyncio.create_task(services.live.run(stop)),
        asyncio.create_task(RolloutCards(bot, services.sessions, options.rollout_cards).run(stop)),
        asyncio.create_task(
            BroadcastCards(bot, services.sessions, options.rollout_cards).run(stop)
        ),
        asyncio.create_task(watch.run(stop)),
    ]
    delivery = asyncio.create_task(notifier.run(stop))
    log.info("bot running against %s", settings.telegram_api_url)
    try:
        await stop.wait()
    finally:
        with contextlib.suppress(RuntimeError):  # polling may not have started yet
            await dp.stop_polling()
        await services.in_flight.drain(HANDLER_DRAIN_SECONDS)  # before the session closes
        try:  # let a delivery round in progress record what it sent
            # A send in flight ends within its timeout; then its row is recorded either way.
            await asyncio.wait_for(delivery, options.delivery.send_timeout + DRAIN_MARGIN_SECONDS)
        except TimeoutError:
            log.warning("outbox delivery did not finish in time; its rows stay pending")
        await cancel_and_wait(tasks)
        await bot.session.close()
        await health.stop()
        services.charts.close()
        await redis.aclose()
        await engine.dispose()
        log.info("bot stopped")


def _pinged(redis: Redis) -> Callable[[], Awaitable[bool]]:
    async def ping() -> bool:
        return bool(await redis.ping())

    return ping
