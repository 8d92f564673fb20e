"""The panel session: which reads it asks for, and what it makes of the answers (no I/O)."""

from __future__ import annotations

from drivers.satel.answers import result_answer
from drivers.satel.protocol import STATE_READS, Command, Result, encode_mask
from drivers.satel.session import PanelSession


def flags_of(*commands: int) -> bytes:
    """A `7F` answer flagging `commands` (bit n is command n)."""
    return bytes((Command.NEW_DATA,)) + encode_mask((c + 1 for c in commands), 5)


def zones(command: int, *items: int) -> bytes:
    return bytes((command,)) + encode_mask(items, 16)


def test_only_flagged_reads_are_asked_for_and_changes_are_told() -> None:
    session = PanelSession()
    assert session.full_read() == list(STATE_READS)
    assert session.take(Command.ZONES_VIOLATED, zones(Command.ZONES_VIOLATED, 3)) is True
    assert session.take(Command.ZONES_VIOLATED, zones(Command.ZONES_VIOLATED, 3)) is False
    assert session.state[Command.ZONES_VIOLATED] == frozenset({3})
    wanted = session.wanted(flags_of(Command.ZONES_VIOLATED, Command.ARMED), corrupted=False)
    assert wanted == [Command.ZONES_VIOLATED, Command.ARMED]


def test_a_read_the_panel_refuses_is_not_asked_again() -> None:
    session = PanelSession()
    refused = result_answer(Result.OTHER_ERROR)
    assert session.take(Command.TROUBLES5, refused) is False
    assert Command.TROUBLES5 not in session.full_read()
    assert session.wanted(flags_of(Command.TROUBLES5), corrupted=False) == []


def test_after_a_corrupted_answer_everything_is_asked_for() -> None:
    session = PanelSession()
    assert session.wanted(flags_of(), corrupted=True) == list(STATE_READS)


def test_a_malformed_state_list_is_counted_and_changes_nothing() -> None:
    session = PanelSession()
    session.take(Command.ARMED, bytes((Command.ARMED, 1, 0, 0, 0)))
    assert session.take(Command.ARMED, bytes((Command.ARMED, 1, 0))) is False  # 2 bytes, not 4
    assert (session.malformed, session.state[Command.ARMED]) == (1, frozenset({1}))
