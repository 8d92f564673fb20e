"""Export raw points to InfluxDB 2 through a bounded buffer that never slows ingest."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable

from influxdb_client.client.influxdb_client_async import InfluxDBClientAsync
from influxdb_client.domain.write_precision import WritePrecision

from processor.ingest.batch import RawPoint

log = logging.getLogger(__name__)

MAX_BUFFER = 200_000
WRITE_CHUNK = 5_000
MAX_BACKOFF = 30.0


def to_line(point: RawPoint, type_code: str) -> str:
    """Render a point as line protocol: measurement = device type, tags uid and type."""
    # uids, type codes and metric names are validated to [A-Za-z0-9_.:-], so nothing to escape.
    fields = ",".join(f"{name}={value!r}" for name, value in point.metrics.items())
    return f"{type_code},uid={point.uid},type={type_code} {fields} {int(point.at * 1e9)}"


class InfluxExporter:
    """Buffers lines and writes them in chunks; when full, the oldest lines are dropped."""

    def __init__(self, url: str, token: str, org: str, bucket: str) -> None:
        self._client = InfluxDBClientAsync(url=url, token=token, org=org)
        self._bucket = bucket
        self._buffer: deque[str] = deque(maxlen=MAX_BUFFER)
        self._wake = asyncio.Event()
        self.dropped = 0
        self.written = 0

    def offer(self, lines: Iterable[str]) -> None:
        """Queue lines for export without waiting."""
        for line in lines:
            if len(self._buffer) == MAX_BUFFER:
                self.dropped += 1
            self._buffer.append(line)
        self._wake.set()

    async def run(self) -> None:
        """Write buffered lines until cancelled, backing off while InfluxDB fails."""
        backoff = 1.0
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._buffer:
                chunk = [self._buffer.popleft() for _ in range(min(WRITE_CHUNK, len(self._buffer)))]
                try:
                    await self._client.write_api().write(
                        self._bucket,
                        record=chunk,
                        write_precision=WritePrecision.NS,  # type: ignore[arg-type]
                    )
                except Exception:  # any failure: keep the points and retry later
                    log.warning("InfluxDB write failed; retrying in %.0f s", backoff, exc_info=True)
                    self._buffer.extendleft(reversed(chunk))
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF)
                    continue
                self.written += len(chunk)
                backoff = 1.0

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.close()  # type: ignore[no-untyped-call]
