"""Which uids are known devices: a cache in front of the devices table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.devices.repository import DeviceRepository

# An unknown uid is looked up again after this long, so a device provisioned while it is
# already publishing starts being accepted within that time.
UNKNOWN_RECHECK_SECONDS = 10.0
# A known device is looked up again after this long, so a removed one stops being accepted.
KNOWN_RECHECK_SECONDS = 300.0
MAX_UNKNOWN = 10_000


@dataclass(slots=True)
class KnownDevice:
    """What ingest needs of a device."""

    id: int
    uid: str
    type_code: str
    online: bool
    loaded_at: float = 0.0
    # The metric names kept for it (None: not read from the live state yet), at most
    # `MAX_METRICS_PER_DEVICE`: a device cannot grow its card, its rollups or its live
    # state without bound by sending new names.
    metrics: set[str] | None = None

    def admit(self, names: list[str], cap: int) -> list[str]:
        """Of these metric names, the ones not kept; the new ones are kept while there is
        room. Call once `metrics` is known."""
        kept = self.metrics if self.metrics is not None else set()
        self.metrics = kept
        refused = []
        for name in names:
            if name not in kept:
                if len(kept) >= cap:
                    refused.append(name)
                else:
                    kept.add(name)
        return refused


class DeviceDirectory:
    """Resolves uids to devices, one query per batch for the ones not cached."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        unknown_recheck_seconds: float = UNKNOWN_RECHECK_SECONDS,
        known_recheck_seconds: float = KNOWN_RECHECK_SECONDS,
    ) -> None:
        self._sessions = sessions
        self._unknown_recheck = unknown_recheck_seconds
        self._known_recheck = known_recheck_seconds
        self._known: dict[str, KnownDevice] = {}
        self._unknown_until: dict[str, float] = {}

    async def resolve(self, uids: Iterable[str]) -> dict[str, KnownDevice]:
        """Return the known devices among `uids`."""
        now = clock.monotonic()
        wanted = set(uids)
        missing = [uid for uid in wanted if self._stale(uid, now)]
        if missing:
            await self._load(missing, now)
        return {uid: self._known[uid] for uid in wanted if uid in self._known}

    def _stale(self, uid: str, now: float) -> bool:
        known = self._known.get(uid)
        if known is not None:
            return now - known.loaded_at >= self._known_recheck
        return self._unknown_until.get(uid, 0.0) <= now

    async def _load(self, uids: list[str], now: float) -> None:
        async with self._sessions() as session:
            rows = await DeviceRepository(session).identities(uids)
        before = {uid: self._known.pop(uid) for uid in uids if uid in self._known}
        for device_id, uid, type_code, online in rows:
            known = KnownDevice(device_id, uid, type_code, online, now)
            if uid in before and before[uid].id == device_id:
                known.metrics = before[uid].metrics
            self._known[uid] = known
            self._unknown_until.pop(uid, None)
        if len(self._unknown_until) > MAX_UNKNOWN:  # a flood of made-up uids stays bounded
            self._unknown_until.clear()
        for uid in set(uids) - {row[1] for row in rows}:
            self._unknown_until[uid] = now + self._unknown_recheck

    def forget(self, uid: str) -> None:
        """Drop a removed device at once (its messages are then rejected as unknown)."""
        self._known.pop(uid, None)
        self._unknown_until[uid] = clock.monotonic() + self._unknown_recheck

    def online_flags(self) -> dict[int, bool]:
        """Return the last known online flag of every cached device."""
        return {device.id: device.online for device in self._known.values()}

    def note_online(self, flags: dict[int, bool | None]) -> None:
        """Remember online flags written by a flush."""
        by_id = {device.id: device for device in self._known.values()}
        for device_id, online in flags.items():
            if online is not None and device_id in by_id:
                by_id[device_id].online = online
