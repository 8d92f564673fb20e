"""Chart rendering off the event loop: one worker thread, so matplotlib is never used twice
at once and a burst of presses queues instead of starving the bot."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import tzinfo

from bot.render.chart import Chart, ChartTexts, draw
from core.history.views import History


class ChartRenderer:
    """Renders charts in its own thread."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")

    async def render(self, history: History, zone: tzinfo, texts: ChartTexts) -> Chart:
        """Draw a chart without blocking the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, draw, history, zone, texts)

    def close(self) -> None:
        """Stop the worker thread once it has finished what it started."""
        self._pool.shutdown(wait=True, cancel_futures=True)
