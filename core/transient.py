"""Which failures are worth retrying: by what they are, not by where they came from.

PostgreSQL says what went wrong in its SQLSTATE. Retried: connection exceptions (class 08),
the server shutting down or starting up (57P01 admin shutdown, 57P02 crash shutdown, 57P03
cannot connect now — "the database system is starting up"), too many connections (53300),
and the two outcomes of concurrent transactions that a retry resolves, a serialization
failure (40001) and a deadlock (40P01). Lost connections to PostgreSQL or Redis and timeouts
are retried too. Anything else is a bug or bad data: retrying it would only hold up the rest.
"""

from __future__ import annotations

from typing import Final

import asyncpg
import redis.exceptions
import sqlalchemy.exc

TRANSIENT_STATES: Final = frozenset({"57P01", "57P02", "57P03", "53300", "40001", "40P01"})
_TRANSIENT_TYPES: Final[tuple[type[BaseException], ...]] = (
    OSError,
    ConnectionError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.OperationalError,  # without a SQLSTATE: the connection could not be made
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def sqlstate(err: BaseException) -> str | None:
    """The SQLSTATE of a PostgreSQL error, however it was wrapped (SQLAlchemy, asyncpg)."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(state, str) and state:
            return state
        current = getattr(current, "orig", None) or current.__cause__
    return None


class Unsettled(RuntimeError):  # noqa: N818 - a kind of failure, not one failure
    """A failure that leaves what was being written unwritten and unacknowledged (retried
    while it lasts, never dropped): e.g. an ingest slot lost to another instance."""


def is_transient(err: BaseException) -> bool:
    """Say whether a failed write or read is worth retrying."""
    if isinstance(err, Unsettled):
        return True
    if isinstance(err, sqlalchemy.exc.DBAPIError) and err.connection_invalidated:
        return True
    state = sqlstate(err)
    if state is not None:
        return state.startswith("08") or state in TRANSIENT_STATES
    if "starting up" in str(err):  # said before a session exists: no SQLSTATE to read
        return True
    return isinstance(err, _TRANSIENT_TYPES)
