"""Build the processor's services from settings and run them until asked to stop."""

from __future__ import annotations

import asyncio
import logging
import uuid
import zoneinfo
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, wait_exponential

from core import clock
from core.cancellation import cancel_and_wait
from core.commands.bus import CommandBus
from core.db import answers, make_engine, make_session_factory
from core.health import Check, HealthRoutes
from core.health_report import HealthReports
from core.live.store import LiveStateStore
from core.outbox.wakeup import OutboxWakeup
from core.panels.lease import PanelLeases
from core.redis_client import make_redis
from core.redis_keys import RedisKeys
from core.retention import RetentionPolicy
from core.secrets import SecretBox
from core.settings import Settings
from core.transient import is_transient
from drivers.generic.topics import (
    EVENTS_FILTER,
    OTA_STATUS_FILTER,
    STATUS_FILTER,
    SUBSCRIPTIONS,
    TELEMETRY_FILTER,
    shared,
)
from drivers.shelly import topics as shelly_topics
from drivers.shelly.codec import ShellyCodec
from processor.accounts import BrokerAccounts
from processor.alerting import RULES_RECHECK_SECONDS, UPDATE_GRACE_SECONDS, AlertEngine
from processor.commands import CLAIM_IDLE_MS, CommandExecutor
from processor.health import REPORT_SECONDS, HealthReporter, ProcessorCounters
from processor.ingest.directory import (
    KNOWN_RECHECK_SECONDS,
    UNKNOWN_RECHECK_SECONDS,
    DeviceDirectory,
)
from processor.ingest.pipeline import IngestPipeline, IngestStats
from processor.ingest.quarantine import Quarantine
from processor.jobs.config_resend import CHECK_SECONDS as CONFIG_RESEND_SECONDS
from processor.jobs.config_resend import ConfigResend
from processor.jobs.digests import DigestJob
from processor.jobs.history import HISTORY_FIRST_RUN_SECONDS, HISTORY_JOB_SECONDS, HistoryJob
from processor.jobs.live_rebuild import CHECK_SECONDS as LIVE_REBUILD_SECONDS
from processor.jobs.live_rebuild import LiveRebuild
from processor.jobs.offline import SilenceSweep
from processor.jobs.platform import PLATFORM_STATS_SECONDS, OverflowNotice, PlatformStats
from processor.jobs.reminders import ReminderJob
from processor.jobs.retention import (
    RETENTION_FIRST_RUN_SECONDS,
    RETENTION_JOB_SECONDS,
    RetentionJob,
)
from processor.jobs.rollouts import ROLLOUT_STEP_SECONDS, RolloutJob, step_options
from processor.jobs.slots import RETIRE_CHECK_SECONDS, IngestSlots
from processor.lease import FROZEN_SECONDS, Fence, ProcessorLease, slot_client_id
from processor.mqtt.dispatch import Dispatch
from processor.mqtt.listener import BrokerAddress, BrokerLink, listen
from processor.mqtt.publisher import Publisher
from processor.ota.reports import UpdateReports
from processor.ota.server import ImageServer, tls_context
from processor.satel.supervisor import PanelSupervisor
from processor.satel.worker import PanelContext
from processor.shelly.counters import CounterKeeper
from processor.shelly.support import ShellySupport
from processor.sinks.influx import InfluxExporter
from processor.sinks.postgres import PostgresSink

log = logging.getLogger(__name__)


_ONE_AT_A_TIME: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}


def _influx_exporter(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], wake: OutboxWakeup
) -> InfluxExporter | None:
    """The raw-point export when INFLUX_URL is set; an overflow is told to the admins."""
    if not settings.influx_url:
        return None
    return InfluxExporter(
        settings.influx_url,
        settings.influx_secret(),
        settings.influx_org or "",
        settings.influx_bucket or "dozor",
        on_overflow=OverflowNotice(sessions, settings.admin_user_ids, wake, settings.influx_url),
    )


