"""Broadcast cards kept up to date: the admin's card of each broadcast, edited in place.

Like rollout cards, they are read rather than told: every few seconds the bot reads the
broadcasts under way (or just finished), counts their copies by outcome, and edits a card
whose text changed; after a restart the next round draws them as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import translator
from bot.render.broadcasts import progress_card
from bot.render.time import reading_in
from core import clock
from core.broadcasts import service
from core.broadcasts.repository import BroadcastRepository
from core.users.repository import UserRepository

log = logging.getLogger(__name__)
CARDS_SECONDS = 2.0
FINISHED_SHOWN = timedelta(minutes=10)


class BroadcastCards:
    """Edits broadcast cards whose text changed."""

    def __init__(
        self, bot: Bot, sessions: async_sessionmaker[AsyncSession], every: float = CARDS_SECONDS
    ) -> None:
        self._bot = bot
        self._sessions = sessions
        self._every = every
        self._shown: dict[int, str] = {}  # broadcast id → the text its card shows

    async def run(self, stop: asyncio.Event) -> None:
        """Redraw until `stop`."""
        while not stop.is_set():
            try:
                await self.redraw()
            except Exception:  # a round that failed is tried again at the next
                log.exception("broadcast cards not redrawn")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._every)

    async def redraw(self) -> int:
        """One round; return how many cards were edited."""
        edited = 0
        async with self._sessions() as session:
            broadcasts = await BroadcastRepository(session).to_draw(clock.now() - FINISHED_SHOWN)
            authors = await UserRepository(session).get_many(
                {b.author_id for b in broadcasts if b.author_id is not None}
            )
            for broadcast in broadcasts:
                progress = await service.progress(session, broadcast)
                author = authors.get(broadcast.author_id or 0)
                tr = translator(author.language if author else None)
                reading_in(tr.locale)
                text = progress_card(progress, tr)
                if self._shown.get(broadcast.id) == text:
                    continue
                self._shown[broadcast.id] = text
                try:
                    await self._bot.edit_message_text(
                        text,
                        chat_id=int(broadcast.card_chat_id or 0),
                        message_id=int(broadcast.card_message_id or 0),
                    )
                except TelegramAPIError as err:  # not modified, deleted, too old: next change
                    if "not modified" not in str(err):
                        log.info("broadcast card %d not edited: %s", broadcast.id, err)
                    continue
                edited += 1
        return edited
