"""Build the processor's services from settings and run them until asked to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from redis.asyncio import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, wait_exponential

from core import clock
from core.commands.bus import CommandBus
from core.db import make_engine, make_session_factory
from core.live.store import LiveStateStore
from core.outbox.wakeup import OutboxWakeup
from core.panels.lease import PanelLeases
from core.redis_keys import RedisKeys
from core.secrets import SecretBox
from core.settings import Settings
from drivers.generic.topics import SUBSCRIPTIONS
from drivers.shelly import topics as shelly_topics
from drivers.shelly.codec import ShellyCodec
from processor.alerting import AlertEngine
from processor.commands import CommandExecutor
from processor.ingest.directory import DeviceDirectory
from processor.ingest.pipeline import IngestPipeline
from processor.ingest.quarantine import Quarantine
from processor.jobs.config_resend import CHECK_SECONDS as CONFIG_RESEND_SECONDS
from processor.jobs.config_resend import ConfigResend
from processor.jobs.digests import DigestJob
from processor.jobs.history import HISTORY_FIRST_RUN_SECONDS, HISTORY_JOB_SECONDS, HistoryJob
from processor.jobs.offline import SilenceSweep
from processor.jobs.platform import PLATFORM_STATS_SECONDS, OverflowNotice, PlatformStats
from processor.jobs.reminders import ReminderJob
from processor.mqtt.dispatch import Dispatch
from processor.mqtt.listener import BrokerAddress, BrokerLink, listen
from processor.mqtt.publisher import Publisher
from processor.satel.supervisor import PanelSupervisor
from processor.satel.worker import PanelContext
from processor.shelly.support import ShellySupport
from processor.sinks.influx import InfluxExporter
from processor.sinks.postgres import PostgresSink

log = logging.getLogger(__name__)

SHUTDOWN_FLUSH_SECONDS = 10.0


def make_redis(url: str) -> Redis:
    """Build a Redis client that retries its commands across a restart of the server."""
    return Redis.from_url(
        url,
        retry=Retry(ExponentialBackoff(cap=5.0, base=0.1), retries=5),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=30,
        socket_connect_timeout=5,
    )


_ONE_AT_A_TIME: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}


def _influx_exporter(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], wake: OutboxWakeup
) -> InfluxExporter | None:
    """The raw-point export when INFLUX_URL is set; an overflow is told to the admins."""
    if not settings.influx_url:
        return None
    return InfluxExporter(
        settings.influx_url,
        settings.influx_token.get_secret_value() if settings.influx_token else "",
        settings.influx_org or "",
        settings.influx_bucket or "dozor",
        on_overflow=OverflowNotice(sessions, settings.admin_user_ids, wake, settings.influx_url),
    )


async def run_processor(  # noqa: PLR0915 - the composition root wires every service
    settings: Settings, stop: asyncio.Event, ready: asyncio.Event | None = None
) -> IngestPipeline:
    """Run ingest until `stop` is set, then flush what was received and close everything.

    `ready` is set once the broker subscription is in place.
    """
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    redis = make_redis(settings.redis_url)
    keys = RedisKeys(settings.redis_prefix)
    wake = OutboxWakeup(redis, keys)
    influx = _influx_exporter(settings, sessions, wake)
    alerts = AlertEngine(sessions, wake)
    await _retry_forever(alerts.load, "loading open alert episodes")
    directory, live = DeviceDirectory(sessions), LiveStateStore(redis, keys)
    postgres = PostgresSink(sessions, alerts, on_config_applied=live.announce_quietly)
    quarantine = Quarantine(redis, keys)
    pipeline = IngestPipeline(
        directory,
        postgres,
        live,
        quarantine,
        influx,
        alerts,
        batch_size=settings.ingest_batch_size,
        flush_interval=settings.ingest_flush_ms / 1000,
    )
    address, broker = BrokerAddress.from_url(settings.mqtt_url), BrokerLink()
    # Shelly devices answer RPC on `<src>/rpc`; the client id is unique per instance already.
    subscriptions = (*SUBSCRIPTIONS, *shelly_topics.subscriptions(settings.mqtt_client_id))
    publisher = Publisher(address, f"{settings.mqtt_client_id}-pub-{uuid.uuid4().hex[:6]}")
    shelly_codec = ShellyCodec()  # one per processor: it keeps the last counters per device
    shelly = ShellySupport(
        settings.mqtt_client_id,
        sessions,
        pipeline,
        shelly_codec,
        publisher,
        CommandBus(redis, keys).post_result,
        secrets=SecretBox(settings.secret_keys),
        broker=broker,
        poll_seconds=settings.shelly_poll_seconds,
    )
    panels = PanelSupervisor(
        PanelContext(
            sessions,
            PanelLeases(
                redis,
                keys,
                f"{settings.mqtt_client_id}-{uuid.uuid4().hex[:8]}",
                settings.satel_lease_seconds,
            ),
            SecretBox(settings.secret_keys),
            CommandBus(redis, keys).post_result,
            wake,
            live.announce_quietly,
            poll_seconds=settings.satel_poll_seconds,
            offline_seconds=settings.satel_offline_seconds,
        ),
        redis,
        keys,
    )
    executor = CommandExecutor(
        redis, keys, sessions, publisher, alerts.forget_rules, directory.forget, shelly.press
    )
    dispatch = Dispatch(pipeline, shelly_codec, shelly, executor.record_ack)
    tasks = [
        asyncio.create_task(
            listen(
                address,
                settings.mqtt_client_id,
                subscriptions,
                dispatch.submit,
                stop,
                ready,
                broker,
            )
        ),
        asyncio.create_task(pipeline.run()),
        asyncio.create_task(publisher.run()),
        asyncio.create_task(executor.run(stop)),
        asyncio.create_task(shelly.run(stop)),
        asyncio.create_task(panels.run(stop)),
    ]
    scheduler = AsyncIOScheduler(timezone="UTC")
    if influx is not None:
        tasks.append(asyncio.create_task(influx.run()))
        stats = PlatformStats(
            sessions, influx, settings.mqtt_client_id, pipeline.stats, quarantine.counts
        )
        scheduler.add_job(stats.run, "interval", seconds=PLATFORM_STATS_SECONDS, **_ONE_AT_A_TIME)
    scheduler.add_job(
        SilenceSweep(sessions, alerts, live, directory).run,
        "interval",
        seconds=settings.offline_sweep_seconds,
        **_ONE_AT_A_TIME,
    )
    reminders = ReminderJob(sessions, timedelta(seconds=settings.alert_reminder_seconds), wake)
    scheduler.add_job(
        reminders.run,
        "interval",
        seconds=reminders.check_seconds,
        **_ONE_AT_A_TIME,
    )
    scheduler.add_job(
        DigestJob(sessions, settings.tz, wake).run,
        "interval",
        seconds=settings.digest_check_seconds,
        **_ONE_AT_A_TIME,
    )
    scheduler.add_job(
        ConfigResend(sessions, CommandBus(redis, keys)).run,
        "interval",
        seconds=CONFIG_RESEND_SECONDS,
        **_ONE_AT_A_TIME,
    )
    scheduler.add_job(
        HistoryJob(sessions, settings.tz).run,
        "interval",
        seconds=HISTORY_JOB_SECONDS,
        **_ONE_AT_A_TIME,
        next_run_time=clock.now() + timedelta(seconds=HISTORY_FIRST_RUN_SECONDS),
    )
    scheduler.start()
    log.info("processor running")
    try:
        await _until_stopped(stop, tasks)
        await asyncio.wait_for(tasks[0], SHUTDOWN_FLUSH_SECONDS)  # the listener hands over
    finally:
        scheduler.shutdown(wait=False)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await shelly.close()
        pipeline.stop_retrying_after(SHUTDOWN_FLUSH_SECONDS)
        await pipeline.flush()
        log.info("processor stopped after flushing; %d messages accepted", pipeline.stats.accepted)
        if influx is not None:
            await influx.close()
        await redis.aclose()
        await engine.dispose()
    return pipeline


async def _retry_forever(call: Callable[[], Awaitable[None]], what: str) -> None:
    """Run a start-up step until it works (the database may still be starting)."""
    async for attempt in AsyncRetrying(wait=wait_exponential(multiplier=0.5, max=30)):
        with attempt:
            try:
                await call()
            except Exception:
                log.warning("%s failed; retrying", what, exc_info=True)
                raise


async def _until_stopped(stop: asyncio.Event, tasks: list[asyncio.Task[None]]) -> None:
    """Wait for `stop`; a task that dies on its own is a bug and stops the processor loudly."""
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await stopper
    for task in done:
        if task is not stopper and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
