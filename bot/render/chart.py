"""History charts as PNG (matplotlib's Agg canvas, no display, no pyplot state).

Each device's series is a line of the bucket means with a band from min to max; a line is
broken where readings stop (a gap longer than `GAP_STEPS` typical steps, or than
`GAP_BUCKETS` buckets), never drawn across it, and a lone bucket is a dot with its min–max
whisker. Alert limits are dashed lines, alert episodes are shaded (red: beyond a limit, grey:
offline). Times are in the user's timezone; the y axis carries the unit.

`draw` is CPU work (tens of milliseconds): callers run it in a thread. It returns where the
plot area sits in the PNG and what it spans, so tests can read values back from pixels.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Final

from babel.dates import get_month_names
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from core.alerts.rules import Kind
from core.history.repository import Point
from core.history.views import History

WIDTH_IN, HEIGHT_IN, DPI = 9.0, 5.0, 140  # 1260 × 700 px: sharp on a phone, small to send
LEGEND_SPAN = 0.6  # the share of the time axis, from the left, the legend may cover
GAP_STEPS: Final = 3.0
GAP_BUCKETS: Final = 2.5
COLORS: Final = (
    "#1f77b4",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
)
LIMIT_COLOR: Final = "#d62728"
ALERT_SHADE: Final = "#d62728"
OFFLINE_SHADE: Final = "#808080"


@dataclass(frozen=True, slots=True)
class ChartTexts:
    """Every word on a chart, already translated."""

    title: str
    y_label: str
    empty: str
    mean: str
    band: str
    names: dict[int, str]  # device id → name, for the legend of several devices
    limit: dict[tuple[str, float], str]  # (Kind value, limit) → label, e.g. "high 1000 ppm"
    locale: str = "en"  # the month names on the time axis


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart: the PNG and the geometry of its plot area.

    `box` is (left, top, right, bottom) in PNG pixels (origin top left); the plot spans
    `x_range` (Unix seconds) left to right and `y_range` bottom to top, both linear.
    """

    png: bytes
    width: int
    height: int
    box: tuple[float, float, float, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    legend_box: tuple[float, float, float, float] | None = None  # drawn over the plot


def _num(at: datetime) -> float:
    """Matplotlib's date number: days since its epoch, 1970-01-01 UTC (the default)."""
    return at.timestamp() / 86400


def segments(points: Sequence[Point], resolution: timedelta) -> list[list[Point]]:
    """Split a series where readings stop, so no line is drawn across the gap."""
    if not points:
        return []
    steps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(points)]
    typical = statistics.median(steps) if steps else resolution.total_seconds()
    gap = max(GAP_STEPS * typical, GAP_BUCKETS * resolution.total_seconds())
    out = [[points[0]]]
    for step, point in zip(steps, points[1:], strict=True):
        if step > gap:
            out.append([])
        out[-1].append(point)
    return out


def _y_range(history: History) -> tuple[float, float]:
    values = [v for s in history.series for p in s.points for v in (p.min, p.max)]
    values += [limit for s in history.series for _, limit in s.limits]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    margin = (high - low) * 0.08 or max(abs(high) * 0.05, 1.0)
    return low - margin, high + margin


def _draw_series(ax: Axes, history: History, texts: ChartTexts) -> None:
    several = len(history.series) > 1
    for index, item in enumerate(history.series):
        color = COLORS[index % len(COLORS)]
        label: str | None = texts.names.get(item.device.id, item.device.name)
        if not several:
            label = texts.mean
        for part in segments(item.points, item.resolution):
            xs = [_num(bucket_middle(p, item.resolution)) for p in part]
            if len(part) == 1:
                ax.vlines(xs, [part[0].min], [part[0].max], colors=color, alpha=0.35, lw=3)
                ax.plot(xs, [part[0].mean], "o", color=color, ms=6, label=label)
            else:
                lows, highs = [p.min for p in part], [p.max for p in part]
                band = None if several else texts.band
                ax.fill_between(xs, lows, highs, color=color, alpha=0.2, lw=0, label=band)
                ax.plot(xs, [p.mean for p in part], color=color, lw=2.2, label=label)
            label = None  # one legend entry per device
    limits = {limit for item in history.series for limit in item.limits}
    for kind, value in sorted(limits, key=lambda limit: -limit[1]):  # legend: top to bottom
        ax.axhline(value, color=LIMIT_COLOR, lw=1.4, ls="--", label=texts.limit.get((kind, value)))


