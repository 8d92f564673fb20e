"""Rollout cards kept up to date: one message per rollout, edited in place as it goes
(`bot.card_loop`)."""

from __future__ import annotations

from bot.card_loop import FINISHED_SHOWN, CardsKeptUp
from bot.i18n import translator
from bot.render import firmware as render
from bot.render.time import reading_in
from core import clock
from core.firmware.repository import RolloutRepository, UpdateRepository
from core.users.repository import UserRepository


class RolloutCards(CardsKeptUp):
    """Edits rollout cards whose text changed."""

    what = "rollout cards"

    async def redraw(self) -> int:
        """One round; return how many cards were edited."""
        edited = 0
        async with self._sessions() as session:
            rollouts = await RolloutRepository(session).with_cards(clock.now() - FINISHED_SHOWN)
            updates = UpdateRepository(session)
            readers = await UserRepository(session).get_many(
                {r.card_chat_id for r in rollouts if r.card_chat_id is not None}
            )
            for rollout in rollouts:
                reader = readers.get(rollout.card_chat_id or 0)
                tr = translator(reader.language if reader else None)
                reading_in(tr.locale)
                counts = await updates.counts(rollout.id)
                failures = await updates.failures(rollout.id, render.FAILURES_SHOWN)
                text, markup = render.rollout_card(rollout, counts, failures, tr)
                chat, message = rollout.card_chat_id, rollout.card_message_id
                edited += await self._show(rollout.id, chat, message, text, markup)
        return edited
