"""An INTEGRA panel behind an ETHM-1 Plus, speaking the integration protocol over TCP.

Written from `protocols/satel.md`, with its own framing (not the driver's): one integration
client at a time (a second one gets `Busy!\\r\\n` and is closed), the session is closed after
`idle_seconds` without a request, every command is answered (reads by the same byte plus
data, control commands by `EF` + result), and the 7F new-data flags say which reads changed
since the client last read them.

Tests drive the panel from the outside: `violate`, `tamper`, `fire`, `trouble`, and faults
(`hang`, `drop`, `corrupt_next`, `busy`, `restart`).

With `key` set it is an ETHM-1 Plus with "encrypted integration" on (§7): every message is a
length byte and an AES-192 block (CBC from AES(0), the tail XORed with AES of the last block),
with a 6-byte header whose echo must be the id the module sent last; a message it cannot
read is dropped without an answer, and a second client gets opaque bytes instead of `Busy!`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SYNC, END, STUFFED = 0xFE, 0x0D, 0xF0
ZONE_CMDS = {0x00: "violated", 0x01: "tamper", 0x02: "alarm", 0x03: "tamper_alarm",
             0x04: "alarm_memory", 0x05: "tamper_memory", 0x06: "bypassed",
             0x28: "masked", 0x29: "masked_memory"}  # fmt: skip
PART_CMDS = {0x09: "armed", 0x0A: "armed", 0x0B: "mode2", 0x0C: "mode3", 0x0E: "entry",
             0x0F: "exit", 0x10: "exit_short", 0x13: "alarm", 0x14: "fire",
             0x15: "alarm_memory", 0x16: "fire_memory", 0x2A: "mode1"}  # fmt: skip
TROUBLE_SIZES = {0x1B: 47, 0x1C: 26, 0x1D: 60, 0x1E: 30, 0x1F: 31, 0x2C: 45, 0x2D: 47}
# trouble memory: command → (size, the trouble part it remembers)
MEMORY_SIZES = {0x20: (47, 0x1B), 0x21: (39, 0x1C), 0x22: (60, 0x1D), 0x23: (30, 0x1E),
                0x24: (48, 0x1F), 0x2E: (45, 0x2C), 0x2F: (48, 0x2D)}  # fmt: skip
RESULT = 0xEF


def crc(payload: bytes) -> int:
    """SATEL's checksum (protocols/satel.md §2)."""
    value = 0x147A
    for b in payload:
        value = ((value << 1) & 0xFFFF) | (value >> 15)
        value ^= 0xFFFF
        value = (value + (value >> 8) + b) & 0xFFFF
    return value


def frame(payload: bytes) -> bytes:
    """Frame and stuff a payload."""
    c = crc(payload)
    body = payload + bytes([c >> 8, c & 0xFF])
    out = bytearray(b"\xfe\xfe")
    for b in body:
        out += b"\xfe\xf0" if b == SYNC else bytes([b])
    return bytes(out + b"\xfe\x0d")


