"""Cancelling tasks for sure, and telling a cancelled task from a lost connection."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, Final

RECANCEL_SECONDS: Final = 0.2


def being_cancelled() -> bool:
    """Say whether the current task has been asked to stop (redis-py reports a cancellation
    as a lost connection)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def cancel_and_wait(tasks: asyncio.Task[Any] | Iterable[asyncio.Task[Any]]) -> None:
    """Cancel `tasks` and return once every one has ended, whatever it ended with.

    One `cancel()` is not always enough on Python 3.11: `asyncio.wait_for` returns the inner
    result and swallows the cancellation when both arrive in the same loop step (fixed in
    3.12), so a task that was cancelled once may go on and wait forever. A task still running
    is cancelled again every RECANCEL_SECONDS until it ends.
    """
    every = [tasks] if isinstance(tasks, asyncio.Task) else list(tasks)
    pending = set(every)
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=RECANCEL_SECONDS)
    # Retrieve what they ended with, so that nothing is reported as never retrieved.
    await asyncio.gather(*every, return_exceptions=True)
