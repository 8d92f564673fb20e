"""Charts drawn from real rollups, read back from the PNG's pixels: the line is the mean of
the raw readings of each minute, the band spans their min and max, a gap is not bridged, a
lone point is drawn, limits and episodes show; the CSV holds the same buckets."""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import UTC, datetime, timedelta
from statistics import mean

from PIL import Image
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import translator
from bot.render.chart import COLORS, LIMIT_COLOR, Chart, draw
from bot.render.history import CSV_HEADER, chart_texts, csv_document
from core.alerts.repository import EpisodeRepository
from core.alerts.rules import Kind
from core.devices.overview import DeviceOverview
from core.history.views import History, HistoryService, Span, Window, day_number, window
from core.live.store import LiveStateStore, LiveUpdate
from core.redis_keys import RedisKeys
from core.settings import Settings
from drivers.readings import Telemetry
from tests.integration.helpers import add_device, add_member, set_config
from tests.integration.test_history import ingest

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
USER = 4242
ZONE = UTC


def rgb(hex_color: str) -> tuple[int, int, int]:
    """A #rrggbb colour as a tuple."""
    return (int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16))


def near(pixel: tuple[int, ...], color: tuple[int, int, int], tolerance: int = 12) -> bool:
    """Whether a pixel is (almost) this colour."""
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


class Pixels:
    """A decoded chart and the mapping between its pixels and its data."""

    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self.image = Image.open(io.BytesIO(chart.png)).convert("RGB")

    def column(self, at: datetime) -> int:
        left, _, right, _ = self.chart.box
        x0, x1 = self.chart.x_range
        return round(left + (at.timestamp() - x0) / (x1 - x0) * (right - left))

    def value(self, row: float) -> float:
        _, top, _, bottom = self.chart.box
        y0, y1 = self.chart.y_range
        return y1 - (row + 0.5 - top) / (bottom - top) * (y1 - y0)

    def row(self, value: float) -> int:
        _, top, _, bottom = self.chart.box
        y0, y1 = self.chart.y_range
        return int(top + (y1 - value) / (y1 - y0) * (bottom - top))

    def per_pixel(self) -> float:
        _, top, _, bottom = self.chart.box
        return (self.chart.y_range[1] - self.chart.y_range[0]) / (bottom - top)

    def covered(self, x: int, y: int) -> bool:
        """Whether the legend is drawn over this pixel of the plot."""
        box = self.chart.legend_box
        return box is not None and box[0] - 2 <= x <= box[2] + 2 and box[1] - 2 <= y <= box[3] + 2

    def rows(self, x: int, test: object) -> list[int]:
        _, top, _, bottom = self.chart.box
        return [
            y
            for y in range(math.ceil(top) + 2, int(bottom) - 2)
            if not self.covered(x, y) and test(self.image.getpixel((x, y)))  # type: ignore[operator]
        ]


def grey(pixel: tuple[int, ...]) -> bool:
    """A shade of grey darker than the white background (episodes shading, grid lines)."""
    return max(pixel) - min(pixel) <= 3 and 190 <= pixel[0] <= 245


def line_rows(pixels: Pixels, x: int) -> list[int]:
    return pixels.rows(x, lambda p: near(p, rgb(COLORS[0]), 20))


def band_rows(pixels: Pixels, x: int, line: list[int]) -> list[int]:
    """The run of bluish pixels around the line: the band is the line colour at 20 % over
    white or a light grid line (the legend, elsewhere in the column, is not part of it)."""
    bluish = {*pixels.rows(x, lambda p: p[2] - p[0] > 15)}
    run = set(line)
    for step in (-1, 1):
        y = min(line) if step < 0 else max(line)
        while y + step in bluish:
            y += step
            run.add(y)
    return sorted(run)


def readings(start: datetime, minutes: int, seed: int, skip: range = range(0)) -> list[Telemetry]:
    """Three readings a minute on a slow wave with noise; none in the minutes of `skip`."""
    rng = random.Random(seed)
    out = []
    for m in range(minutes):
        if m in skip:
            continue
        for s in (5, 25, 45):
            at = start + timedelta(minutes=m, seconds=s)
            wave = 1000 + 400 * math.sin(2 * math.pi * m / 360)
            out.append(Telemetry("c", at.timestamp(), {"co2": round(wave + rng.uniform(-30, 30))}))
    return out


async def member_device(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings, uid: str
) -> tuple[int, HistoryService]:
    device_id = (await add_device(sessions, uid, name="Bedroom")).device.id
    await add_member(sessions, USER, device_id, "viewer")
    store = LiveStateStore(redis, RedisKeys(settings.redis_prefix))
    await store.write([LiveUpdate(device_id, uid, {"co2": 900.0}, NOW.timestamp())])
    return device_id, HistoryService(DeviceOverview(store))


async def load(
    sessions: async_sessionmaker[AsyncSession],
    service: HistoryService,
    device_id: int,
    win: Window,
) -> History:
    async with sessions() as session:
        return await service.load(session, USER, device_id, "co2", win, NOW)