def bits(items: set[int], size: int) -> bytes:
    """Bit list, item n at byte (n-1)//8 bit (n-1)%8."""
    out = bytearray(size)
    for n in items:
        if 1 <= n <= size * 8:
            out[(n - 1) // 8] |= 1 << ((n - 1) % 8)
    return bytes(out)


def items_of(data: bytes) -> set[int]:
    """The items set in a bit list."""
    return {8 * i + j + 1 for i, b in enumerate(data) for j in range(8) if b >> j & 1}


class Sealer:
    """The module's side of one encrypted session (protocols/satel.md §7)."""

    def __init__(self, key: str) -> None:
        raw = key.encode()[:12].ljust(12, b" ")
        self.aes = algorithms.AES(raw + raw)
        self.iv = self._block(bytes(16))
        self.sent, self.heard, self.counter = 0, 0, 0
        self.buffer = bytearray()

    def _block(self, data: bytes) -> bytes:
        enc = Cipher(self.aes, modes.ECB()).encryptor()  # noqa: S305 - one block
        return enc.update(data) + enc.finalize()

    def _tail(self, data: bytes, last: bytes) -> bytes:
        pad = self._block(last)
        return bytes(a ^ b for a, b in zip(data, pad, strict=False))

    def seal(self, frame_bytes: bytes) -> bytes:
        self.sent = os.urandom(1)[0]
        plain = os.urandom(2) + self.counter.to_bytes(2, "big") + bytes([self.sent, self.heard])
        self.counter += 1
        plain = (plain + frame_bytes).ljust(16, b"\x00")
        whole = len(plain) // 16 * 16
        enc = Cipher(self.aes, modes.CBC(self.iv)).encryptor()
        out = enc.update(plain[:whole]) + enc.finalize()
        out += self._tail(plain[whole:], out[-16:]) if whole < len(plain) else b""
        return bytes([len(out)]) + out

    def open(self, data: bytes) -> bytes:
        """The frame bytes of the whole messages received; unreadable ones are dropped."""
        self.buffer += data
        frames = b""
        while self.buffer and len(self.buffer) > self.buffer[0]:
            size = self.buffer[0]
            secret = bytes(self.buffer[1 : 1 + size])
            del self.buffer[: 1 + size]
            whole = size // 16 * 16
            dec = Cipher(self.aes, modes.CBC(self.iv)).decryptor()
            plain = dec.update(secret[:whole]) + dec.finalize()
            if whole < size and whole:
                plain += self._tail(secret[whole:], secret[whole - 16 : whole])
            if len(plain) < 6 or plain[5] != self.sent:
                continue  # not for this session (another key): dropped
            self.heard = plain[4]
            frames += plain[6:]
        return frames


def code_of(data: bytes) -> str:
    """Digits of an 8-byte code."""
    return data.hex().upper().rstrip("F")


@dataclass
class Partition:
    """A partition's state."""

    armed: bool = False
    mode: int = 0
    alarm: bool = False
    fire: bool = False
    alarm_memory: bool = False
    fire_memory: bool = False
    exit: bool = False
    exit_until: float = 0.0  # loop time when the exit time ends
    entry: bool = False


@dataclass
class Emulated:
    """Everything the panel knows; changing it sets the 7F flags of the reads it touches."""

    zone_partition: dict[int, int] = field(default_factory=dict)  # zone → partition
    codes: dict[str, set[int]] = field(default_factory=dict)  # user code → its partitions
    names: dict[tuple[int, int], str] = field(default_factory=dict)  # (kind, number) → name
    partitions: dict[int, Partition] = field(default_factory=dict)
    zones: dict[str, set[int]] = field(default_factory=dict)
    outputs: set[int] = field(default_factory=set)
    output_functions: dict[int, int] = field(default_factory=dict)  # 24 MONO, 25 BI switch
    troubles: dict[int, set[int]] = field(default_factory=dict)  # part's command → bits
    trouble_memory: dict[int, set[int]] = field(default_factory=dict)  # same, remembered
    service_mode: bool = False
    temperatures: dict[int, float] = field(default_factory=dict)  # ATD-100 zone → °C
    # the event log, oldest first: (class, partition, code, restore, source, minute stamp)
    log: list[tuple[int, int, int, bool, int, time.struct_time]] = field(default_factory=list)
    event_texts: dict[tuple[int, bool], str] = field(default_factory=dict)
    clock_offset: float = 0.0  # seconds the panel's clock is ahead of the real one


class SatelPanelEmulator:
    """One panel on 127.0.0.1 and a free port."""

    def __init__(
        self,
        partitions: int = 2,
        zones_per_partition: int = 4,
        codes: dict[str, set[int]] | None = None,
        idle_seconds: float = 25.0,
        exit_seconds: float = 0.0,
        wide: bool = False,
        key: str | None = None,
    ) -> None:
        self.state = Emulated(codes=dict(codes or {"1234": set(range(1, partitions + 1))}))
        for p in range(1, partitions + 1):
            self.state.partitions[p] = Partition()
            self.state.names[(0, p)] = f"Partition {p}"
            for z in range(zones_per_partition):
                zone = (p - 1) * zones_per_partition + z + 1
                self.state.zone_partition[zone] = p
                self.state.names[(1, zone)] = f"Zone {zone}"
        for name in ZONE_CMDS.values():
            self.state.zones[name] = set()
        self.idle_seconds = idle_seconds
        self.exit_seconds = exit_seconds
        # An INTEGRA 256 Plus behind an ETHM-1 Plus: 7C says it can list zones and outputs
        # as 32 bytes (1–256), and it does so for reads sent with one extra data byte.
        self.wide = wide
        self.key = key  # encrypted integration on, with this key
        self.port = 0
        self.changed: set[int] = set(range(0x30))  # 7F flags; all set for a new session
        self.requests: list[bytes] = []  # every payload received, in order
        self.broken = 0  # sessions that ended by a connection error
        self.controls: list[tuple[int, str, set[int]]] = []  # (command, code, items)
        self.connections = 0
        self.refused = 0
        self.hanging = False
        self.refuse_all = False
        self.corrupt = 0  # corrupt this many next answers
        self._server: asyncio.Server | None = None
        self._client: asyncio.StreamWriter | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen (on `port`, or a free one the first time)."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port or self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop the client."""
        self.drop()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None
        if self._tasks:  # sessions end on their own once their socket is closed
            _, pending = await asyncio.wait(list(self._tasks), timeout=2)
            for task in pending:
                task.cancel()

    async def restart(self, down_seconds: float = 0.5) -> None:
        """Power-cycle the module: the session ends, nothing listens for a while."""
        await self.stop()
        await asyncio.sleep(down_seconds)
        self.changed = set(range(0x30))
        await self.start(self.port)

    @property
    def connected(self) -> bool:
        """Whether a client holds the integration session."""
        return self._client is not None

    # -- faults -------------------------------------------------------------------------------

    def drop(self) -> None:
        """Close the client's connection."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def hang(self, on: bool = True) -> None:
        """Stop answering (the connection stays open)."""
        self.hanging = on

    def corrupt_next(self, count: int = 1) -> None:
        """Send the next answers with a broken checksum."""
        self.corrupt = count

    def busy(self, on: bool = True) -> None:
        """Refuse every new connection with `Busy!` (as if another client held the module)."""
        self.refuse_all = on

    # -- the world ----------------------------------------------------------------------------

    def _touch(self, *commands: int) -> None:
        self.changed.update(commands)

    def violate(self, zone: int, on: bool = True) -> None:
        """A zone's detector sees something (or stops): an armed partition goes into alarm."""
        _set(self.state.zones["violated"], zone, on)
        self._touch(0x00)
        partition = self.state.partitions.get(self.state.zone_partition.get(zone, 0))
        bypassed = zone in self.state.zones["bypassed"]
        if on and partition is not None and partition.armed and not bypassed:
            self.state.zones["alarm"].add(zone)
            self.state.zones["alarm_memory"].add(zone)
            partition.alarm = partition.alarm_memory = True
            self._touch(0x02, 0x04, 0x13, 0x15)

    def tamper(self, zone: int, on: bool = True) -> None:
        """A zone's detector is opened (tamper)."""
        for name in ("tamper", "tamper_alarm") + (("tamper_memory",) if on else ()):
            _set(self.state.zones[name], zone, on)
        self._touch(0x01, 0x03, 0x05)

    def mask(self, zone: int, on: bool = True) -> None:
        """A detector is covered (anti-masking): masked, and masked memory."""
        _set(self.state.zones["masked"], zone, on)
        if on:
            self.state.zones["masked_memory"].add(zone)
        self._touch(0x28, 0x29)

    def fire(self, partition: int, on: bool = True) -> None:
        """A fire alarm in a partition."""
        self.state.partitions[partition].fire = on
        if on:
            self.state.partitions[partition].fire_memory = True
        self._touch(0x14, 0x16)

    def trouble(self, bit: int = 328, on: bool = True, part: int = 0x1B) -> None:
        """A trouble bit (default: part 1, bit 328 = byte 40 bit 7, mains AC lost); troubles
        stay in the trouble memory until it is cleared (8B)."""
        _set(self.state.troubles.setdefault(part, set()), bit, on)
        memory = next(m for m, (_, p) in MEMORY_SIZES.items() if p == part)
        if on:
            self.state.trouble_memory.setdefault(part, set()).add(bit)
        self._touch(part, memory)

    def log_event(
        self, klass: int, partition: int, code: int, source: int, *, restore: bool = False
    ) -> None:
        """Something the panel writes in its event log (e.g. class 2, code 0x17: armed by
        user `source` at a keypad). Record indexes count up from 0x100."""
        stamp = time.gmtime(time.time() + self.state.clock_offset)
        self.state.log.append((klass, partition, code, restore, source, stamp))

    def _log_answer(self, index: int) -> bytes:
        """A `8C` record (protocols §10); index FFFFFF is the newest."""
        log = self.state.log
        position = len(log) - 1 if index == 0xFFFFFF else index - 0x100
        if not 0 <= position < len(log):
            return bytes([0x8C]) + bytes(8) + bytes(3) + index.to_bytes(3, "big")
        klass, partition, code, restore, source, stamp = log[position]
        minute = stamp.tm_hour * 60 + stamp.tm_min
        record = bytes(
            [
                (stamp.tm_year % 4) << 6 | 0x30,
                klass << 5 | stamp.tm_mday,
                stamp.tm_mon << 4 | minute >> 8,
                minute & 0xFF,
                (partition - 1) << 3 | (0x04 if restore else 0) | code >> 8,
                code & 0xFF,
                source,
                0,
            ]
        )
        previous = 0x100 + position - 1 if position else 0x100 + position
        return (
            bytes([0x8C])
            + record
            + previous.to_bytes(3, "big")
            + (0x100 + position).to_bytes(3, "big")
        )

    def service(self, on: bool = True) -> None:
        """An installer enters (or leaves) service mode: the 1A status byte says so."""
        self.state.service_mode = on

    def arm_now(self, partition: int, mode: int = 0) -> None:
        """Arm from a keypad: the armed list changes, and the list of the mode armed in."""
        self.state.partitions[partition].armed = True
        self.state.partitions[partition].mode = mode
        self._touch(0x09, 0x0A, {0: 0x0A, 1: 0x2A, 2: 0x0B, 3: 0x0C}[mode])

    def disarm_now(self, partition: int) -> None:
        """Disarm from a keypad."""
        mode = self.state.partitions[partition].mode
        self.state.partitions[partition].armed = False
        self._touch(0x09, 0x0A, {0: 0x0A, 1: 0x2A, 2: 0x0B, 3: 0x0C}[mode])

    # -- protocol -----------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            if self._client is not None or self.refuse_all:
                self.refused += 1
                writer.write(os.urandom(17) if self.key else b"Busy!\r\n")
                with contextlib.suppress(OSError):
                    await writer.drain()
                writer.close()
                return
            self._client = writer
            self.connections += 1
            self.changed = set(range(0x30))
            await self._session(reader, writer)
        except (OSError, asyncio.IncompleteReadError):
            self.broken += 1  # the client vanished mid-session (a reset): the session just ends
        finally:
            if self._client is writer:
                self._client = None
            writer.close()
            self._tasks.discard(task)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        buffer = bytearray()
        sealer = Sealer(self.key) if self.key else None
        while self._client is writer:
            try:
                chunk = await asyncio.wait_for(reader.read(4096), self.idle_seconds)
            except TimeoutError:
                return  # idle: the module ends the session
            if not chunk:
                return
            buffer += sealer.open(chunk) if sealer else chunk
            while True:
                payload = _take_frame(buffer)
                if payload is None:
                    break
                if payload == b"":
                    continue  # a broken frame: the module drops it silently
                self.requests.append(payload)
                if self.hanging:
                    continue
                answer = frame(self._answer(payload))
                if self.corrupt:
                    self.corrupt -= 1
                    answer = answer[:3] + bytes([answer[3] ^ 0x55]) + answer[4:]
                writer.write(sealer.seal(answer) if sealer else answer)
                await writer.drain()

    def _answer(self, payload: bytes) -> bytes:  # noqa: C901, PLR0911, PLR0912
        cmd, data = payload[0], payload[1:]
        if cmd == 0x7F:
            # A bare 7F answers 5 flag bytes (commands 00–27); with one data byte, newer
            # modules answer 6 (up to 2F, where mode-1 arming, 2A, lives).
            size, last = (6, 0x30) if data else (5, 0x28)
            flags = bits({c + 1 for c in self.changed if c < last}, size)
            return bytes([0x7F]) + flags
        size = 32 if self.wide and data else 16
        if cmd in ZONE_CMDS:
            self.changed.discard(cmd)
            listed = {z for z in self.state.zones[ZONE_CMDS[cmd]] if z <= size * 8}
            return bytes([cmd]) + bits(listed, size)
        if cmd == 0x17:
            self.changed.discard(cmd)
            return bytes([cmd]) + bits({o for o in self.state.outputs if o <= size * 8}, size)
        if cmd in PART_CMDS:
            self.changed.discard(cmd)
            return bytes([cmd]) + bits(self._partitions_with(cmd), 4)
        if cmd in TROUBLE_SIZES:
            self.changed.discard(cmd)
            troubles = self.state.troubles.get(cmd, set())
            return bytes([cmd]) + bits(troubles, TROUBLE_SIZES[cmd])
        if cmd in MEMORY_SIZES:
            self.changed.discard(cmd)
            size, part = MEMORY_SIZES[cmd]
            return bytes([cmd]) + bits(self.state.trouble_memory.get(part, set()), size)
        if cmd == 0x8C and len(data) == 3:
            return self._log_answer(int.from_bytes(data, "big"))
        if cmd == 0x8F and len(data) == 2:
            code, restore = (data[0] & 0x03) << 8 | data[1], bool(data[0] & 0x04)
            text = self.state.event_texts.get((code, restore), f"Event {code}")
            raw = text.encode("cp1250")[:16].ljust(16, b" ")
            return bytes([0x8F]) + bytes(data) + bytes(3) + raw
        if cmd == 0x7D and len(data) == 1:  # an ATD-100's temperature: half degrees from -55
            zone = data[0] or 256
            celsius = self.state.temperatures.get(zone)
            half = 0xFFFF if celsius is None else round((celsius + 55) * 2)
            return bytes([0x7D, data[0], half >> 8, half & 0xFF])
        if cmd == 0x1A:
            loop_now = time.time() + self.state.clock_offset
            stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(loop_now))
            status1 = (0x80 if self.state.service_mode else 0) | (
                0x40 if any(self.state.troubles.values()) else 0
            )
            status2 = 0x20 if any(self.state.trouble_memory.values()) else 0
            return bytes([0x1A]) + bytes.fromhex(stamp) + bytes([status1, status2 | 3])
        if cmd == 0x7E:
            return bytes([0x7E, 72 if self.wide else 3]) + b"12320120527" + b"\x00\xff"
        if cmd == 0x7C:
            return bytes([0x7C]) + b"20120190101" + bytes([1 if self.wide else 0])
        if cmd == 0xEE and len(data) == 2:
            kind, number = data[0], data[1] or 256
            name = self.state.names.get((1 if kind == 5 else kind, number))
            if name is None:
                return bytes([RESULT, 0x08])
            raw = name.encode("cp1250")[:16].ljust(16, b" ")
            extra = bytes([self.state.zone_partition.get(number, 1)]) if kind == 5 else b""
            function = self.state.output_functions.get(number, 0) if kind == 4 else 0
            return bytes([0xEE, kind, data[1], function]) + raw + extra
        if 0x80 <= cmd <= 0x8B or 0xA0 <= cmd <= 0xA3:
            return bytes([RESULT, self._control(cmd, data)])
        return bytes([RESULT, 0x08])

    def _partitions_with(self, cmd: int) -> set[int]:
        field_name = PART_CMDS[cmd]
        parts = self.state.partitions.items()
        if field_name in {"mode1", "mode2", "mode3"}:
            mode = int(field_name[-1])
            return {n for n, p in parts if p.armed and p.mode == mode}
        if field_name in {"exit", "exit_short"}:  # 0F: more than 10 s left, 10: less
            now = asyncio.get_running_loop().time()
            short = field_name == "exit_short"
            return {n for n, p in parts if p.exit and (p.exit_until - now <= 10) == short}
        if cmd == 0x0A:  # really armed: not in exit time (09 includes it)
            return {n for n, p in parts if p.armed and not p.exit}
        return {n for n, p in parts if getattr(p, field_name)}

    def _control(self, cmd: int, data: bytes) -> int:  # noqa: C901, PLR0911, PLR0912
        if cmd == 0x8B and len(data) == 8:  # clear trouble memory: the code only
            self.controls.append((cmd, code_of(data), set()))
            if code_of(data) not in self.state.codes:
                return 0x01
            for kept in self.state.trouble_memory:  # what is still on stays
                self.state.trouble_memory[kept] &= self.state.troubles.get(kept, set())
            self._touch(*MEMORY_SIZES)
            return 0xFF
        if len(data) < 12:
            return 0x08
        code, items = code_of(data[:8]), items_of(data[8:])
        self.controls.append((cmd, code, items))
        allowed = self.state.codes.get(code)
        if allowed is None:
            return 0x01
        if cmd in {0x86, 0x87}:
            zones = self.state.zones["bypassed"]
            zones.update(items) if cmd == 0x86 else zones.difference_update(items)
            self._touch(0x06)
            return 0xFF
        if cmd in {0x88, 0x89}:
            self.state.outputs.update(
                items
            ) if cmd == 0x88 else self.state.outputs.difference_update(items)
            self._touch(0x17)
            return 0xFF
        if not items or not items <= allowed or not items <= set(self.state.partitions):
            return 0x02 if items else 0x08
        if cmd in {0x84, 0x85}:
            for n in items:
                part = self.state.partitions[n]
                if cmd == 0x84:
                    part.armed = part.exit = False
                else:
                    part.alarm_memory = part.fire_memory = False
                part.alarm = part.fire = False
            self.state.zones["alarm"] -= {
                z for z, p in self.state.zone_partition.items() if p in items
            }
            self._touch(*PART_CMDS, 0x02)
            return 0xFF
        force = cmd >= 0xA0
        violated = {
            z
            for z in self.state.zones["violated"] - self.state.zones["bypassed"]
            if self.state.zone_partition.get(z) in items
        }
        if violated and not force:
            return 0x11
        for n in items:
            part = self.state.partitions[n]
            part.armed, part.mode = True, (cmd & 0x0F)
            if self.exit_seconds:
                part.exit = True
                loop = asyncio.get_running_loop()
                part.exit_until = loop.time() + self.exit_seconds
                loop.call_later(self.exit_seconds, self._exit_over, n)
                if self.exit_seconds > 10:  # 0F gives way to 10 for the last 10 s
                    loop.call_later(self.exit_seconds - 10, self._touch, 0x0F, 0x10)
        self._touch(*PART_CMDS)
        return 0x00

    def _exit_over(self, partition: int) -> None:
        self.state.partitions[partition].exit = False
        self._touch(*PART_CMDS)


def _set(items: set[int], item: int, on: bool) -> None:
    if on:
        items.add(item)
    else:
        items.discard(item)


def _take_frame(buffer: bytearray) -> bytes | None:
    """Cut the first frame out of `buffer`: its payload, b"" for a broken one, None if none yet."""
    start = buffer.find(b"\xfe\xfe")
    if start < 0:
        return None
    end = buffer.find(b"\xfe\x0d", start + 2)
    if end < 0:
        return None
    raw = bytes(buffer[start + 2 : end])
    del buffer[: end + 2]
    raw = raw.lstrip(b"\xfe")
    if b"\xfe\xfe" in raw:  # a restart inside: keep only the last frame's bytes
        raw = raw[raw.rfind(b"\xfe\xfe") + 2 :]
    body = raw.replace(b"\xfe\xf0", b"\xfe")
    if len(body) < 3 or crc(body[:-2]) != (body[-2] << 8 | body[-1]):
        return b""
    return body[:-2]
