"""The ETHM-1 Plus "encrypted integration" wrapping of frames (pure, sans-I/O).

`protocols/satel.md` §7: every message is one length byte plus an encrypted block of that
length. Decrypted, the block is a 6-byte header (2 random bytes, a big-endian counter that
grows by one per message, the sender's id byte, an echo of the last id received from the
other side) and then the ordinary frame, zero-padded to at least 16 bytes.

The cipher is AES-192 keyed with the first 12 characters of the integration key (space
padded) twice. Whole 16-byte blocks are chained as in CBC with AES(16 zero bytes) as the
starting value; a final partial block is XORed with AES of the running chain value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Final

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from drivers.satel.errors import SatelCodecError

BLOCK: Final = 16
HEADER: Final = 6
KEY_CHARS: Final = 12


def integration_key(text: str) -> bytes:
    """The 24-byte AES key of an integration key as typed in DLOADX."""
    raw = text.encode("cp1250", errors="replace")[:KEY_CHARS].ljust(KEY_CHARS, b" ")
    return raw + raw


class IntegrationCipher:
    """The module's block chaining over AES-192 (both directions)."""

    def __init__(self, key: str) -> None:
        self._aes = Cipher(algorithms.AES(integration_key(key)), modes.ECB())  # noqa: S305 - one block at a time; chained below

    def _forward(self, block: bytes) -> bytes:
        encryptor = self._aes.encryptor()
        return encryptor.update(block) + encryptor.finalize()

    def _backward(self, block: bytes) -> bytes:
        decryptor = self._aes.decryptor()
        return decryptor.update(block) + decryptor.finalize()

    def encrypt(self, plain: bytes) -> bytes:
        """Encrypt one message's block (header, frame, padding)."""
        chain = self._forward(bytes(BLOCK))
        out = bytearray()
        whole = len(plain) - len(plain) % BLOCK
        for start in range(0, whole, BLOCK):
            chain = self._forward(_xor(plain[start : start + BLOCK], chain))
            out += chain
        if whole < len(plain):
            out += _xor(plain[whole:], self._forward(chain))
        return bytes(out)

    def decrypt(self, secret: bytes) -> bytes:
        """Decrypt one message's block."""
        chain = self._forward(bytes(BLOCK))
        out = bytearray()
        whole = len(secret) - len(secret) % BLOCK
        for start in range(0, whole, BLOCK):
            block = secret[start : start + BLOCK]
            out += _xor(self._backward(block), chain)
            chain = block
        if whole < len(secret):
            out += _xor(secret[whole:], self._forward(chain))
        return bytes(out)


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, key, strict=False))


@dataclass(slots=True)
class EncryptedChannel:
    """One session's message wrapping: `seal` what goes out, `feed` what comes in.

    `feed` returns the plain frame bytes of the messages it completed, for a `FrameReader`.
    A message whose echo is not the id this side last sent was not meant for this session (or
    the key is wrong): `SatelCodecError`. `opened` counts messages that decrypted into a
    frame, so a wrong key (nothing ever does) can be told from a silent module.
    """

    cipher: IntegrationCipher
    counter: int = 0
    sent_id: int = 0
    heard_id: int = 0
    opened: int = 0
    _buffer: bytearray = field(default_factory=bytearray)

    @classmethod
    def with_key(cls, key: str) -> EncryptedChannel:
        """A channel for an integration key."""
        return cls(IntegrationCipher(key))

    @property
    def pending(self) -> bool:
        """Whether bytes came that do not make a whole message yet."""
        return bool(self._buffer)

    def seal(self, frame: bytes) -> bytes:
        """One frame as an encrypted message: length byte, then the block."""
        head = os.urandom(3)
        self.sent_id = head[2]
        plain = head[:2] + self.counter.to_bytes(2, "big") + bytes((self.sent_id, self.heard_id))
        self.counter = (self.counter + 1) % 0x10000
        plain = (plain + frame).ljust(BLOCK, b"\x00")
        if len(plain) > 0xFF:  # noqa: PLR2004
            msg = "frame too long to encrypt"
            raise SatelCodecError(msg)
        return bytes((len(plain),)) + self.cipher.encrypt(plain)

    def feed(self, data: bytes) -> bytes:
        """Take bytes from the socket; return the frames of the messages they completed."""
        self._buffer += data
        frames = bytearray()
        while self._buffer and len(self._buffer) > self._buffer[0]:
            size = self._buffer[0]
            secret = bytes(self._buffer[1 : 1 + size])
            del self._buffer[: 1 + size]
            if size < HEADER:
                msg = "encrypted message too short"
                raise SatelCodecError(msg)
            plain = self.cipher.decrypt(secret)
            if plain[5] != self.sent_id:
                msg = "encrypted answer not for this session (wrong integration key?)"
                raise SatelCodecError(msg)
            self.heard_id = plain[4]
            self.opened += 1
            frames += plain[HEADER:]
        return bytes(frames)
