"""What the platform sends a SATEL panel: reads, control commands, name queries (pure).

Control commands carry the user code as decimal nibbles and a bit list of partitions, zones
or outputs. `decode_control` reads one back (the emulator's side, and tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from drivers.satel.errors import SatelCodecError
from drivers.satel.protocol import (
    CODE_BYTES,
    PARTITION_BYTES,
    ZONE_BYTES,
    ZONE_READS,
    Command,
    decode_mask,
    encode_mask,
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


def read_request(command: int, *, wide: bool = False) -> bytes:
    """The payload asking for a read command's answer. Zone and output lists come as 16 bytes
    (1–128), or, with `wide` and one extra data byte, as 32 (1–256: INTEGRA 256 Plus, on a
    module whose `7C` capability bit 0 says it can)."""
    if wide and command in ZONE_READS:
        return bytes((command, 0x00))
    return bytes((command,))


def new_data_request() -> bytes:
    """Ask which commands' answers changed since they were last read: `7F 00`, which newer
    modules answer with 6 flag bytes, up to `2F` (a bare `7F` gets 5, up to `27`, and then
    mode-1 arming, `2A`, is never flagged)."""
    return bytes((Command.NEW_DATA, 0x00))


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
    """Bypass (or unbypass) zones; the list is 32 bytes when it names a zone above 128."""
    command = Command.BYPASS if on else Command.UNBYPASS
    return _control(command, code, _zone_list(zones))


def outputs_request(code: str, outputs: Iterable[int], *, on: bool) -> bytes:
    """Switch outputs on or off; the list is 32 bytes when it names an output above 128."""
    command = Command.OUTPUTS_ON if on else Command.OUTPUTS_OFF
    return _control(command, code, _zone_list(outputs))


def _zone_list(items: Iterable[int]) -> bytes:
    """A zone or output list: 16 bytes (1–128), or 32 when an item is above 128."""
    chosen = list(items)
    size = 2 * ZONE_BYTES if any(n > ZONE_BYTES * 8 for n in chosen) else ZONE_BYTES
    return encode_mask(chosen, size)


def clear_trouble_memory_request(code: str) -> bytes:
    """Clear the trouble memory (`8B`: the code, nothing else)."""
    return bytes((Command.CLEAR_TROUBLE_MEMORY,)) + encode_code(code)


def temperature_request(zone: int) -> bytes:
    """Ask an ATD-100 zone's temperature (`7D` + the zone, 256 sent as 0)."""
    if not 1 <= zone <= 256:  # noqa: PLR2004
        msg = "zone is 1 to 256"
        raise SatelCodecError(msg)
    return bytes((Command.TEMPERATURE, zone % 256))


NEWEST_RECORD = 0xFFFFFF


def log_request(index: int = NEWEST_RECORD) -> bytes:
    """Ask for one event log record by its index (`FF FF FF`: the newest)."""
    if not 0 <= index <= NEWEST_RECORD:
        msg = "a record index is 3 bytes"
        raise SatelCodecError(msg)
    return bytes((Command.EVENT_LOG,)) + index.to_bytes(3, "big")


def event_text_request(code: int, *, restore: bool) -> bytes:
    """Ask for the panel's short text of an event code (`8F`)."""
    if not 0 <= code <= 0x3FF:  # noqa: PLR2004
        msg = "an event code is 10 bits"
        raise SatelCodecError(msg)
    return bytes((Command.EVENT_TEXT, (0x04 if restore else 0) | code >> 8, code & 0xFF))


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
