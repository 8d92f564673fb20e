"""What a SATEL panel answers: results, new-data flags, state lists, names, versions (pure).

The `*_answer` functions build answers for the emulator and tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from drivers.satel.errors import SatelCodecError
from drivers.satel.protocol import (
    NAME_BYTES,
    PARTITION_BYTES,
    PARTITION_READS,
    TROUBLE_MEMORY_READS,
    TROUBLE_READS,
    ZONE_READS,
    Command,
    Result,
    decode_mask,
)


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
    elif command in TROUBLE_MEMORY_READS:
        sizes = {TROUBLE_MEMORY_READS[command]}
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
    capabilities: int = 0  # 7C's capability byte; bit 0: 32-byte zone and output lists

    @property
    def wide_lists(self) -> bool:
        """Whether the module answers zone and output reads with 32 bytes (1–256) when asked."""
        return bool(self.capabilities & 1)


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
    return Version("ETHM", _version_text(data[:11]), data[11])


def version_answer(command: int, panel_type: int, digits: str) -> bytes:
    """A `7E` or `7C` answer payload (for the emulator)."""
    if command == Command.INTEGRA_VERSION:
        return bytes((command, panel_type)) + digits.encode() + b"\x00\xff"
    return bytes((command,)) + digits.encode() + b"\x00"


@dataclass(frozen=True, slots=True)
class ClockStatus:
    """The `1A` answer: the panel's clock and its status bits."""

    clock: datetime | None  # None when the panel's clock is not a valid date
    service_mode: bool
    troubles: bool
    trouble_memory: bool


def _bcd(byte: int) -> int:
    high, low = byte >> 4, byte & 0x0F
    if high > 9 or low > 9:  # noqa: PLR2004
        msg = "not BCD"
        raise SatelCodecError(msg)
    return high * 10 + low


def clock_status(payload: bytes) -> ClockStatus:
    """Decode `1A`: YYYY MM DD hh mm ss in BCD, then two status bytes."""
    data = _data_of(payload, Command.CLOCK)
    if len(data) != 9:  # noqa: PLR2004
        msg = "1A answer has 9 bytes"
        raise SatelCodecError(msg)
    try:
        year = _bcd(data[0]) * 100 + _bcd(data[1])
        month, day, hour, minute, second = (_bcd(b) for b in data[2:7])
        clock: datetime | None = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
    except (SatelCodecError, ValueError):
        clock = None
    return ClockStatus(clock, bool(data[7] & 0x80), bool(data[7] & 0x40), bool(data[8] & 0x20))


def clock_answer(at: datetime, *, service_mode: bool = False, troubles: bool = False) -> bytes:
    """A `1A` answer payload (for tests)."""
    digits = f"{at:%Y%m%d%H%M%S}"
    body = bytes.fromhex(digits)
    return bytes((Command.CLOCK,)) + body + bytes((0x80 * service_mode | 0x40 * troubles, 0))


def temperature_of(payload: bytes) -> tuple[int, float | None]:
    """Decode `7D`: the zone, then 16 bits of half degrees from −55 °C (FFFF: unknown)."""
    data = _data_of(payload, Command.TEMPERATURE)
    if len(data) != 3:  # noqa: PLR2004
        msg = "7D answer has 3 bytes"
        raise SatelCodecError(msg)
    raw = data[1] << 8 | data[2]
    return data[0] or 256, None if raw == 0xFFFF else -55.0 + raw / 2  # noqa: PLR2004


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One record of the panel's event log (`8C`, protocols §10)."""

    index: int
    previous: int  # the index to ask for the next older record
    at: datetime  # the panel's local time, to the minute
    event_class: int  # 0 zone alarms … 7 system events
    partition: int
    code: int
    restore: bool
    source: int  # a zone, user, keypad… depending on the event
    user_control: int


def log_record(payload: bytes, this_year: int) -> LogRecord | None:
    """Decode a `8C` answer; None for an empty record (the log ends there)."""
    data = _data_of(payload, Command.EVENT_LOG)
    if len(data) != 14:  # noqa: PLR2004
        msg = "8C answer has 14 bytes"
        raise SatelCodecError(msg)
    if not data[0] & 0x20 or not data[0] & 0x10:
        return None
    year = this_year - (this_year - (data[0] >> 6)) % 4
    minute = (data[2] & 0x0F) << 8 | data[3]
    try:
        at = datetime(year, data[2] >> 4, data[1] & 0x1F, minute // 60, minute % 60)  # noqa: DTZ001
    except ValueError as err:
        raise SatelCodecError(str(err)) from err
    return LogRecord(
        index=int.from_bytes(data[11:14], "big"),
        previous=int.from_bytes(data[8:11], "big"),
        at=at,
        event_class=data[1] >> 5,
        partition=(data[4] >> 3) + 1,
        code=(data[4] & 0x03) << 8 | data[5],
        restore=bool(data[4] & 0x04),
        source=data[6],
        user_control=data[7] & 0x1F,
    )


def event_text(payload: bytes) -> str:
    """The short text of an event code from a `8F` answer (code page 1250, trimmed)."""
    data = _data_of(payload, Command.EVENT_TEXT)
    if len(data) != 21:  # noqa: PLR2004
        msg = "8F short answer has 21 bytes"
        raise SatelCodecError(msg)
    return data[5:21].decode("cp1250", errors="replace").strip()
