"""The SATEL codec against the verified vectors of protocols/satel.md, and property tests."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.satel import codec
from drivers.satel.codec import Command, FrameReader, Result, SatelCodecError


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


VECTORS = [
    ("7F", "FE FE 7F D8 61 FE 0D"),
    ("00", "FE FE 00 D7 E2 FE 0D"),
    ("0A", "FE FE 0A D7 EC FE 0D"),
    ("7E", "FE FE 7E D8 60 FE 0D"),
    ("7C", "FE FE 7C D8 5E FE 0D"),
    ("1A", "FE FE 1A D7 FC FE 0D"),
    ("EE 01 01", "FE FE EE 01 01 63 08 FE 0D"),
    (
        "80 1234FFFFFFFFFFFF 01000000",
        "FE FE 80 12 34 FF FF FF FF FF FF 01 00 00 00 9D 9E FE 0D",
    ),
    (
        "84 1234FFFFFFFFFFFF 01000000",
        "FE FE 84 12 34 FF FF FF FF FF FF 01 00 00 00 E0 F1 FE 0D",
    ),
    (
        "85 1234FFFFFFFFFFFF 01000000",
        "FE FE 85 12 34 FF FF FF FF FF FF 01 00 00 00 F1 41 FE 0D",
    ),
    (
        "80 1234FFFFFFFFFFFF 03000010",
        "FE FE 80 12 34 FF FF FF FF FF FF 03 00 00 10 9D 9D FE 0D",
    ),
    ("1C", "FE FE 1C D7 FE F0 FE 0D"),
    (
        "84 5555FFFFFFFFFFFF 01000000",
        "FE FE 84 55 55 FF FF FF FF FF FF 01 00 00 00 3E FE F0 FE 0D",
    ),
    (
        "88 1234FFFFFFFFFFFF FE" + "00" * 15,
        "FE FE 88 12 34 FF FF FF FF FF FF FE F0" + " 00" * 15 + " 47 7D FE 0D",
    ),
]


@pytest.mark.parametrize(("payload", "wire"), VECTORS)
def test_vectors_encode_and_decode(payload: str, wire: str) -> None:
    assert codec.encode_frame(h(payload)) == h(wire)
    assert codec.decode_frame(h(wire)) == h(payload)


def test_requests_build_the_documented_bytes() -> None:
    assert codec.arm_request(0, "1234", [1]) == h("80 1234FFFFFFFFFFFF 01000000")
    assert codec.arm_request(0, "1234", [1, 2, 29]) == h("80 1234FFFFFFFFFFFF 03000010")
    assert codec.disarm_request("5555", [1]) == h("84 5555FFFFFFFFFFFF 01000000")
    assert codec.clear_alarm_request("1234", [1]) == h("85 1234FFFFFFFFFFFF 01000000")
    assert codec.outputs_request("1234", range(2, 9), on=True) == h(
        "88 1234FFFFFFFFFFFF FE" + "00" * 15
    )
    assert codec.name_request(1, 1) == h("EE 01 01")
    assert codec.arm_request(3, "1234", [1], force=True)[0] == 0xA3
    assert codec.bypass_request("1234", [1], on=False)[0] == Command.UNBYPASS


def test_frames_sent_by_real_panels() -> None:
    assert codec.result_of(codec.decode_frame(h("FE FE EF 12 4E BC FE 0D"))) is Result.CANNOT_ARM
    armed = codec.decode_frame(h("FE FE 09 00 00 00 00 7D B4 FE 0D"))
    assert codec.mask_answer(armed) == (Command.ARMED_SUPPRESSED, frozenset())
    name = codec.name_of(
        codec.decode_frame(
            h("FE FE EE 01 01 00 44 72 7A 77 69 20 77 65 6A 9C 63 69 6F 77 65 20 9C BD FE 0D")
        )
    )
    assert (name.kind, name.number, name.name) == (1, 1, "Drzwi wejściowe")
    pushed = h("FE FE 00 08" + "00" * 11 + "08" + "00" * 19 + "94 9A FE 0D")
    assert codec.mask_answer(codec.decode_frame(pushed)) == (0, frozenset({4, 100}))
    flags = codec.decode_frame(h("FE FE 7F FF FF FF FF FF FF FE F0 8A FE 0D"))
    assert codec.new_data_flags(flags) == frozenset(range(48))


def test_masks_and_codes() -> None:
    assert codec.encode_mask([1, 2, 29], 4) == h("03000010")
    assert codec.encode_mask([1, 3, 62, 120], 16) == h("05000000000000200000000000008000")
    assert codec.decode_mask(h("05000000000000200000000000008000")) == {1, 3, 62, 120}
    assert codec.encode_code("1234") == h("1234FFFFFFFFFFFF")
    assert codec.encode_code("12345") == h("12345FFFFFFFFFFF")
    assert codec.encode_code("1234", prefix="97") == h("971234FFFFFFFFFF")
    for bad in ("", "123", "12a4", "1" * 17, "١٢٣٤"):
        with pytest.raises(SatelCodecError):
            codec.encode_code(bad)
    with pytest.raises(SatelCodecError):
        codec.encode_mask([33], 4)


def test_result_codes() -> None:
    assert Result.of(0xFF).success and Result.of(0).success
    assert Result.of(0x84) is Result.OTHER_ERROR
    assert not Result.of(0x11).success


def test_versions_and_the_busy_refusal() -> None:
    answer = codec.version_answer(Command.INTEGRA_VERSION, 3, "12320120527")
    assert codec.integra_version(answer) == codec.Version("INTEGRA 128", "1.23 2012-05-27")
    module = codec.version_answer(Command.MODULE_VERSION, 0, "20120190101")
    assert codec.module_version(module).version == "2.01 2019-01-01"
    reader = FrameReader()
    assert reader.feed(codec.BUSY) == []
    assert codec.BUSY.strip() in reader.noise


def test_reader_drops_bad_checksums_and_restarts_on_fe_fe() -> None:
    good = codec.encode_frame(h("0A 01000000"))
    bad = bytearray(good)
    bad[4] ^= 0x01
    reader = FrameReader()
    assert reader.feed(bytes(bad) + good) == [h("0A 01000000")]
    assert reader.dropped == 1
    # a frame cut short by FE FE is abandoned; the new one counts
    assert reader.feed(b"\xfe\xfe\x0a\x01" + good) == [h("0A 01000000")]
    # byte by byte gives the same
    assert [f for b in good for f in reader.feed(bytes((b,)))] == [h("0A 01000000")]


payloads = st.binary(min_size=1, max_size=60).filter(lambda p: p[0] != codec.SYNC)


@given(payloads)
def test_anything_encoded_decodes_back(payload: bytes) -> None:
    assert codec.decode_frame(codec.encode_frame(payload)) == payload


@given(
    st.integers(0, 3), st.text("0123456789", min_size=4, max_size=16), st.sets(st.integers(1, 32))
)
def test_controls_decode_back(mode: int, code: str, partitions: set[int]) -> None:
    control = codec.decode_control(codec.arm_request(mode, code, partitions))
    assert (control.command, control.code, control.items) == (
        0x80 + mode,
        code,
        frozenset(partitions),
    )


@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    reader = FrameReader()
    for payload in reader.feed(data):
        assert payload  # whatever came out passed its checksum
        for parse in (
            codec.result_of,
            codec.mask_answer,
            codec.new_data_flags,
            codec.name_of,
            codec.integra_version,
            codec.module_version,
            codec.decode_control,
        ):
            with contextlib.suppress(SatelCodecError):
                parse(payload)


@given(payloads, st.integers(0, 80))
def test_truncated_frames_raise_only_the_codec_error(payload: bytes, cut: int) -> None:
    wire = codec.encode_frame(payload)
    with pytest.raises(SatelCodecError):
        codec.decode_frame(wire[: min(cut, len(wire) - 1)])


@given(st.binary(max_size=40))
def test_parsers_raise_only_the_codec_error(data: bytes) -> None:
    for parse in (
        codec.result_of,
        codec.mask_answer,
        codec.new_data_flags,
        codec.name_of,
        codec.integra_version,
        codec.module_version,
        codec.decode_control,
        codec.decode_frame,
    ):
        with contextlib.suppress(SatelCodecError):
            parse(data)
