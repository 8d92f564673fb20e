"""Keyboards of /history: the picker, the buttons under a chart and the metric list."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import DeviceAction, DeviceOp, HistoryOp, HistoryView, PromptCancel
from bot.i18n import Translator
from bot.render.devices import metric_name
from bot.render.history import days_text
from core.devices.overview import DeviceView
from core.history.views import MAX_DEVICES, SPANS, Span, day_of

METRICS_PER_ROW = 2


def picker(views: list[DeviceView], shared: dict[str, int], tr: Translator) -> InlineKeyboardMarkup:
    """One button per device with readings, then one per metric several devices report."""
    builder = InlineKeyboardBuilder()
    for view in views:
        builder.button(
            text=tr("history-pick-device", name=view.device.name),
            callback_data=HistoryView(
                op=HistoryOp.CHART, device_id=view.device.id, metric="", span=Span.AUTO
            ),
        )
    for metric, count in shared.items():
        builder.button(
            text=tr("history-pick-shared", metric=metric_name(metric, tr), count=count),
            callback_data=HistoryView(
                op=HistoryOp.CHART, device_id=0, metric=metric, span=Span.AUTO
            ),
        )
    builder.adjust(1)
    return builder.as_markup()


def under_chart(
    selection: HistoryView, metric_count: int, tr: Translator, *, total: int = 1
) -> InlineKeyboardMarkup:
    """Ranges (the current one marked), dates, metrics, CSV and back to the card; for all
    devices on several charts, the previous and next eight."""
    builder = InlineKeyboardBuilder()
    for span in SPANS:
        text = tr(f"history-span-{span.value}")
        builder.button(
            text=f"• {text} •" if span is selection.span else text,
            callback_data=selection.model_copy(
                update={"op": HistoryOp.CHART, "span": span, "first": 0, "last": 0}
            ),
        )
    rows = [len(SPANS)]
    dates = tr("history-dates")
    if selection.span is Span.CUSTOM:  # the typed range is the current choice
        dates = f"• 📅 {days_text(day_of(selection.first), day_of(selection.last))} •"
    builder.button(text=dates, callback_data=selection.model_copy(update={"op": HistoryOp.DATES}))
    if metric_count > 1:
        builder.button(
            text=tr("history-metrics"),
            callback_data=selection.model_copy(update={"op": HistoryOp.METRICS}),
        )
    rows.append(2 if metric_count > 1 else 1)
    builder.button(
        text=tr("history-csv"), callback_data=selection.model_copy(update={"op": HistoryOp.CSV})
    )
    if selection.device_id:
        builder.button(
            text=tr("history-card"),
            callback_data=DeviceAction(op=DeviceOp.SHOW, device_id=selection.device_id),
        )
    rows.append(2 if selection.device_id else 1)
    pages = -(-total // MAX_DEVICES)
    turns = [
        (key, page)
        for key, page in (
            ("history-devices-previous", selection.page - 1),
            ("history-devices-next", selection.page + 1),
        )
        if 0 <= page < pages and page != selection.page
    ]
    for key, page in turns:
        first = page * MAX_DEVICES + 1
        builder.button(
            text=tr(key, first=first, last=min(first + MAX_DEVICES - 1, total)),
            callback_data=selection.model_copy(update={"op": HistoryOp.CHART, "page": page}),
        )
    if turns:
        rows.append(len(turns))
    builder.adjust(*rows)
    return builder.as_markup()


def metric_list(selection: HistoryView, names: list[str], tr: Translator) -> InlineKeyboardMarkup:
    """The metrics to switch to (same device or devices, same range), and back."""
    builder = InlineKeyboardBuilder()
    for name in names:
        text = metric_name(name, tr)
        builder.button(
            text=f"• {text} •" if name == selection.metric else text,
            callback_data=selection.model_copy(update={"op": HistoryOp.CHART, "metric": name}),
        )
    builder.button(
        text=tr("history-back"),
        callback_data=selection.model_copy(update={"op": HistoryOp.CHART}),
    )
    builder.adjust(*([METRICS_PER_ROW] * (len(names) // METRICS_PER_ROW)), 1)
    return builder.as_markup()


def dates_prompt(tr: Translator) -> InlineKeyboardMarkup:
    """Cancel under the dates prompt."""
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("prompt-cancel"), callback_data=PromptCancel())
    return builder.as_markup()
