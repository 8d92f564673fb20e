"""SATEL frames: `FE FE | cmd | data | crc.hi crc.lo | FE 0D`, FE stuffed as `FE F0` (pure).

The checksum runs over the unstuffed command and data. Anything malformed raises
`SatelCodecError` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from drivers.satel.errors import SatelCodecError

SYNC: Final = 0xFE
STUFFED: Final = 0xF0
END: Final = 0x0D
HEADER: Final = b"\xfe\xfe"
FOOTER: Final = b"\xfe\x0d"
BUSY: Final = b"Busy!\r\n"  # an ETHM-1 Plus that already serves a client says this and closes
MAX_FRAME: Final = 256  # no answer of this protocol is longer; longer is garbage


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
