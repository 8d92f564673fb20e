"""One SATEL panel's connection, held by this instance while it has the panel's lease.

The worker connects, reads the whole state (and, the first time, the panel's names), then
asks for the new-data flags every `poll_seconds` and reads only what changed; at that pace
the module's 25 s idle timeout never strikes. Each change is written to Redis (fenced by the
lease token) and to PostgreSQL (events, alert episodes, info messages; fenced the same way).
Commands from people arrive in `inbox` and are carried out between two polls.
A lost connection is retried after 1, 2, 4 … 30 s; a panel unreachable for
`offline_seconds` is marked offline and its members are told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, tzinfo
from typing import Any, Final

from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.cancellation import cancel_and_wait
from core.commands.messages import CommandResult, StreamEntry
from core.devices.models import Device
from core.devices.repository import DeviceRepository
from core.errors import DomainError
from core.panels.history import (
    Actor,
    LogEntry,
    Written,
    record_panel_changes,
    record_panel_log,
    record_panel_online,
    tell_owners_unreachable,
)
from core.panels.lease import PanelLeases
from core.panels.profile import LIMITS, PanelProfile
from core.panels.repository import PanelEventRepository
from core.panels.requests import PanelAction, PanelRequest, PanelRequestError
from core.panels.state import PanelChange, PanelSnapshot, changes, temperature_metric
from core.secrets import SecretBox
from drivers.readings import Telemetry
from drivers.satel import requests
from drivers.satel.answers import ClockStatus, LogRecord
from drivers.satel.errors import (
    PanelBusyError,
    PanelLinkError,
    PanelRefusedError,
    PanelSilentError,
    SatelCodecError,
    SatelError,
)
from drivers.satel.protocol import TROUBLE_MEMORY_READS, TROUBLE_READS, Command, Result
from drivers.satel.transport import SatelClient, SatelLink, result_text

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS: Final = 10.0  # confirmed_at is refreshed this often without changes
CLOCK_SECONDS: Final = 30.0  # the `1A` clock and status (service mode) is read this often
LOG_SECONDS: Final = 5.0  # the newest record of the panel's event log is asked this often
FIRST_LOG_RECORDS: Final = 20  # kept of a log never read before
MAX_LOG_RECORDS: Final = 100  # read back at most in one round (after a long outage)
ZONE_SOURCES: Final = frozenset({0, 1, 3})  # log classes whose source is a zone
USER_SOURCES: Final = frozenset({2, 4, 6})  # … whose source is a user
CONFIRM_SECONDS: Final = 4.0  # how long the state may take to show a command's effect
# A command's arming or disarming is credited to its sender when the panel shows it, up to
# this long after (an exit delay can be minutes); a different change of the partition first
# (a keypad) ends the claim.
ATTRIBUTION_SECONDS: Final = 300.0
MAX_BACKOFF: Final = 30.0
BUSY_RETRY_SECONDS: Final = 2.0  # while the module serves another client
WIDE_LIMIT: Final = 256  # zones and outputs of an INTEGRA 256 Plus
ZONE_FLAGS: Final = {0x00: "violated", 0x01: "tamper", 0x02: "alarm", 0x03: "tamper_alarm",
                     0x04: "alarm_memory", 0x05: "tamper_memory", 0x06: "bypassed",
                     0x28: "masked", 0x29: "masked_memory"}  # fmt: skip
PARTITION_FLAGS: Final = {0x0A: "armed", 0x2A: "mode1", 0x0B: "mode2", 0x0C: "mode3",
                          0x0E: "entry", 0x0F: "exit", 0x10: "exit", 0x13: "alarm",
                          0x14: "fire", 0x15: "alarm_memory", 0x16: "fire_memory"}  # fmt: skip


class FencedOutError(Exception):
    """Another instance holds the panel now: this worker must stop at once."""


@dataclass(frozen=True, slots=True)
class PanelContext:
    """What every panel worker of this instance shares."""

    sessions: async_sessionmaker[AsyncSession]
    leases: PanelLeases
    secrets: SecretBox
    post_result: Callable[[CommandResult], Awaitable[None]]
    wake: Callable[[], Awaitable[None]]
    announce: Callable[[list[int]], Awaitable[None]]
    poll_seconds: float = 1.0
    offline_seconds: float = 30.0
    request_timeout: float = 3.0
    tz: tzinfo = UTC  # the panels' clocks keep the deployment's local time
    # ATD-100 temperatures go where every reading goes (history, limits, InfluxDB)
    readings: Callable[[Telemetry], None] | None = None
    temperature_seconds: float = 60.0


def _troubles(state: dict[int, frozenset[int]], reads: dict[int, int]) -> frozenset[str]:
    return frozenset(
        f"{part}:{bit}"
        for part, command in enumerate(sorted(reads), start=1)
        for bit in state.get(command, frozenset())
    )


def snapshot_of(
    state: dict[int, frozenset[int]],
    at: float,
    model: str | None,
    status: ClockStatus | None = None,
    offset: float | None = None,
) -> PanelSnapshot:
    """The platform's view of the bit lists a client has read (and of its `1A` status)."""
    partitions: dict[str, frozenset[int]] = {}
    for command, flag in PARTITION_FLAGS.items():
        partitions[flag] = partitions.get(flag, frozenset()) | state.get(command, frozenset())
    partitions["exit_short"] = state.get(0x10, frozenset())  # also in "exit"
    zones = {flag: state.get(command, frozenset()) for command, flag in ZONE_FLAGS.items()}
    return PanelSnapshot(
        partitions=partitions,
        zones=zones,
        outputs=state.get(Command.OUTPUTS, frozenset()),
        troubles=_troubles(state, TROUBLE_READS),
        trouble_memory=_troubles(state, TROUBLE_MEMORY_READS),
        service_mode=status.service_mode if status else False,
        clock_offset=offset,
        connected=True,
        confirmed_at=at,
        model=model,
    )


