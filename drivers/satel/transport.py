"""The TCP link to one ETHM-1 module and a client that keeps a panel's state read.

One connection per panel and one request in flight at a time; every request has a timeout
(SATEL suggests about 3 s), after which the connection is closed, because a late answer
would be taken for the next one. A corrupted answer is dropped, counted and asked again.
With an integration key the frames travel inside the module's encrypted messages
(`crypto.EncryptedChannel`); everything else is the same.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Final

from drivers.satel.answers import (
    ClockStatus,
    LogRecord,
    Name,
    Version,
    clock_status,
    event_text,
    integra_version,
    log_record,
    module_version,
    name_of,
    result_of,
    temperature_of,
)
from drivers.satel.crypto import EncryptedChannel
from drivers.satel.errors import (
    PanelBusyError,
    PanelLinkError,
    PanelRefusedError,
    PanelSilentError,
    SatelCodecError,
)
from drivers.satel.frames import BUSY, FrameReader, encode_frame
from drivers.satel.protocol import Command, Result
from drivers.satel.requests import (
    event_text_request,
    log_request,
    name_request,
    new_data_request,
    read_request,
    temperature_request,
)
from drivers.satel.session import PanelSession

REQUEST_TIMEOUT: Final = 3.0
CONNECT_TIMEOUT: Final = 5.0
CORRUPT_RETRIES: Final = 2
TEMPERATURE_TIMEOUT: Final = 5.0  # SATEL: 7D may take up to 5 s


class SatelLink:
    """A connection to the integration port of one ETHM module."""

    def __init__(
        self, host: str, port: int, *, timeout: float = REQUEST_TIMEOUT, key: str | None = None
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.key = key or None  # the integration key, when the module encrypts
        self._channel: EncryptedChannel | None = None
        self._foreign = False  # bytes came that were no message of this session
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._frames = FrameReader()
        self._lock = asyncio.Lock()
        self.corrupted = 0  # answers dropped for a bad checksum or broken framing

    @property
    def is_open(self) -> bool:
        """Whether the connection is up (as far as we know)."""
        return self._writer is not None

    async def open(self) -> None:
        """Connect (a module that refuses says `Busy!` at the first request)."""
        await self.close()
        try:
            self._reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), CONNECT_TIMEOUT
            )
        except (OSError, TimeoutError) as err:
            raise PanelRefusedError(str(err) or "connect timed out") from err
        self._frames = FrameReader()
        self._channel = EncryptedChannel.with_key(self.key) if self.key else None
        self._foreign = False

    async def close(self) -> None:
        """Close the socket at once, so the module frees its one client slot."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 1.0)

    async def request(self, payload: bytes, *, patience: float | None = None) -> bytes:
        """Send one command and return its answer (same command byte, or `EF`); `patience`
        replaces the link's answer timeout for a command known to be slow."""
        async with self._lock:
            for _ in range(CORRUPT_RETRIES + 1):
                dropped = self._frames.dropped
                answer = await self._exchange(payload, patience or self.timeout)
                if answer is not None:
                    return answer
                self.corrupted += self._frames.dropped - dropped
            await self.close()
            msg = "answers keep arriving corrupted"
            raise PanelLinkError(msg)

    async def _exchange(self, payload: bytes, patience: float) -> bytes | None:
        if self._writer is None or self._reader is None:
            msg = "not connected"
            raise PanelLinkError(msg)
        try:
            frame = encode_frame(payload)
            self._writer.write(self._channel.seal(frame) if self._channel else frame)
            await self._writer.drain()
            return await asyncio.wait_for(self._answer(self._reader, payload[0]), patience)
        except TimeoutError as err:
            await self.close()
            msg = "no answer in time"
            raise PanelSilentError(msg) from err
        except PanelLinkError:
            raise  # already says what happened (it is an OSError too)
        except OSError as err:
            await self.close()
            raise PanelLinkError(str(err) or "connection lost") from err

    async def _answer(self, reader: asyncio.StreamReader, command: int) -> bytes | None:
        """Read until the answer to `command` (None: it arrived corrupted)."""
        dropped = self._frames.dropped
        while True:
            chunk = await reader.read(4096)
            if not chunk:
                # An encrypting module refuses a second client with bytes of its own instead.
                foreign = self._foreign or (self._channel is not None and self._channel.pending)
                busy = BUSY.strip() in self._frames.noise or foreign
                await self.close()
                if busy:
                    msg = "the module serves another client"
                    raise PanelBusyError(msg)
                msg = "connection closed by the module"
                raise PanelLinkError(msg)
            for frame in self._frames.feed(self._plain(chunk)):
                if frame[0] in {command, Command.RESULT}:
                    return frame
                # a frame nobody asked for (push mode leftovers): ignore it
            if self._frames.dropped != dropped and not self._frames.pending:
                return None

    def _plain(self, chunk: bytes) -> bytes:
        """The frame bytes in what came (decrypted, when the module encrypts)."""
        if self._channel is None:
            return chunk
        try:
            return self._channel.feed(chunk)
        except SatelCodecError:
            # not a message of this session: a refusal, or another key (then the module
            # cannot read ours either and stays silent: the request times out)
            self._foreign = True
            return b""


