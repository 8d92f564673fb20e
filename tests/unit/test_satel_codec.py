"""The SATEL codec (frames, requests, answers) against the verified vectors of the protocol
notes (docs/protocols/satel.md), and property tests."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.satel import answers, frames, protocol, requests
from drivers.satel.errors import SatelCodecError
from drivers.satel.frames import FrameReader
from drivers.satel.protocol import Command, Result


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
    assert frames.encode_frame(h(payload)) == h(wire)
    assert frames.decode_frame(h(wire)) == h(payload)


def test_requests_build_the_documented_bytes() -> None:
    assert requests.arm_request(0, "1234", [1]) == h("80 1234FFFFFFFFFFFF 01000000")
    assert requests.arm_request(0, "1234", [1, 2, 29]) == h("80 1234FFFFFFFFFFFF 03000010")
    assert requests.disarm_request("5555", [1]) == h("84 5555FFFFFFFFFFFF 01000000")
    assert requests.clear_alarm_request("1234", [1]) == h("85 1234FFFFFFFFFFFF 01000000")
    assert requests.outputs_request("1234", range(2, 9), on=True) == h(
        "88 1234FFFFFFFFFFFF FE" + "00" * 15
    )
    assert requests.name_request(1, 1) == h("EE 01 01")
    assert requests.arm_request(3, "1234", [1], force=True)[0] == 0xA3
    assert requests.bypass_request("1234", [1], on=False)[0] == Command.UNBYPASS


def test_frames_sent_by_real_panels() -> None:
    assert answers.result_of(frames.decode_frame(h("FE FE EF 12 4E BC FE 0D"))) is Result.CANNOT_ARM
    armed = frames.decode_frame(h("FE FE 09 00 00 00 00 7D B4 FE 0D"))
    assert answers.mask_answer(armed) == (Command.ARMED_SUPPRESSED, frozenset())
    name = answers.name_of(
        frames.decode_frame(
            h("FE FE EE 01 01 00 44 72 7A 77 69 20 77 65 6A 9C 63 69 6F 77 65 20 9C BD FE 0D")
        )
    )
    assert (name.kind, name.number, name.name) == (1, 1, "Drzwi wejściowe")
    pushed = h("FE FE 00 08" + "00" * 11 + "08" + "00" * 19 + "94 9A FE 0D")
    assert answers.mask_answer(frames.decode_frame(pushed)) == (0, frozenset({4, 100}))
    flags = frames.decode_frame(h("FE FE 7F FF FF FF FF FF FF FE F0 8A FE 0D"))
    assert answers.new_data_flags(flags) == frozenset(range(48))


def test_masks_and_codes() -> None:
    assert protocol.encode_mask([1, 2, 29], 4) == h("03000010")
    assert protocol.encode_mask([1, 3, 62, 120], 16) == h("05000000000000200000000000008000")
    assert protocol.decode_mask(h("05000000000000200000000000008000")) == {1, 3, 62, 120}
    assert requests.encode_code("1234") == h("1234FFFFFFFFFFFF")
    assert requests.encode_code("12345") == h("12345FFFFFFFFFFF")
    assert requests.encode_code("1234", prefix="97") == h("971234FFFFFFFFFF")
    for bad in ("", "123", "12a4", "1" * 17, "١٢٣٤"):
        with pytest.raises(SatelCodecError):
            requests.encode_code(bad)
    with pytest.raises(SatelCodecError):
        protocol.encode_mask([33], 4)


def test_result_codes() -> None:
    assert Result.of(0xFF).success and Result.of(0).success
    assert Result.of(0x84) is Result.OTHER_ERROR
    assert not Result.of(0x11).success


def test_versions_and_the_busy_refusal() -> None:
    answer = answers.version_answer(Command.INTEGRA_VERSION, 3, "12320120527")
    assert answers.integra_version(answer) == answers.Version("INTEGRA 128", "1.23 2012-05-27")
    module = answers.version_answer(Command.MODULE_VERSION, 0, "20120190101")
    assert answers.module_version(module).version == "2.01 2019-01-01"
    reader = FrameReader()
    assert reader.feed(frames.BUSY) == []
    assert frames.BUSY.strip() in reader.noise


def test_reader_drops_bad_checksums_and_restarts_on_fe_fe() -> None:
    good = frames.encode_frame(h("0A 01000000"))
    bad = bytearray(good)
    bad[4] ^= 0x01
    reader = FrameReader()
    assert reader.feed(bytes(bad) + good) == [h("0A 01000000")]
    assert reader.dropped == 1
    # a frame cut short by FE FE is abandoned; the new one counts
    assert reader.feed(b"\xfe\xfe\x0a\x01" + good) == [h("0A 01000000")]
    # byte by byte gives the same
    assert [f for b in good for f in reader.feed(bytes((b,)))] == [h("0A 01000000")]


payloads = st.binary(min_size=1, max_size=60).filter(lambda p: p[0] != frames.SYNC)


@given(payloads)
def test_anything_encoded_decodes_back(payload: bytes) -> None:
    assert frames.decode_frame(frames.encode_frame(payload)) == payload


@given(
    st.integers(0, 3), st.text("0123456789", min_size=4, max_size=16), st.sets(st.integers(1, 32))
)
def test_controls_decode_back(mode: int, code: str, partitions: set[int]) -> None:
    control = requests.decode_control(requests.arm_request(mode, code, partitions))
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
            answers.result_of,
            answers.mask_answer,
            answers.new_data_flags,
            answers.name_of,
            answers.integra_version,
            answers.module_version,
            requests.decode_control,
        ):
            with contextlib.suppress(SatelCodecError):
                parse(payload)


@given(payloads, st.integers(0, 80))
def test_truncated_frames_raise_only_the_codec_error(payload: bytes, cut: int) -> None:
    wire = frames.encode_frame(payload)
    with pytest.raises(SatelCodecError):
        frames.decode_frame(wire[: min(cut, len(wire) - 1)])


@given(st.binary(max_size=40))
def test_parsers_raise_only_the_codec_error(data: bytes) -> None:
    for parse in (
        answers.result_of,
        answers.mask_answer,
        answers.new_data_flags,
        answers.name_of,
        answers.integra_version,
        answers.module_version,
        requests.decode_control,
        frames.decode_frame,
    ):
        with contextlib.suppress(SatelCodecError):
            parse(data)


def test_wide_lists_are_asked_with_one_extra_byte_where_the_module_can() -> None:
    assert requests.read_request(0x00) == b"\x00"
    assert requests.read_request(0x00, wide=True) == b"\x00\x00"
    assert requests.read_request(0x17, wide=True) == b"\x17\x00"  # outputs too
    assert requests.read_request(0x0A, wide=True) == b"\x0a"  # partitions stay 4 bytes
    module = answers.module_version(b"\x7c" + b"12320120527" + b"\x01")
    assert module.wide_lists and not answers.module_version(b"\x7c12320120527\x00").wide_lists
    bypass = requests.bypass_request("1234", [200])
    assert len(bypass) == 1 + 8 + 32 and requests.decode_control(bypass).items == {200}
    assert len(requests.bypass_request("1234", [5])) == 1 + 8 + 16


def test_the_clock_and_status_answer_is_bcd_with_service_mode_and_troubles() -> None:
    status = answers.clock_status(h("1A 20 26 12 02 17 05 09 C0 20"))
    assert status.clock is not None and f"{status.clock:%Y-%m-%d %H:%M:%S}" == "2026-12-02 17:05:09"
    assert status.service_mode and status.troubles and status.trouble_memory
    broken = answers.clock_status(h("1A 20 26 13 45 17 05 09 00 00"))  # month 13: no clock
    assert broken.clock is None and not broken.service_mode
    with pytest.raises(SatelCodecError):
        answers.clock_status(h("1A 20 26"))
    assert requests.clear_trouble_memory_request("1234") == h("8B 1234FFFFFFFFFFFF")


def test_an_atd100_temperature_is_half_degrees_from_minus_55() -> None:
    assert answers.temperature_of(h("7D 07 00 6E")) == (7, 0.0)  # SATEL: 0x006E is 0 °C
    assert answers.temperature_of(h("7D 07 00 00")) == (7, -55.0)
    assert answers.temperature_of(h("7D 00 00 9B")) == (256, 22.5)
    assert answers.temperature_of(h("7D 07 FF FF")) == (7, None)  # unknown
    assert requests.temperature_request(256) == h("7D 00")
    with pytest.raises(SatelCodecError):
        answers.temperature_of(h("7D 07 00"))


def test_an_event_log_record_and_its_text_decode() -> None:
    """protocols §10: year mod 4, class and day, month and minute, partition/restore/code,
    source, object/user, previous and own index."""
    record = answers.log_record(h("8C B1 4C C4 37 08 17 03 00 000101 000102"), 2026)
    assert record is not None
    assert f"{record.at:%Y-%m-%d %H:%M}" == "2026-12-12 17:59"  # minute 0x437 = 1079
    assert (record.event_class, record.partition, record.code, record.restore) == (
        2,
        2,
        0x17,
        False,
    )
    assert (record.source, record.previous, record.index) == (3, 0x101, 0x102)
    earlier = answers.log_record(h("8C F1 4C C4 37 0C 17 03 00 000101 000102"), 2026)
    assert earlier is not None and earlier.at.year == 2023 and earlier.restore  # year mod 4 = 3
    assert answers.log_record(h("8C 00 00 00 00 00 00 00 00 000000 000000"), 2026) is None
    assert requests.log_request() == h("8C FF FF FF")
    assert requests.event_text_request(0x117, restore=True) == h("8F 05 17")
    text = answers.event_text(h("8F 00 17 00 00 00") + b"Uzbrojenie".ljust(16))
    assert text == "Uzbrojenie"