class PanelWorker:
    """Keeps one panel connected, its state written, its commands carried out."""

    def __init__(
        self, device_id: int, uid: str, profile: PanelProfile, token: int, ctx: PanelContext
    ) -> None:
        self.device_id, self.uid, self.profile, self.token = device_id, uid, profile, token
        self.ctx = ctx
        self.inbox: asyncio.Queue[StreamEntry] = asyncio.Queue()
        self._client: SatelClient | None = None
        self._last: PanelSnapshot | None = None
        self._written_at = 0.0
        self._down_since: float | None = None
        self._offline_told = False
        self._last_answer: float | None = None  # monotonic time of the panel's last good answer
        self._watch: asyncio.Task[None] | None = None  # declares it offline when due
        self._reason: str | None = None  # why it is not connected, when known ("busy")
        # partition → (who asked, armed or disarmed, mode, until when) of a command sent
        self._claims: dict[int, tuple[Actor, bool, int, float]] = {}
        self._names_read = False
        self._status: ClockStatus | None = None
        self._offset: float | None = None
        self._status_at = -math.inf
        self._log_index: int | None = None
        self._log_loaded = False
        self._log_at = -math.inf
        self._texts: dict[tuple[int, bool], str] = {}
        self._users: dict[int, str | None] = {}
        self._temperatures: dict[int, float] = {}
        self._temperatures_at = -math.inf
        self.connections = 0

    @property
    def address(self) -> tuple[str, int]:
        """Where the panel is."""
        return self.profile.host, self.profile.port

    @property
    def connected(self) -> bool:
        """Whether the panel answers now."""
        return self.connections > 0 and self._down_since is None

    @property
    def reason(self) -> str | None:
        """Why it is not connected, when known ("busy": another client has it)."""
        return self._reason

    async def run(self) -> None:
        """Stay connected until cancelled or fenced out."""
        backoff = 1.0
        try:
            while True:
                link = SatelLink(*self.address, timeout=self.ctx.request_timeout, key=self._key())
                client = SatelClient(link)
                self._client = client
                before = self.connections
                reason = None
                try:
                    await link.open()
                    await self._serve(client)
                except SatelError as err:
                    reason = _reason(err, answered=self._last_answer is not None, key=link.key)
                    log.warning("panel %s (%s:%s): %s", self.uid, *self.address, err)
                finally:
                    await link.close()
                if self.connections > before:
                    backoff = 1.0  # it worked for a while: start the backoff again
                await self._disconnected(reason)
                # While refused, ask again soon: the other client may leave at any moment.
                busy = reason == "busy"
                await self._pause(min(backoff, BUSY_RETRY_SECONDS) if busy else backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
        except FencedOutError:
            log.warning("panel %s is held by another instance now; letting go", self.uid)
        finally:
            await self._stop_watch()

    def _key(self) -> str | None:
        """The module's integration key, when its integration is encrypted."""
        token = self.profile.integration_key
        if token is None:
            return None
        try:
            return self.ctx.secrets.decrypt(token)
        except DomainError:
            log.warning(
                "panel %s: its integration key cannot be decrypted (SECRET_KEYS?)", self.uid
            )
            return None

    async def _serve(self, client: SatelClient) -> None:
        await client.detect()  # an ETHM-1 Plus of an INTEGRA 256 Plus lists zones 1–256
        await client.read_all()
        await self._read_status(client)
        self._last_answer = clock.monotonic()
        self.connections += 1
        if not self._names_read:
            await self._read_names(client)
        await self._stop_watch()
        self._down_since, self._reason = None, None
        # online in PostgreSQL first, so whoever sees "connected" in Redis sees it online too
        await self._online(True)
        await self._publish(client, force=True)
        last_poll = clock.monotonic()
        while True:
            wait = max(0.0, self.ctx.poll_seconds - (clock.monotonic() - last_poll))
            try:
                entry = await asyncio.wait_for(self.inbox.get(), wait)
            except TimeoutError:
                entry = None
            if entry is not None:
                await self._execute(client, entry)
                continue
            last_poll = clock.monotonic()
            changed = await client.poll()
            self._last_answer = clock.monotonic()
            if self._last_answer - self._status_at > CLOCK_SECONDS:
                changed |= await self._read_status(client)
            if self._last_answer - self._log_at > LOG_SECONDS:
                await self._read_log(client)
            if self._last_answer - self._temperatures_at > self.ctx.temperature_seconds:
                changed |= await self._read_temperatures(client)
            if not self._names_read:  # `panel set --read-names` while connected
                await self._read_names(client)
            if changed or clock.monotonic() - self._written_at > HEARTBEAT_SECONDS:
                await self._publish(client)

    async def _read_status(self, client: SatelClient) -> set[int]:
        """Read the clock and status (`1A`; its flag is set every second, so it is read on a
        timer instead); return {1A} when the service mode changed."""
        self._status_at = clock.monotonic()
        status = await client.clock()
        if status is None:
            return set()
        before = self._status.service_mode if self._status else None
        self._status = status
        if status.clock is not None:
            local = clock.now().astimezone(self.ctx.tz).replace(tzinfo=None)
            self._offset = (status.clock - local).total_seconds()
        return {Command.CLOCK} if before != status.service_mode else set()

    async def _read_log(self, client: SatelClient) -> None:
        """Keep the records of the panel's event log that are new since the last one kept
        (who did what at the keypad, in the panel's words)."""
        self._log_at = clock.monotonic()
        if not self._log_loaded:
            async with self.ctx.sessions() as session:
                self._log_index = await PanelEventRepository(session).last_log_index(self.device_id)
            self._log_loaded = True
        year = clock.now().astimezone(self.ctx.tz).year
        newest = await client.log_record(requests.NEWEST_RECORD, year)
        if newest is None or newest.index == self._log_index:
            return
        limit = MAX_LOG_RECORDS if self._log_index is not None else FIRST_LOG_RECORDS
        found: list[LogRecord] = []
        record: LogRecord | None = newest
        while record is not None and record.index != self._log_index and len(found) < limit:
            found.append(record)
            if record.previous == record.index:
                break
            record = await client.log_record(record.previous, year)
        entries = [await self._log_entry(client, r) for r in reversed(found)]
        await self._record(lambda s, d: record_panel_log(s, d, self.token, entries))
        self._log_index = newest.index
        await self.ctx.announce([self.device_id])

    async def _log_entry(self, client: SatelClient, record: LogRecord) -> LogEntry:
        key = (record.code, record.restore)
        if key not in self._texts:
            text = await client.event_text(record.code, restore=record.restore)
            self._texts[key] = text or f"#{record.code}"
        who = None
        if record.event_class in ZONE_SOURCES and record.source:
            who = self.profile.name("zones", record.source)
        elif record.event_class in USER_SOURCES and record.source:
            if record.source not in self._users:
                names = await client.names(2, [record.source])
                self._users[record.source] = names[record.source].name if names else None
            who = self._users[record.source]
        return LogEntry(
            index=record.index,
            at=record.at.replace(tzinfo=self.ctx.tz).timestamp(),
            code=record.code,
            restore=record.restore,
            event_class=record.event_class,
            partition=record.partition,
            source=record.source,
            text=self._texts[key],
            who=who,
        )

    async def _read_temperatures(self, client: SatelClient) -> set[int]:
        """Read the ATD-100 zones' temperatures; hand them on as readings; return {7D} when
        one changed (the card shows them)."""
        self._temperatures_at = clock.monotonic()
        zones = sorted(self.profile.temperature_zones)
        if not zones:
            return set()
        found: dict[int, float] = {}
        for zone in zones:
            value = await client.temperature(zone)
            if value is not None:
                found[zone] = value
        self._temperatures_at = clock.monotonic()
        if found and self.ctx.readings is not None:
            metrics = {temperature_metric(z): v for z, v in found.items()}
            self.ctx.readings(Telemetry(self.uid, clock.now().timestamp(), metrics))
        changed = found != self._temperatures
        self._temperatures = found
        return {Command.TEMPERATURE} if changed else set()

    async def _pause(self, seconds: float) -> None:
        """Wait before reconnecting; commands arriving meanwhile are answered at once."""
        end = clock.monotonic() + seconds
        while (left := end - clock.monotonic()) > 0:
            try:
                entry = await asyncio.wait_for(self.inbox.get(), left)
            except TimeoutError:
                return
            await self._answer(entry, False, "unreachable")

    async def _offline_when_due(self) -> None:
        """Declare the panel offline when its time comes, whatever the reconnection attempts
        are doing meanwhile (one against a hanging module takes a whole request timeout)."""
        await asyncio.sleep(max(0.0, self._offline_due() - clock.monotonic()))
        try:
            await self._maybe_offline()
        except FencedOutError:
            log.info("panel %s: not ours any more, its offline is another's to tell", self.uid)
        except Exception:  # the main loop goes on; it tells at its next failure
            log.warning("panel %s: could not mark it offline", self.uid, exc_info=True)

    async def _stop_watch(self) -> None:
        watch, self._watch = self._watch, None
        if watch is not None and not watch.done():
            await cancel_and_wait(watch)

    def _offline_due(self) -> float:
        """When the panel is to be declared offline (monotonic; infinity when told already)."""
        if self._down_since is None or self._offline_told:
            return math.inf
        return self._down_since + self.ctx.offline_seconds

    async def _maybe_offline(self) -> None:
        if not self._offline_told and clock.monotonic() >= self._offline_due():
            self._offline_told = True
            reason = self._reason
            await self._online(False, reason)
            if self.connections == 0 and reason:  # it never answered: tell its owners why
                written = await self._record(
                    lambda s, d: tell_owners_unreachable(s, d, self.token, reason)
                )
                if written.notified:
                    await self.ctx.wake()

    # -- state ------------------------------------------------------------------------------

    async def _publish(self, client: SatelClient, *, force: bool = False) -> None:
        """Write the state; record what changed since the last state written."""
        now = clock.now().timestamp()
        new = replace(
            snapshot_of(client.state, now, self.profile.model, self._status, self._offset),
            temperatures=dict(self._temperatures),
        )
        old = self._last
        inform = True
        if old is None:
            old = await self._stored()
            inform = old is not None
        found = changes(old or PanelSnapshot(), new)
        if not await self.ctx.leases.write_state(self.device_id, self.token, new.encode()):
            raise FencedOutError
        self._last, self._written_at = new, clock.monotonic()
        if found:
            written = await self._record(
                lambda s, d: record_panel_changes(
                    s, d, self.token, found, now, credit=self._credit, inform=inform
                )
            )
            log.info(
                "panel %s: %s", self.uid, ", ".join(f"{c.kind}{c.number}={c.on}" for c in found)
            )
            if written.notified:
                await self.ctx.wake()
        if found or force:
            await self.ctx.announce([self.device_id])

    async def _stored(self) -> PanelSnapshot | None:
        """The state the last holder wrote (after a restart or a takeover)."""
        try:
            raw = await self.ctx.leases.read_state(self.device_id)
        except RedisError:
            return None
        return PanelSnapshot.decode(raw)

    def _credit(self, change: PanelChange) -> Actor | None:
        """Whose command a change of arming is the effect of: the sender's, when it is the
        change the command asked for (armed, in its mode; or disarmed); the claim is used up
        either way, so a later keypad change is nobody's."""
        if change.kind != "armed":
            return None
        claim = self._claims.pop(change.number, None)
        if claim is None:
            return None
        actor, armed, mode, until = claim
        if clock.monotonic() > until or change.on != armed:
            return None
        if armed and (change.mode or 0) != mode:
            return None
        return actor

    async def _record(self, write: Callable[[AsyncSession, Device], Awaitable[Written]]) -> Written:
        async with self.ctx.sessions() as session, session.begin():
            device = await DeviceRepository(session).get(self.device_id)
            if device is None:
                raise FencedOutError  # the panel was removed
            written = await write(session, device)
        if not written.admitted:
            raise FencedOutError
        return written

    async def _online(self, online: bool, reason: str | None = None) -> None:
        now = clock.now().timestamp()
        written = await self._record(
            lambda s, d: record_panel_online(s, d, self.token, online, now, reason)
        )
        if written.notified:
            await self.ctx.wake()

    async def _disconnected(self, reason: str | None = None) -> None:
        """Say on the card that the panel is not connected; offline `offline_seconds` after
        its last good answer (not after the first failed attempt, which a hanging module
        makes late)."""
        now = clock.monotonic()
        first = self._down_since is None
        if first:
            self._down_since = self._last_answer if self._last_answer is not None else now
            self._offline_told = False
            self._watch = asyncio.create_task(self._offline_when_due())
        if first or reason != self._reason:  # the card says why, as soon as it is known
            self._reason = reason
            base = self._last if self._last is not None else PanelSnapshot()
            gone = replace(base, connected=False, reason=reason)
            with contextlib.suppress(RedisError):
                if not await self.ctx.leases.write_state(self.device_id, self.token, gone.encode()):
                    raise FencedOutError
            await self.ctx.announce([self.device_id])
        await self._maybe_offline()

    def reload(self, profile: PanelProfile) -> None:
        """Take the panel's attributes as they are now; names emptied by `panel set
        --read-names` are read again at the next poll."""
        if profile.names != self.profile.names and not profile.names.get("zones"):
            self._names_read = False
        if profile.temperature_zones != self.profile.temperature_zones:
            self._temperatures_at = -math.inf  # read the new list at the next poll
        self.profile = profile

    async def _read_names(self, client: SatelClient) -> None:
        """Read partition, zone and output names the first time (unless typed on the CLI)."""
        self._names_read = True
        missing = [g for g in ("partitions", "zones", "outputs") if g not in self.profile.names_set]
        if not missing or self.profile.names.get("zones"):
            return
        panel, _ = await client.versions()
        kinds = {"partitions": 0, "zones": 5, "outputs": 4}
        names: dict[str, dict[int, str]] = {}
        zone_partitions: dict[int, int] = {}
        functions: dict[int, int] = {}
        for group in missing:
            limit = WIDE_LIMIT if client.session.wide and group != "partitions" else LIMITS[group]
            found = await client.names(kinds[group], range(1, limit + 1))
            names[group] = {n: name.name for n, name in found.items()}
            if group == "zones":
                zone_partitions = {n: name.partition for n, name in found.items() if name.partition}
            if group == "outputs":
                functions = {n: name.function for n, name in found.items()}
        model = panel.model if panel else None
        async with self.ctx.sessions() as session, session.begin():
            device = await DeviceRepository(session).get_for_update(self.device_id)
            if device is None:
                return
            current = PanelProfile.of(device.attributes)
            merged = {**current.names, **{g: names[g] for g in names if g not in current.names_set}}
            attributes = dict(device.attributes or {})
            attributes.update(
                replace(
                    current,
                    names=merged,
                    model=model or current.model,
                    zone_partitions=zone_partitions or current.zone_partitions,
                    output_functions=functions or current.output_functions,
                ).to_attributes()
            )
            device.attributes = attributes
            self.profile = PanelProfile.of(attributes)
        log.info(
            "panel %s: names read (%s)",
            self.uid,
            ", ".join(f"{g} {len(n)}" for g, n in names.items()),
        )

    # -- commands ---------------------------------------------------------------------------

    async def _answer(self, entry: StreamEntry, ok: bool, error: str | None) -> None:
        result = CommandResult(entry.command_id, ok, None if ok else error, clock.now().timestamp())
        try:
            await self.ctx.post_result(result)
        except RedisError as err:
            log.warning("could not hand over the result of %s (%s)", entry.command_id, err)

    async def _execute(self, client: SatelClient, entry: StreamEntry) -> None:
        """Carry out a person's command; answer with the panel's confirmed result."""
        if entry.deadline and clock.now().timestamp() > entry.deadline:
            log.info("panel command %s expired before it could go", entry.command_id)
            return
        try:
            command = _Command.of(entry.params, self.ctx.secrets)
        except (DomainError, PanelRequestError, SatelCodecError):
            log.warning("dropping a malformed panel command for %s", self.uid)
            await self._answer(entry, False, "other_error")
            return
        try:
            result = await command.send(client)
        except PanelLinkError:
            await self._answer(entry, False, "unreachable")
            raise
        if not result.success:
            await self._answer(entry, False, result_text(result))
            return
        if command.action in (PanelAction.ARM, PanelAction.DISARM):
            request = command.request
            actor = Actor(request.user_id, request.by, frozenset(command.partitions))
            until = clock.monotonic() + ATTRIBUTION_SECONDS
            armed = command.action is PanelAction.ARM
            for partition in command.partitions:
                self._claims[partition] = (actor, armed, command.mode, until)
        confirmed = await self._confirm(client, command)
        await self._answer(entry, confirmed, None if confirmed else "not_confirmed")

    async def _confirm(self, client: SatelClient, command: _Command) -> bool:
        """Read the state until it shows the command's effect (at most CONFIRM_SECONDS)."""
        end = clock.monotonic() + CONFIRM_SECONDS
        while True:
            await client.read_all()
            await self._publish(client)
            if command.done(snapshot_of(client.state, 0, None, self._status), self.profile):
                return True
            if clock.monotonic() > end:
                return False
            await asyncio.sleep(0.2)


@dataclass(frozen=True, slots=True)
class _Command:
    """A person's panel request with its code decrypted, ready for the panel."""

    request: PanelRequest
    code: str

    @classmethod
    def of(cls, params: dict[str, Any], secrets: SecretBox) -> _Command:
        request = PanelRequest.of(params)
        code = secrets.decrypt(request.code_token)
        requests.encode_code(code)  # raises SatelCodecError when malformed
        return cls(request, code)

    @property
    def action(self) -> PanelAction:
        """Arm, disarm or clear."""
        return self.request.action

    @property
    def partitions(self) -> tuple[int, ...]:
        """The partitions it is for."""
        return self.request.partitions

    @property
    def mode(self) -> int:
        """The arming mode."""
        return self.request.mode

    @property
    def bypass(self) -> tuple[int, ...]:
        """Zones to bypass before arming."""
        return self.request.bypass

    async def send(self, client: SatelClient) -> Result:
        """Send the command (bypassing zones first when asked)."""
        request, code = self.request, self.code
        action = request.action
        if action is PanelAction.ARM:
            if self.bypass:
                result = await client.control(requests.bypass_request(code, self.bypass))
                if not result.success:
                    return result
            payload = requests.arm_request(self.mode, code, self.partitions, force=request.force)
        elif action is PanelAction.DISARM:
            payload = requests.disarm_request(code, self.partitions)
        elif action is PanelAction.CLEAR:
            payload = requests.clear_alarm_request(code, self.partitions)
        elif action is PanelAction.CLEAR_TROUBLES:
            payload = requests.clear_trouble_memory_request(code)
        elif action in (PanelAction.OUTPUT_ON, PanelAction.OUTPUT_OFF):
            on = action is PanelAction.OUTPUT_ON
            payload = requests.outputs_request(code, request.items, on=on)
        else:
            on = action is PanelAction.BYPASS
            payload = requests.bypass_request(code, request.items, on=on)
        return await client.control(payload)

    def done(self, state: PanelSnapshot, profile: PanelProfile) -> bool:  # noqa: PLR0911
        """Whether the panel reports the effect of this command (a pulse output's is over
        too soon to be seen: the panel's acceptance is all there is)."""
        action, items = self.action, set(self.request.items)
        if action is PanelAction.ARM:
            return all(state.armed_in(p, self.mode) for p in self.partitions)
        if action is PanelAction.DISARM:
            return not state.arming & set(self.partitions)
        if action is PanelAction.CLEAR:
            return not state.alarms & set(self.partitions)
        if action is PanelAction.CLEAR_TROUBLES:  # what is still wrong stays in memory
            return state.trouble_memory <= state.troubles
        if action is PanelAction.OUTPUT_ON:
            return items <= state.outputs or all(profile.pulse(o) for o in items)
        if action is PanelAction.OUTPUT_OFF:
            return not items & state.outputs
        bypassed = state.zone("bypassed")
        return items <= bypassed if action is PanelAction.BYPASS else not items & bypassed


def _reason(err: SatelError, *, answered: bool, key: str | None) -> str | None:
    """What the card says about why the panel is not connected (None: nothing specific)."""
    if isinstance(err, PanelBusyError):
        return "busy"  # another integration client holds the module
    if isinstance(err, PanelRefusedError):
        return "refused"  # nothing listens there
    if isinstance(err, PanelSilentError) and not answered:
        # never answered: with a key, the key is wrong (the module cannot read us) or the
        # module does not encrypt; without one, encryption is on, or not an integration port
        return "key" if key else "silent"
    return None
