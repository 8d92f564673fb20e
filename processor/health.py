"""The processor's health for the machines around it: `/healthz`, `/readyz`, `/metrics`.

Served by the processor's HTTP server (the one devices download firmware from,
`OTA_HTTP_HOST:OTA_HTTP_PORT`):
- `GET /healthz` — 200 while the process answers at all (its event loop runs);
- `GET /readyz` — 200 when PostgreSQL and Redis answer and the MQTT subscription is
  connected, else 503; the body says which link is down (`{"postgresql": "ok", "redis":
  "down", "mqtt": "ok"}`);
- `GET /metrics` — the Prometheus text format (the `prometheus-client` library), read from
  the counters the processor keeps anyway when scraped: ingest, rejections by reason, batch
  write time, InfluxDB export, the broker link, panels by state.

And for the people: every few seconds `HealthReporter` writes this instance's links and
figures into Redis (`core.health_report`), where the bot's /health card and its messages to
the admins read them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from core import clock
from core.health import Check, probe
from core.health_report import HealthReports, ProcessorReport
from processor.ingest.pipeline import IngestStats
from processor.mqtt.listener import BrokerLink
from processor.satel.supervisor import PanelSupervisor
from processor.shelly.fallback import HttpFallback
from processor.sinks.influx import InfluxExporter

log = logging.getLogger(__name__)
REPORT_SECONDS = 5.0


@dataclass(slots=True, eq=False)  # hashable: a registry keeps its collectors in a set
class ProcessorCounters(Collector):
    """What `/metrics` reports, read from the processor's own counters at each scrape."""

    ingest: IngestStats
    rejected: Counter[str]
    broker: BrokerLink
    influx: InfluxExporter | None = None
    panels: PanelSupervisor | None = None

    def collect(self) -> Iterator[Metric]:
        """The metric families, as they stand now."""
        stats = self.ingest
        for name, text, value in (
            ("dozor_ingest_accepted", "Messages written by the ingest", stats.accepted),
            ("dozor_ingest_lost", "Messages given up (sinks down while stopping)", stats.lost),
            ("dozor_ingest_repeated", "Readings received again and not counted twice",
             stats.repeated),
            ("dozor_ingest_batches", "Batches written", stats.flushes),
            ("dozor_ingest_batch_seconds", "Time spent writing batches", stats.flush_seconds),
        ):  # fmt: skip
            yield CounterMetricFamily(name, text, value=value)
        rejects = CounterMetricFamily(
            "dozor_ingest_rejected", "Messages rejected, by reason", labels=["reason"]
        )
        for reason, count in sorted(self.rejected.items()):
            rejects.add_metric([reason], count)
        yield rejects
        yield GaugeMetricFamily(
            "dozor_mqtt_connected", "Whether the MQTT subscription is up", value=self.broker.up
        )
        yield CounterMetricFamily(
            "dozor_mqtt_connections", "Connections to the broker", value=self.broker.connections
        )
        if self.panels is not None:
            total, held, connected, busy = self.panels.figures()
            states = GaugeMetricFamily(
                "dozor_panels", "Alarm panels by state (held: by this instance)", labels=["state"]
            )
            for state, count in (
                ("known", total),
                ("held", held),
                ("connected", connected),
                ("busy", len(busy)),
                ("disconnected", held - connected - len(busy)),
            ):
                states.add_metric([state], count)
            yield states
        if self.influx is not None:
            yield GaugeMetricFamily(
                "dozor_influx_buffered", "Points waiting for InfluxDB", value=self.influx.buffered
            )
            yield CounterMetricFamily(
                "dozor_influx_written", "Points written to InfluxDB", value=self.influx.written
            )
            yield CounterMetricFamily(
                "dozor_influx_dropped",
                "Points dropped from a full export buffer",
                value=self.influx.dropped,
            )


@dataclass(slots=True)
class HealthReporter:
    """Writes this instance's report every `every` seconds until stopped."""

    instance: str
    reports: HealthReports
    checks: Mapping[str, Check]
    counters: ProcessorCounters
    fallback: HttpFallback | None = None
    every: float = REPORT_SECONDS
    _last: tuple[float, int, int] | None = field(default=None, init=False)

    async def run(self, stop: asyncio.Event) -> None:
        """Report until `stop`; a report that cannot be written is skipped (the bot sees the
        last one go stale, which is the news)."""
        while not stop.is_set():
            try:
                await self.reports.write(await self.report())
            except Exception as err:  # noqa: BLE001 - Redis away: nothing to report to
                log.debug("health report not written (%s)", err)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every)

    async def report(self) -> ProcessorReport:
        """The links and figures of this instance now."""
        links = {name: state == "ok" for name, state in (await probe(self.checks)).items()}
        counters = self.counters
        if counters.influx is not None:
            links["influx"] = not counters.influx.failing
        total = held = connected = 0
        busy: list[str] = []
        if counters.panels is not None:
            total, held, connected, busy = counters.panels.figures()
        now, accepted = time.monotonic(), counters.ingest.accepted
        rejected = sum(counters.rejected.values())
        rate = per_minute = 0.0
        if self._last is not None:
            then, accepted_then, rejected_then = self._last
            elapsed = max(now - then, 1e-3)
            rate = (accepted - accepted_then) / elapsed
            per_minute = (rejected - rejected_then) / elapsed * 60
        self._last = (now, accepted, rejected)
        return ProcessorReport(
            instance=self.instance,
            at=clock.now().timestamp(),
            links=links,
            panels_total=total,
            panels_held=held,
            panels_connected=connected,
            panels_busy=busy,
            shelly_on_http=self.fallback.on_http if self.fallback is not None else 0,
            ingest_per_second=round(rate, 1),
            rejected_per_minute=round(per_minute, 1),
            rejected_total=rejected,
        )
