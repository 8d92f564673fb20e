"""The ingest pipeline: gather decoded values into batches, flush them to every sink.

Decoding by topic happens before, in `processor.mqtt.dispatch`. A message is acknowledged to
the broker only after the batch that holds it is committed (PostgreSQL and Redis): its `ack`
is held with the batch. A message the broker sends again after a crash (committed, not yet
acknowledged) is not counted again — in the rollups, the alert rules or the InfluxDB export:
- a reading stamped by its device's clock is known by a hash of its topic and payload
  (`reading_keys`): two readings of one device differ at least in their time;
- one without a time of its own may well be byte for byte the same as the next, so it is
  known by its place in the MQTT session instead: the broker sends it again with the same
  packet id and DUP set, and `mqtt_receipts` says which message that packet id carried.
Both are recorded with the rollups, in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from redis.exceptions import RedisError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from core import clock
from core.devices.metrics import MAX_METRICS_PER_DEVICE
from core.devices.repository import Standing
from core.live.store import LiveStateStore
from core.transient import is_transient
from drivers.readings import Rejected, StatusChange, Telemetry
from processor.alerting import AlertEngine
from processor.ingest.batch import Batch, Counted
from processor.ingest.directory import DeviceDirectory, KnownDevice
from processor.ingest.quarantine import Quarantine, RejectedMessage
from processor.sinks.influx import InfluxExporter, to_line
from processor.sinks.postgres import PostgresSink, Writes

log = logging.getLogger(__name__)
T = TypeVar("T")
QUARANTINE_WAIT = 1.0  # seconds a flush waits for the quarantine's write


@dataclass(slots=True)
class _Pending:
    uid: str
    item: Telemetry | StatusChange
    topic: str
    payload: bytes
    key: int | None = None  # a hash of the message (None: made here, not received)
    device_time: bool = False  # stamped by the device's clock: the key is its identity
    packet_id: int = 0  # its packet id in our MQTT session (0: QoS 0 or made here)
    duplicate: bool = False  # the broker says it sent it before
    part: int = 0  # which reading of its message


def message_key(topic: str, payload: bytes) -> int:
    """64 bits of a hash of a message, as a signed bigint."""
    digest = hashlib.blake2b(payload, digest_size=8, person=b"dozor-reading")
    digest.update(topic.encode())
    return int.from_bytes(digest.digest(), "big", signed=True)


@dataclass(slots=True)
class IngestStats:
    """Counters of what the pipeline did."""

    accepted: int = 0
    flushes: int = 0
    lost: int = 0
    failed_attempts: int = 0
    repeated: int = 0  # readings sent again and not counted twice
    flush_seconds: float = 0.0  # time spent writing batches, in all


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
        retry_for: float = float("inf"),
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
        self._acks: list[Callable[[], None]] = []  # in the order the messages came
        self._after: list[Callable[[], Awaitable[None]]] = []  # once the batch is written
        self._full = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self.stats = IngestStats()
        self._outages: set[str] = set()
        self._flushing = asyncio.Lock()  # FIFO: flushes keep their order
        self._writing: asyncio.Future[None] | None = None  # the flush `run` started last
        self._gave_up = False  # a transient failure outlasted the retries (while stopping)

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
        self,
        topic: str,
        payload: bytes,
        decoded: Telemetry | StatusChange | Rejected,
        *,
        duplicate: bool = False,
        packet_id: int = 0,
        part: int = 0,
    ) -> None:
        """Add a decoded value to the next batch (a rejection to the quarantine).

        `payload` is the message it came in (empty: made here, e.g. a panel's reading);
        `duplicate`: the broker says it sent the message before; `packet_id`: its id in our
        MQTT session; `part`: which of the message's readings this is."""
        if isinstance(decoded, Rejected):
            self._quarantine.reject(
                RejectedMessage(decoded.uid, decoded.reason, topic, payload, decoded.detail)
            )
            return
        if isinstance(decoded, Telemetry):
            for reason, name in decoded.dropped:
                self._quarantine.count_dropped_field(decoded.uid, reason, name)
            if payload:
                self._pending.append(
                    _Pending(
                        decoded.uid,
                        decoded,
                        topic,
                        payload,
                        message_key(topic, payload),
                        decoded.device_time,
                        packet_id,
                        duplicate,
                        part,
                    )
                )
                return
        self._pending.append(_Pending(decoded.uid, decoded, topic, payload))

    def hold(self, ack: Callable[[], None]) -> None:
        """Call `ack` once everything accepted so far is written (acks keep their order)."""
        self._acks.append(ack)

    def after_write(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run `step` once everything accepted so far is written (before its acks)."""
        self._after.append(step)

    async def run(self) -> None:
        """Flush every `flush_interval` seconds, or sooner when a batch is full, until cancelled.

        A batch being written when this is cancelled (the processor stopping) is written to
        the end all the same: its messages were taken from the pending list, and a write cut
        halfway would leave them unacknowledged for nothing. The next `flush` waits for it."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self._flush_interval)
            self._writing = asyncio.ensure_future(self.flush())  # kept: outlives a cancel
            await asyncio.shield(self._writing)

    async def flush(self) -> None:
        """Write everything pending now, after a write still under way (one at a time, so
        batches are written and acknowledged in the order their messages came)."""
        async with self._flushing:
            await self._flush()

    async def _flush(self) -> None:
        self._full.clear()
        pending, self._pending = self._pending, []
        acks, self._acks = self._acks, []
        after, self._after = self._after, []
        self._room.set()
        started = time.monotonic()
        written = await self._write(pending) if pending else True
        self.stats.flush_seconds += time.monotonic() - started
        await self._flush_quarantine()
        if not written:  # given up while stopping: the broker sends these again
            return
        for step in after:
            try:
                await step()
            except Exception:  # a step's failure must not keep the batch unacknowledged
                log.exception("a step after a batch failed")
        for ack in acks:
            ack()

    async def _flush_quarantine(self) -> None:
        """Write the rejections' counters and samples, at best: diagnostics never hold up
        ingest. One attempt, cut after `QUARANTINE_WAIT`; what it could not write is kept for
        the next flush (Redis away, or hung: a stopped server answers nothing)."""
        try:
            await asyncio.wait_for(self._quarantine.flush(), QUARANTINE_WAIT)
        except (TimeoutError, RedisError, OSError) as err:
            self._note_outage("quarantine", err)
            return
        if "quarantine" in self._outages:
            self._outages.discard("quarantine")
            log.info("quarantine is back")

    async def _write(self, pending: list[_Pending]) -> bool:
        """Write a batch; False when it was given up for a transient failure (not written,
        so not to be acknowledged), True when written or refused for good."""
        ok, known = await self._retry(
            lambda: self._directory.resolve({p.uid for p in pending}), "PostgreSQL"
        )
        if not ok or known is None:
            self.stats.lost += len(pending)
            return not self._gave_up
        await self._learn_metrics(known, pending)
        batch = Batch()
        known_by = _Identities()
        for entry in pending:
            device = known.get(entry.uid)
            if device is None:
                self._quarantine.reject(
                    RejectedMessage(entry.uid, "unknown_device", entry.topic, entry.payload)
                )
            elif isinstance(entry.item, Telemetry):
                reading = self._within_cap(device, entry.item)
                known_by.add(batch.add_telemetry(device.id, reading), device.id, entry)
            else:
                batch.add_status(device.id, entry.item)
        if not len(batch):
            return True
        return await self._write_batch(batch, known_by, {d.id: d.type_code for d in known.values()})

    async def _learn_metrics(self, known: dict[str, KnownDevice], pending: list[_Pending]) -> None:
        """Read which metrics the devices of this batch have, for those not read yet (once
        per device and process); Redis away, they start from none."""
        unread = {
            known[p.uid].id: known[p.uid]
            for p in pending
            if p.uid in known and known[p.uid].metrics is None and isinstance(p.item, Telemetry)
        }
        if not unread:
            return
        try:
            names = await asyncio.wait_for(self._live.metric_names(unread), QUARANTINE_WAIT)
        except (TimeoutError, RedisError, OSError) as err:
            log.info("could not read the metrics of %d devices (%s)", len(unread), err)
            names = {}
        for device_id, device in unread.items():
            device.metrics = names.get(device_id, set())

    def _within_cap(self, device: KnownDevice, reading: Telemetry) -> Telemetry:
        """The reading without the metrics past the device's cap (counted as dropped)."""
        refused = device.admit(list(reading.metrics), MAX_METRICS_PER_DEVICE)
        if not refused:
            return reading
        for name in refused:
            self._quarantine.count_dropped_field(reading.uid, "too_many_metrics", name)
        metrics = {k: v for k, v in reading.metrics.items() if k not in refused}
        return replace(reading, metrics=metrics)

    async def _write_batch(
        self, batch: Batch, known_by: _Identities, types: dict[int, str]
    ) -> bool:
        updates = batch.live_updates(self._directory.online_flags())
        ok = await self._refresh_rules(batch)
        counted: Counted | None = None
        stale: dict[int, bool] = {}  # device → its flag, where the batch's news came too late

        def compose(
            fresh: set[tuple[int, int]], resent: set[int], standing: dict[int, Standing]
        ) -> Writes:
            nonlocal counted, stale
            counted = batch.counted(known_by.repeated(fresh, resent))
            stale = {d: standing[d].online for d in batch.stale_flips(standing)}
            plan = None
            if ok and self._alerts is not None:
                plan = self._alerts.plan(
                    counted.points, batch.statuses(set(stale)), standing, set(stale)
                )
            return Writes(
                batch.contacts(set(stale)), counted.rollup_deltas(), plan, batch.config_versions()
            )

        (pg_ok, result), (redis_ok, _) = await asyncio.gather(
            self._retry(
                lambda: self._postgres.write(
                    batch.device_ids(), known_by.keys(), known_by.receipts(), compose
                ),
                "PostgreSQL",
            ),
            self._retry(lambda: self._live.write(updates), "Redis"),
        )
        if pg_ok and result is not None:
            writes, recorded = result
            if stale and redis_ok:  # the live write went ahead with the flags refused
                await self._retry(lambda: self._live.write(batch.flags(stale)), "Redis")
            self._directory.note_online({c.device_id: c.online for c in writes.contacts})
            if counted is not None:
                self.stats.repeated += batch.readings - len(counted)
                if self._influx is not None:
                    self._influx.offer(to_line(p, types[p.device_id]) for p in counted.points)
            if writes.plan is not None and self._alerts is not None:
                await self._alerts.settle(writes.plan, recorded)
        if not (pg_ok and redis_ok):
            self.stats.lost += len(batch)
            if self._gave_up:
                return False
        self.stats.accepted += len(batch)
        self.stats.flushes += 1
        return True

    async def _refresh_rules(self, batch: Batch) -> bool:
        """Bring the alert rules of the batch's devices up to date; False when unreadable."""
        if self._alerts is None:
            return False
        alerts = self._alerts

        async def refresh() -> None:
            await alerts.refresh_rules(batch.device_ids())
            await alerts.refresh_links()

        ok, _ = await self._retry(refresh, "PostgreSQL")
        return ok

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
                self._gave_up = True  # only while stopping: retries are endless otherwise
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


class _Identities:
    """How each received reading of a batch is known, to tell which were counted before."""

    def __init__(self) -> None:
        self._stamped: dict[int, tuple[int, int]] = {}  # reading → (device id, reading key)
        self._placed: dict[int, tuple[int, int, bool]] = {}  # reading → (packet, key, resent)

    def add(self, index: int, device_id: int, entry: _Pending) -> None:
        """Know the batch's reading `index` by what came with it."""
        if entry.key is None:
            return  # made here (a panel, an HTTP poll): never sent again
        if entry.device_time:
            self._stamped[index] = (device_id, entry.key ^ entry.part)
        elif entry.packet_id:
            self._placed[index] = (entry.packet_id, entry.key, entry.duplicate)

    def keys(self) -> list[tuple[int, int]]:
        """The keys of the readings stamped by their device."""
        return list(self._stamped.values())

    def receipts(self) -> list[tuple[int, int, bool]]:
        """Packet id, message key and whether resent, of the others (QoS 1)."""
        return list(self._placed.values())

    def repeated(self, fresh: set[tuple[int, int]], resent: set[int]) -> set[int]:
        """The readings not to count: a stamped one whose key was recorded before (or earlier
        in this batch); a resent one whose packet id carried the same message before."""
        skip: set[int] = set()
        seen: set[tuple[int, int]] = set()
        for index, key in self._stamped.items():
            if key not in fresh or key in seen:
                skip.add(index)
            seen.add(key)
        skip.update(i for i, (packet, _, _) in self._placed.items() if packet in resent)
        return skip