@dataclass(frozen=True, slots=True)
class ProcessorOptions:
    """Intervals of the processor that are not configuration (tests shorten them)."""

    shutdown_flush_seconds: float = 10.0  # the listener hands over, the last batch is written
    rules_recheck_seconds: float = RULES_RECHECK_SECONDS  # alert settings and relay links
    unknown_recheck_seconds: float = UNKNOWN_RECHECK_SECONDS  # a uid not (yet) provisioned
    known_recheck_seconds: float = KNOWN_RECHECK_SECONDS  # a device removed elsewhere
    command_claim_idle_ms: int = CLAIM_IDLE_MS  # a command read by an instance that died
    config_resend_seconds: float = CONFIG_RESEND_SECONDS
    history_seconds: float = HISTORY_JOB_SECONDS
    history_first_run_seconds: float = HISTORY_FIRST_RUN_SECONDS
    retention_seconds: float = RETENTION_JOB_SECONDS  # old audit, outbox, events… go
    retention_first_run_seconds: float = RETENTION_FIRST_RUN_SECONDS
    platform_stats_seconds: float = PLATFORM_STATS_SECONDS
    panel_temperature_seconds: float = 60.0  # ATD-100 temperatures of SATEL panels
    pending_check_seconds: float = 1.0  # rules with a minimum duration, between readings
    live_rebuild_seconds: float = LIVE_REBUILD_SECONDS  # is the live state in Redis whole?
    slot_retire_seconds: float = RETIRE_CHECK_SECONDS  # slots no longer configured, ended
    rollout_step_seconds: float = ROLLOUT_STEP_SECONDS  # firmware rollouts move on
    update_grace_seconds: float = UPDATE_GRACE_SECONDS  # offline during an update, then told
    health_report_seconds: float = REPORT_SECONDS  # this instance's links, for /health
    frozen_holder_seconds: float = FROZEN_SECONDS  # a slot holder silent this long is ended


