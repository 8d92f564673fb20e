"""Cancelling a task for sure, even where Python 3.11's wait_for swallows a cancellation."""

from __future__ import annotations

import asyncio

from core.cancellation import cancel_and_wait


async def test_a_task_that_swallows_one_cancellation_is_still_ended() -> None:
    """A loop that goes on after one CancelledError (as wait_for on 3.11 can make it do)."""
    rounds = 0

    async def stubborn() -> None:
        nonlocal rounds
        while True:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                rounds += 1
                if rounds > 1:
                    raise  # the second cancellation is honoured

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait(task), 5)
    assert task.done() and task.cancelled() and rounds == 2


async def test_tasks_that_end_with_an_error_or_at_once_are_all_waited_for() -> None:
    async def fails() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            raise RuntimeError("on the way out")

    tasks = [asyncio.create_task(fails()), asyncio.create_task(asyncio.sleep(3600))]
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait(iter(tasks)), 5)
    assert all(task.done() for task in tasks)
    assert isinstance(tasks[0].exception(), RuntimeError) and tasks[1].cancelled()
