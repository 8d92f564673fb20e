"""`python -m bot`: run the Telegram bot until SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import sys

from pydantic import ValidationError

from bot.app import run_bot
from core.logs import configure_logging
from core.settings import Settings, describe_errors, get_settings


async def serve(settings: Settings) -> None:
    """Run the bot and stop it cleanly on SIGTERM/SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await run_bot(settings, stop)


def main() -> None:
    """Entry point."""
    try:
        settings = get_settings()
    except ValidationError as err:
        sys.stderr.write("\n".join(describe_errors(err)) + "\n")
        raise SystemExit(2) from None
    if settings.bot_token is None:
        sys.stderr.write("configuration error: BOT_TOKEN: required for the bot\n")
        raise SystemExit(2)
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
