"""Keep texts below Telegram's limit of 4,096 characters a message.

Telegram counts the text after parsing its HTML, in UTF-16 code units; the length measured
here is that of the HTML source in UTF-16 units, which is never smaller, so a text that fits
here fits there. Texts are cut between blocks or lines, never inside a line (our tags open and
close on one line), so no tag is torn in two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def length(text: str) -> int:
    """The length Telegram's limit applies to, at most (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def fits(text: str, limit: int = MESSAGE_LIMIT) -> bool:
    """Whether `text` can go in one message."""
    return length(text) <= limit


def pack(blocks: Iterable[str], sep: str = "\n\n", limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join `blocks` into as few messages as fit, in order; a block too long on its own is cut
    between its lines (and a line too long on its own, which our texts never have, is cut)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for part in _parts(block, limit):
            joined = f"{current}{sep}{part}" if current else part
            if fits(joined, limit):
                current = joined
            else:
                messages.append(current)
                current = part
    if current:
        messages.append(current)
    return messages


def _parts(block: str, limit: int) -> list[str]:
    if fits(block, limit):
        return [block]
    parts = pack(block.split("\n"), "\n", limit) if "\n" in block else []
    if parts:
        return parts
    return [block[i : i + limit // 2] for i in range(0, len(block), limit // 2)]


def trim_lines(lines: list[str], room: int, more: Callable[[int], str]) -> list[str]:
    """The first of `lines` that fit in `room` characters together with the line `more(n)`
    saying how many (`n`) were left out; all of them when they fit."""
    if length("\n".join(lines)) <= room:
        return lines
    kept: list[str] = []
    used = length(more(len(lines))) + 1
    for line in lines:
        used += length(line) + 1
        if used > room:
            break
        kept.append(line)
    return [*kept, more(len(lines) - len(kept))]
