"""Cards kept up to date: one message per thing under way, edited in place as it goes.

Every few seconds a subclass reads what has a card and goes on (or finished a little while
ago), renders each card in its reader's language, and `_show` edits the message when its text
changed. Reading instead of being told means a bot restart loses nothing: the next round
draws every card as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)
CARDS_SECONDS = 2.0
FINISHED_SHOWN = timedelta(minutes=10)  # a finished thing's card gets its last edit


class CardsKeptUp:
    """The redraw loop and the edit of one card; subclasses say what to draw."""

    what = "cards"  # for the log

    def __init__(
        self, bot: Bot, sessions: async_sessionmaker[AsyncSession], every: float = CARDS_SECONDS
    ) -> None:
        self._bot = bot
        self._sessions = sessions
        self._every = every
        self._shown: dict[int, str] = {}  # id → the text its card shows

    async def run(self, stop: asyncio.Event) -> None:
        """Redraw until `stop`."""
        while not stop.is_set():
            try:
                await self.redraw()
            except Exception:  # a round that failed is tried again at the next
                log.exception("%s not redrawn", self.what)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._every)

    async def redraw(self) -> int:
        """One round; return how many cards were edited."""
        raise NotImplementedError

    async def _show(
        self,
        key: int,
        chat_id: int | None,
        message_id: int | None,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> bool:
        """Edit card `key` to `text` unless it shows that already; whether it was edited."""
        if self._shown.get(key) == text or chat_id is None:
            return False
        self._shown[key] = text
        try:
            await self._bot.edit_message_text(
                text, chat_id=chat_id, message_id=int(message_id or 0), reply_markup=markup
            )
        except TelegramAPIError as err:  # not modified, deleted, too old: next change
            if "not modified" not in str(err):
                log.info("%s: card %d not edited: %s", self.what, key, err)
            return False
        return True