Runner = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(slots=True)
class Processor:
    """A built processor: what runs until stopped, what is scheduled, what is closed."""

    options: ProcessorOptions
    engine: AsyncEngine
    redis: Redis
    alerts: AlertEngine
    pipeline: IngestPipeline
    shelly: ShellySupport
    influx: InfluxExporter | None
    listener: Callable[[asyncio.Event, asyncio.Event | None], Coroutine[Any, Any, None]]
    runners: list[Runner]
    scheduler: AsyncIOScheduler
    rebuild: LiveRebuild
    slot_taken: Callable[[], Awaitable[None]]

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> IngestStats:
        """Run until `stop` is set, then flush what was received and close everything.

        `ready` is set once the broker subscription is in place. Every part runs in one
        `TaskGroup`: a part that dies on its own is a bug and stops the processor loudly.
        """
        try:
            await _retry_forever(self.alerts.load, "loading open alert episodes")
            await _retry_forever(self.slot_taken, "recording the ingest slot")
            try:  # once before the jobs: a job still running at a quick stop dies noisily
                await self.rebuild.run()
            except Exception:  # the job tries again every few seconds
                log.warning("could not rebuild the live state at start", exc_info=True)
            self.scheduler.start()
            log.info("processor running")
            async with asyncio.TaskGroup() as group:
                listener = group.create_task(self.listener(stop, ready))
                parts = [group.create_task(run(stop)) for run in self.runners]
                await stop.wait()
                # The listener stops reading, has what it took written and acknowledged, then
                # disconnects (what it had not taken waits in the broker for the next start).
                try:
                    await asyncio.wait_for(listener, self.options.shutdown_flush_seconds + 5)
                except TimeoutError:
                    log.warning("the MQTT listener did not hand over in time; stopping anyway")
                await cancel_and_wait(parts)
        finally:
            await self._close()
        return self.pipeline.stats

    async def _close(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.shelly.close()
        self.pipeline.stop_retrying_after(self.options.shutdown_flush_seconds)
        await self.pipeline.flush()
        log.info(
            "processor stopped after flushing; %d messages accepted", self.pipeline.stats.accepted
        )
        if self.influx is not None:
            await self.influx.close()
        await self.redis.aclose()
        await self.engine.dispose()


def subscriptions_of(settings: Settings, slot: int) -> tuple[str, ...]:
    """What the instance holding ingest slot `slot` subscribes to.

    With one slot, everything, unshared. With several, telemetry is shared among the slots
    (`$share/<MQTT_CLIENT_ID>/…`: the broker gives each message to one of them); slot 1 alone
    takes what is retained or must be read in order by one instance — device status, update
    reports and the Shelly topics (a Shelly's status is merged from its notifications, its
    energy counters are kept frame by frame); every slot hears every device's command
    results (the instance that sent a command answers for it) and the answers to its own
    Shelly RPC."""
    src = slot_client_id(settings.mqtt_client_id, slot)
    answers = shelly_topics.answer_filter(src)
    if settings.processor_slots == 1:
        return (*SUBSCRIPTIONS, *shelly_topics.device_filters(), answers)
    shared_telemetry = shared(TELEMETRY_FILTER, settings.mqtt_client_id)
    if slot != 1:
        return (shared_telemetry, EVENTS_FILTER, answers)
    return (
        shared_telemetry,
        STATUS_FILTER,
        EVENTS_FILTER,
        OTA_STATUS_FILTER,
        *shelly_topics.device_filters(),
        answers,
    )


def _other_telemetry(settings: Settings) -> str:
    """The telemetry filter of the other configuration (one slot, or several), which a
    session may still hold from before a change of `PROCESSOR_SLOTS`."""
    if settings.processor_slots == 1:
        return shared(TELEMETRY_FILTER, settings.mqtt_client_id)
    return TELEMETRY_FILTER


def build_processor(  # noqa: PLR0915 - the wiring of every part, in one place
    settings: Settings,
    options: ProcessorOptions | None = None,
    slot: int = 1,
    *,
    instance: str = "",
    fence: Fence | None = None,
) -> Processor:
    """Wire every service of the processor from settings for ingest slot `slot`; nothing
    connects until `run`. `instance` names its database sessions; `fence` proves in each
    batch that the slot is still this instance's."""
    options = options or ProcessorOptions()
    home = slot == 1  # the slot that also takes the status and Shelly topics
    client_id = slot_client_id(settings.mqtt_client_id, slot)
    engine = make_engine(settings.database_url, application_name=instance)
    sessions = make_session_factory(engine)
    redis = make_redis(settings.redis_url)
    keys = RedisKeys(settings.redis_prefix)
    wake = OutboxWakeup(redis, keys)
    bus = CommandBus(redis, keys)
    secrets = SecretBox(settings.secret_keys)
    influx = _influx_exporter(settings, sessions, wake)
    alerts = AlertEngine(
        sessions,
        wake,
        recheck_seconds=options.rules_recheck_seconds,
        update_grace_seconds=options.update_grace_seconds,
    )
    directory = DeviceDirectory(
        sessions,
        unknown_recheck_seconds=options.unknown_recheck_seconds,
        known_recheck_seconds=options.known_recheck_seconds,
    )
    live = LiveStateStore(redis, keys)
    quarantine = Quarantine(redis, keys, settings.quarantine_keep)
    postgres = PostgresSink(
        sessions,
        client_id,
        alerts,
        on_config_applied=live.announce_quietly,
        on_config_refused=quarantine.refuse_config_versions,
        fence=fence.check if fence is not None else None,
    )
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
    address = BrokerAddress.from_url(settings.mqtt_url, settings.mqtt_ca_file)
    broker = BrokerLink()
    # Shelly devices answer RPC on `<src>/<device>/rpc`; a slot's client id is unique.
    subscriptions = subscriptions_of(settings, slot)
    publisher = Publisher(address, f"{client_id}-pub-{uuid.uuid4().hex[:6]}")
    shelly_codec = ShellyCodec()  # one per processor: it merges each device's status
    # Energy counters survive restarts (kept once the frame that moved them is written).
    counters = CounterKeeper(shelly_codec, redis, keys, pipeline.after_write)
    shelly = ShellySupport(
        client_id,
        sessions,
        pipeline,
        shelly_codec,
        publisher,
        bus.post_result,
        secrets=secrets,
        broker=broker,
        poll_seconds=settings.shelly_poll_seconds,
        counters=counters,
        hears_status=home,
    )
    leases = PanelLeases(
        redis,
        keys,
        f"{client_id}-{uuid.uuid4().hex[:8]}",
        settings.satel_lease_seconds,
    )
    panels = PanelSupervisor(
        PanelContext(
            sessions,
            leases,
            secrets,
            bus.post_result,
            wake,
            live.announce_quietly,
            poll_seconds=settings.satel_poll_seconds,
            offline_seconds=settings.satel_offline_seconds,
            tz=zoneinfo.ZoneInfo(settings.tz),
            readings=lambda reading: pipeline.accept(f"{reading.uid}/satel", b"", reading),
            temperature_seconds=options.panel_temperature_seconds,
        ),
        redis,
        keys,
    )
    executor = CommandExecutor(
        redis,
        keys,
        sessions,
        publisher,
        alerts.forget_rules,
        directory.forget,
        shelly.command,
        claim_idle_ms=options.command_claim_idle_ms,
        accounts=BrokerAccounts(settings) if settings.broker_accounts else None,
    )
    reports = UpdateReports(sessions, wake)  # what devices say of their updates, after batches
    dispatch = Dispatch(pipeline, shelly_codec, shelly, executor.record_ack, counters, reports)

    async def drain() -> None:
        """Stopping: write (and acknowledge) what was taken; retry no longer than allowed."""
        pipeline.stop_retrying_after(options.shutdown_flush_seconds)
        await pipeline.flush()

    def listener(stop: asyncio.Event, ready: asyncio.Event | None) -> Coroutine[Any, Any, None]:
        return listen(
            address,
            client_id,
            subscriptions,
            dispatch.submit,
            stop,
            ready,
            broker,
            drain=drain,
            dropped=(_other_telemetry(settings),),
        )

    runners: list[Runner] = [
        lambda _: pipeline.run(),
        lambda _: publisher.run(),
        executor.run,
        panels.run,
    ]
    if home:  # the HTTP fallback polls the Shelly devices whose MQTT went silent
        runners.append(shelly.run)

    scheduler = AsyncIOScheduler(timezone="UTC")

    def every(seconds: float, job: Callable[[], Awaitable[object]], **extra: Any) -> None:
        scheduler.add_job(_quietly(job), "interval", seconds=seconds, **_ONE_AT_A_TIME, **extra)

    if influx is not None:
        runners.append(lambda _: influx.run())
        stats = PlatformStats(sessions, influx, client_id, pipeline.stats, quarantine.counts)
        every(options.platform_stats_seconds, stats.run)
    slots = IngestSlots(settings, sessions, address, dispatch.submit, drain)
    if home:
        every(options.slot_retire_seconds, slots.retire_extra)
    rebuild = LiveRebuild(sessions, redis, keys, live)  # Redis lost its live state
    _schedule_jobs(every, settings, options, sessions, alerts, live, directory, bus, wake)
    checks: dict[str, Check] = {
        "postgresql": lambda: answers(sessions),
        "redis": _pinged(redis),
        "mqtt": lambda: _up(broker),
    }
    figures = ProcessorCounters(pipeline.stats, quarantine.counts, broker, influx, panels)
    health = HealthRoutes(checks, figures)
    reporter = HealthReporter(
        f"{client_id}-{uuid.uuid4().hex[:6]}",
        HealthReports(redis, keys),
        checks,
        figures,
        shelly.fallback if home else None,
        every=options.health_report_seconds,
    )
    runners.append(reporter.run)
    _firmware_updates(every, runners, settings, options, sessions, publisher, wake, health)
    every(options.live_rebuild_seconds, rebuild.run)
    return Processor(
        options,
        engine,
        redis,
        alerts,
        pipeline,
        shelly,
        influx,
        listener,
        runners,
        scheduler,
        rebuild,
        lambda: slots.taken(slot),
    )


def _schedule_jobs(  # noqa: PLR0913, PLR0917 - what the jobs work with
    every: Callable[..., None],
    settings: Settings,
    options: ProcessorOptions,
    sessions: async_sessionmaker[AsyncSession],
    alerts: AlertEngine,
    live: LiveStateStore,
    directory: DeviceDirectory,
    bus: CommandBus,
    wake: OutboxWakeup,
) -> None:
    """Schedule the periodic jobs; each tolerates other instances running it too."""
    every(settings.offline_sweep_seconds, SilenceSweep(sessions, alerts, live, directory).run)
    every(options.pending_check_seconds, alerts.fire_due)  # "for N s" rules between readings
    reminders = ReminderJob(sessions, timedelta(seconds=settings.alert_reminder_seconds), wake)
    every(reminders.check_seconds, reminders.run)
    every(settings.digest_check_seconds, DigestJob(sessions, settings.tz, wake).run)
    every(options.config_resend_seconds, ConfigResend(sessions, bus).run)
    every(
        options.history_seconds,
        HistoryJob(sessions, settings.tz).run,
        next_run_time=clock.now() + timedelta(seconds=options.history_first_run_seconds),
    )
    every(
        options.retention_seconds,
        RetentionJob(sessions, RetentionPolicy.of(settings)).run,
        next_run_time=clock.now() + timedelta(seconds=options.retention_first_run_seconds),
    )


async def run_processor(
    settings: Settings,
    stop: asyncio.Event,
    ready: asyncio.Event | None = None,
    options: ProcessorOptions | None = None,
) -> IngestStats:
    """Run a processor until `stop` is set — once this instance holds an ingest slot's lease
    (one active instance per slot; the others stand by) — and return what its ingest
    counted. A lease lost (PostgreSQL restarted) stops the processor; it then asks again."""
    frozen = (options or ProcessorOptions()).frozen_holder_seconds
    instance = f"dozor-processor-{uuid.uuid4().hex[:8]}"  # its sessions' application_name
    lease = ProcessorLease(
        settings.database_url, settings.mqtt_client_id, settings.processor_slots, frozen, instance
    )
    stats = IngestStats()
    try:
        while await lease.acquire(stop):
            lost, until = asyncio.Event(), asyncio.Event()
            watcher = asyncio.create_task(lease.watch(lost))
            relay = asyncio.create_task(_either(stop, lost, until))
            try:
                log.info("ingest slot %d of %d", lease.slot, settings.processor_slots)
                processor = build_processor(
                    settings, options, lease.slot, instance=instance, fence=lease.fence
                )
                stats = await processor.run(until, ready)
            finally:
                await cancel_and_wait([watcher, relay])
                await lease.release()
            if not lost.is_set():
                break
    finally:
        await lease.release()  # a standby asked to stop holds its connection still
    return stats


def _firmware_updates(
    every: Callable[..., None],
    runners: list[Runner],
    settings: Settings,
    options: ProcessorOptions,
    sessions: async_sessionmaker[AsyncSession],
    publisher: Publisher,
    wake: OutboxWakeup,
    health: HealthRoutes,
) -> None:
    """Serve firmware images and health (unless the port is 0), step the rollouts and settle
    the Shelly updates."""
    if settings.ota_http_port:
        images = ImageServer(
            sessions,
            settings.ota_http_host,
            settings.ota_http_port,
            tls_context(settings.ota_tls_cert, settings.ota_tls_key),
            health,
        )
        runners.append(lambda stop: _serve_images(images, stop))
    rollouts = RolloutJob(
        sessions,
        publisher.publish,
        step_options(
            settings.ota_public_url,
            settings.ota_http_port,
            settings.ota_step_timeout_seconds,
            settings.ota_watch_seconds,
        ),
        wake=wake,
    )
    every(options.rollout_step_seconds, rollouts.run)


async def _up(broker: BrokerLink) -> bool:
    return broker.up


def _pinged(redis: Redis) -> Check:
    async def ping() -> bool:
        return bool(await redis.ping())

    return ping


async def _serve_images(images: ImageServer, stop: asyncio.Event) -> None:
    """Serve firmware images until `stop` (not at all when the port is taken)."""
    if not await images.start():
        return
    try:
        await stop.wait()
    finally:
        await images.stop()


def _quietly(job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[object]]:
    """`job`, with a transient failure (a server restarting) logged in one line: it runs
    again at its next time anyway. Anything else reaches the scheduler, which logs it whole."""
    name = getattr(job, "__qualname__", repr(job))

    async def run() -> object:
        try:
            return await job()
        except Exception as err:
            if not is_transient(err):
                raise
            reason = (str(err) or type(err).__name__).splitlines()[0]
            log.warning("%s failed (%s); it runs again at its next time", name, reason)
            return None

    run.__qualname__ = name
    return run


async def _either(first: asyncio.Event, second: asyncio.Event, then: asyncio.Event) -> None:
    """Set `then` once `first` or `second` is set."""
    waits = [asyncio.create_task(first.wait()), asyncio.create_task(second.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
    then.set()


async def _retry_forever(call: Callable[[], Awaitable[None]], what: str) -> None:
    """Run a start-up step until it works (the database may still be starting)."""
    async for attempt in AsyncRetrying(wait=wait_exponential(multiplier=0.5, max=30)):
        with attempt:
            try:
                await call()
            except Exception as err:
                if is_transient(err):  # expected while a server restarts: no stack needed
                    log.warning("%s failed (%s); retrying", what, err)
                else:
                    log.warning("%s failed; retrying", what, exc_info=True)
                raise
