"""Live views: a message per chat edited as new telemetry of its device arrives.

An edit happens at most once per `edit_interval` per chat, and only when the readings shown
changed; a view ends by itself after `lifetime`. Views live in this bot instance's memory: the
instance that received /live is the one that edits (with polling there is one receiver).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from html import escape

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import LiveStop
from bot.flood import background
from bot.i18n import Translator
from bot.render import devices as render
from core import clock
from core.cancellation import being_cancelled
from core.devices.overview import DeviceOverview, DeviceView
from core.errors import AccessDenied
from core.live.store import decode_events
from core.redis_keys import RedisKeys

log = logging.getLogger(__name__)
TICK_SECONDS = 0.25


@dataclass(slots=True)
class LiveOptions:
    """How often a live view may be edited and how long it lasts."""

    edit_interval: float = 3.0
    lifetime: float = 600.0


@dataclass(slots=True)
class _View:
    chat_id: int
    user_id: int
    device_id: int
    device_name: str
    message_id: int
    tr: Translator
    zone: tzinfo
    started: float
    shown: tuple[object, ...]
    last_edit: float
    dirty: bool = False
    not_before: float = 0.0
    edits: int = field(default=0)


class LiveViews:
    """All live views of this bot instance and the task that keeps them current."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        overview: DeviceOverview,
        redis: Redis,
        keys: RedisKeys,
        options: LiveOptions | None = None,
        listeners: Sequence[Callable[[int], Awaitable[None]]] = (),
    ) -> None:
        self._bot = bot
        self._sessions = sessions
        self._overview = overview
        self._redis = redis
        self._keys = keys
        self.options = options or LiveOptions()
        self._views: dict[int, _View] = {}
        # Others interested in device announcements (one subscription serves them all).
        self._listeners = tuple(listeners)

    def active(self, chat_id: int) -> bool:
        """Say whether a chat has a live view."""
        return chat_id in self._views

    async def start(
        self, chat_id: int, user_id: int, view: DeviceView, tr: Translator, zone: tzinfo
    ) -> None:
        """Send the live message and start editing it; an older view of the chat ends."""
        await self.stop(chat_id)
        ctx = render.now_context(tr, zone)
        text = render.live_view(view, ctx, self._footer(ctx))
        message = await self._bot.send_message(chat_id, text, reply_markup=_stop_button(tr))
        now = clock.monotonic()
        self._views[chat_id] = _View(
            chat_id,
            user_id,
            view.device.id,
            view.device.name,
            message.message_id,
            tr,
            zone,
            started=now,
            shown=_shown(view),
            last_edit=now,
        )

    async def stop(self, chat_id: int) -> bool:
        """End the chat's live view; return whether there was one."""
        view = self._views.pop(chat_id, None)
        if view is None:
            return False
        await self._finish(view, view.tr("live-stopped-footer", time=_now(view.zone)))
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the events channel and edit views until `stop` (or cancelled); survive Redis
        restarts.

        `stop` is checked as well as cancellation: on Python 3.11 a cancel that meets the
        timeout of a Redis read can turn into a TimeoutError and be lost.
        """
        background.set(True)  # edits skip a chat under a flood wait instead of waiting
        backoff = 1.0
        while not stop.is_set():
            try:
                async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._keys.events_channel)
                    backoff = 1.0
                    self._mark_all_dirty()  # catch up on anything missed while away
                    await self._follow(pubsub, stop)
            except (RedisError, OSError) as err:
                if being_cancelled() or stop.is_set():  # a cancelled read looks like this
                    raise asyncio.CancelledError from err
                log.warning("live views lost Redis (%s); resubscribing in %.0f s", err, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    async def _follow(self, pubsub: PubSub, stop: asyncio.Event) -> None:
        while not stop.is_set():
            message = await pubsub.get_message(timeout=TICK_SECONDS)
            if message is not None:
                for event in decode_events(message["data"]):
                    self._mark_dirty(event.device_id)
                    await self._tell_listeners(event.device_id)
            await self._tick()

    async def _tell_listeners(self, device_id: int) -> None:
        for listener in self._listeners:
            try:
                await listener(device_id)
            except Exception:  # one listener's failure must not end the live views
                log.exception("listener of device %s failed", device_id)

    def _mark_dirty(self, device_id: int) -> None:
        for view in self._views.values():
            if view.device_id == device_id:
                view.dirty = True

    def _mark_all_dirty(self) -> None:
        for view in self._views.values():
            view.dirty = True

    async def _tick(self) -> None:
        now = clock.monotonic()
        for view in list(self._views.values()):
            if now - view.started >= self.options.lifetime:
                await self._expire(view)
            elif self._due(view, now):
                await self._refresh(view, now)

    def _due(self, view: _View, now: float) -> bool:
        waited = now - view.last_edit >= self.options.edit_interval
        return view.dirty and waited and now >= view.not_before

    async def _refresh(self, view: _View, now: float) -> None:
        view.dirty = False
        try:
            async with self._sessions() as session:
                current = await self._overview.device(session, view.user_id, view.device_id)
        except AccessDenied:
            self._views.pop(view.chat_id, None)
            await self._finish(view, view.tr("live-access-ended", time=_now(view.zone)))
            return
        shown = _shown(current)
        if shown == view.shown:
            return
        ctx = render.now_context(view.tr, view.zone)
        text = render.live_view(current, ctx, self._footer(ctx))
        await self._edit(view, text, _stop_button(view.tr))
        view.shown, view.last_edit, view.edits = shown, now, view.edits + 1

    async def _expire(self, view: _View) -> None:
        self._views.pop(view.chat_id, None)
        minutes = str(round(self.options.lifetime / 60))
        footer = view.tr("live-expired-footer", minutes=minutes, time=_now(view.zone))
        await self._finish(view, footer)
        with contextlib.suppress(TelegramAPIError):
            note = view.tr("live-expired-note", name=escape(view.device_name), minutes=minutes)
            await self._bot.send_message(view.chat_id, note)

    async def _finish(self, view: _View, footer: str) -> None:
        """Replace the footer of a view's message with when and why it ended (its readings
        are as of then) and take its Stop button away."""
        async with self._sessions() as session:
            try:
                current = await self._overview.device(session, view.user_id, view.device_id)
            except AccessDenied:
                await self._edit(view, footer)
                return
        ctx = render.now_context(view.tr, view.zone)
        await self._edit(view, render.live_view(current, ctx, footer))

    async def _edit(
        self, view: _View, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        try:
            await self._bot.edit_message_text(
                text=text, chat_id=view.chat_id, message_id=view.message_id, reply_markup=markup
            )
        except TelegramRetryAfter as err:
            view.not_before = clock.monotonic() + err.retry_after
            view.dirty = True
        except TelegramBadRequest as err:
            if "message is not modified" in err.message:
                return
            log.info("live view of chat %s ended: %s", view.chat_id, err.message)
            self._views.pop(view.chat_id, None)
        except TelegramAPIError as err:
            log.warning("live view edit failed in chat %s: %s", view.chat_id, err)
            view.dirty = True

    @staticmethod
    def _footer(ctx: render.RenderContext) -> str:
        return ctx.tr("live-footer", time=f"{ctx.now.astimezone(ctx.zone):%H:%M:%S}")


def _stop_button(tr: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("live-button-stop"), callback_data=LiveStop())
    return builder.as_markup()


def _now(zone: tzinfo) -> str:
    return f"{clock.now().astimezone(zone):%H:%M:%S}"


def _shown(view: DeviceView) -> tuple[object, ...]:
    """What the reader sees change: readings and online state (not the clock)."""
    return (tuple(sorted(view.live.values.items())), view.device.is_online)
