"""Export raw points to InfluxDB 2 through a bounded buffer that never slows ingest.

Ingest only appends line-protocol strings to a deque (`offer`); one task writes them in
chunks through influxdb-client's async write API, retrying a failed chunk with exponential
backoff (tenacity) for as long as it takes. While InfluxDB is away the buffer fills; once
full, the oldest points are dropped and counted (`dropped`). The first drop of an overflow
is logged and reported once through `on_overflow` (the processor tells the platform admins);
the overflow ends when the buffer has drained, and the next one is reported again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Final

from influxdb_client.client.influxdb_client_async import InfluxDBClientAsync
from influxdb_client.domain.write_precision import WritePrecision
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential

from processor.ingest.batch import RawPoint

log = logging.getLogger(__name__)

MAX_BUFFER: Final = 200_000
WRITE_CHUNK: Final = 5_000
MAX_BACKOFF: Final = 30.0


def to_line(point: RawPoint, type_code: str) -> str:
    """Render a point as line protocol: measurement = device type, tags uid and type."""
    # uids, type codes and metric names are validated to [A-Za-z0-9_.:-], so nothing to escape.
    fields = ",".join(f"{name}={value!r}" for name, value in point.metrics.items())
    return f"{type_code},uid={point.uid},type={type_code} {fields} {int(point.at * 1e9)}"


class InfluxExporter:
    """Buffers lines and writes them in chunks; when full, the oldest lines are dropped."""

    def __init__(
        self,
        url: str,
        token: str,
        org: str,
        bucket: str,
        *,
        max_buffer: int = MAX_BUFFER,
        on_overflow: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._client = InfluxDBClientAsync(url=url, token=token, org=org)
        self._bucket = bucket
        self._max = max_buffer
        self._buffer: deque[str] = deque(maxlen=max_buffer)
        self._wake = asyncio.Event()
        self._overflowing = False
        self._unreported = False
        self.on_overflow = on_overflow
        self.dropped = 0
        self.written = 0
        self.failing = False  # the last write failed (and is being retried)

    def offer(self, lines: Iterable[str]) -> None:
        """Queue lines for export without waiting; when full, the oldest make room."""
        for line in lines:
            if len(self._buffer) == self._max:
                self.dropped += 1
                if not self._overflowing:
                    self._overflowing = self._unreported = True
                    log.warning("InfluxDB export buffer full (%d): dropping the oldest", self._max)
            self._buffer.append(line)
        self._wake.set()

    @property
    def buffered(self) -> int:
        """Points waiting to be written."""
        return len(self._buffer)

    async def run(self) -> None:
        """Write buffered lines until cancelled."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._buffer:
                chunk = [self._buffer.popleft() for _ in range(min(WRITE_CHUNK, len(self._buffer)))]
                await self._write(chunk)
                self.written += len(chunk)
            await self._report()
            self._overflowing = False  # drained: the next overflow is news again

    async def _write(self, chunk: list[str]) -> None:
        retrying = AsyncRetrying(
            wait=wait_exponential(multiplier=1, max=MAX_BACKOFF),
            retry=retry_if_exception_type(Exception),  # any failure: keep the points, retry
            before_sleep=self._before_sleep,
        )
        async for attempt in retrying:
            with attempt:
                await self._client.write_api().write(
                    self._bucket,
                    record=chunk,
                    write_precision=WritePrecision.NS,  # type: ignore[arg-type]
                )
        self.failing = False

    async def _before_sleep(self, state: RetryCallState) -> None:
        wait = state.next_action.sleep if state.next_action else 0.0
        error = state.outcome.exception() if state.outcome else None
        self.failing = True
        log.warning("InfluxDB write failed (%s); retrying in %.0f s", error, wait)
        await self._report()

    async def _report(self) -> None:
        if not self._unreported or self.on_overflow is None:
            return
        self._unreported = False
        try:
            await self.on_overflow(self.dropped)
        except Exception:  # a failed report never stops the export
            log.exception("could not report the InfluxDB export overflow")

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.close()  # type: ignore[no-untyped-call]
