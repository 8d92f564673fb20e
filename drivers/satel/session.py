"""Which reads keep a panel's state, and what their answers changed (pure, sans-I/O).

The transport asks the session what to send and feeds it what came back:

    for command in session.full_read():            # at connect
        session.take(command, await link.request(read_request(command)))
    flags = await link.request(new_data_request())   # every poll
    for command in session.wanted(flags, corrupted=link_dropped_a_frame):
        session.take(command, await link.request(read_request(command)))

It keeps the last answer of every state read (`state`, command byte → items set), learns
which reads the panel does not support, and asks for everything again after a corrupted
answer: a dropped frame may have carried a change the flags will not report twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.satel.answers import mask_answer, new_data_flags
from drivers.satel.errors import SatelCodecError
from drivers.satel.protocol import STATE_READS, Command


@dataclass(slots=True)
class PanelSession:
    """The state read from one panel over one connection."""

    state: dict[int, frozenset[int]] = field(default_factory=dict)
    unsupported: set[int] = field(default_factory=set)  # reads the panel answers with `EF`
    malformed: int = 0  # answers that were well framed but not a valid state list
    wide: bool = False  # ask zone and output lists as 32 bytes (the module said it can)

    def full_read(self) -> list[int]:
        """Every state read this panel supports."""
        return [c for c in STATE_READS if c not in self.unsupported]

    def wanted(self, flags_answer: bytes, *, corrupted: bool) -> list[int]:
        """The reads a `7F` answer names; all of them after a corrupted answer.

        Raises `SatelCodecError` when the answer is not a valid `7F` answer.
        """
        flags = new_data_flags(flags_answer)
        if corrupted:
            return self.full_read()
        return [c for c in self.full_read() if c in flags]

    def take(self, command: int, answer: bytes) -> bool:
        """Record the answer to a state read; return whether it differs from the last one."""
        if answer and answer[0] == Command.RESULT:
            self.unsupported.add(command)
            return False
        try:
            got, items = mask_answer(answer)
        except SatelCodecError:
            self.malformed += 1
            return False
        changed = self.state.get(got) != items
        self.state[got] = items
        return changed
