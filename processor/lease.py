"""One active processor per ingest slot; the others stand by and take over.

A deployment has `PROCESSOR_SLOTS` ingest slots (1 unless configured), each an MQTT session
of its own: slot 1 is `MQTT_CLIENT_ID`, slot k is `MQTT_CLIENT_ID-k`. What the broker kept
for a session, and what it sends again after a crash, goes to whichever instance holds its
slot — and the packet ids it resends are the ones `mqtt_receipts` knows. Two clients with
one id would throw each other off the broker, so an instance runs only while it holds a
slot's lease: a PostgreSQL advisory lock on the slot's client id, held on a connection of
its own. It takes the lowest free slot; when every slot is taken it stands by. When a holder
dies its connection closes and the lock is free at once; a standby asks every second. A
holder whose connection fails (PostgreSQL restarted) stops and asks again.

PostgreSQL is the judge because nothing is ingested without it anyway. A holder that is
frozen (stopped, or its event loop stuck) keeps its connection — the kernel still answers for
it — and with it the lock. So the holder touches its lock connection every `CHECK_SECONDS`,
and a standby that finds the lock's connection untouched for `FROZEN_SECONDS` ends it
(`pg_terminate_backend`, allowed between sessions of one role): the lock is free, the standby
takes the slot, and its MQTT connection with the same client id makes the broker drop the
frozen one's. Should the frozen one wake, its lease check fails and it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import asyncpg
import sqlalchemy.exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from core.transient import Unsettled

log = logging.getLogger(__name__)

# What a lost or refused connection raises.
_LOST = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    sqlalchemy.exc.DBAPIError,
    sqlalchemy.exc.InterfaceError,
)
ASK_SECONDS = 1.0  # a standby asks for the lock this often
CHECK_SECONDS = 2.0  # the holder checks its connection this often
FROZEN_SECONDS = 15.0  # a holder silent this long on its lock connection is ended

# The backend holding the advisory lock of a slot, if its session has been idle longer than
# the limit (advisory keys of one bigint are split into classid (high) and objid (low) bits).
_FROZEN_HOLDER = text("""
SELECT a.pid, a.application_name FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext(:name)::bigint
  AND a.pid <> pg_backend_pid() AND a.state = 'idle'
  AND a.state_change < now() - make_interval(secs => :seconds)
""")
# Every session of a frozen instance: its writes may hold row locks the others wait for.
_END_INSTANCE = text("""
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE (pid = :pid OR (application_name = :app AND :app LIKE 'dozor-processor-%'))
  AND pid <> pg_backend_pid()
""")
# Whether another session holds a lease's lock (checked in each batch's transaction): the
# slot went to another instance. Nobody holding it (PostgreSQL just restarted, the lease
# reconnecting) is not that.
_TAKEN = text("""
SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid <> :pid AND locktype = 'advisory' AND granted
  AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = hashtext(:name)::bigint)
