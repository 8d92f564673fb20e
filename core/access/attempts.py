"""Rate limit of failed attempts (wrong claim codes) per user, counted in Redis."""

from __future__ import annotations

from redis.asyncio import Redis

from core.errors import DomainError


class TooManyAttemptsError(DomainError):
    """The user tried too many wrong codes; `minutes` says how long to wait."""

    key = "error-too-many-attempts"


class AttemptLimiter:
    """At most `limit` failures per `window` seconds under one key per user."""

    def __init__(
        self,
        redis: Redis,
        key_prefix: str,
        *,
        limit: int = 5,
        window: int = 900,
        lock: int | None = None,
    ) -> None:
        self._redis = redis
        self._prefix = key_prefix
        self.limit = limit
        self.window = window
        self.lock = lock  # once over the limit, locked for this long from the last failure

    def _key(self, user_id: int) -> str:
        return f"{self._prefix}:{user_id}"

    async def check(self, user_id: int) -> None:
        """Raise TooManyAttemptsError when the user is over the limit."""
        key = self._key(user_id)
        count = await self._redis.get(key)
        if count is not None and int(count) >= self.limit:
            ttl = await self._redis.ttl(key)
            raise TooManyAttemptsError(minutes=max(1, -(-max(ttl, 1) // 60)))

    async def take(self, user_id: int) -> int:
        """Take one try before it is checked: counted first, in one atomic step, so that
        concurrent attempts can never get more tries than the limit (checking, then counting
        a failure, let 100 concurrent wrong codes through 11 times against a limit of 5).
        Raise TooManyAttemptsError when none is left; return the tries left after this one.
        A try that succeeds is followed by `reset`, one that proved nothing by `refund`."""
        key = self._key(user_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, self.window, nx=True)
        pipe.ttl(key)
        count, _, ttl = await pipe.execute()
        if int(count) > self.limit:
            raise TooManyAttemptsError(minutes=max(1, -(-max(int(ttl), 1) // 60)))
        if self.lock is not None and int(count) >= self.limit:
            await self._redis.expire(key, self.lock)
        return self.limit - int(count)

    async def refund(self, user_id: int) -> None:
        """Give back a try that proved nothing (an expired code, a panel that did not answer)."""
        key = self._key(user_id)
        if int(await self._redis.decr(key)) <= 0:
            await self._redis.delete(key)

    async def reset(self, user_id: int) -> None:
        """Forget the user's failures after a success."""
        await self._redis.delete(self._key(user_id))
