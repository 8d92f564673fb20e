"""The processor's health for the machines around it: `/healthz`, `/readyz`, `/metrics`.

Served by the processor's HTTP server (the one devices download firmware from,
`OTA_HTTP_HOST:OTA_HTTP_PORT`):
- `GET /healthz` — 200 while the process answers at all (its event loop runs);
- `GET /readyz` — 200 when PostgreSQL and Redis answer and the MQTT subscription is
  connected, else 503; the body says which link is down (`{"postgresql": "ok", "redis":
  "down", "mqtt": "ok"}`);
- `GET /metrics` — the Prometheus text format (the `prometheus-client` library), read from
  the counters the processor keeps anyway when scraped: ingest, rejections by reason, batch
  write time, InfluxDB export, the broker link.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from processor.ingest.pipeline import IngestStats
from processor.mqtt.listener import BrokerLink
from processor.sinks.influx import InfluxExporter


@dataclass(slots=True, eq=False)  # hashable: a registry keeps its collectors in a set
class ProcessorCounters(Collector):
    """What `/metrics` reports, read from the processor's own counters at each scrape."""

    ingest: IngestStats
    rejected: Counter[str]
    broker: BrokerLink
    influx: InfluxExporter | None = None

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
