"""The HTTP fallback of Shelly devices: poll `Shelly.GetStatus` while their MQTT is silent.

A Shelly with an HTTP host (`dozor device add … --http-host`) is polled every
`SHELLY_POLL_SECONDS` while
- the broker is unreachable from this processor, or
- the device said `<id>/online false` (its Last Will: it lost the broker), or
- nothing came from it over MQTT for longer than its report interval (its config's
  `report_interval`, else its type's),
and polling stops as soon as MQTT brings something from it again. Each poll's status goes
through the same codec as the MQTT frames, which takes a reading seen on both paths once.

For such a device the Last Will does not mean offline by itself: the fallback polls at once,
and only when HTTP does not answer either is the device marked offline (so losing MQTT alone
raises no offline alert while its readings keep coming). Devices without an HTTP host are
left to MQTT as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.cancellation import cancel_and_wait
from core.devices.config_rules import report_interval
from core.devices.kinds import Executor, codes_with, kind_of
from core.devices.repository import DeviceRepository
from core.devices.shelly import ShellyProfile
from core.secrets import SecretBox, SecretKeysMissingError, SecretUnreadableError
from drivers.shelly.errors import ShellyError
from drivers.shelly.http import ShellyHttp
from processor.mqtt.listener import BrokerLink

log = logging.getLogger(__name__)
RELOAD_SECONDS = 30.0
MAX_CONCURRENT_POLLS = 50
TICK_SECONDS = 0.5


@dataclass(slots=True)
class HttpTarget:
    """Where and how to reach one device over HTTP."""

    host: str
    password: str | None
    interval: float  # seconds of MQTT silence after which HTTP takes over


@dataclass(slots=True)
class FallbackStats:
    """What the fallback did (for tests, logs and the benchmark)."""

    polls: int = 0
    failures: int = 0
    takeovers: int = 0


@dataclass(slots=True)
class _Link:
    heard_at: float  # monotonic time of the last MQTT message from the device
    said_offline: bool = False
    polling: bool = False
    next_poll: float = 0.0
    failing: bool = False  # the last poll failed (logged once)
    offline_reported: bool = False


@dataclass(slots=True)
class HttpFallback:
    """Watches each Shelly's MQTT and polls it over HTTP while MQTT is silent."""

    sessions: async_sessionmaker[AsyncSession]
    http: ShellyHttp
    secrets: SecretBox
    broker: BrokerLink
    on_status: Callable[[str, Any], Awaitable[None]]  # uid, GetStatus answer → ingest
    on_unreachable: Callable[[str], Awaitable[None]]  # uid: neither MQTT nor HTTP answers
    poll_seconds: float = 10.0
    stats: FallbackStats = field(default_factory=FallbackStats)
    targets: dict[str, HttpTarget] = field(default_factory=dict)
    _links: dict[str, _Link] = field(default_factory=dict)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _in_flight: set[str] = field(default_factory=set)  # one poll per device at a time
    _loaded_at: float = -RELOAD_SECONDS

    def heard(self, uid: str, online: bool | None = None) -> bool:
        """Note an MQTT message of `uid` (`online`: what `<id>/online` said, if that was it).

        Returns True when an offline notice is taken over by the fallback (the caller then
        does not mark the device offline; HTTP decides).
        """
        link = self._link(uid)
        if online is False:
            link.said_offline = True
            if uid in self.targets:
                link.next_poll = 0.0  # poll at once
                self._wake.set()
                return True
            return False
        link.said_offline, link.heard_at = False, clock.monotonic()
        if link.polling:
            link.polling = False
            log.info("%s: MQTT is back; HTTP polling stops", uid)
        return False

    @property
    def on_http(self) -> int:
        """How many devices are polled over HTTP now (their MQTT silent)."""
        return sum(1 for link in self._links.values() if link.polling)

    def said_offline(self, uid: str) -> bool:
        """Whether the device's MQTT last said it is offline (its Last Will)."""
        link = self._links.get(uid)
        return link is not None and link.said_offline

    def mqtt_usable(self, uid: str) -> bool:
        """Say whether a command to `uid` should go over MQTT (else over HTTP, if it can)."""
        if uid not in self.targets:
            return True  # there is nothing else to try
        if not self.broker.up:
            return False
        link = self._links.get(uid)
        return link is None or not (link.polling or link.said_offline)

    def _link(self, uid: str) -> _Link:
        link = self._links.get(uid)
        if link is None:
            link = self._links[uid] = _Link(heard_at=clock.monotonic())
        return link

    async def run(self, stop: asyncio.Event) -> None:
        """Poll what needs polling until `stop`."""
        semaphore = asyncio.Semaphore(MAX_CONCURRENT_POLLS)
        running: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                await self._reload_if_due()
                now = clock.monotonic()
                for uid in self._due(now):
                    task = asyncio.create_task(self._poll(uid, semaphore))
                    running.add(task)
                    task.add_done_callback(running.discard)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), TICK_SECONDS)
        finally:
            await cancel_and_wait(running)

    def _due(self, now: float) -> list[str]:
        due = []
        for uid, target in self.targets.items():
            link = self._link(uid)
            wanted = (
                not self.broker.up or link.said_offline or now - link.heard_at > target.interval
            )
            if not wanted:
                continue
            if not link.polling:
                link.polling = True
                self.stats.takeovers += 1
                log.info("%s: MQTT silent; polling over HTTP every %.0f s", uid, self.poll_seconds)
            if now >= link.next_poll and uid not in self._in_flight:
                link.next_poll = now + self.poll_seconds
                due.append(uid)
        return due

    async def _poll(self, uid: str, semaphore: asyncio.Semaphore) -> None:
        target = self.targets.get(uid)
        if target is None:
            return
        async with semaphore:
            self.stats.polls += 1
            try:
                status = await self.http.call(
                    target.host, "Shelly.GetStatus", None, target.password
                )
            except ShellyError as err:
                self.stats.failures += 1
                await self._unreachable(uid, str(err))
                return
        link = self._link(uid)
        link.failing = link.offline_reported = False
        await self.on_status(uid, status)

    async def _unreachable(self, uid: str, reason: str) -> None:
        link = self._link(uid)
        if not link.failing:
            log.warning("%s: HTTP poll failed (%s)", uid, reason)
            link.failing = True
        if link.said_offline and not link.offline_reported:
            # MQTT lost it and HTTP cannot reach it: it is offline.
            link.offline_reported = True
            await self.on_unreachable(uid)

    async def _reload_if_due(self) -> None:
        now = clock.monotonic()
        if now - self._loaded_at < RELOAD_SECONDS:
            return
        self._loaded_at = now
        try:
            self.targets = await load_targets(self.sessions, self.secrets)
        except Exception:  # the database may be away; keep the targets we have
            log.warning(
                "could not read the Shelly HTTP hosts; keeping the known ones", exc_info=True
            )

    def reload_soon(self) -> None:
        """Read the hosts again at the next tick (a device was added or changed)."""
        self._loaded_at = -RELOAD_SECONDS
        self._wake.set()


async def load_targets(
    sessions: async_sessionmaker[AsyncSession], secrets: SecretBox
) -> dict[str, HttpTarget]:
    """Every Shelly with an HTTP host, with its password and report interval."""
    async with sessions() as session:
        rows = await DeviceRepository(session).of_types(codes_with(Executor.SHELLY))
    targets = {}
    for _, uid, type_code, attributes, config in rows:
        profile = ShellyProfile.of(attributes)
        if profile.http_host is None:
            continue
        password = None
        if profile.password_token:
            try:
                password = secrets.decrypt(profile.password_token)
            except (SecretKeysMissingError, SecretUnreadableError):
                log.warning("%s: its HTTP password cannot be read with SECRET_KEYS", uid)
        interval = report_interval(config, kind_of(type_code).report_interval)
        targets[uid] = HttpTarget(profile.http_host, password, interval)
    return targets