def _shade_episodes(ax: Axes, history: History) -> None:
    start, end = history.window.start, history.window.end
    for item in history.series:
        for episode in item.episodes:
            left, right = max(episode.start, start), min(episode.end or end, end)
            if right <= left:
                continue
            color = OFFLINE_SHADE if episode.kind == Kind.OFFLINE else ALERT_SHADE
            ax.axvspan(_num(left), _num(right), color=color, alpha=0.13, lw=0)


def _legend(ax: Axes) -> Legend | None:
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    if not unique:
        return None
    # Placed where it hides least, but only over the older part of the range: the latest
    # readings, which people look at first, are never under it.
    return ax.legend(
        unique.values(),
        unique.keys(),
        loc="best",
        bbox_to_anchor=(0, 0, LEGEND_SPAN, 1),
        fontsize=11,
        framealpha=0.85,
    )


_ENGLISH_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
_MONTH: Final = re.compile(r"\b(" + "|".join(_ENGLISH_MONTHS) + r")\b")


def _months(locale: str) -> dict[str, str]:
    """English month abbreviations (what strftime writes) → the reader's (CLDR's)."""
    names = get_month_names("abbreviated", context="stand-alone", locale=locale.replace("-", "_"))
    return {english: names[n] for n, english in enumerate(_ENGLISH_MONTHS, start=1)}


class _LocalMonths(mdates.ConciseDateFormatter):
    """The concise date labels, with the months in the reader's language."""

    def __init__(self, months: dict[str, str], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]
        self._months = months

    def _local(self, text: str) -> str:
        return _MONTH.sub(lambda m: self._months[m.group(1)], text)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        """The tick labels."""
        return [self._local(t) for t in super().format_ticks(values)]  # type: ignore[no-untyped-call]

    def get_offset(self) -> str:
        """The label of the axis's offset (the month or year of the ticks)."""
        return self._local(super().get_offset())  # type: ignore[no-untyped-call]


def draw(history: History, zone: tzinfo, texts: ChartTexts) -> Chart:
    """Render a chart of `history` with times in `zone`."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    # fixed margins: a layout engine costs more than the drawing itself
    fig.subplots_adjust(left=0.085, right=0.985, top=0.925, bottom=0.1)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    start, end = history.window.start, history.window.end
    ax.set_xlim(_num(start), _num(end))
    y_range = _y_range(history)
    ax.set_ylim(*y_range)
    locator = mdates.AutoDateLocator(tz=zone, minticks=4, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    formatter = _LocalMonths(
        _months(texts.locale),
        locator,
        tz=zone,
        formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", "%d %b", "%d %b", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%b %Y", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"],
    )
    ax.xaxis.set_major_formatter(formatter)
    ax.tick_params(labelsize=12)
    ax.grid(visible=True, color="#dddddd", lw=0.8)
    ax.set_axisbelow(True)
    ax.set_title(texts.title, fontsize=15, loc="left")
    ax.set_ylabel(texts.y_label, fontsize=13)
    _shade_episodes(ax, history)
    _draw_series(ax, history, texts)
    if not any(s.points for s in history.series):
        ax.text(
            0.5,
            0.5,
            texts.empty,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=16,
            color="#666666",
        )
        ax.set_yticks([])
    legend = _legend(ax)
    buffer = io.BytesIO()
    # one rendering: savefig draws the figure, after which the extents below are known
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    width, height = (int(v) for v in canvas.get_width_height())
    x0, y0, x1, y1 = ax.get_window_extent().extents  # display pixels, origin bottom left
    legend_box = None
    if legend is not None:
        l0, m0, l1, m1 = legend.get_window_extent().extents
        legend_box = (float(l0), height - float(m1), float(l1), height - float(m0))
    return Chart(
        buffer.getvalue(),
        width,
        height,
        (x0, height - y1, x1, height - y0),
        (start.timestamp(), end.timestamp()),
        y_range,
        legend_box,
    )


def bucket_middle(point: Point, resolution: timedelta) -> datetime:
    """Where a bucket's values are drawn: the middle of its interval."""
    return point.at + resolution / 2
