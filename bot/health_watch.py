"""Health that speaks up: each link watched, the admins told once when one goes down (after
a grace period) and once when it is back; the /health card drawn from the same view.

The links: the MQTT broker, PostgreSQL and Redis (as the bot sees them, and PostgreSQL as
each processor does), InfluxDB writes, the Telegram long poll (stalled, or 409: another
instance polls the same token), the processors reporting at all, panels taken by another
client, and the quarantine filling. The processors' side comes from their reports in Redis
(`core.health_report`).

The messages go straight to the admins, not through the outbox: the outbox lives in
PostgreSQL, which may be the link that is down. What was announced is kept in memory; a bot
restart while a link is still down announces it once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiohttp import ClientError
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.health import LAG_WINDOW, TelegramCalls
from bot.i18n import Translator, translator
from bot.render.alerts import duration
from bot.render.time import reading_in
from core import clock
from core.db import answers
from core.health import probe
from core.health_report import STALE_SECONDS, HealthReports, ProcessorReport
from core.outbox.repository import OutboxRepository
from core.redis_keys import RedisKeys
from core.users.repository import UserRepository

log = logging.getLogger(__name__)
LINKS = ("mqtt", "postgresql", "redis", "influx", "telegram", "processor", "panels", "quarantine")
Detail = tuple[str, dict[str, Any]]  # a Fluent id and its arguments


@dataclass(frozen=True, slots=True)
class HealthOptions:
    """How often to look, how long a link may be down before the admins hear of it, and how
    many rejected messages a minute mean the quarantine is filling."""

    check_seconds: float = 5.0
    grace_seconds: float = 60.0
    quarantine_per_minute: float = 600.0


@dataclass(slots=True)
class Link:
    """One link as last seen: up (True), down (False) or not known / not used (None), since
    when (Unix seconds), and what is wrong."""

    ok: bool | None
    since: float
    detail: Detail | None = None


@dataclass(frozen=True, slots=True)
class HealthView:
    """Everything the /health card shows."""

    links: dict[str, Link]
    reports: list[ProcessorReport]  # the fresh ones
    outbox: tuple[int, int, float, float] | None  # pending, sent lately, mean and longest lag


@dataclass(slots=True)
class HealthWatch:
    """Watches the links, tells the admins, and keeps the view for /health."""

    bot: Bot
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    keys: RedisKeys
    calls: TelegramCalls
    admins: frozenset[int]
    poll_stale: float
    options: HealthOptions = field(default_factory=HealthOptions)
    links: dict[str, Link] = field(default_factory=dict)
    _down_since: dict[str, float] = field(default_factory=dict)
    _announced: dict[str, float] = field(default_factory=dict)  # link → down since
    _seen_processor: bool = False
    _languages: dict[int, str] = field(default_factory=dict)
    _view: HealthView | None = None
    rounds: int = 0  # looks taken (tests wait for some to pass)

    async def run(self, stop: asyncio.Event) -> None:
        """Look every `check_seconds` until `stop`."""
        while not stop.is_set():
            try:
                await self.check()
            except Exception:  # a failed look is tried again at the next
                log.exception("health check failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.options.check_seconds)

    async def check(self) -> HealthView:
        """Look at every link now, tell the admins what went down or came back, and return
        what the /health card shows."""
        now = clock.now().timestamp()
        own = await probe({"postgresql": lambda: answers(self.sessions), "redis": self.redis.ping})
        reports: list[ProcessorReport] = []
        if own["redis"] == "ok":
            with contextlib.suppress(Exception):
                reports = await HealthReports(self.redis, self.keys).read(now)
        fresh = [r for r in reports if now - r.at <= STALE_SECONDS]
        observed = self._observe(own, reports, fresh, now)
        outbox = await self._outbox() if own["postgresql"] == "ok" else None
        if own["postgresql"] == "ok":
            await self._learn_languages()
        for name in LINKS:
            ok, detail = observed.get(name, (None, None))
            await self._note(name, ok, detail, now)
        self._view = HealthView(dict(self.links), fresh, outbox)
        self.rounds += 1
        return self._view

    def _observe(
        self,
        own: dict[str, str],
        reports: list[ProcessorReport],
        fresh: list[ProcessorReport],
        now: float,
    ) -> dict[str, tuple[bool | None, Detail | None]]:
        found: dict[str, tuple[bool | None, Detail | None]] = {}
        found["redis"] = (own["redis"] == "ok", ("health-down-redis", {}))
        found["telegram"] = self._telegram()
        if fresh:
            self._seen_processor = True
            found["processor"] = (True, None)
        elif own["redis"] == "ok" and self._seen_processor:
            last = max((r.at for r in reports), default=now)
            found["processor"] = (False, ("health-down-processor", {"seconds": int(now - last)}))
        processor_pg = [r.instance for r in fresh if r.links.get("postgresql") is False]
        if own["postgresql"] != "ok":
            found["postgresql"] = (False, ("health-down-postgresql", {}))
        elif processor_pg:
            found["postgresql"] = (False, ("health-down-postgresql-processor", {}))
        else:
            found["postgresql"] = (True, None)
        if fresh:
            found["mqtt"] = _any_down(fresh, "mqtt", ("health-down-mqtt", {}))
            with_influx = [r for r in fresh if "influx" in r.links]
            if with_influx:
                found["influx"] = _any_down(with_influx, "influx", ("health-down-influx", {}))
            busy = sorted({uid for r in fresh for uid in r.panels_busy})
            if busy:
                found["panels"] = (False, ("health-down-panels", {"panels": ", ".join(busy)}))
            elif max(r.panels_total for r in fresh):
                found["panels"] = (True, None)
            rejected = sum(r.rejected_per_minute for r in fresh)
            filling = rejected >= self.options.quarantine_per_minute
            found["quarantine"] = (
                not filling,
                ("health-down-quarantine", {"count": int(rejected)}),
            )
        return found

    def _telegram(self) -> tuple[bool, Detail]:
        if self.calls.poll_result == "conflict":
            return False, ("health-down-telegram-conflict", {})
        age = self.calls.poll_age()
        return age < self.poll_stale, ("health-down-telegram-stalled", {"seconds": int(age)})

    async def _note(self, name: str, ok: bool | None, detail: Detail | None, now: float) -> None:
        link = self.links.get(name)
        if link is None or link.ok != ok:
            self.links[name] = Link(ok, now, detail if ok is False else None)
        elif ok is False:
            link.detail = detail
        if ok is False:
            start = self._down_since.setdefault(name, now)
            if name not in self._announced and now - start >= self.options.grace_seconds:
                self._announced[name] = start
                log.warning("link %s is down (%s)", name, detail)
                await self._tell(lambda tr: _down_text(name, detail, tr))
            return
        self._down_since.pop(name, None)
        if ok is True and name in self._announced:
            lasted = now - self._announced.pop(name)
            log.info("link %s is back after %.0f s", name, lasted)
            await self._tell(lambda tr: tr("health-back", link=tr(f"health-link-{name}"),
                                           duration=duration(lasted, tr)))  # fmt: skip

    async def _tell(self, text: Callable[[Translator], str]) -> None:
        """Send a message to every admin, in their language; failures are logged."""
        for admin in sorted(self.admins):
            tr = translator(self._languages.get(admin))
            reading_in(tr.locale)
            try:
                await self.bot.send_message(admin, text(tr))
            except (TelegramAPIError, ClientError, TimeoutError) as err:
                log.warning("could not tell admin %s about a link (%s)", admin, err)

    async def _learn_languages(self) -> None:
        with contextlib.suppress(Exception):
            async with self.sessions() as session:
                known = await UserRepository(session).get_many(set(self.admins))
            self._languages = {user_id: user.language for user_id, user in known.items()}

    async def _outbox(self) -> tuple[int, int, float, float] | None:
        try:
            async with self.sessions() as session:
                since = clock.now() - LAG_WINDOW
                return await OutboxRepository(session).delivery_figures(since)
        except Exception as err:  # noqa: BLE001 - shown as unknown
            log.info("health: the outbox figures could not be read (%s)", err)
            return None


def _any_down(reports: Iterable[ProcessorReport], link: str, detail: Detail) -> tuple[bool, Detail]:
    return all(r.links.get(link) is not False for r in reports), detail


def _down_text(name: str, detail: Detail | None, tr: Translator) -> str:
    key, args = detail or ("health-down-unknown", {})
    return tr("health-down", link=tr(f"health-link-{name}"), detail=tr(key, **args))
