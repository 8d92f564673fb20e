"""SATEL INTEGRA integration protocol (ETHM-1, INT-RS): frames, commands, answers (pure).

Follows `protocols/satel.md`: `FE FE | cmd | data | crc.hi crc.lo | FE 0D`, every FE inside
the frame stuffed as `FE F0`, the checksum over the unstuffed command and data. Nothing here
does I/O; anything malformed raises `SatelCodecError` and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Final

SYNC: Final = 0xFE
STUFFED: Final = 0xF0
END: Final = 0x0D
HEADER: Final = b"\xfe\xfe"
FOOTER: Final = b"\xfe\x0d"
BUSY: Final = b"Busy!\r\n"  # an ETHM-1 Plus that already serves a client says this and closes

ZONE_BYTES: Final = 16  # zones and outputs 1–128 (32 bytes, 1–256, are accepted when read)
PARTITION_BYTES: Final = 4  # partitions 1–32
CODE_BYTES: Final = 8
NAME_BYTES: Final = 16
MAX_FRAME: Final = 256  # no answer of this protocol is longer; longer is garbage


class SatelCodecError(ValueError):
    """Bytes or values that are not a valid message of the protocol."""


class Command(IntEnum):
    """The command bytes the platform uses."""

    ZONES_VIOLATED = 0x00
    ZONES_TAMPER = 0x01
    ZONES_ALARM = 0x02
    ZONES_TAMPER_ALARM = 0x03
    ZONES_ALARM_MEMORY = 0x04
    ZONES_TAMPER_MEMORY = 0x05
    ZONES_BYPASSED = 0x06
    ARMED_SUPPRESSED = 0x09
    ARMED = 0x0A  # "really armed": the one to show as armed
    ARMED_MODE2 = 0x0B
    ARMED_MODE3 = 0x0C
    ENTRY_TIME = 0x0E
    EXIT_LONG = 0x0F  # exit time, more than 10 s left
    EXIT_SHORT = 0x10  # exit time, less than 10 s left
    PARTITION_ALARM = 0x13
    PARTITION_FIRE = 0x14
    PARTITION_ALARM_MEMORY = 0x15
    PARTITION_FIRE_MEMORY = 0x16
    OUTPUTS = 0x17
    CLOCK = 0x1A
    TROUBLES1 = 0x1B
    TROUBLES2 = 0x1C
    TROUBLES3 = 0x1D
    TROUBLES4 = 0x1E
    TROUBLES5 = 0x1F
    ARMED_MODE1 = 0x2A
    MODULE_VERSION = 0x7C
    INTEGRA_VERSION = 0x7E
    NEW_DATA = 0x7F
    ARM0 = 0x80
    ARM1 = 0x81
    ARM2 = 0x82
    ARM3 = 0x83
    DISARM = 0x84
    CLEAR_ALARM = 0x85
    BYPASS = 0x86
    UNBYPASS = 0x87
    OUTPUTS_ON = 0x88
    OUTPUTS_OFF = 0x89
    FORCE_ARM0 = 0xA0
    NAME = 0xEE
    RESULT = 0xEF


ZONE_READS: Final = frozenset(range(0x00, 0x07)) | {Command.OUTPUTS}
PARTITION_READS: Final = frozenset(
    {
        Command.ARMED_SUPPRESSED,
        Command.ARMED,
        Command.ARMED_MODE2,
        Command.ARMED_MODE3,
        Command.ENTRY_TIME,
        Command.EXIT_LONG,
        Command.EXIT_SHORT,
        Command.PARTITION_ALARM,
        Command.PARTITION_FIRE,
        Command.PARTITION_ALARM_MEMORY,
        Command.PARTITION_FIRE_MEMORY,
        Command.ARMED_MODE1,
    }
)
TROUBLE_READS: Final[dict[int, int]] = {0x1B: 47, 0x1C: 26, 0x1D: 60, 0x1E: 30, 0x1F: 31}
# Everything the platform keeps of a panel's state, read at connect and whenever 7F flags it.
STATE_READS: Final = tuple(sorted(ZONE_READS | PARTITION_READS | set(TROUBLE_READS)))


class Result(IntEnum):
    """The answer to a control command (`EF` + this byte)."""

    OK = 0x00
    USER_CODE_NOT_FOUND = 0x01
    NO_ACCESS = 0x02
    USER_NOT_FOUND = 0x03
    USER_EXISTS = 0x04
    WRONG_CODE = 0x05
    PHONE_CODE_EXISTS = 0x06
    SAME_CODE = 0x07
    OTHER_ERROR = 0x08
    CANNOT_ARM_FORCE_POSSIBLE = 0x11
    CANNOT_ARM = 0x12
    ACCEPTED = 0xFF  # taken for processing: the outcome must be read back

    @classmethod
    def of(cls, value: int) -> Result:
        """Map a result byte; the 0x8x "other errors" and unknown bytes become OTHER_ERROR."""
        try:
            return cls(value)
        except ValueError:
            return cls.OTHER_ERROR

    @property
    def success(self) -> bool:
        """Whether the panel took the command (confirm the outcome by reading the state)."""
        return self in {Result.OK, Result.ACCEPTED}


# -- frames -----------------------------------------------------------------------------------


def checksum(payload: bytes) -> int:
    """SATEL's 16-bit checksum over the command byte and data (unstuffed)."""
    crc = 0x147A
    for byte in payload:
        crc = ((crc << 1) | (crc >> 15)) & 0xFFFF
        crc ^= 0xFFFF
        crc = (crc + (crc >> 8) + byte) & 0xFFFF
    return crc


