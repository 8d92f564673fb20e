"""Readiness: probe what a process depends on, each within a time limit (pure asyncio)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

log = logging.getLogger(__name__)
CHECK_SECONDS: Final = 2.0  # a dependency slower than this to answer is not ready

Check = Callable[[], Awaitable[object]]


async def probe(checks: Mapping[str, Check], seconds: float = CHECK_SECONDS) -> dict[str, str]:
    """Each link's state, "ok" or "down" (failed, too slow, or answered False); a link
    that is down is logged with its reason."""
    names = list(checks)
    states = await asyncio.gather(*(_one(name, checks[name], seconds) for name in names))
    return dict(zip(names, states, strict=True))


async def _one(name: str, check: Check, seconds: float) -> str:
    try:
        answer = await asyncio.wait_for(check(), seconds)
    except Exception as err:  # noqa: BLE001 - any failure is "down", logged with its reason
        log.info("readiness: %s is down (%s)", name, err or type(err).__name__)
        return "down"
    return "ok" if answer is not False else "down"
