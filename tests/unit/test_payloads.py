"""Outbox payloads: what the writers store reads back the same, old rows still read."""

from __future__ import annotations

import pytest

from core.alerts.rules import Kind, Severity
from core.outbox.payloads import (
    ArmingPayload,
    DigestDevice,
    DigestPayload,
    EpisodePayload,
    Event,
    NoticePayload,
    PayloadError,
    decode,
    encode,
)

EXAMPLES = [
    EpisodePayload(
        event=Event.OPENED,
        kind=Kind.HIGH,
        metric="co2",
        severity=Severity.CRITICAL,
        device_id=7,
        device_name="Kid's <Room>",
        value=1300.0,
        threshold=1000.0,
        opened_at=1_700_000_000.0,
    ),
    EpisodePayload(event=Event.REMINDER, kind=Kind.PANEL_ALARM, metric="p1", reminder=2),
    ArmingPayload(event=Event.INFO, number=1, target_name="Ground floor", armed=True, mode=1),
    DigestPayload(
        event=Event.DIGEST,
        start=1.0,
        end=2.0,
        devices=[DigestDevice(name="Bedroom", metrics={"co2": (400.0, 900.0, 650.0)})],
        alerts=[EpisodePayload(event=Event.OPENED, kind=Kind.OFFLINE)],
        offline=["Attic"],
    ),
    NoticePayload(event=Event.NOTICE, key="notice-joined", args={"name": "Bob"}),
]


@pytest.mark.parametrize("payload", EXAMPLES, ids=lambda p: type(p).__name__)
def test_what_is_written_reads_back_the_same(payload: object) -> None:
    assert decode(encode(payload)) == payload  # type: ignore[arg-type]


def test_a_row_written_before_a_field_existed_still_reads() -> None:
    old = {"event": "closed", "kind": "device_offline", "device_name": "Hall", "unknown": 1}
    payload = decode(old)
    assert isinstance(payload, EpisodePayload)
    assert (payload.kind, payload.severity, payload.reminder) == (Kind.OFFLINE, "warning", None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"event": "opened", "kind": "gremlins"}, "kind"),
        ({"event": "teleported"}, "event"),
        ({"event": "info", "armed": True}, "number"),
        ({"event": "digest", "start": "yesterday", "end": 2}, "start"),
        ([1, 2, 3], "dictionary"),
    ],
)
def test_a_payload_nobody_writes_is_refused_with_its_reason(raw: object, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        decode(raw)
