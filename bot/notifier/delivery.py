"""Deliver outbox rows: one chat at a time under its locks, paced, retried, never twice.

A chat's due rows are locked (advisory lock per chat plus row locks) in a short transaction
that sends them and marks them sent before committing. If the bot dies mid-way the rows stay
pending and go out after the restart; only a crash in the milliseconds between Telegram's
answer and the commit can repeat a message, and nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta, tzinfo

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup
from aiohttp import ClientError
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.flood import background
from bot.i18n import Translator, translator
from bot.keyboards.alerts import alert_buttons, combined_buttons, open_only
from bot.notifier.pacing import Pacer
from bot.render.alerts import (
    Entry,
    alert_text,
    combined_text,
    digest_text,
    entries_of,
    over,
)
from bot.render.notices import notice_text
from bot.render.split import fits
from bot.render.time import reading_in
from core import clock
from core.alerts.service import sent_alerts
from core.broadcasts.repository import BroadcastRepository
from core.cancellation import being_cancelled, cancel_and_wait
from core.outbox.models import BROADCAST_LANE, OutboxMessage
from core.outbox.notices import NOTICE_EVENT
from core.outbox.payloads import (
    AlertPayload,
    ArmingPayload,
    BroadcastPayload,
    DigestPayload,
    EpisodePayload,
    Event,
    NoticePayload,
    Payload,
    PayloadError,
    decode,
)
from core.outbox.repository import OutboxRepository
from core.redis_keys import RedisKeys
from core.users.models import User
from core.users.quiet_hours import quiet_until
from core.users.repository import UserRepository

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300


class BroadcastGoneError(LookupError):
    """A broadcast row that no longer exists."""


MAX_PER_MESSAGE = 25
# Telegram lets bots edit their messages for 48 hours; stay well inside that.
EDITABLE_FOR = timedelta(hours=24)
# Rows this old when they finally go out were held up (the bot was down, Telegram refused):
# they are summarised as such rather than replayed as if they were news.
STALE_AFTER = timedelta(minutes=2)
# Never combined with alerts, nor with each other.
SOLO_EVENTS = frozenset({Event.DIGEST.value, NOTICE_EVENT, Event.BROADCAST.value})
Message = tuple[OutboxMessage, Payload]


@dataclass(slots=True)
class DeliveryOptions:
    """How often to look without a wake-up, and Telegram's limits."""

    poll_seconds: float = 1.0
    overall_per_second: float = 30.0
    per_chat_seconds: float = 1.0
    send_timeout: float = 15.0  # an unanswered send is retried later like a network error
    # Broadcasts go a few chats at a time between looks for alerts, within this share of the
    # overall budget: an alert raised during a broadcast never waits behind it.
    broadcast_chats_per_round: int = 5
    broadcast_share: float = 0.8


