"""The ingest pipeline: gather decoded values into batches, flush them to every sink.

Decoding by topic happens before, in `processor.mqtt.dispatch`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from core import clock
from core.live.store import LiveStateStore
from core.transient import is_transient
from drivers.readings import Rejected, StatusChange, Telemetry
from processor.alerting import AlertEngine, Plan
from processor.ingest.batch import Batch
from processor.ingest.directory import DeviceDirectory
from processor.ingest.quarantine import Quarantine, RejectedMessage
from processor.sinks.influx import InfluxExporter, to_line
from processor.sinks.postgres import PostgresSink

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(slots=True)
class _Pending:
    uid: str
    item: Telemetry | StatusChange
    topic: str
    payload: bytes


@dataclass(slots=True)
class IngestStats:
    """Counters of what the pipeline did."""

    accepted: int = 0
    flushes: int = 0
    lost: int = 0
    failed_attempts: int = 0


class IngestPipeline:
    """Takes raw MQTT messages, writes them in batches; never raises on bad input."""

    def __init__(  # noqa: PLR0913 - the pipeline's collaborators
        self,
        directory: DeviceDirectory,
        postgres: PostgresSink,
        live: LiveStateStore,
        quarantine: Quarantine,
        influx: InfluxExporter | None = None,
        alerts: AlertEngine | None = None,
        *,
        batch_size: int = 1000,
        flush_interval: float = 0.1,
        retry_for: float = 3600.0,
    ) -> None:
        self._directory = directory
        self._postgres = postgres
        self._live = live
        self._quarantine = quarantine
        self._influx = influx
        self._alerts = alerts
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._retry_for = retry_for
        self._pending: list[_Pending] = []
        self._full = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self.stats = IngestStats()
        self._outages: set[str] = set()
        self._writing: asyncio.Future[None] | None = None  # the batch `run` is writing

    async def submit_offline(self, uid: str) -> None:
        """Mark a device offline (the HTTP fallback could not reach it either)."""
        self.accept(f"{uid}/http", b"", StatusChange(uid, clock.now().timestamp(), False))
        await self.wait_for_room()

    async def wait_for_room(self) -> None:
        """Wait while far more is pending than a batch holds (the sinks fell behind)."""
        if len(self._pending) >= self._batch_size:
            self._full.set()
            if len(self._pending) >= self._batch_size * 20:
                self._room.clear()
                await self._room.wait()

    def accept(
        self, topic: str, payload: bytes, decoded: Telemetry | StatusChange | Rejected
    ) -> None:
        """Add a decoded value to the next batch (a rejection to the quarantine)."""
        if isinstance(decoded, Rejected):
            self._quarantine.reject(
                RejectedMessage(decoded.uid, decoded.reason, topic, payload, decoded.detail)
            )
            return
        if isinstance(decoded, Telemetry):
            for reason, name in decoded.dropped:
                self._quarantine.count_dropped_field(decoded.uid, reason, name)
        self._pending.append(_Pending(decoded.uid, decoded, topic, payload))

    async def run(self) -> None:
        """Flush every `flush_interval` seconds, or sooner when a batch is full, until cancelled.

        A batch being written when this is cancelled (the processor stopping) is written to
        the end all the same: its messages were taken from the pending list and acknowledged
        to the broker, so cancelling the write would lose them. `flush` waits for it."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self._flush_interval)
            self._writing = asyncio.ensure_future(self.flush())
            await asyncio.shield(self._writing)

    async def flush(self) -> None:
        """Write everything pending now (after a write still under way, if any)."""
        writing = self._writing
        if writing is not None and not writing.done() and writing is not asyncio.current_task():
            await asyncio.wait([writing])
        self._full.clear()
        pending, self._pending = self._pending, []
        self._room.set()
        if pending:
            await self._write(pending)
        await self._retry(self._quarantine.flush, "quarantine")

    async def _write(self, pending: list[_Pending]) -> None:
        ok, known = await self._retry(
            lambda: self._directory.resolve({p.uid for p in pending}), "PostgreSQL"
        )
        if not ok or known is None:
            self.stats.lost += len(pending)
            return
        batch = Batch()
        for entry in pending:
            device = known.get(entry.uid)
            if device is None:
                self._quarantine.reject(
                    RejectedMessage(entry.uid, "unknown_device", entry.topic, entry.payload)
                )
            elif isinstance(entry.item, Telemetry):
                batch.add_telemetry(device.id, entry.item)
            else:
                batch.add_status(device.id, entry.item)
        if len(batch):
            await self._write_batch(batch, {d.id: d.type_code for d in known.values()})

    async def _write_batch(self, batch: Batch, types: dict[int, str]) -> None:
        contacts, deltas = batch.contacts(), batch.rollup_deltas()
        updates = batch.live_updates(self._directory.online_flags())
        if self._influx is not None:
            self._influx.offer(to_line(p, types[p.device_id]) for p in batch.points)
        plan = await self._plan_alerts(batch)
        (pg_ok, recorded), (redis_ok, _) = await asyncio.gather(
            self._retry(
                lambda: self._postgres.write(contacts, deltas, plan, batch.config_versions()),
                "PostgreSQL",
            ),
            self._retry(lambda: self._live.write(updates), "Redis"),
        )
        self._directory.note_online({c.device_id: c.online for c in contacts})
        if pg_ok and plan is not None and self._alerts is not None:
            await self._alerts.settle(plan, recorded or [])
        if not (pg_ok and redis_ok):
            self.stats.lost += len(batch)
        self.stats.accepted += len(batch)
        self.stats.flushes += 1

    async def _plan_alerts(self, batch: Batch) -> Plan | None:
        if self._alerts is None:
            return None
        alerts = self._alerts

        async def refresh() -> None:
            await alerts.refresh_rules(batch.device_ids())
            await alerts.refresh_links()

        ok, _ = await self._retry(refresh, "PostgreSQL")
        return alerts.plan(batch.points, batch.statuses()) if ok else None

    async def _retry(self, call: Callable[[], Awaitable[T]], what: str) -> tuple[bool, T | None]:
        """Run `call`, retrying transient failures with capped exponential backoff."""
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception(is_transient),
                wait=wait_exponential(multiplier=0.2, max=30),
                stop=stop_after_delay(self._retry_for),
                before_sleep=lambda state: self._note_outage(what, state.outcome),
                reraise=True,
            ):
                with attempt:
                    result = await call()
        except Exception as err:  # one bad batch must not stop ingest for everyone
            if is_transient(err):
                log.exception("giving up writing to %s", what)
            else:
                log.exception("dropping a batch: unexpected error writing to %s", what)
            return False, None
        if what in self._outages:
            self._outages.discard(what)
            log.info("%s is back", what)
        return True, result

    def _note_outage(self, what: str, outcome: object) -> None:
        self.stats.failed_attempts += 1
        if what not in self._outages:  # once when lost, once when back
            self._outages.add(what)
            log.warning("%s unavailable (%s); retrying with backoff", what, outcome)

    def stop_retrying_after(self, seconds: float) -> None:
        """Bound retries (used while shutting down so a dead database cannot hang the exit)."""
        self._retry_for = seconds
