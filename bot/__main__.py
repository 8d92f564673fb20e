"""`python -m bot`: run the Telegram bot until SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import sys

from bot.app import run_bot
from core.entrypoint import load_settings, stop_event_on_signals
from core.settings import Settings


async def serve(settings: Settings) -> None:
    """Run the bot and stop it cleanly on SIGTERM/SIGINT."""
    await run_bot(settings, stop_event_on_signals())


def main() -> None:
    """Entry point."""
    settings = load_settings()
    if settings.bot_token is None:
        sys.stderr.write("configuration error: BOT_TOKEN: required for the bot\n")
        raise SystemExit(2)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