def encode_frame(payload: bytes) -> bytes:
    """Frame a command byte plus data for the wire (checksum, FE stuffing)."""
    if not payload:
        msg = "empty payload"
        raise SatelCodecError(msg)
    if payload[0] == SYNC:
        msg = "no command is FE"
        raise SatelCodecError(msg)
    crc = checksum(payload)
    body = payload + bytes((crc >> 8, crc & 0xFF))
    return HEADER + body.replace(b"\xfe", b"\xfe\xf0") + FOOTER


def decode_frame(frame: bytes) -> bytes:
    """Check one whole frame (header to footer) and return its command byte plus data."""
    reader = FrameReader()
    payloads = reader.feed(frame)
    if len(payloads) != 1 or reader.pending:
        msg = "not exactly one valid frame"
        raise SatelCodecError(msg)
    return payloads[0]


def _unchecked(body: bytes) -> bytes:
    """Verify the checksum at the end of an unstuffed body; return the payload."""
    if len(body) < 3:  # noqa: PLR2004 - command byte and two checksum bytes
        msg = "frame too short"
        raise SatelCodecError(msg)
    payload, crc = body[:-2], (body[-2] << 8) | body[-1]
    if checksum(payload) != crc:
        msg = "bad checksum"
        raise SatelCodecError(msg)
    return payload


@dataclass(slots=True)
class FrameReader:
    """Cuts a byte stream into checked payloads, following SATEL's receiver rules.

    `FE FE` anywhere starts a frame again; while waiting for the command byte more FE bytes
    change nothing; `FE F0` is a data FE; `FE 0D` ends the frame. Frames with a bad checksum
    or a broken escape are dropped and counted in `dropped`; bytes outside frames are kept in
    `noise` (the last few), where a `Busy!` refusal shows up.
    """

    dropped: int = 0
    noise: bytes = b""
    _body: bytearray = field(default_factory=bytearray)
    _state: int = 0  # 0 outside, 1 after one FE outside, 2 waiting for cmd, 3 body, 4 body FE

    @property
    def pending(self) -> bool:
        """Whether a frame has started and not ended."""
        return self._state >= 2  # noqa: PLR2004

    def feed(self, data: bytes) -> list[bytes]:  # noqa: C901, PLR0912 - one state machine
        """Take more bytes; return the payloads of the frames they completed."""
        frames: list[bytes] = []
        for byte in data:
            state = self._state
            if state == 0:
                if byte == SYNC:
                    self._state = 1
                else:
                    self.noise = (self.noise + bytes((byte,)))[-16:]
            elif state == 1:
                self._state = 2 if byte == SYNC else 0
                if byte != SYNC:
                    self.noise = (self.noise + bytes((SYNC, byte)))[-16:]
            elif state == 2:  # noqa: PLR2004
                if byte != SYNC:
                    self._body = bytearray((byte,))
                    self._state = 3
            elif state == 3:  # noqa: PLR2004
                if byte == SYNC:
                    self._state = 4
                elif len(self._body) >= MAX_FRAME:
                    self._drop()
                else:
                    self._body.append(byte)
            elif byte == STUFFED:
                self._body.append(SYNC)
                self._state = 3
            elif byte == END:
                self._state = 0
                try:
                    frames.append(_unchecked(bytes(self._body)))
                except SatelCodecError:
                    self.dropped += 1
            elif byte == SYNC:
                self._state = 2  # FE FE: start again
            else:
                self._drop()
        return frames

    def _drop(self) -> None:
        self.dropped += 1
        self._state = 0


# -- encodings --------------------------------------------------------------------------------


