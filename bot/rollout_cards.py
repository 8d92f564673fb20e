"""Rollout cards kept up to date: one message per rollout, edited in place as it goes.

Every few seconds the bot reads the rollouts that have a card and go on (or finished a
little while ago), renders each, and edits the message when its text changed. Reading
instead of being told means a bot restart loses nothing: the next round draws every card
as it is.
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
from bot.render import firmware as render
from bot.render.time import reading_in
from core import clock
from core.firmware.repository import RolloutRepository, UpdateRepository
from core.users.repository import UserRepository

log = logging.getLogger(__name__)
CARDS_SECONDS = 2.0
FINISHED_SHOWN = timedelta(minutes=10)  # a finished rollout's card gets its last edit


class RolloutCards:
    """Edits rollout cards whose text changed."""

    def __init__(
        self, bot: Bot, sessions: async_sessionmaker[AsyncSession], every: float = CARDS_SECONDS
    ) -> None:
        self._bot = bot
        self._sessions = sessions
        self._every = every
        self._shown: dict[int, str] = {}  # rollout id → the text its card shows

    async def run(self, stop: asyncio.Event) -> None:
        """Redraw until `stop`."""
        while not stop.is_set():
            try:
                await self.redraw()
            except Exception:  # a round that failed is tried again at the next
                log.exception("rollout cards not redrawn")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._every)

    async def redraw(self) -> int:
        """One round; return how many cards were edited."""
        edited = 0
        async with self._sessions() as session:
            rollouts = await RolloutRepository(session).with_cards(clock.now() - FINISHED_SHOWN)
            updates = UpdateRepository(session)
            starters = await UserRepository(session).get_many(
                {r.card_chat_id for r in rollouts if r.card_chat_id is not None}
            )
            for rollout in rollouts:
                starter = starters.get(rollout.card_chat_id or 0)
                tr = translator(starter.language if starter else None)  # the card's reader
                reading_in(tr.locale)
                counts = await updates.counts(rollout.id)
                failures = await updates.failures(rollout.id, render.FAILURES_SHOWN)
                text, markup = render.rollout_card(rollout, counts, failures, tr)
                if self._shown.get(rollout.id) == text or rollout.card_chat_id is None:
                    continue
                self._shown[rollout.id] = text
                try:
                    await self._bot.edit_message_text(
                        text,
                        chat_id=rollout.card_chat_id,
                        message_id=int(rollout.card_message_id or 0),
                        reply_markup=markup,
                    )
                except TelegramAPIError as err:  # not modified, deleted, too old: next change
                    if "not modified" not in str(err):
                        log.info("rollout card %d not edited: %s", rollout.id, err)
                    continue
                edited += 1
        return edited
