"""Turn domain errors into short answers; log anything unexpected with the update id."""

from __future__ import annotations

import contextlib
import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.i18n import Translator, translator
from core.errors import DomainError

log = logging.getLogger(__name__)


async def _answer(event: ErrorEvent, text: str) -> None:
    update = event.update
    with contextlib.suppress(TelegramAPIError):
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)


async def domain_error(event: ErrorEvent, tr: Translator | None = None) -> None:
    """Answer a refused action with its text; strangers and missing devices read the same."""
    err = event.exception
    assert isinstance(err, DomainError)  # noqa: S101 - guaranteed by the filter
    log.info("update %s refused: %s", event.update.update_id, err.describe())
    tr = tr or translator(None)
    args = {k: v if isinstance(v, int | float) else str(v) for k, v in err.args_for_text.items()}
    await _answer(event, tr(err.key, **args))


async def unexpected_error(event: ErrorEvent, tr: Translator | None = None) -> None:
    """Log the failure with the update id and apologise to the user."""
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    await _answer(event, (tr or translator(None))("error-generic"))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="errors")
    router.errors.register(domain_error, ExceptionTypeFilter(DomainError))
    router.errors.register(unexpected_error)
    return router
