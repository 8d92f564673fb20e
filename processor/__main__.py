"""`python -m processor`: run the message processor until SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio

from core.entrypoint import load_settings, stop_event_on_signals
from core.settings import Settings
from processor.app import run_processor


async def serve(settings: Settings) -> None:
    """Run the processor and stop it cleanly on SIGTERM/SIGINT."""
    await run_processor(settings, stop_event_on_signals())


def main() -> None:
    """Entry point."""
    asyncio.run(serve(load_settings()))


if __name__ == "__main__":
    main()
