"""A minimal ingest for comparison: receive, parse, write the same to PostgreSQL and Redis.

    .venv/bin/python bench/sink.py MQTT_URL DATABASE_URL REDIS_URL PREFIX

What Dozor's processor does at its least, with none of its guarantees: it subscribes to
`devices/+/telemetry` at QoS 1 (acknowledged on receipt, by aiomqtt), parses each payload with
orjson, and every 100 ms or 1,000 messages writes per-minute counts and sums per device and
metric to its own table (one upsert) and each device's last values to a Redis hash (one
pipeline). `bench/ingest.py` runs it on the same broker and load as the processor and prints
the ratio of their rates. Runs until SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import aiomqtt
import asyncpg
import orjson
from redis.asyncio import Redis

TABLE = """
CREATE TABLE IF NOT EXISTS bench_sink (
    device text, metric text, minute timestamptz, count integer, sum float8,
    PRIMARY KEY (device, metric, minute)
)
"""
BATCH = 1000
UPSERT = """
INSERT INTO bench_sink AS s (device, metric, minute, count, sum)
SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::integer[], $5::float8[])
ON CONFLICT (device, metric, minute) DO UPDATE
SET count = s.count + excluded.count, sum = s.sum + excluded.sum
"""


def fold(
    taken: list[tuple[str, bytes]],
) -> tuple[dict[tuple[str, str, float], list[float]], dict[str, dict[str, float]]]:
    """Counts and sums per device, metric and minute; each device's last values."""
    sums: dict[tuple[str, str, float], list[float]] = {}
    last: dict[str, dict[str, float]] = {}
    for topic, payload in taken:
        device = topic.split("/")[1]
        body = orjson.loads(payload)
        at = float(body.get("timestamp") or time.time())
        for metric, value in body.items():
            if metric in ("timestamp", "device_uid") or not isinstance(value, int | float):
                continue
            entry = sums.setdefault((device, metric, at // 60 * 60), [0, 0.0])
            entry[0] += 1
            entry[1] += value
            last.setdefault(device, {})[metric] = value
    return sums, last


async def main(mqtt_url: str, database_url: str, redis_url: str, prefix: str) -> None:
    """Receive and write until SIGTERM."""
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    db = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    await db.execute(TABLE)
    redis = Redis.from_url(redis_url)
    parts = urlsplit(mqtt_url)
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()

    async def receive() -> None:
        async with aiomqtt.Client(
            parts.hostname or "127.0.0.1",
            parts.port or 1883,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            identifier=f"{prefix}-sink",
        ) as client:
            await client.subscribe("devices/+/telemetry", qos=1)
            async for message in client.messages:
                queue.put_nowait((message.topic.value, bytes(message.payload)))

    async def write() -> None:
        while not stop.is_set():
            if queue.qsize() < BATCH:
                await asyncio.sleep(0.1)
            taken = [queue.get_nowait() for _ in range(queue.qsize())]
            if not taken:
                continue
            sums, last = fold(taken)
            rows = sorted(sums.items())
            await db.execute(
                UPSERT,
                [k[0] for k, _ in rows],
                [k[1] for k, _ in rows],
                [_minute(k[2]) for k, _ in rows],
                [int(v[0]) for _, v in rows],
                [v[1] for _, v in rows],
            )
            async with redis.pipeline(transaction=False) as pipe:
                for device, values in last.items():
                    flat = [part for pair in values.items() for part in pair]
                    pipe.hset(f"{prefix}:sink:{device}", items=flat)
                await pipe.execute()

    receiver = asyncio.create_task(receive())
    await write()
    receiver.cancel()
    await db.close()
    await redis.aclose()


def _minute(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
