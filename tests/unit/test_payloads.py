"""What crosses a process boundary (outbox payloads, panel requests, relay presses) reads
back as it was written, and what nobody writes is refused."""

from __future__ import annotations

import pytest

from core.alerts.rules import Kind, Severity
from core.devices.shelly import RelayPress
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
from core.panels.requests import PanelAction, PanelRequest, PanelRequestError

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


def test_a_panel_request_reads_back_as_it_was_sent() -> None:
    request = PanelRequest(
        action=PanelAction.ARM,
        partitions=(1, 2),
        code_token="token",
        user_id=42,
        by="Anna",
        mode=1,
        bypass=(5,),
    )
    assert PanelRequest.of(request.params()) == request


@pytest.mark.parametrize(
    "change",
    [
        {"action": "explode"},
        {"partitions": []},
        {"partitions": ["1"]},
        {"partitions": [True]},
        {"mode": 7},
        {"code": 1234},
        {"user_id": "42"},
    ],
)
def test_a_panel_request_nobody_sent_is_refused(change: dict[str, object]) -> None:
    params = {**PanelRequest(PanelAction.DISARM, (1,), "token", 42, "Anna").params(), **change}
    with pytest.raises(PanelRequestError):
        PanelRequest.of(params)


def test_a_relay_press_is_a_channel_number_and_a_boolean() -> None:
    assert RelayPress.of(RelayPress(2, on=True).params()) == RelayPress(2, on=True)
    for params in ({"channel": True, "on": True}, {"channel": 1, "on": 1}, {"channel": "1"}):
        assert RelayPress.of(params) is None
