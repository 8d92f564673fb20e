"""The encrypted integration of an ETHM-1 Plus against the vector of the protocol notes
(docs/protocols/satel.md §7), and a session's messages both ways."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.satel.crypto import EncryptedChannel, IntegrationCipher, integration_key
from drivers.satel.errors import SatelCodecError
from drivers.satel.frames import FrameReader, encode_frame

SECRET = bytes.fromhex("43D864307E6B8431CD7559CE2EF9D41F26615C2F")


def test_the_documented_vector_encrypts_and_decrypts() -> None:
    plain = bytes.fromhex("52 3D 00 03 00 54 FE FE 7F FF FF FF FF FF FF FE F0 8A FE 0D")
    cipher = IntegrationCipher("some_key")
    assert cipher.encrypt(plain) == SECRET
    assert cipher.decrypt(SECRET) == plain


def test_the_key_is_twelve_characters_space_padded_twice() -> None:
    assert integration_key("some_key") == b"some_key    some_key    "
    assert integration_key("abcdefghijklmnop") == b"abcdefghijklabcdefghijkl"


@given(st.binary(min_size=16, max_size=200))
def test_every_length_round_trips(plain: bytes) -> None:
    cipher = IntegrationCipher("ABCDEFGH1234")
    assert cipher.decrypt(cipher.encrypt(plain)) == plain


def test_a_session_echoes_ids_and_counts_messages() -> None:
    client, module = EncryptedChannel.with_key("k1"), EncryptedChannel.with_key("k1")
    first = client.seal(encode_frame(b"\x7f\x00"))
    assert len(first) == 1 + first[0]  # length byte, then that many bytes
    module.sent_id = 0  # a new session: nothing sent yet, the client's echo is 0
    assert FrameReader().feed(module.feed(first)) == [b"\x7f\x00"]
    assert module.heard_id == client.sent_id
    answer = module.seal(encode_frame(b"\x7f" + bytes(6)))
    assert FrameReader().feed(client.feed(answer[:5]) + client.feed(answer[5:])) == [
        b"\x7f" + bytes(6)
    ]
    assert client.opened == 1
    second = client.seal(encode_frame(b"\x0a"))
    assert module.cipher.decrypt(second[1:])[2:4] == b"\x00\x01"  # the counter grew


def test_an_answer_under_another_key_or_for_another_session_is_refused() -> None:
    client = EncryptedChannel.with_key("right")
    client.seal(encode_frame(b"\x7f\x00"))
    stranger = EncryptedChannel.with_key("wrong")

    def four_answers() -> None:  # a random echo may match once in 256; four in a row cannot
        for _ in range(4):
            client.feed(stranger.seal(encode_frame(b"\x7f" + bytes(6))))

    with pytest.raises(SatelCodecError):
        four_answers()