async def test_line_and_band_are_the_raw_readings_mean_min_and_max_and_gaps_stay_open(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings
) -> None:
    device_id, service = await member_device(sessions, redis, settings, "chart-1")
    start = NOW - timedelta(hours=6)
    gap = range(200, 240)  # 40 minutes without readings, the device offline
    raw = readings(start, 360, seed=7, skip=gap)
    await ingest(sessions, device_id, raw)
    await set_config(sessions, device_id, thresholds={"co2": {"high": 1300}})
    async with sessions() as session, session.begin():
        episodes = EpisodeRepository(session)
        at = start + timedelta(minutes=200)
        await episodes.open(device_id, Kind.OFFLINE, "", "warning", None, None, at)
        await episodes.close(device_id, Kind.OFFLINE, "", at + timedelta(minutes=40), None)

    history = await load(sessions, service, device_id, window(Span.H6, NOW, ZONE))
    assert [s.limits for s in history.series] == [[(Kind.HIGH, 1300.0)]]
    chart = draw(history, ZONE, chart_texts(history, translator("en"), ZONE))
    pixels = Pixels(chart)
    assert pixels.image.size == (chart.width, chart.height) == (1260, 700)

    by_minute: dict[datetime, list[float]] = {}
    for r in raw:
        minute = datetime.fromtimestamp(r.at, UTC).replace(second=0)
        by_minute.setdefault(minute, []).append(r.metrics["co2"])
    tolerance = 3 * pixels.per_pixel()
    checked = 0
    for m in [*range(10, 190, 17), *range(250, 350, 17)]:
        minute = start + timedelta(minutes=m)
        x = pixels.column(minute + timedelta(seconds=30))
        line = line_rows(pixels, x)
        assert line, f"no line at minute {m}"
        band = band_rows(pixels, x, line)
        drawn = pixels.value(mean(line))
        # the wave is steep in places: allow what the neighbouring minutes' means span
        around = [mean(by_minute[minute + timedelta(minutes=d)]) for d in (-1, 0, 1)]
        assert min(around) - tolerance <= drawn <= max(around) + tolerance, (m, drawn, around)
        top, bottom = pixels.value(min(band)), pixels.value(max(band))
        highs = [max(by_minute[minute + timedelta(minutes=d)]) for d in (-1, 0, 1)]
        lows = [min(by_minute[minute + timedelta(minutes=d)]) for d in (-1, 0, 1)]
        assert min(highs) - tolerance <= top <= max(highs) + tolerance, (m, top, highs)
        assert min(lows) - tolerance <= bottom <= max(lows) + tolerance, (m, bottom, lows)
        checked += 1
    assert checked == 17
    # The legend (limit 1300) never covers the latest part of the range.
    assert chart.legend_box is not None
    left, _, right, _ = chart.box
    assert chart.legend_box[2] <= left + 0.6 * (right - left) + 2

    for m in (205, 220, 235):  # inside the gap: no line across it, the offline shade instead
        x = pixels.column(start + timedelta(minutes=m))
        assert not line_rows(pixels, x), m
        assert len(pixels.rows(x, grey)) > 300, m  # shaded from top to bottom, not white
    outside = [pixels.column(start + timedelta(minutes=m)) for m in range(100, 104)]
    assert sum(len(pixels.rows(x, grey)) > 300 for x in outside) <= 1  # a grid line at most
    red = rgb(LIMIT_COLOR)
    limit_row = pixels.row(1300)
    assert any(
        near(pixels.image.getpixel((x, y)), red, 30)  # type: ignore[arg-type]
        for x in range(int(chart.box[0]) + 5, int(chart.box[2]) - 5, 7)
        for y in (limit_row - 1, limit_row, limit_row + 1)
    )


async def test_a_lone_reading_is_a_dot_and_an_empty_range_draws_nothing(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings
) -> None:
    device_id, service = await member_device(sessions, redis, settings, "chart-2")
    at = NOW - timedelta(hours=3, seconds=-20)
    await ingest(sessions, device_id, [Telemetry("c", at.timestamp(), {"co2": 777.0})])

    history = await load(sessions, service, device_id, window(Span.H6, NOW, ZONE))
    pixels = Pixels(draw(history, ZONE, chart_texts(history, translator("en"), ZONE)))
    x = pixels.column(at.replace(second=30))
    dot = line_rows(pixels, x)
    assert dot and abs(pixels.value(mean(dot)) - 777.0) <= 3 * pixels.per_pixel()
    elsewhere = [pixels.column(at + timedelta(minutes=d)) for d in (-60, -20, 20, 60)]
    assert not any(line_rows(pixels, x) for x in elsewhere)  # nothing interpolated

    five_days_ago = day_number(NOW.date()) - 5
    earlier = window(Span.CUSTOM, NOW, ZONE, five_days_ago, five_days_ago)
    empty = await load(sessions, service, device_id, earlier)
    assert empty.series[0].points == []
    blank = Pixels(draw(empty, ZONE, chart_texts(empty, translator("en"), ZONE)))
    left, _, right, _ = blank.chart.box
    assert not any(line_rows(blank, x) for x in range(int(left) + 3, int(right) - 3, 5))


async def test_csv_has_a_header_and_one_row_per_minute_with_iso_times(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, settings: Settings
) -> None:
    device_id, service = await member_device(sessions, redis, settings, "chart-3")
    start = NOW - timedelta(hours=2)
    raw = readings(start, 90, seed=3)
    await ingest(sessions, device_id, raw)
    history = await load(sessions, service, device_id, window(Span.H6, NOW, ZONE))
    rows = list(csv.reader(io.StringIO(csv_document(history, ZONE).decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == 1 + 90
    first = dict(zip(rows[0], rows[1], strict=True))
    values = [r.metrics["co2"] for r in raw[:3]]
    assert datetime.fromisoformat(first["time"]) == start
    assert (first["device"], first["uid"], first["metric"], first["unit"]) == (
        "Bedroom",
        "chart-3",
        "co2",
        "ppm",
    )
    assert int(first["count"]) == 3
    assert (float(first["min"]), float(first["max"])) == (min(values), max(values))
    assert first["mean"] == f"{mean(values):.0f}"  # CO₂ is whole ppm, as on the card
    assert float(first["last"]) == values[-1]
