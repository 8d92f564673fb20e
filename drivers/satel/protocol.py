"""SATEL INTEGRA integration protocol: command and result bytes, sizes, bit lists (pure).

Follows `docs/protocols/satel.md`. The other modules are by role: `frames` (the wire
format), `requests` (what the platform sends), `answers` (what the panel says), `session`
(which reads keep a panel's state), `transport` (the TCP link).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Final

from drivers.satel.errors import SatelCodecError

ZONE_BYTES: Final = 16  # zones and outputs 1–128 (32 bytes, 1–256, are accepted when read)
PARTITION_BYTES: Final = 4  # partitions 1–32
CODE_BYTES: Final = 8
NAME_BYTES: Final = 16


class Command(IntEnum):
    """The command bytes the platform uses."""

    ZONES_VIOLATED = 0x00
    ZONES_TAMPER = 0x01
    ZONES_ALARM = 0x02
    ZONES_TAMPER_ALARM = 0x03
    ZONES_ALARM_MEMORY = 0x04
    ZONES_TAMPER_MEMORY = 0x05
    ZONES_BYPASSED = 0x06
    ZONES_MASKED = 0x28
    ZONES_MASKED_MEMORY = 0x29
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
    TEMPERATURE = 0x7D
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
    CLEAR_TROUBLE_MEMORY = 0x8B
    FORCE_ARM0 = 0xA0
    EVENT_LOG = 0x8C
    EVENT_TEXT = 0x8F
    NAME = 0xEE
    RESULT = 0xEF


ZONE_READS: Final = frozenset(range(0x00, 0x07)) | {
    Command.OUTPUTS,
    Command.ZONES_MASKED,
    Command.ZONES_MASKED_MEMORY,
}
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
# Troubles parts 1–7 (command → answer size), and the memory of each part, in part order.
TROUBLE_READS: Final[dict[int, int]] = {
    0x1B: 47, 0x1C: 26, 0x1D: 60, 0x1E: 30, 0x1F: 31, 0x2C: 45, 0x2D: 47,
}  # fmt: skip
TROUBLE_MEMORY_READS: Final[dict[int, int]] = {
    0x20: 47, 0x21: 39, 0x22: 60, 0x23: 30, 0x24: 48, 0x2E: 45, 0x2F: 48,
}  # fmt: skip
# Everything the platform keeps of a panel's state, read at connect and whenever 7F flags it.
STATE_READS: Final = tuple(
    sorted(ZONE_READS | PARTITION_READS | set(TROUBLE_READS) | set(TROUBLE_MEMORY_READS))
)


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