class SatelClient:
    """Reads a panel's state once, then only what its new-data flags say changed.

    The deciding is `PanelSession`'s; this only carries its requests over the link.
    """

    def __init__(self, link: SatelLink) -> None:
        self.link = link
        self.session = PanelSession()
        self._corrupted_seen = 0

    @property
    def state(self) -> dict[int, frozenset[int]]:
        """The last answer of every state read (command byte → items)."""
        return self.session.state

    def _corrupted(self) -> int:
        return self.link.corrupted + self.session.malformed

    async def read(self, command: int) -> bool:
        """Read one state command; return whether its answer differs from what we had."""
        request = read_request(command, wide=self.session.wide)
        return self.session.take(command, await self.link.request(request))

    async def read_all(self) -> set[int]:
        """Read every state command; return those that changed."""
        self._corrupted_seen = self._corrupted()
        return {c for c in self.session.full_read() if await self.read(c)}

    async def poll(self) -> set[int]:
        """Ask for the new-data flags and read what they name; return what changed."""
        answer = await self.link.request(new_data_request())
        corrupted = self._corrupted() != self._corrupted_seen
        wanted = self.session.wanted(answer, corrupted=corrupted)
        if corrupted:
            self._corrupted_seen = self._corrupted()
        return {c for c in wanted if await self.read(c)}

    async def control(self, payload: bytes) -> Result:
        """Send a control command and return the panel's result."""
        return result_of(await self.link.request(payload))

    async def names(self, kind: int, numbers: Iterable[int]) -> dict[int, Name]:
        """Read names (kind 0 partitions, 5 zones with their partition, 4 outputs).

        Numbers the panel has no name for (it answers with an error) are left out.
        """
        found: dict[int, Name] = {}
        for number in numbers:
            answer = await self.link.request(name_request(kind, number))
            if answer[0] != Command.NAME:
                continue
            with contextlib.suppress(SatelCodecError):
                name = name_of(answer)
                if name.name:
                    found[number] = name
        return found

    async def clock(self) -> ClockStatus | None:
        """The panel's clock and status bits (`1A`); None when the answer is not understood."""
        answer = await self.link.request(read_request(Command.CLOCK))
        try:
            return clock_status(answer)
        except SatelCodecError:
            return None

    async def temperature(self, zone: int) -> float | None:
        """An ATD-100 zone's temperature in °C (None: unknown, or not a temperature zone).
        The panel may take up to 5 s to answer this one."""
        answer = await self.link.request(
            temperature_request(zone), patience=max(self.link.timeout, TEMPERATURE_TIMEOUT)
        )
        try:
            number, value = temperature_of(answer)
        except SatelCodecError:
            return None
        return value if number == zone else None

    async def log_record(self, index: int, this_year: int) -> LogRecord | None:
        """One record of the event log (`requests.NEWEST_RECORD`: the newest); None when it
        is empty or the panel has no log to give."""
        answer = await self.link.request(log_request(index))
        try:
            return log_record(answer, this_year)
        except SatelCodecError:
            return None

    async def event_text(self, code: int, *, restore: bool) -> str | None:
        """The panel's short text of an event code."""
        answer = await self.link.request(event_text_request(code, restore=restore))
        try:
            return event_text(answer)
        except SatelCodecError:
            return None

    async def detect(self) -> Version | None:
        """Ask the module what it can (`7C`); zone and output lists are read wide when it can."""
        module = None
        with contextlib.suppress(SatelCodecError):
            module = module_version(await self.link.request(read_request(Command.MODULE_VERSION)))
        self.session.wide = module is not None and module.wide_lists
        return module

    async def versions(self) -> tuple[Version | None, Version | None]:
        """The panel's and the module's versions (None where the answer was not understood)."""
        panel = module = None
        with contextlib.suppress(SatelCodecError):
            panel = integra_version(await self.link.request(read_request(Command.INTEGRA_VERSION)))
        with contextlib.suppress(SatelCodecError):
            module = module_version(await self.link.request(read_request(Command.MODULE_VERSION)))
        return panel, module


def result_text(result: Result) -> str:
    """A stable short name of a result (used on the command result channel)."""
    return result.name.lower()
