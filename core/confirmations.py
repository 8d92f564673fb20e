"""One way to ask "are you sure?": a confirmation held on the server.

Asking stores what is to be done (a `Pending`) under a random nonce in Redis; the "yes"
button carries only that nonce. Taking it checks that the nonce exists (it expires, 30 s by
default), that the person pressing is the one who was asked, and that it is the kind of action
the handler carries out; then it is used up, so a second press, a forged nonce or someone
else's "yes" does nothing. Core services decide when a confirmation is needed and take it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from secrets import token_urlsafe
from typing import Any, Final

import orjson
from redis.asyncio import Redis

from core.errors import DomainError
from core.redis_keys import RedisKeys

CONFIRM_SECONDS: Final = 30


class Intent(StrEnum):
    """What a confirmation is for."""

    COMMAND = "command"  # a critical device command (`subject`: its name)
    RELAY_OFF = "relay_off"  # a critical relay channel switched off (`subject`: the channel)
    REVOKE = "revoke"  # a member's access taken away (`subject`: their user id)
    TRANSFER = "transfer"  # ownership handed over (`subject`: the new owner's user id)
    REMOVE = "remove"  # the device removed for good
    PANEL = "panel"  # an alarm panel action (`data`: the proposal)
    FIRMWARE = "firmware"  # a device's own firmware update (`subject`: the version)


class ConfirmationExpiredError(DomainError):
    """The confirmation was not given in time, was used already, or never existed."""

    key = "confirmation-expired"


class NotYoursError(DomainError):
    """Someone pressed a confirmation that another person was asked for."""

    key = "confirmation-not-yours"


@dataclass(frozen=True, slots=True)
class Pending:
    """An action waiting for its requester's "yes"."""

    intent: Intent
    user_id: int
    device_id: int
    subject: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        """The stored form."""
        return orjson.dumps(
            {
                "intent": self.intent.value,
                "user_id": self.user_id,
                "device_id": self.device_id,
                "subject": self.subject,
                "data": self.data,
            }
        )

    @classmethod
    def decode(cls, raw: bytes | str) -> Pending | None:
        """Read a stored confirmation; None when it is not one."""
        try:
            body = orjson.loads(raw)
            return cls(
                Intent(body["intent"]),
                int(body["user_id"]),
                int(body["device_id"]),
                str(body.get("subject", "")),
                dict(body.get("data") or {}),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None


class Confirmations:
    """Holds confirmations for the person asked, single use and expiring."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def ask(self, pending: Pending, seconds: int = CONFIRM_SECONDS) -> str:
        """Keep `pending` for its requester's "yes"; return the nonce the button carries."""
        nonce = token_urlsafe(9)
        await self._redis.set(self._keys.confirmation(nonce), pending.encode(), ex=seconds)
        return nonce

    async def take(
        self,
        user_id: int,
        nonce: str,
        intent: Intent,
        *,
        device_id: int | None = None,
        subject: str | None = None,
        keep_for: int | None = None,
    ) -> Pending:
        """The action behind a "yes", for the person who was asked only, and used up —
        unless `keep_for` keeps it that many seconds more (while a code is typed).

        With `device_id` or `subject`, a "yes" given for another device or subject (another
        command, channel or member) is refused, and used up all the same.
        """
        key = self._keys.confirmation(nonce)
        raw = await self._redis.get(key) if nonce else None
        pending = Pending.decode(raw) if raw is not None else None
        if pending is None or pending.intent is not intent:
            raise ConfirmationExpiredError
        if device_id is not None and pending.device_id != device_id:
            raise ConfirmationExpiredError
        if pending.user_id != user_id:
            raise NotYoursError
        if keep_for is not None:
            await self._redis.expire(key, keep_for)
        elif not await self._redis.delete(key):
            raise ConfirmationExpiredError  # pressed twice: the first press used it
        if subject is not None and pending.subject != subject:
            raise ConfirmationExpiredError
        return pending
