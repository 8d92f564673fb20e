"""Consume the command stream: publish configs and commands to devices, route their answers.

Every processor instance reads the stream in one consumer group, so each request is taken by
one instance. An entry is acknowledged only once its MQTT publish went through; entries left
unacknowledged by an instance that died are claimed by another after `claim_idle_ms`.
A command whose deadline passed is not sent late: nobody waits for it any more, and a restart
arriving a minute after the button was pressed would surprise everyone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.cancellation import being_cancelled
from core.commands.bus import CommandBus
from core.commands.messages import CommandResult, StreamEntry, decode_entry
from core.devices.configuration import wire_config
from core.devices.kinds import kind_of
from core.devices.repository import DeviceRepository
from core.devices.shelly import SWITCH_COMMAND, UPDATE_COMMAND, RelayPress
from core.redis_keys import RedisKeys
from core.transient import is_transient
from drivers.generic.topics import topic
from drivers.readings import CommandAck
from processor.accounts import AccountError, BrokerAccounts
from processor.mqtt.publisher import Publisher

log = logging.getLogger(__name__)
CLAIM_IDLE_MS = 5_000
READ_BLOCK_MS = 1_000
SENT_MEMORY_SECONDS = 300.0


class CommandExecutor:
    """Takes requests off the stream and carries them out; forwards device answers."""

    def __init__(  # noqa: PLR0913 - the executor's collaborators
        self,
        redis: Redis,
        keys: RedisKeys,
        sessions: async_sessionmaker[AsyncSession],
        publisher: Publisher,
        rules_changed: Callable[[int], None] | None = None,
        removed: Callable[[str], None] | None = None,
        shelly: Callable[[StreamEntry], Awaitable[None]] | None = None,
        *,
        claim_idle_ms: int = CLAIM_IDLE_MS,
        accounts: BrokerAccounts | None = None,
    ) -> None:
        self._claim_idle_ms = claim_idle_ms
        self._accounts = accounts  # removed devices lose their broker account
        self._redis = redis
        self._keys = keys
        self._sessions = sessions
        self._publisher = publisher
        self._bus = CommandBus(redis, keys)
        self._consumer = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._sent: dict[str, tuple[str, float]] = {}  # command id → (uid, when sent)
        self._rules_changed = rules_changed  # the alert engine re-reads thresholds
        self._removed = removed  # ingest forgets the device
        self._shelly = shelly  # Shelly relay presses and updates go to the Shelly side

    async def run(self, stop: asyncio.Event) -> None:
        """Process the stream until `stop` (or cancelled); survive Redis restarts.

        `stop` is checked as well as cancellation: on Python 3.11 a cancel that meets the
        timeout of a blocking Redis read can turn into a TimeoutError and be lost.
        """
        backoff = 1.0
        while not stop.is_set():
            try:
                await self._ensure_group()
                await self._claim_abandoned()
                while not stop.is_set():
                    await self._read_once(">")
                    backoff = 1.0
            except (RedisError, OSError) as err:
                if being_cancelled() or stop.is_set():  # a cancelled read looks like this
                    raise asyncio.CancelledError from err
                log.warning("command stream unavailable (%s); retrying in %.0f s", err, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    async def _ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(
                self._keys.command_stream, self._keys.command_group, id="0", mkstream=True
            )
        except ResponseError as err:
            if "BUSYGROUP" not in str(err):
                raise

    async def _claim_abandoned(self) -> None:
        """Take over entries another (dead) instance read but never acknowledged."""
        reply: list[Any] = await self._redis.xautoclaim(
            self._keys.command_stream,
            self._keys.command_group,
            self._consumer,
            min_idle_time=self._claim_idle_ms,
            start_id="0",
            count=100,
        )
        for entry_id, fields in reply[1]:
            await self._handle(entry_id, fields)

    async def _read_once(self, start: str) -> None:
        answer: Any = await self._redis.xreadgroup(
            self._keys.command_group,
            self._consumer,
            {self._keys.command_stream: start},
            count=100,
            block=READ_BLOCK_MS,
        )
        for _, entries in answer or []:
            for entry_id, fields in entries:
                await self._handle(entry_id, fields)
        if not answer:  # idle: a moment to look for abandoned entries
            await self._claim_abandoned()

    async def _handle(self, entry_id: bytes, fields: dict[bytes, bytes]) -> None:
        entry = decode_entry(fields)
        try:
            if entry is None:
                log.warning("dropping malformed command stream entry %s", entry_id)
            elif entry.kind == "config":
                await self._push_config(entry)
            elif entry.kind == "forget":
                await self._forget(entry)
            else:
                await self._send_command(entry)
        except TimeoutError:
            log.warning("broker did not take entry %s in time; it stays pending", entry_id)
            return
        except Exception as err:  # no entry may stop the processor
            if is_transient(err):  # PostgreSQL restarting, a deadlock…: taken again later
                log.warning("entry %s stays pending: %s", entry_id, err)
                return
            log.exception("dropping command stream entry %s", entry_id)
        await self._redis.xack(self._keys.command_stream, self._keys.command_group, entry_id)

    async def _push_config(self, entry: StreamEntry) -> None:
        """Publish the device's current config (the latest version, whatever the entry saw)."""
        async with self._sessions() as session:
            devices = DeviceRepository(session)
            row, device = await devices.config(entry.device_id), await devices.get(entry.device_id)
        if row is None or device is None:
            return
        if self._rules_changed is not None:
            self._rules_changed(entry.device_id)
        if kind_of(device.type_code).settings_on_server:
            return  # its settings are the server's own (alert limits, silence interval)
        payload = orjson.dumps(wire_config(row.config, row.version))
        await self._publisher.publish(topic(entry.uid, "config"), payload, retain=True)
        log.info("config version %s published to %s", row.version, entry.uid)

    async def _forget(self, entry: StreamEntry) -> None:
        """A device was removed: its broker account goes (its connection is dropped), then
        what is cached of it and its retained config. When the broker cannot delete the
        account now, the entry stays pending and is taken again later."""
        if self._accounts is not None:
            try:
                await self._accounts.remove(entry.uid)
            except AccountError as err:
                log.warning("broker account of %s not deleted yet (%s)", entry.uid, err)
                raise TimeoutError from err
        if self._removed is not None:
            self._removed(entry.uid)
        if self._rules_changed is not None:
            self._rules_changed(entry.device_id)
        await self._publisher.publish(topic(entry.uid, "config"), b"", retain=True)
        log.info("device %s removed; forgotten", entry.uid)

    async def _send_command(self, entry: StreamEntry) -> None:
        now = clock.now().timestamp()
        if entry.deadline and now > entry.deadline:
            log.info("command %s for %s expired before it could go", entry.command, entry.uid)
            return
        if entry.command == SWITCH_COMMAND:
            await self._switch(entry)
            return
        if entry.command == UPDATE_COMMAND:
            await self._to_shelly(entry)
            return
        body = {
            "id": entry.command_id,
            "command": entry.command,
            "params": entry.params,
            "timestamp": int(now),
        }
        self._remember(entry.command_id, entry.uid)
        await self._publisher.publish(topic(entry.uid, "commands"), orjson.dumps(body))

    async def _switch(self, entry: StreamEntry) -> None:
        if RelayPress.of(entry.params) is None:
            log.warning("dropping a malformed relay press for %s: %s", entry.uid, entry.params)
            return
        await self._to_shelly(entry)

    async def _to_shelly(self, entry: StreamEntry) -> None:
        if self._shelly is None:
            log.warning("no Shelly support here; dropping %s for %s", entry.command, entry.uid)
            return
        await self._shelly(entry)

    def _remember(self, command_id: str, uid: str) -> None:
        now = clock.monotonic()
        self._sent = {k: v for k, v in self._sent.items() if now - v[1] < SENT_MEMORY_SECONDS}
        self._sent[command_id] = (uid, now)

    async def record_ack(self, ack: CommandAck) -> None:
        """Pass a device's answer to the waiting bot, if this instance sent that command."""
        sent = self._sent.pop(ack.command_id, None)
        if sent is None:
            return  # another instance sent it (and hears the answer too), or it is stale
        if sent[0] != ack.uid:
            log.warning("device %s answered command %s of another device", ack.uid, sent[0])
            self._sent[ack.command_id] = sent
            return
        result = CommandResult(ack.command_id, ack.ok, ack.error, clock.now().timestamp())
        try:
            await self._bus.post_result(result)
        except RedisError as err:
            log.warning("could not hand over the result of %s (%s)", ack.command_id, err)
