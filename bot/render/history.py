"""History in words: the chart's texts, its caption and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, tzinfo
from html import escape

from bot.i18n import Translator
from bot.render.chart import ChartTexts
from bot.render.devices import metric_name
from bot.render.time import local_date, local_number
from core.devices import metrics
from core.history.views import History, Span, Window, day_of, figures

CSV_HEADER = ("time", "device", "uid", "metric", "unit", "count", "min", "mean", "max", "last")


def range_text(win: Window, zone: tzinfo) -> str:
    """The window as a person reads it, in their timezone: `28 Nov 19:00 – 29 Nov 19:00`."""
    if win.span is Span.CUSTOM:
        return days_text(day_of(win.first_day), day_of(win.last_day))
    start, end = win.start.astimezone(zone), win.end.astimezone(zone)
    head = f"{start:%H:%M}" if start.date() == end.date() else local_date(start, "dd MMM HH:mm")
    return f"{head} – {local_date(end, 'dd MMM HH:mm')}"


def days_text(first: date, last: date) -> str:
    """A range of whole days: `01 Nov – 15 Nov 2026`, or one day `01 Nov 2026`."""
    if first == last:
        return _day(first, "dd MMM yyyy")
    head = _day(first, "dd MMM") if first.year == last.year else _day(first, "dd MMM yyyy")
    return f"{head} – {_day(last, 'dd MMM yyyy')}"


def _day(day: date, pattern: str) -> str:
    return local_date(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), pattern)


def _who(history: History, tr: Translator) -> str:
    if history.device_id == 0:
        if history.pages == 1:
            return tr("history-all-devices")
        first = history.first_shown
        last = first + len(history.series) - 1
        return tr("history-some-devices", first=first, last=last, total=history.total)
    return history.series[0].device.name


def _value(history: History, value: float) -> str:
    return f"{local_number(metrics.format_value(history.metric, value))} {history.unit}".rstrip()


def chart_texts(history: History, tr: Translator, zone: tzinfo) -> ChartTexts:
    """Everything written on the chart (plain text: matplotlib draws it)."""
    name = metric_name(history.metric, tr)
    y_label = (
        tr("history-y-label", metric=name, unit=history.unit)
        if history.unit
        else tr("history-y-label-plain", metric=name)
    )
    limits = {
        (kind, value): tr(f"history-limit-{kind}", value=_value(history, value))
        for s in history.series
        for kind, value in s.limits
    }
    return ChartTexts(
        title=tr(
            "history-title",
            device=_who(history, tr),
            metric=name,
            range=range_text(history.window, zone),
        ),
        y_label=y_label,
        empty=tr("history-empty"),
        mean=tr("history-mean"),
        band=tr("history-band"),
        names={s.device.id: s.device.name for s in history.series},
        limit=limits,
        locale=tr.locale,
    )


def caption(history: History, tr: Translator, zone: tzinfo) -> str:
    """The caption under the chart: who, what, when, and the figures of the range."""
    name = escape(metric_name(history.metric, tr))
    lines = [
        tr("history-caption", device=escape(_who(history, tr)), metric=name),
        tr("history-caption-range", range=range_text(history.window, zone)),
    ]
    several = len(history.series) > 1
    for item in history.series:
        got = figures(item.points)
        if got is None:
            continue
        low, mean, high = (local_number(metrics.format_value(history.metric, v)) for v in got)
        if several:
            device = escape(item.device.name)
            lines.append(tr("history-caption-device", device=device, min=low, mean=mean, max=high))
        else:
            count = sum(p.count for p in item.points)
            unit = f" {history.unit}" if history.unit else ""
            lines.append(
                tr("history-caption-figures", min=low, mean=mean, max=high, unit=unit, count=count)
            )
    if not any(s.points for s in history.series):
        lines.append(tr("history-caption-empty"))
    if any(s.resolution.total_seconds() >= 3600 for s in history.series):  # noqa: PLR2004
        lines.append(tr("history-caption-hours"))
    episodes = sum(len(s.episodes) for s in history.series)
    if episodes:
        lines.append(tr("history-caption-episodes", count=episodes))
    return "\n".join(lines)


def csv_document(history: History, zone: tzinfo) -> bytes:
    """The selection as CSV: a header row, then one row per bucket, times ISO in `zone`,
    values with the metric's precision (integers as integers). UTF-8 with a byte order mark,
    so a spreadsheet shows °C and names with accents right."""
    rows = sorted(
        ((p.at, s.device.name, s.device.uid, p) for s in history.series for p in s.points),
        key=lambda row: (row[0], row[1]),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for at, name, uid, p in rows:
        writer.writerow(
            (
                at.astimezone(zone).isoformat(),
                name,
                uid,
                history.metric,
                history.unit,
                p.count,
                *(metrics.format_value(history.metric, v) for v in (p.min, p.mean, p.max, p.last)),
            )
        )
    return out.getvalue().encode("utf-8-sig")


def csv_caption(history: History, tr: Translator, zone: tzinfo) -> str:
    """The caption of the export: who, what, when."""
    return tr(
        "history-csv-caption",
        device=escape(_who(history, tr)),
        metric=escape(metric_name(history.metric, tr)),
        range=range_text(history.window, zone),
    )


def csv_name(history: History, tr: Translator) -> str:
    """The export's file name: device (or "all" in the reader's language), metric and the
    window in UTC."""
    who = history.series[0].device.uid if history.device_id else tr("history-csv-all")
    start, end = history.window.start, history.window.end
    return f"{who}_{history.metric}_{_stamp(start)}_{_stamp(end)}.csv"


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%MZ")