class OutboxNotifier:
    """The delivery loop of one bot instance."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        redis: Redis,
        keys: RedisKeys,
        default_tz: str,
        options: DeliveryOptions | None = None,
    ) -> None:
        self._bot = bot
        self._sessions = sessions
        self._redis = redis
        self._keys = keys
        self._default_tz = default_tz
        self.options = options or DeliveryOptions()
        self._pacer = Pacer(
            redis, keys, self.options.overall_per_second, self.options.per_chat_seconds
        )
        self._wake = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop`: on a wake-up from the processor, and every poll interval.

        A round in progress finishes before it stops, so no send is cut off half-recorded.
        Its calls never wait out a flood wait (`bot.flood`): the chat is postponed instead.
        """
        background.set(True)  # this task's context only
        listener = asyncio.create_task(self._listen(stop))
        try:
            while not stop.is_set():
                try:
                    delivered = await self.deliver_once()
                except Exception:  # a database outage must not end delivery for good
                    log.exception("outbox delivery round failed; retrying")
                    delivered = 0
                if not delivered:
                    await self._idle(stop)
        finally:
            await cancel_and_wait(listener)

    async def _idle(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())]
        await asyncio.wait(
            waiters, timeout=self.options.poll_seconds, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in waiters:
            waiter.cancel()
        self._wake.clear()

    async def _listen(self, stop: asyncio.Event) -> None:
        """Turn publishes on the outbox channel into wake-ups until `stop` (only Redis)."""
        while not stop.is_set():
            try:
                async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._keys.outbox_channel)
                    while not stop.is_set():
                        if await pubsub.get_message(timeout=1.0) is not None:
                            self._wake.set()
            except (RedisError, OSError) as err:
                if being_cancelled() or stop.is_set():  # a cancelled read looks like this
                    raise asyncio.CancelledError from err
                log.info("outbox wake-ups unavailable (%s); polling meanwhile", err)
                await asyncio.sleep(self.options.poll_seconds * 5)

    async def deliver_once(self) -> int:
        """Send what is due now to every chat that may receive (alerts and notices first, then
        a few chats' broadcasts); return how many rows."""
        async with self._sessions() as session:
            outbox = OutboxRepository(session)
            chats = await outbox.due_chats(busy=self._pacer.busy_chats())
            if not chats:  # broadcasts only when no alert waits
                chats = await outbox.due_chats(
                    busy=self._pacer.busy_chats(),
                    limit=self.options.broadcast_chats_per_round,
                    lane=BROADCAST_LANE,
                )
        delivered = 0
        for chat in chats:
            delivered += await self._deliver_chat(chat)
        return delivered

    async def _deliver_chat(self, chat: int) -> int:
        async with self._sessions() as session, session.begin():
            outbox = OutboxRepository(session)
            # One message lists at most MAX_PER_MESSAGE alerts, and fewer when they would
            # not fit in Telegram's 4,096 characters; the rest stay pending and follow.
            rows = _one_message(await outbox.lock_chat(chat, MAX_PER_MESSAGE))
            user = await UserRepository(session).get(chat) if rows else None
            reading_in(translator(user.language if user else None).locale)
            rows = await self._hold_for_quiet_hours(outbox, rows, user)
            payloads = await _decoded(outbox, rows)
            rows = [r for r in rows if r.id in payloads]
            if not rows or not await self._pacer.take_chat(chat):
                return 0
            messages = [(row, payloads[row.id]) for row in rows]
            first = messages[0][1]
            await self._pacer.before_send(
                self.options.broadcast_share if isinstance(first, BroadcastPayload) else 1.0
            )
            try:
                if isinstance(first, BroadcastPayload):
                    message_id = await self._broadcast(session, chat, first)
                else:
                    message_id, messages = await self._send(chat, messages, user)
            except (TelegramAPIError, ClientError, TimeoutError) as err:
                await self._settle_failure(session, chat, rows, err)
                return 0
            except BroadcastGoneError as err:
                await outbox.fail([r.id for r in rows], f"broadcast {err} is gone")
                return 0
            # Alerts that did not fit in the message stay pending and follow.
            rows = [row for row, _ in messages]
            await outbox.mark_sent([r.id for r in rows], message_id, clock.now())
            await self._mark_over(session, chat, messages, user, message_id)
            return len(rows)

    async def _settle_failure(
        self,
        session: AsyncSession,
        chat: int,
        rows: Sequence[OutboxMessage],
        err: Exception,
    ) -> None:
        """Decide what a failed send means for the chat's rows."""
        outbox = OutboxRepository(session)
        if isinstance(err, TelegramRetryAfter):
            until = clock.now() + timedelta(seconds=err.retry_after)
            await outbox.postpone_chat(chat, until, f"429 retry after {err.retry_after}")
        elif isinstance(err, TelegramForbiddenError):
            log.info("chat %s blocked the bot; no more messages to it", chat)
            await UserRepository(session).set_active(chat, active=False)
            await outbox.drop_chat(chat, f"403 {err.message}")
        elif isinstance(err, TelegramBadRequest) and len(rows) > 1:
            # One of them may be what Telegram refuses: each goes out alone, so the others
            # still arrive and only the one refused for itself fails.
            log.warning(
                "Telegram refused %d combined messages for chat %s: %s; sending them one by one",
                len(rows),
                chat,
                err.message,
            )
            await outbox.send_alone([r.id for r in rows], f"400 {err.message}")
        elif isinstance(err, TelegramBadRequest):
            log.warning("Telegram refused a message for chat %s: %s", chat, err.message)
            await outbox.fail([r.id for r in rows], f"400 {err.message}")
        else:  # 5xx, network, timeout: back off exponentially
            delay = min(MAX_BACKOFF_SECONDS, 2 ** (rows[0].attempts + 1))
            await outbox.postpone_chat(chat, clock.now() + timedelta(seconds=delay), str(err))

    async def _hold_for_quiet_hours(
        self, outbox: OutboxRepository, rows: Sequence[OutboxMessage], user: User | None
    ) -> Sequence[OutboxMessage]:
        """Keep non-critical rows back during the reader's quiet hours; return what goes now."""
        if user is None:
            return rows
        zone = clock.zone(user.timezone, self._default_tz)
        until = quiet_until(clock.now(), zone, user.quiet_start, user.quiet_end)
        if until is None:
            return rows
        held = [r.id for r in rows if r.severity != "critical"]
        if held:
            await outbox.hold(held, until)
        return [r for r in rows if r.severity == "critical"]

    async def _mark_over(
        self,
        session: AsyncSession,
        chat: int,
        messages: list[Message],
        user: User | None,
        just_sent: int,
    ) -> None:
        """After a recovery went out, the messages that announced the episode say it is over
        and lose their Acknowledge (best effort; the recovery itself has notified): a single
        alert gets "✅ Over at …", a combined one shows that line as over."""
        since = clock.now() - EDITABLE_FOR
        outbox = OutboxRepository(session)
        tr = translator(user.language if user else None)
        zone = clock.zone(user.timezone if user else None, self._default_tz)
        done: set[int] = {just_sent}
        for row, payload in messages:
            if not isinstance(payload, EpisodePayload) or payload.event != Event.CLOSED:
                continue
            if row.episode_id is None:
                continue
            for earlier in await outbox.deliveries_of(row.episode_id):
                message_id = earlier.message_id
                if earlier.user_id != chat or message_id is None or message_id in done:
                    continue
                if earlier.sent_at is None or earlier.sent_at < since:
                    continue  # too old to edit
                done.add(message_id)
                sent = await sent_alerts(session, chat, message_id)
                if sent.combined:
                    entries = entries_of(sent.alerts)
                    text = combined_text(entries, tr, zone)
                    markup = combined_buttons(entries, tr, sent.acknowledged)
                else:
                    text = "\n\n".join(
                        [alert_text(payload.as_opened(), tr, zone), over(payload, tr, zone)]
                    )
                    markup = open_only(payload.device_id or row.device_id or 0, tr)
                await self._edit(chat, message_id, text, markup)

    async def _edit(
        self, chat: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        await self._pacer.before_send()
        try:
            await self._bot.edit_message_text(
                text, chat_id=chat, message_id=message_id, reply_markup=markup
            )
        except TelegramAPIError as err:  # deleted, too old, or not now: it stays as it was
            log.info("could not mark message %s in chat %s as over: %s", message_id, chat, err)

    async def _broadcast(self, session: AsyncSession, chat: int, payload: BroadcastPayload) -> int:
        """Send one person's copy of a broadcast (its text, or its photo with the text as the
        caption); return the message id."""
        broadcast = await BroadcastRepository(session).get(payload.broadcast_id)
        if broadcast is None:  # removed meanwhile: its rows go with it
            raise BroadcastGoneError(payload.broadcast_id)
        timeout = int(self.options.send_timeout)
        if broadcast.photo:
            sent = await self._bot.send_photo(
                chat, broadcast.photo, caption=broadcast.text or None, request_timeout=timeout
            )
        else:
            sent = await self._bot.send_message(chat, broadcast.text, request_timeout=timeout)
        return sent.message_id

    async def _send(
        self, chat: int, messages: list[Message], user: User | None
    ) -> tuple[int, list[Message]]:
        """Send the next message of a chat; return its id and the rows it told of (alerts
        combined up to what fits in one message: the rest wait for the next)."""
        tr = translator(user.language if user else None)
        zone = clock.zone(user.timezone if user else None, self._default_tz)
        markup: InlineKeyboardMarkup | None = None
        row, first = messages[0]
        texts: list[str]
        if isinstance(first, DigestPayload):
            texts = digest_text(first, tr, zone)
        elif isinstance(first, NoticePayload):
            texts = [notice_text(first, tr)]
        elif isinstance(first, BroadcastPayload):  # sent by `_broadcast`, never here
            raise TypeError(first)
        elif len(messages) == 1:
            texts = [alert_text(first, tr, zone)]
            device_id = first.device_id or row.device_id or 0
            if isinstance(first, EpisodePayload) and first.is_opening:
                markup = alert_buttons(row.episode_id, device_id, tr, can_ack=True)
            else:
                markup = open_only(device_id, tr)
        else:
            held = any(r.held for r, _ in messages)
            stale = not held and clock.now() - row.created_at > STALE_AFTER
            messages, entries, text = _combined(messages, tr, zone, stale=stale, held=held)
            texts = [text]
            markup = combined_buttons(entries, tr) if len(messages) > 1 else None
            if len(messages) == 1:  # only the first fits: it goes as a single alert
                return await self._send(chat, messages, user)
        message_id = 0
        for n, text in enumerate(texts):  # a long digest goes in several messages
            if n:
                await self._pacer.before_send()
            message = await self._bot.send_message(
                chat,
                text,
                reply_markup=markup if n == len(texts) - 1 else None,
                request_timeout=int(self.options.send_timeout),
            )
            message_id = message.message_id
        return message_id, messages


def _combined(
    messages: list[Message], tr: Translator, zone: tzinfo, *, stale: bool, held: bool
) -> tuple[list[Message], list[Entry], str]:
    """The most of `messages` (in order) whose combined text fits in one message, their
    lines and the text. Batched by rendered length, not by count: long names take room."""
    best: tuple[list[Message], list[Entry], str] | None = None
    for count in range(2, len(messages) + 1):
        head = messages[:count]
        entries = entries_of(_alerts(head))
        text = combined_text(entries, tr, zone, unreachable=stale, quiet=held)
        if not fits(text):
            break
        best = head, entries, text
    if best is None:
        return messages[:1], [], ""
    return best


async def _decoded(outbox: OutboxRepository, rows: Sequence[OutboxMessage]) -> dict[int, Payload]:
    """Each row's payload by row id; a row whose payload does not decode is failed."""
    payloads: dict[int, Payload] = {}
    for row in rows:
        try:
            payloads[row.id] = decode(row.payload)
        except PayloadError as err:
            log.warning("outbox row %s has a malformed payload (%s); not sent", row.id, err)
            await outbox.fail([row.id], f"malformed payload: {err}")
    return payloads


def _alerts(messages: Iterable[Message]) -> list[tuple[int | None, AlertPayload]]:
    """The alerts that may be combined, with their episodes (digests and notices go alone)."""
    return [
        (row.episode_id, p) for row, p in messages if isinstance(p, EpisodePayload | ArmingPayload)
    ]


def _one_message(rows: Sequence[OutboxMessage]) -> Sequence[OutboxMessage]:
    """What goes in the next message: a digest or a notice alone, a row Telegram refused in
    company alone, or the alerts before either."""
    for index, row in enumerate(rows):
        if row.event in SOLO_EVENTS or row.alone:
            return rows[index : index + 1] if index == 0 else rows[:index]
    return rows
