"""A panel's state (pure): what changed between two snapshots, JSON round trip, the card line."""

from __future__ import annotations

from datetime import UTC

from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import translator
from bot.render.satel import panel_lines, partition_state, trouble_name
from core import clock
from core.access.policy import Role
from core.devices.models import Device
from core.panels.profile import PanelProfile
from core.panels.service import PanelView
from core.panels.state import (
    PARTITION_FLAGS,
    ZONE_FLAGS,
    PanelChange,
    PanelSnapshot,
    changes,
    trouble_kind,
)

TR = translator("en")


def snap(**partitions: set[int]) -> PanelSnapshot:
    return PanelSnapshot(partitions={k: frozenset(v) for k, v in partitions.items()})


def test_arming_disarming_and_a_mode_change_are_one_change_each() -> None:
    disarmed, full = snap(), snap(armed={1, 2})
    night = snap(armed={1, 2}, mode2={2})
    assert changes(disarmed, full) == [
        PanelChange("armed", 1, True, 0),
        PanelChange("armed", 2, True, 0),
    ]
    assert changes(full, night) == [PanelChange("armed", 2, True, 2)]
    assert changes(night, snap(armed={1})) == [PanelChange("armed", 2, False, None)]
    assert changes(night, night) == []


def test_alarms_zones_and_troubles_start_and_end() -> None:
    old = PanelSnapshot(troubles=frozenset({"1:328"}))
    new = PanelSnapshot(
        partitions={"alarm": frozenset({1}), "exit": frozenset({2})},
        zones={"tamper": frozenset({7}), "bypassed": frozenset({3})},
        troubles=frozenset({"1:327"}),
    )
    assert changes(old, new) == [
        PanelChange("alarm", 1, True),
        PanelChange("exit", 2, True),
        PanelChange("tamper", 7, True),
        PanelChange("bypass", 3, True),
        PanelChange("trouble", 0, True, trouble="1:327"),
        PanelChange("trouble", 0, False, trouble="1:328"),
    ]
    assert [c.on for c in changes(new, old)] == [False, False, False, False, True, False]


numbers = st.frozensets(st.integers(1, 128), max_size=6)


@given(
    st.dictionaries(st.sampled_from(PARTITION_FLAGS), numbers),
    st.dictionaries(st.sampled_from(ZONE_FLAGS), numbers),
    st.frozensets(st.sampled_from(["1:328", "2:5", "3:100"])),
    st.booleans(),
)
def test_a_snapshot_survives_its_json(
    partitions: dict[str, frozenset[int]],
    zones: dict[str, frozenset[int]],
    troubles: frozenset[str],
    connected: bool,
) -> None:
    before = PanelSnapshot(partitions, zones, frozenset({3}), troubles, connected, 1.5, "INTEGRA")
    after = PanelSnapshot.decode(before.encode())
    assert after is not None and after.same_state(before)
    assert (after.connected, after.confirmed_at, after.model) == (connected, 1.5, "INTEGRA")
    assert changes(before, after) == []


def test_garbage_in_redis_reads_as_no_state() -> None:
    for raw in (None, b"", b"not json", b"[1, 2]", b'{"partitions": {"armed": ["x"]}}'):
        assert PanelSnapshot.decode(raw) is None


def test_the_card_line_says_exit_time_alarm_and_memory() -> None:
    assert "disarmed" in partition_state(snap(), 1, TR)
    assert "more than 10 s" in partition_state(snap(exit={1}), 1, TR)
    assert "less than 10 s" in partition_state(snap(exit={1}, exit_short={1}), 1, TR)
    assert "partial 2 (night)" in partition_state(snap(armed={1}, mode2={1}), 1, TR)
    assert "ALARM" in partition_state(snap(armed={1}, alarm={1}, alarm_memory={1}), 1, TR)
    memory = partition_state(snap(alarm_memory={1}), 1, TR)
    assert "disarmed" in memory and "alarm memory" in memory


def test_connected_is_not_trusted_when_nobody_refreshed_it() -> None:
    """No processor holds the panel: the last "connected" stays in Redis, and the card said
    "🟢 connected" forever. Older than 30 s it says there is no news."""
    now = clock.now().timestamp()
    fresh = PanelSnapshot(connected=True, confirmed_at=now - 12)
    stale = PanelSnapshot(connected=True, confirmed_at=now - 45)
    device = Device(id=1, uid="satel-1", type_code="satel_integra", name="Office")
    for shown, expected in ((fresh, "🟢 connected"), (stale, "no news from the panel for 45 s")):
        view = PanelView(device, Role.OWNER, PanelProfile(), shown, False, ())
        assert expected in panel_lines(view, TR, UTC)[0]
    assert PanelSnapshot(connected=False, confirmed_at=now - 45).silent_for(now) is None


def test_a_card_shows_used_partitions_and_zone_memories_masking() -> None:
    """The panel names all 32 partitions, used or not: the card had 32 lines."""
    names = {"partitions": {n: f"Strefa {n}" for n in range(1, 33)}, "zones": {4: "Hall PIR"}}
    profile = PanelProfile(names=names, zone_partitions={1: 1, 2: 1, 3: 2, 4: 2})
    shown = PanelSnapshot(
        partitions={"armed": frozenset({5})},
        zones={
            "masked": frozenset({4}),
            "alarm_memory": frozenset({3}),
            "tamper_memory": frozenset({1}),
            "tamper": frozenset({1}),
        },
        temperatures={4: 21.5},
        connected=True,
        confirmed_at=clock.now().timestamp(),
    )
    device = Device(id=1, uid="satel-1", type_code="satel_integra", name="Office")
    view = PanelView(device, Role.VIEWER, profile, shown, False, ())
    assert view.partitions == [1, 2, 5]  # with zones, or reporting something
    text = "\n".join(panel_lines(view, TR, UTC))
    assert "Strefa 3" not in text and "<b>Strefa 5</b>" in text
    assert "Masked (detector covered): Hall PIR" in text
    assert "Alarm memory: Zone 3" in text
    assert "Tamper memory" not in text  # zone 1 is still tampered: that line says it
    assert "🌡 Hall PIR: 21.5 °C" in text
    by_hand = PanelProfile(names=names, names_set=frozenset({"partitions"}), zone_partitions={1: 1})
    assert len(by_hand.partitions()) == 32  # named by hand: all of them are meant


def test_troubles_name_the_wireless_zone_expander_or_keypad_they_are_about() -> None:
    profile = PanelProfile(names={"zones": {5: "Garage PIR", 125: "Attic"}})
    assert trouble_kind("3:125") == ("wireless-battery", 5)
    assert trouble_kind("3:245") == ("wireless-nocomm", 5)
    assert trouble_kind("6:5") == ("wireless-battery", 125)
    assert trouble_kind("4:130") == ("keypad-nocomm", 2)
    assert trouble_kind("1:328") == ("ac", 0)
    assert trouble_kind("2:7") == ("other", 0)
    assert trouble_name("3:125", TR, profile) == "wireless zone 5 (Garage PIR): battery low"
    assert trouble_name("6:5", TR, profile) == "wireless zone 125 (Attic): battery low"
    assert trouble_name("4:146", TR, profile) == "ETHM module 2: network cable unplugged"
    assert trouble_name("2:7", TR, profile) == "trouble 2:7"
