"""History without I/O: typed dates, windows, the gaps a line breaks at, the caption, range
texts and the chart's buttons (callback data within Telegram's 64 bytes)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.callbacks import HistoryOp, HistoryView
from bot.i18n import translator
from bot.keyboards.history import metric_list, under_chart
from bot.render.chart import segments
from bot.render.history import caption, range_text
from bot.render.notices import notice_text
from core.devices.models import Device
from core.history.repository import Point
from core.history.views import (
    DatesBackwardsError,
    DatesError,
    DatesInFutureError,
    DatesTooLongError,
    DeviceSeries,
    History,
    Span,
    day_number,
    parse_days,
    window,
)
from core.outbox.payloads import NoticePayload
from tests.emulators.telegram_api import _check_html

TODAY = date(2026, 11, 29)
NOW = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-11-01 2026-11-15", date(2026, 11, 1), date(2026, 11, 15)),
        ("2026-11-01 - 2026-11-15", date(2026, 11, 1), date(2026, 11, 15)),
        ("1.11.2026 – 15.11.2026", date(2026, 11, 1), date(2026, 11, 15)),
        ("1.11 15.11", date(2026, 11, 1), date(2026, 11, 15)),
        ("  28.11  ", date(2026, 11, 28), date(2026, 11, 28)),
        ("24.12", date(2025, 12, 24), date(2025, 12, 24)),  # still to come: last year's
        ("2026-11-29", TODAY, TODAY),
        ("yesterday", date(2026, 11, 28), date(2026, 11, 28)),
        ("Last  Week", date(2026, 11, 16), date(2026, 11, 22)),  # Monday to Sunday (29th: Sun)
        ("this month", date(2026, 11, 1), TODAY),
        ("last month", date(2026, 10, 1), date(2026, 10, 31)),
        ("wczoraj", date(2026, 11, 28), date(2026, 11, 28)),  # and in the other languages
        ("прошлая неделя", date(2026, 11, 16), date(2026, 11, 22)),
        ("Mês passado", date(2026, 10, 1), date(2026, 10, 31)),
        ("1.11 do 15.11", date(2026, 11, 1), date(2026, 11, 15)),
        ("1.11 до 15.11", date(2026, 11, 1), date(2026, 11, 15)),
        ("1.11 a 15.11", date(2026, 11, 1), date(2026, 11, 15)),
    ],
)
def test_typed_dates_are_read_as_whole_days(text: str, first: date, last: date) -> None:
    assert parse_days(text, TODAY) == (day_number(first), day_number(last))


@pytest.mark.parametrize(
    "text",
    ["", "tomorrowish", "1.11 2.11 3.11", "31.02.2026", "2026-11-01; DROP TABLE"],
)
def test_unusable_dates_are_refused(text: str) -> None:
    with pytest.raises(DatesError):
        parse_days(text, TODAY)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("2026-11-15 2026-11-01", DatesBackwardsError),
        ("2026-12-01", DatesInFutureError),
        ("2024-01-01 2026-11-01", DatesTooLongError),
    ],
)
def test_dates_that_cannot_be_drawn_say_what_is_wrong(text: str, error: type) -> None:
    with pytest.raises(error):
        parse_days(text, TODAY)


def test_windows_of_presets_end_now_and_custom_days_are_local_midnights() -> None:
    assert window(Span.D7, NOW, WARSAW).start == NOW - timedelta(days=7)
    first = day_number(date(2026, 11, 1))
    custom = window(Span.CUSTOM, NOW, WARSAW, first, first + 1)
    assert custom.start == datetime(2026, 11, 1, tzinfo=WARSAW)
    assert custom.end == datetime(2026, 11, 3, tzinfo=WARSAW)
    today = window(Span.CUSTOM, NOW, WARSAW, day_number(TODAY), day_number(TODAY))
    assert today.end == NOW  # not into the future
    with pytest.raises(DatesError):  # forged days in callback data are checked again
        window(Span.CUSTOM, NOW, WARSAW, first + 5, first)


def points(minutes: list[int], value: float = 10.0) -> list[Point]:
    start = NOW - timedelta(hours=6)
    return [Point(start + timedelta(minutes=m), 1, value, value, value, value) for m in minutes]


def test_a_line_breaks_only_where_readings_stop() -> None:
    minute = timedelta(minutes=1)
    every_minute = points(list(range(30)))
    assert [len(s) for s in segments(every_minute, minute)] == [30]
    with_gap = points([*range(10), *range(40, 50)])
    assert [len(s) for s in segments(with_gap, minute)] == [10, 10]
    sparse = points(list(range(0, 300, 10)))  # a device reporting every 10 min: no gaps
    assert [len(s) for s in segments(sparse, minute)] == [30]
    assert [len(s) for s in segments(points([5]), minute)] == [1]
    assert segments([], minute) == []


def history(span: Span = Span.H24, *series_points: list[Point]) -> History:
    devices = [Device(id=i + 1, uid=f"d{i}", name=f"Room {i}") for i in range(len(series_points))]
    return History(
        "co2",
        "ppm",
        window(span, NOW, UTC),
        [
            DeviceSeries(device, timedelta(minutes=1), pts, [], [])
            for device, pts in zip(devices, series_points, strict=True)
        ],
        1 if len(devices) == 1 else 0,
    )


def test_caption_states_figures_in_valid_html_and_says_when_empty() -> None:
    tr = translator("en")
    one = caption(history(Span.H24, points([1, 2], 900.0) + points([3], 1200.0)), tr, UTC)
    _check_html(one)
    assert "min <b>900</b> · mean <b>1000</b> · max <b>1200</b> ppm (3 readings)" in one
    several = caption(history(Span.H24, points([1], 500.0), points([1], 700.0)), tr, UTC)
    assert "Room 0: min 500" in several and "Room 1: min 700" in several
    assert "All devices" in several
    assert "No readings in this range." in caption(history(Span.H24, []), tr, UTC)


def test_range_texts() -> None:
    assert range_text(window(Span.H6, NOW, UTC), UTC) == "12:00 – 29 Nov 18:00"
    assert range_text(window(Span.H24, NOW, WARSAW), WARSAW) == "28 Nov 19:00 – 29 Nov 19:00"
    first = day_number(date(2026, 11, 1))
    assert range_text(window(Span.CUSTOM, NOW, UTC, first, first + 14), UTC) == (
        "01 Nov – 15 Nov 2026"
    )


def test_chart_buttons_fit_telegram_and_mark_the_current_choice() -> None:
    tr = translator("en")
    longest = "interval_import_energy_abcdefgh"  # 31 of the 32 a metric name may have
    selection = HistoryView(
        op=HistoryOp.CHART, device_id=2_147_483_647, metric=longest, span=Span.CUSTOM,
        first=99_999, last=99_999,
    )  # fmt: skip
    for markup in (under_chart(selection, 5, tr), metric_list(selection, [longest, "co2"], tr)):
        for row in markup.inline_keyboard:
            for button in row:
                assert len((button.callback_data or "").encode()) <= 64, button.text
    day = selection.model_copy(update={"span": Span.H24})
    texts = [b.text for row in under_chart(day, 1, tr).inline_keyboard for b in row]
    assert texts[:4] == ["6 h", "• 24 h •", "7 d", "30 d"]
    assert "📊 Metric…" not in texts  # one metric: nothing to switch to
    custom = selection.model_copy(
        update={"first": day_number(date(2026, 11, 1)), "last": day_number(date(2026, 11, 15))}
    )
    texts = [b.text for row in under_chart(custom, 2, tr).inline_keyboard for b in row]
    assert "• 📅 01 Nov – 15 Nov 2026 •" in texts and not any(t.startswith("•") for t in texts[:4])


def test_the_export_overflow_notice_reads_well() -> None:
    payload = {
        "event": "notice",
        "key": "notice-influx-overflow",
        "args": {"dropped": "70", "url": "http://influxdb:8086"},
    }
    text = notice_text(NoticePayload.model_validate(payload), translator("en"))
    _check_html(text)
    assert "InfluxDB export is falling behind" in text
    assert "(70 so far)" in text and "http://influxdb:8086" in text
