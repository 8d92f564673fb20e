"""Turn domain errors into short answers; log anything unexpected with the update id."""

from __future__ import annotations

import contextlib
import logging
from html import escape

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.filters import ExceptionTypeFilter
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import ErrorEvent
from aiogram.types import User as TelegramUser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Translator, translator
from core.access.attempts import AttemptLimiter
from core.access.service import record_refusal
from core.errors import AccessDenied, DomainError

log = logging.getLogger(__name__)


async def _answer(event: ErrorEvent, text: str) -> None:
    update = event.update
    with contextlib.suppress(TelegramAPIError):
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)


async def domain_error(
    event: ErrorEvent,
    sessions: async_sessionmaker[AsyncSession],
    tr: Translator | None = None,
    event_from_user: TelegramUser | None = None,
    refusals: AttemptLimiter | None = None,
) -> None:
    """Answer a refused action with its text; strangers and missing devices read the same.

    A refusal of access is also written down: a member's in the device's log, a stranger's
    (a forged or stale button, a command) in the platform's security log, a few per person.
    """
    err = event.exception
    assert isinstance(err, DomainError)  # noqa: S101 - guaranteed by the filter
    log.info("update %s refused: %s", event.update.update_id, err.describe())
    if isinstance(err, AccessDenied) and event_from_user is not None:
        await record_refusal(sessions, event_from_user.id, err, refusals)
    args_for_text = {k: v for k, v in err.args_for_text.items() if k not in {"device_id", "action"}}
    tr = tr or translator(None)
    args = {k: v if isinstance(v, int | float) else str(v) for k, v in args_for_text.items()}
    if "role" in args:  # in the reader's words
        args["role"] = tr(f"role-{args['role']}")
    if event.update.message is not None:  # a message is HTML; a button's popup is plain
        args = {k: escape(v) if isinstance(v, str) else v for k, v in args.items()}
    await _answer(event, tr(err.key, **args))


async def flood_wait(event: ErrorEvent, tr: Translator | None = None) -> None:
    """Telegram asked for a longer pause than a reply may wait: say so on the button only
    (a message to the chat would itself fall inside the wait)."""
    err = event.exception
    assert isinstance(err, TelegramRetryAfter)  # noqa: S101 - guaranteed by the filter
    log.warning(
        "update %s not answered: flood wait of %s s", event.update.update_id, err.retry_after
    )
    query = event.update.callback_query
    if query is not None:
        with contextlib.suppress(TelegramAPIError):
            text = (tr or translator(None))("error-flood", seconds=err.retry_after)
            await query.answer(text, show_alert=True)


async def unexpected_error(event: ErrorEvent, tr: Translator | None = None) -> None:
    """Log the failure with the update id and apologise to the user.

    A press answered too late (the action itself went through) is only logged: telling the
    person "something went wrong" would be wrong.
    """
    err = event.exception
    if isinstance(err, TelegramAPIError) and isinstance(err.method, AnswerCallbackQuery):
        log.info("update %s: the press could not be answered (%s)", event.update.update_id, err)
        return
    log.error("update %s failed", event.update.update_id, exc_info=err)
    await _answer(event, (tr or translator(None))("error-generic"))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="errors")
    router.errors.register(domain_error, ExceptionTypeFilter(DomainError))
    router.errors.register(flood_wait, ExceptionTypeFilter(TelegramRetryAfter))
    router.errors.register(unexpected_error)
    return router
