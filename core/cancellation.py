"""Telling a cancelled task from a lost connection (redis-py reports the one as the other)."""

from __future__ import annotations

import asyncio


def being_cancelled() -> bool:
    """Say whether the current task has been asked to stop."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