def encode_mask(items: Iterable[int], size: int) -> bytes:
    """Bit list: item n (1-based) is bit (n-1) % 8 of byte (n-1) // 8."""
    mask = bytearray(size)
    for item in items:
        if not 1 <= item <= size * 8:
            msg = "item out of range"
            raise SatelCodecError(msg)
        mask[(item - 1) // 8] |= 1 << ((item - 1) % 8)
    return bytes(mask)


def decode_mask(data: bytes) -> frozenset[int]:
    """The 1-based items set in a bit list."""
    return frozenset(
        8 * index + bit + 1
        for index, byte in enumerate(data)
        for bit in range(8)
        if byte >> bit & 1
    )


def encode_code(code: str, prefix: str = "") -> bytes:
    """A user code as 8 bytes of decimal nibbles, high nibble first, padded with F."""
    digits = prefix + code
    if not (digits.isascii() and digits.isdigit()) or len(code) < 4:  # noqa: PLR2004
        msg = "a code is 4 or more digits"
        raise SatelCodecError(msg)
    if len(digits) > CODE_BYTES * 2:
        msg = "code too long"
        raise SatelCodecError(msg)
    return bytes.fromhex(digits.ljust(CODE_BYTES * 2, "F"))


def decode_code(data: bytes) -> str:
    """The digits of an encoded user code (for the emulator and tests)."""
    if len(data) != CODE_BYTES:
        msg = "a code is 8 bytes"
        raise SatelCodecError(msg)
    text = data.hex().upper().rstrip("F")
    if not text.isdigit():
        msg = "a code is decimal digits"
        raise SatelCodecError(msg)
    return text


# -- requests ---------------------------------------------------------------------------------


def read_request(command: int) -> bytes:
    """The payload asking for a read command's answer (zone lists as 16 bytes)."""
    return bytes((command,))


def new_data_request() -> bytes:
    """Ask which commands' answers changed since they were last read."""
    return bytes((Command.NEW_DATA,))


def arm_request(mode: int, code: str, partitions: Iterable[int], *, force: bool = False) -> bytes:
    """Arm partitions in mode 0 (full) to 3 (the panel's partial modes)."""
    if mode not in range(4):
        msg = "arm mode is 0 to 3"
        raise SatelCodecError(msg)
    base = Command.FORCE_ARM0 if force else Command.ARM0
    return _control(base + mode, code, encode_mask(partitions, PARTITION_BYTES))


def disarm_request(code: str, partitions: Iterable[int]) -> bytes:
    """Disarm partitions."""
    return _control(Command.DISARM, code, encode_mask(partitions, PARTITION_BYTES))


def clear_alarm_request(code: str, partitions: Iterable[int]) -> bytes:
    """Clear the alarm in partitions."""
    return _control(Command.CLEAR_ALARM, code, encode_mask(partitions, PARTITION_BYTES))


def bypass_request(code: str, zones: Iterable[int], *, on: bool = True) -> bytes:
    """Bypass (or unbypass) zones."""
    command = Command.BYPASS if on else Command.UNBYPASS
    return _control(command, code, encode_mask(zones, ZONE_BYTES))


def outputs_request(code: str, outputs: Iterable[int], *, on: bool) -> bytes:
    """Switch outputs on or off."""
    command = Command.OUTPUTS_ON if on else Command.OUTPUTS_OFF
    return _control(command, code, encode_mask(outputs, ZONE_BYTES))


def name_request(kind: int, number: int) -> bytes:
    """Ask for a name: kind 0 partition, 1 zone, 4 output; number 256 is sent as 0."""
    if not 1 <= number <= 256:  # noqa: PLR2004
        msg = "device number is 1 to 256"
        raise SatelCodecError(msg)
    return bytes((Command.NAME, kind, number % 256))


def _control(command: int, code: str, mask: bytes) -> bytes:
    return bytes((command,)) + encode_code(code) + mask


@dataclass(frozen=True, slots=True)
class Control:
    """A decoded control command (what the emulator receives)."""

    command: int
    code: str
    items: frozenset[int]


def decode_control(payload: bytes) -> Control:
    """Split a control command into its code and the items of its bit list."""
    if len(payload) < 1 + CODE_BYTES + PARTITION_BYTES:
        msg = "control command too short"
        raise SatelCodecError(msg)
    return Control(payload[0], decode_code(payload[1 : 1 + CODE_BYTES]), decode_mask(payload[9:]))


# -- answers ----------------------------------------------------------------------------------


def result_of(payload: bytes) -> Result:
    """The result of an `EF` answer."""
    if len(payload) < 2 or payload[0] != Command.RESULT:  # noqa: PLR2004
        msg = "not a result frame"
        raise SatelCodecError(msg)
    return Result.of(payload[1])


def result_answer(result: int) -> bytes:
    """The `EF` answer payload (for the emulator)."""
    return bytes((Command.RESULT, result))


def new_data_flags(payload: bytes) -> frozenset[int]:
    """The commands whose answers changed, from a `7F` answer (5 or 6 flag bytes)."""
    data = _data_of(payload, Command.NEW_DATA)
    if len(data) not in {5, 6}:
        msg = "7F answer has 5 or 6 bytes"
        raise SatelCodecError(msg)
    return frozenset(item - 1 for item in decode_mask(data))


def mask_answer(payload: bytes) -> tuple[int, frozenset[int]]:
    """A state read's command byte and the items it lists (zones, partitions, outputs)."""
    if not payload:
        msg = "empty answer"
        raise SatelCodecError(msg)
    command, data = payload[0], payload[1:]
    if command in ZONE_READS:
        sizes: set[int] = {16, 32}
    elif command in PARTITION_READS:
        sizes = {PARTITION_BYTES}
    elif command in TROUBLE_READS:
        sizes = {TROUBLE_READS[command]}
    else:
        msg = "not a state read"
        raise SatelCodecError(msg)
    if len(data) not in sizes:
        msg = "wrong length for this answer"
        raise SatelCodecError(msg)
    return command, decode_mask(data)


def _data_of(payload: bytes, command: int) -> bytes:
    if not payload or payload[0] != command:
        msg = "unexpected answer"
        raise SatelCodecError(msg)
    return payload[1:]


@dataclass(frozen=True, slots=True)
class Name:
    """The `EE` answer: a partition, zone or output name."""

    kind: int
    number: int
    function: int
    name: str
    partition: int | None = None  # for kind 5, "zone with its partition"


def name_of(payload: bytes) -> Name:
    """Decode a name answer (16 bytes of code page 1250, space padded)."""
    data = _data_of(payload, Command.NAME)
    if len(data) not in {3 + NAME_BYTES, 4 + NAME_BYTES}:
        msg = "EE answer has 19 or 20 bytes"
        raise SatelCodecError(msg)
    number = data[1] or 256
    text = data[3 : 3 + NAME_BYTES].decode("cp1250", errors="replace").strip()
    partition = data[3 + NAME_BYTES] if len(data) == 4 + NAME_BYTES else None
    return Name(data[0], number, data[2], text, partition)


def name_answer(kind: int, number: int, name: str, function: int = 0) -> bytes:
    """The `EE` answer payload (for the emulator)."""
    raw = name.encode("cp1250", errors="replace")[:NAME_BYTES].ljust(NAME_BYTES, b" ")
    return bytes((Command.NAME, kind, number % 256, function)) + raw


PANEL_TYPES: Final[dict[int, str]] = {
    0: "INTEGRA 24",
    1: "INTEGRA 32",
    2: "INTEGRA 64",
    3: "INTEGRA 128",
    4: "INTEGRA 128-WRL SIM300",
    132: "INTEGRA 128-WRL LEON",
    66: "INTEGRA 64 Plus",
    67: "INTEGRA 128 Plus",
    72: "INTEGRA 256 Plus",
}


@dataclass(frozen=True, slots=True)
class Version:
    """What `7E` (the panel) or `7C` (the ETHM module) says about itself."""

    model: str
    version: str  # e.g. "1.23 2012-05-27"


def _version_text(digits: bytes) -> str:
    text = digits.decode("ascii", errors="replace")
    if len(text) != 11 or not text.isdigit():  # noqa: PLR2004
        msg = "version is 11 digits"
        raise SatelCodecError(msg)
    return f"{text[0]}.{text[1:3]} {text[3:7]}-{text[7:9]}-{text[9:11]}"


def integra_version(payload: bytes) -> Version:
    """Decode `7E`: panel type, 11 version digits, language, flash flag."""
    data = _data_of(payload, Command.INTEGRA_VERSION)
    if len(data) != 14:  # noqa: PLR2004
        msg = "7E answer has 14 bytes"
        raise SatelCodecError(msg)
    model = PANEL_TYPES.get(data[0], f"INTEGRA type {data[0]}")
    return Version(model, _version_text(data[1:12]))


def module_version(payload: bytes) -> Version:
    """Decode `7C`: the ETHM module's 11 version digits and its capability byte."""
    data = _data_of(payload, Command.MODULE_VERSION)
    if len(data) != 12:  # noqa: PLR2004
        msg = "7C answer has 12 bytes"
        raise SatelCodecError(msg)
    return Version("ETHM", _version_text(data[:11]))


def version_answer(command: int, panel_type: int, digits: str) -> bytes:
    """A `7E` or `7C` answer payload (for the emulator)."""
    if command == Command.INTEGRA_VERSION:
        return bytes((command, panel_type)) + digits.encode() + b"\x00\xff"
    return bytes((command,)) + digits.encode() + b"\x00"
