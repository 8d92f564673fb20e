"""Rejected messages: counted per reason, kept for inspection, logged once per device a minute."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

import orjson
from redis.asyncio import Redis

from core import clock
from core.devices.repository import RefusedVersion
from core.redis_keys import RedisKeys

log = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 60.0
KEEP_LATEST = 1000
KEEP_PER_FLUSH = 100
PAYLOAD_EXCERPT = 512
_MAX_LOG_KEYS = 10_000
# Across all devices, at most this many rejection lines a minute (a flood of made-up uids
# must not flood the log); the rest are summarised once the minute is over.
LOG_LINES_PER_MINUTE = 50


@dataclass(frozen=True, slots=True)
class RejectedMessage:
    """A message that was not used, with why."""

    uid: str | None
    reason: str
    topic: str
    payload: bytes
    detail: str = ""


class Quarantine:
    """Counts, keeps and logs rejected messages without letting a flood through."""

    def __init__(self, redis: Redis, keys: RedisKeys, keep: int = KEEP_LATEST) -> None:
        self._redis = redis
        self._keys = keys
        self._keep = keep  # the newest rejected messages kept (QUARANTINE_KEEP)
        self.counts: Counter[str] = Counter()
        self._pending_counts: Counter[str] = Counter()
        self._pending: list[RejectedMessage] = []
        self._last_logged: dict[tuple[str | None, str], float] = {}
        self._window_start = 0.0
        self._window_lines = 0
        self._window_suppressed = 0

    def reject(self, message: RejectedMessage) -> None:
        """Count a rejected message and log it unless its device was logged this minute."""
        self.counts[message.reason] += 1
        self._pending_counts[message.reason] += 1
        if len(self._pending) < KEEP_PER_FLUSH:
            self._pending.append(message)
        self._log_once(message.uid, message.reason, message.detail or message.topic)

    def refuse_config_versions(self, refused: list[RefusedVersion]) -> None:
        """Devices reported a config version the server never sent: not taken, kept here."""
        for row in refused:
            self.reject(
                RejectedMessage(
                    row.uid,
                    "config_version_ahead",
                    f"devices/{row.uid}/telemetry",
                    b"",
                    f"config_version {row.reported}; the server sent {row.sent}",
                )
            )

    def count_dropped_field(self, uid: str, reason: str, name: str) -> None:
        """Count a field dropped from an otherwise good message."""
        self.counts[reason] += 1
        self._pending_counts[reason] += 1
        self._log_once(uid, reason, f"field {name}")

    def _log_once(self, uid: str | None, reason: str, detail: str) -> None:
        now = clock.monotonic()
        key = (uid, reason)
        if now - self._last_logged.get(key, -LOG_INTERVAL_SECONDS) < LOG_INTERVAL_SECONDS:
            return
        if len(self._last_logged) > _MAX_LOG_KEYS:
            self._last_logged.clear()
        self._last_logged[key] = now
        if not self._within_budget(now):
            return
        log.warning(
            "rejected message from %s: %s (%s)",
            uid or "?",
            reason,
            detail,
            extra={"uid": uid, "reason": reason},
        )

    def _within_budget(self, now: float) -> bool:
        if now - self._window_start >= LOG_INTERVAL_SECONDS:
            if self._window_suppressed:
                log.warning(
                    "%d more rejected messages were not logged in the last minute",
                    self._window_suppressed,
                )
            self._window_start, self._window_lines, self._window_suppressed = now, 0, 0
        self._window_lines += 1
        if self._window_lines > LOG_LINES_PER_MINUTE:
            self._window_suppressed += 1
            return False
        return True

    async def flush(self) -> None:
        """Write counters and kept messages to Redis in one round trip."""
        if not self._pending_counts:
            return
        pipe = self._redis.pipeline(transaction=False)
        for reason, count in self._pending_counts.items():
            pipe.hincrby(self._keys.ingest_rejected, reason, count)
        for message in self._pending:
            pipe.lpush(self._keys.quarantine, _encode(message))
        if self._keep > 0:
            pipe.ltrim(self._keys.quarantine, 0, self._keep - 1)
        else:
            pipe.delete(self._keys.quarantine)
        counts, kept = self._pending_counts, self._pending
        self._pending_counts, self._pending = Counter(), []
        try:
            await pipe.execute()
        except BaseException:  # not written (Redis away, or the wait for it cut): kept for next
            self._pending_counts.update(counts)
            self._pending = (kept + self._pending)[:KEEP_PER_FLUSH]
            raise


def _encode(message: RejectedMessage) -> bytes:
    return orjson.dumps(
        {
            "at": clock.now().isoformat(),
            "uid": message.uid,
            "reason": message.reason,
            "detail": message.detail,
            "topic": message.topic[:200],
            "payload": message.payload[:PAYLOAD_EXCERPT].decode("utf-8", "replace"),
        }
    )
