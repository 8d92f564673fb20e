"""/history and History on a device card: charts, ranges, metrics, custom dates and CSV.

A chart is a photo whose buttons redraw it in place (editMessageMedia); a press on a text
message (the picker, a card) sends a new chart. Every press loads the selection afresh
through `HistoryService`, so access is checked each time.
"""

from __future__ import annotations

import logging
from datetime import tzinfo

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import HistoryOp, HistoryView
from bot.charts import ChartRenderer
from bot.i18n import Translator
from bot.keyboards import history as keyboards
from bot.render import history as render
from bot.replies import edit_prompt
from core import clock
from core.history.views import (
    DatesError,
    History,
    HistoryService,
    Span,
    day_of,
    parse_days,
    window,
)
from core.users.models import User

log = logging.getLogger(__name__)


class HistoryStates(StatesGroup):
    """Waiting for typed dates of a chart."""

    waiting_dates = State()


async def _load(
    session: AsyncSession, user: User, history: HistoryService, sel: HistoryView, zone: tzinfo
) -> tuple[History, HistoryView]:
    """The selection's data, and the selection with its metric resolved."""
    now = clock.now()
    if sel.span is Span.AUTO:  # a first chart: a range that fits the data
        span = await history.fitting_span(session, user.id, sel.device_id, sel.metric, now)
        sel = sel.model_copy(update={"span": span})
    win = window(sel.span, now, zone, sel.first, sel.last)
    data = await history.load(session, user.id, sel.device_id, sel.metric, win, now, sel.page)
    return data, sel.model_copy(update={"metric": data.metric, "page": data.page})


async def _chart(
    session: AsyncSession,
    user: User,
    history: HistoryService,
    charts: ChartRenderer,
    sel: HistoryView,
    tr: Translator,
    zone: tzinfo,
) -> tuple[InputMediaPhoto, InlineKeyboardMarkup]:
    """The chart of a selection as a photo with its buttons."""
    data, sel = await _load(session, user, history, sel, zone)
    choices = await history.choices(session, user.id, sel.device_id)
    chart = await charts.render(data, zone, render.chart_texts(data, tr, zone))
    media = InputMediaPhoto(
        media=BufferedInputFile(chart.png, "chart.png"), caption=render.caption(data, tr, zone)
    )
    return media, keyboards.under_chart(sel, len(choices), tr, total=data.total)


async def show_picker(
    message: Message,
    session: AsyncSession,
    user: User,
    history: HistoryService,
    tr: Translator,
) -> None:
    """Offer my devices that have readings, and the metrics several of them share."""
    views, shared = await history.picker(session, user.id)
    await message.answer(tr("history-pick"), reply_markup=keyboards.picker(views, shared, tr))


async def draw_chart(
    query: CallbackQuery,
    callback_data: HistoryView,
    session: AsyncSession,
    user: User,
    history: HistoryService,
    charts: ChartRenderer,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Draw the selection: in place of the pressed chart, or as a new chart message."""
    media, markup = await _chart(session, user, history, charts, callback_data, tr, zone)
    message = query.message
    if isinstance(message, Message) and message.photo:
        try:
            await message.edit_media(media, reply_markup=markup)
        except TelegramBadRequest as err:  # pressed twice within the same second
            if "message is not modified" not in err.message:
                raise
    else:
        assert query.bot is not None  # noqa: S101 - always set on a dispatched update
        await query.bot.send_photo(user.id, media.media, caption=media.caption, reply_markup=markup)
    await query.answer()


async def offer_metrics(
    query: CallbackQuery,
    callback_data: HistoryView,
    session: AsyncSession,
    user: User,
    history: HistoryService,
    tr: Translator,
) -> None:
    """Put the metric list in place of the chart's buttons."""
    choices = await history.choices(session, user.id, callback_data.device_id)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(
            reply_markup=keyboards.metric_list(callback_data, choices, tr)
        )
    await query.answer()


async def export_csv(
    query: CallbackQuery,
    callback_data: HistoryView,
    session: AsyncSession,
    user: User,
    history: HistoryService,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Send the selection as a CSV document."""
    data, _ = await _load(session, user, history, callback_data, zone)
    if not any(s.points for s in data.series):
        await query.answer(tr("history-csv-empty"), show_alert=True)
        return
    assert query.bot is not None  # noqa: S101 - always set on a dispatched update
    document = BufferedInputFile(render.csv_document(data, zone), render.csv_name(data, tr))
    await query.bot.send_document(user.id, document, caption=render.csv_caption(data, tr, zone))
    await query.answer()


async def ask_dates(
    query: CallbackQuery,
    callback_data: HistoryView,
    session: AsyncSession,
    user: User,
    history: HistoryService,
    state: FSMContext,
    tr: Translator,
) -> None:
    """Ask for the days to draw; the answer redraws this chart."""
    await history.check(session, user.id, callback_data.device_id)
    message = query.message
    await state.set_state(HistoryStates.waiting_dates)
    await state.set_data(
        {
            "device_id": callback_data.device_id,
            "metric": callback_data.metric,
            "message_id": message.message_id if isinstance(message, Message) else 0,
            "back": callback_data.model_copy(update={"op": HistoryOp.CHART}).pack(),
        }
    )
    assert query.bot is not None  # noqa: S101 - always set on a dispatched update
    prompt = await query.bot.send_message(
        user.id, tr("history-dates-ask"), reply_markup=keyboards.dates_prompt(tr)
    )
    await state.update_data(prompt=prompt.message_id)
    await query.answer()


async def dates_typed(
    message: Message,
    session: AsyncSession,
    user: User,
    history: HistoryService,
    charts: ChartRenderer,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Redraw the chart over the typed days; unreadable dates get the reason, the prompt stays."""
    saved = await state.get_data()
    bot = message.bot
    assert bot is not None  # noqa: S101 - always set on a dispatched update
    try:
        first, last = parse_days(message.text or "", clock.now().astimezone(zone).date())
    except DatesError as err:  # why, in place of the prompt, which stays
        text = f"{tr(err.key)}\n\n{tr('history-dates-ask')}"
        prompt = await edit_prompt(message, saved.get("prompt"), text, keyboards.dates_prompt(tr))
        await state.update_data(prompt=prompt)
        return
    await state.clear()
    sel = HistoryView(
        op=HistoryOp.CHART,
        device_id=int(saved["device_id"]),
        metric=str(saved["metric"]),
        span=Span.CUSTOM,
        first=first,
        last=last,
    )
    media, markup = await _chart(session, user, history, charts, sel, tr, zone)
    try:
        await bot.edit_message_media(
            media, chat_id=user.id, message_id=int(saved["message_id"]), reply_markup=markup
        )
    except TelegramBadRequest as err:  # the chart was deleted meanwhile: send it anew
        log.info("chart of user %s not editable (%s); sending a new one", user.id, err.message)
        await bot.send_photo(user.id, media.media, caption=media.caption, reply_markup=markup)
    days = render.days_text(day_of(first), day_of(last))
    await message.answer(tr("history-dates-done", range=days))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="history")
    router.message.register(show_picker, Command("history"))
    router.callback_query.register(draw_chart, HistoryView.filter(F.op == HistoryOp.CHART))
    router.callback_query.register(offer_metrics, HistoryView.filter(F.op == HistoryOp.METRICS))
    router.callback_query.register(export_csv, HistoryView.filter(F.op == HistoryOp.CSV))
    router.callback_query.register(ask_dates, HistoryView.filter(F.op == HistoryOp.DATES))
    router.message.register(
        dates_typed, StateFilter(HistoryStates.waiting_dates), F.text, ~F.text.startswith("/")
    )
    return router
