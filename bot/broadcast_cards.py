"""Broadcast cards kept up to date: the admin's card of each broadcast, edited in place while
its copies go out (`bot.card_loop`)."""

from __future__ import annotations

from bot.card_loop import FINISHED_SHOWN, CardsKeptUp
from bot.i18n import translator
from bot.render.broadcasts import progress_card
from bot.render.time import reading_in
from core import clock
from core.broadcasts import service
from core.broadcasts.repository import BroadcastRepository
from core.users.repository import UserRepository


class BroadcastCards(CardsKeptUp):
    """Edits broadcast cards whose text changed."""

    what = "broadcast cards"

    async def redraw(self) -> int:
        """One round; return how many cards were edited."""
        edited = 0
        async with self._sessions() as session:
            broadcasts = await BroadcastRepository(session).to_draw(clock.now() - FINISHED_SHOWN)
            readers = await UserRepository(session).get_many(
                {b.card_chat_id for b in broadcasts if b.card_chat_id is not None}
            )
            for broadcast in broadcasts:
                progress = await service.progress(session, broadcast)
                reader = readers.get(broadcast.card_chat_id or 0)
                tr = translator(reader.language if reader else None)
                reading_in(tr.locale)
                text = progress_card(progress, tr)
                chat, message = broadcast.card_chat_id, broadcast.card_message_id
                edited += await self._show(broadcast.id, chat, message, text)
        return edited