""")


class LeaseLostError(Unsettled):
    """The instance no longer holds its ingest slot (ended as frozen, or PostgreSQL
    restarted): what it received is neither written nor acknowledged — retried until the
    instance stops, then left in the broker for whoever holds the slot next."""


@dataclass(frozen=True, slots=True)
class Fence:
    """What proves, inside a transaction, that this instance still holds its slot."""

    pid: int  # the lease's session
    name: str  # the lock's name

    async def check(self, session: AsyncSession) -> None:
        """Raise LeaseLostError when another instance's session holds the slot's lock."""
        if await session.scalar(_TAKEN, {"pid": self.pid, "name": self.name}):
            raise LeaseLostError(self.name)


class ProcessorLease:
    """The lock that makes one instance the active one for an ingest slot."""

    def __init__(
        self,
        database_url: str,
        client_id: str,
        slots: int = 1,
        frozen_seconds: float = FROZEN_SECONDS,
        instance: str = "",
    ) -> None:
        # The same URL as everything else (its TLS and other options), one connection, named
        # like the instance's other sessions so that a frozen instance's can all be ended.
        settings = {"application_name": instance} if instance else {}
        self._engine = create_async_engine(
            database_url,
            poolclass=NullPool,
            connect_args={"timeout": 10, "server_settings": settings},
        )
        self.fence: Fence | None = None
        self._client_id = client_id
        self._slots = slots
        self.frozen_seconds = frozen_seconds
        self.slot = 0  # the slot held (1…slots), 0 while none
        self._conn: AsyncConnection | None = None

    @property
    def session(self) -> str:
        """The MQTT client id of the slot held."""
        return slot_client_id(self._client_id, self.slot or 1)

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this instance holds a slot; False when `stop` came first."""
        told = False
        while not stop.is_set():
            try:
                if await self._try():
                    if told:
                        log.info("took over the ingest of %s", self.session)
                    return True
                if not told:
                    log.info("standing by: every ingest slot of %s is taken", self._client_id)
                    told = True
            except _LOST as err:  # PostgreSQL unreachable or restarting: ask again
                await self._drop()
                log.warning("cannot ask for the ingest lease (%s); asking again", err)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), ASK_SECONDS)
        return False

    async def take(self, slot: int) -> bool:
        """Take slot `slot` now if it is free (to end its session); False when held."""
        try:
            return await self._try((slot,))
        except _LOST as err:
            await self._drop()
            log.warning("cannot ask for ingest slot %d (%s)", slot, err)
            return False

    async def _try(self, slots: tuple[int, ...] = ()) -> bool:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = await self._engine.connect()
        for slot in slots or range(1, self._slots + 1):
            name = f"dozor:processor:{slot_client_id(self._client_id, slot)}"
            got = await self._conn.scalar(
                text("SELECT pg_try_advisory_lock(hashtext(:name))"), {"name": name}
            )
            await self._conn.commit()  # a session lock: it outlives the transaction
            if got:
                self.slot = slot
                pid = await self._conn.scalar(text("SELECT pg_backend_pid()"))
                await self._conn.commit()
                self.fence = Fence(int(pid or 0), name)
                return True
            await self._end_frozen_holder(name)
        return False

    async def _end_frozen_holder(self, name: str) -> None:
        """End the session holding `name` when it has not been touched for FROZEN_SECONDS
        (its process is frozen); the lock is then free at the next ask."""
        assert self._conn is not None  # noqa: S101 - connected by the caller
        frozen = (
            await self._conn.execute(_FROZEN_HOLDER, {"name": name, "seconds": self.frozen_seconds})
        ).first()
        if frozen is not None:
            pid, app = frozen
            ended = await self._conn.scalar(_END_INSTANCE, {"pid": pid, "app": app or ""})
            log.warning("the holder of %s is frozen (session %s silent for %.0f s): ended its "
                        "%s sessions", name, pid, self.frozen_seconds, ended)  # fmt: skip
        await self._conn.commit()

    async def watch(self, lost: asyncio.Event) -> None:
        """Check the holder's connection until it fails, then set `lost`."""
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            conn = self._conn
            try:
                if conn is not None:
                    await asyncio.wait_for(conn.scalar(text("SELECT 1")), CHECK_SECONDS * 2)
                    await conn.commit()
            except _LOST as err:  # the connection failed: the lock went with it
                log.warning("lost the ingest lease of %s (%s)", self.session, err)
                await self._drop()
                lost.set()
                return
            if conn is None:  # released meanwhile
                lost.set()
                return

    async def release(self) -> None:
        """Give the lease up (closing the connection frees the lock)."""
        await self._drop()
        await self._engine.dispose()

    async def _drop(self) -> None:
        conn, self._conn, self.slot = self._conn, None, 0
        if conn is not None:
            with contextlib.suppress(*_LOST):
                await asyncio.wait_for(conn.invalidate(), 5)  # closed, never given back


def slot_client_id(client_id: str, slot: int) -> str:
    """The MQTT client id of ingest slot `slot` (slot 1 is `client_id` itself)."""
    return client_id if slot == 1 else f"{client_id}-{slot}"
