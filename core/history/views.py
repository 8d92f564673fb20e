"""What a member's history request reads: the window, each device's series, its alert limits
and the alert episodes in that window.

A request names one device and a metric, or a metric alone: then every device of the member
that reports it is drawn on one chart (at most `MAX_DEVICES`). Access is checked on every
request (`require` for one device, memberships for all), so a stale or forged button of a
device the user no longer shares reads like a missing one.

Custom ranges are whole days of the user's calendar, from the first day's midnight to the
end of the last day (or now, for today), no longer than `MAX_CUSTOM` and not in the future.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from core.access.policy import Action
from core.access.service import require
from core.alerts.repository import EpisodeRepository
from core.alerts.rules import Kind, thresholds_from_config
from core.devices import metrics
from core.devices.models import Device
from core.devices.overview import DeviceOverview, DeviceView, NoDevicesError
from core.devices.repository import DeviceRepository
from core.errors import InvalidInput, NotFound
from core.history.repository import Point, RollupRepository
from core.history.service import series

MAX_DEVICES: Final = 8
MAX_CUSTOM: Final = timedelta(days=731)
EPOCH: Final = date(1970, 1, 1)
METRIC_NAME: Final = re.compile(r"[A-Za-z0-9_.:-]{1,32}")


class Span(StrEnum):
    """The ranges a chart offers; CUSTOM is a range of whole days the user typed."""

    H6 = "6h"
    H24 = "24h"
    D7 = "7d"
    D30 = "30d"
    CUSTOM = "c"
    AUTO = "a"  # the first chart of a selection: 6 h when that is all the data there is, else 24 h


SPANS: Final[dict[Span, timedelta]] = {
    Span.H6: timedelta(hours=6),
    Span.H24: timedelta(hours=24),
    Span.D7: timedelta(days=7),
    Span.D30: timedelta(days=30),
}


class NoHistoryError(NotFound):
    """The device has no readings to draw (a panel, or nothing reported yet)."""

    key = "history-nothing"


class DatesError(InvalidInput):
    """Typed dates that cannot be read."""

    key = "history-dates-invalid"


class DatesBackwardsError(DatesError):
    """The last day is before the first."""

    key = "history-dates-backwards"


class DatesInFutureError(DatesError):
    """The range starts after today."""

    key = "history-dates-future"


class DatesTooLongError(DatesError):
    """The range is longer than the two years a chart may cover."""

    key = "history-dates-too-long"


@dataclass(frozen=True, slots=True)
class Window:
    """The time range of a chart: [start, end), with the span it came from."""

    start: datetime
    end: datetime
    span: Span
    first_day: int = 0  # custom: days since 1970-01-01 in the user's calendar
    last_day: int = 0


@dataclass(frozen=True, slots=True)
class Episode:
    """An alert episode as a chart shades it: offline, or beyond a limit of the metric."""

    start: datetime
    end: datetime | None
    kind: str


@dataclass(frozen=True, slots=True)
class DeviceSeries:
    """One device's buckets of the metric, its alert limits and its episodes in the window."""

    device: Device
    resolution: timedelta
    points: list[Point]
    limits: list[tuple[str, float]]  # (Kind.HIGH or Kind.LOW, value)
    episodes: list[Episode]


@dataclass(frozen=True, slots=True)
class History:
    """A chart's data: the metric, its unit, the window and each device's series."""

    metric: str
    unit: str
    window: Window
    series: list[DeviceSeries]
    device_id: int  # 0: every device of the member with this metric
    page: int = 0  # of an all-devices chart: which MAX_DEVICES of them
    total: int = 1  # of an all-devices chart: how many devices report the metric

    @property
    def pages(self) -> int:
        """How many charts it takes to show every device reporting the metric."""
        return max(1, -(-self.total // MAX_DEVICES))

    @property
    def first_shown(self) -> int:
        """The 1-based position of the first device on this chart."""
        return self.page * MAX_DEVICES + 1


def window(
    span: Span, now: datetime, zone: tzinfo, first_day: int = 0, last_day: int = 0
) -> Window:
    """The window of a preset span ending now, or of whole local days [first_day, last_day]."""
    if span is not Span.CUSTOM:
        return Window(now - SPANS[span], now, span)
    first, last = day_of(first_day), day_of(last_day)
    _check_days(first, last, now.astimezone(zone).date())
    start = datetime.combine(first, time(), zone)
    end = min(datetime.combine(last + timedelta(days=1), time(), zone), now)
    return Window(start, end, span, first_day, last_day)


def _check_days(first: date, last: date, today: date) -> None:
    """Refuse a range that is backwards, starts in the future or is longer than MAX_CUSTOM
    (typed dates, and days carried by a possibly forged button alike)."""
    if last < first:
        raise DatesBackwardsError
    if first > today:
        raise DatesInFutureError
    if (last - first) >= MAX_CUSTOM:
        raise DatesTooLongError


_DATE_FORMATS: Final = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


def _parse_day(text: str, today: date) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date only
        except ValueError:
            continue
    try:  # "1.11": this year's, or last year's when that day is still to come
        day = datetime.strptime(f"{text}.{today.year}", "%d.%m.%Y").date()  # noqa: DTZ007
    except ValueError as err:
        raise DatesError from err
    return day.replace(year=day.year - 1) if day > today else day


def _named_days(text: str, today: date) -> tuple[date, date] | None:
    """Ranges people name: today, yesterday, this or last week (Monday to Sunday), this or
    last month."""
    monday = today - timedelta(days=today.weekday())
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    ranges = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "this week": (monday, today),
        "last week": (monday - timedelta(days=7), monday - timedelta(days=1)),
        "this month": (first_of_month, today),
        "last month": (last_month_end.replace(day=1), last_month_end),
    }
    wanted = " ".join(text.casefold().split())
    for name, words in _NAMED_DAYS.items():
        if wanted in words:
            return ranges[name]
    return None


# What people call these ranges in each language the bot speaks.
_NAMED_DAYS: Final = {
    "today": ("today", "dziś", "dzisiaj", "сегодня", "hoje"),
    "yesterday": ("yesterday", "wczoraj", "вчера", "ontem"),
    "this week": ("this week", "ten tydzień", "w tym tygodniu", "эта неделя", "на этой неделе",
                  "esta semana"),
    "last week": ("last week", "zeszły tydzień", "poprzedni tydzień", "w zeszłym tygodniu",
                  "прошлая неделя", "на прошлой неделе", "semana passada"),
    "this month": ("this month", "ten miesiąc", "w tym miesiącu", "этот месяц",
                   "в этом месяце", "este mês"),
    "last month": ("last month", "zeszły miesiąc", "poprzedni miesiąc", "w zeszłym miesiącu",
                   "прошлый месяц", "в прошлом месяце", "mês passado"),
}  # fmt: skip


_RANGE_SPLIT: Final = re.compile(r"\s+(?:-|–|—|to|do|до|по|a|até|\.\.)?\s*|\s*(?:–|—|\.\.)\s*")


def parse_days(text: str, today: date) -> tuple[int, int]:
    """Read "2026-11-01 2026-11-15" (or one date, "1.11 - 15.11", "yesterday", "last week")
    as days since 1970."""
    if (named := _named_days(text, today)) is not None:
        return day_number(named[0]), day_number(named[1])
    parts = [p for p in _RANGE_SPLIT.split(text.strip()) if p]
    if not 1 <= len(parts) <= 2:  # noqa: PLR2004 - one date or two
        raise DatesError
    days = [_parse_day(p, today) for p in parts]
    first, last = days[0], days[-1]
    _check_days(first, last, today)
    return day_number(first), day_number(last)


class HistoryService:
    """Reads history for members: which metrics a device has, and a chart's data."""

    def __init__(self, overview: DeviceOverview) -> None:
        self._overview = overview

    async def metrics_of(self, session: AsyncSession, user_id: int, device_id: int) -> list[str]:
        """The metrics a device the user may see reports, in card order (primary first)."""
        view = await self._overview.device(session, user_id, device_id)
        names = sorted(view.live.values, key=metrics.sort_key)
        if view.primary_metric in names:
            names.remove(view.primary_metric)
            names.insert(0, view.primary_metric)
        return names

    async def shared_metrics(self, session: AsyncSession, user_id: int) -> dict[str, int]:
        """Metrics that two or more of the user's devices report, with how many report each."""
        counts: dict[str, int] = {}
        for view in await self._overview.my_devices(session, user_id):
            for name in view.live.values:
                counts[name] = counts.get(name, 0) + 1
        shared = {name: n for name, n in counts.items() if n > 1}
        return dict(sorted(shared.items(), key=lambda item: metrics.sort_key(item[0])))

    async def picker(
        self, session: AsyncSession, user_id: int
    ) -> tuple[list[DeviceView], dict[str, int]]:
        """What /history offers: my devices that have readings, and the metrics several of
        them report. No devices: NoDevicesError; none with readings yet: NoHistoryError."""
        views = await self._overview.my_devices(session, user_id)
        if not views:
            raise NoDevicesError
        with_readings = [v for v in views if v.live.values]
        if not with_readings:
            raise NoHistoryError
        return with_readings, await self.shared_metrics(session, user_id)

    async def check(self, session: AsyncSession, user_id: int, device_id: int) -> None:
        """Refuse a selection of a device the user may not see (0, all of mine, is fine)."""
        if device_id:
            await require(session, user_id, device_id, Action.VIEW)

    async def choices(self, session: AsyncSession, user_id: int, device_id: int) -> list[str]:
        """The metrics a chart of this device (0: of all my devices) can switch between."""
        if device_id:
            return await self.metrics_of(session, user_id, device_id)
        return list(await self.shared_metrics(session, user_id))

    async def _devices(
        self, session: AsyncSession, user_id: int, device_id: int, metric: str, page: int
    ) -> tuple[list[Device], int, int]:
        """The devices of one chart, its page (clamped) and how many report the metric."""
        if device_id:
            return [(await require(session, user_id, device_id, Action.VIEW)).device], 0, 1
        views = await self._overview.my_devices(session, user_id)
        found = sorted(
            (v.device for v in views if metric in v.live.values),
            key=lambda d: (d.name.casefold(), d.id),
        )
        if not found:
            raise NoHistoryError
        page = min(max(0, page), (len(found) - 1) // MAX_DEVICES)
        return found[page * MAX_DEVICES : (page + 1) * MAX_DEVICES], page, len(found)

    async def fitting_span(
        self, session: AsyncSession, user_id: int, device_id: int, metric: str, now: datetime
    ) -> Span:
        """The range a first chart opens with: 6 h when the last 24 h of data (a new device)
        fit in it, 24 h otherwise."""
        if not metric and device_id:
            names = await self.metrics_of(session, user_id, device_id)
            metric = names[0] if names else ""
        if not METRIC_NAME.fullmatch(metric):
            return Span.H24
        devices, _, _ = await self._devices(session, user_id, device_id, metric, 0)
        day = now - SPANS[Span.H24]
        first = await RollupRepository(session).earliest([d.id for d in devices], metric, day)
        return Span.H6 if first is not None and first >= now - SPANS[Span.H6] else Span.H24

    async def load(
        self,
        session: AsyncSession,
        user_id: int,
        device_id: int,
        metric: str,
        win: Window,
        now: datetime,
        page: int = 0,
    ) -> History:
        """The data of one chart (or one CSV export); no metric: the device's first one. A
        chart of all devices shows MAX_DEVICES of them, by name; `page` says which."""
        if not metric and device_id:
            names = await self.metrics_of(session, user_id, device_id)
            metric = names[0] if names else ""
        if not METRIC_NAME.fullmatch(metric):
            raise NoHistoryError
        devices, page, total = await self._devices(session, user_id, device_id, metric, page)
        episodes = await EpisodeRepository(session).in_range(
            [d.id for d in devices], win.start, win.end, opened=False
        )
        out = []
        for device in devices:
            got = await series(session, device.id, metric, win.start, win.end, now)
            config = await DeviceRepository(session).config(device.id)
            limits = [
                (rule.kind.value, rule.limit)
                for rule in thresholds_from_config(config.config if config else {})
                if rule.metric == metric
            ]
            shaded = [
                Episode(e.opened_at, e.closed_at, e.kind)
                for e in episodes
                if e.device_id == device.id and (e.metric == metric or e.kind == Kind.OFFLINE)
            ]
            out.append(DeviceSeries(device, got.resolution, got.points, limits, shaded))
        return History(metric, metrics.unit(metric), win, out, device_id, page, total)


def day_number(day: date) -> int:
    """Days since 1970-01-01 (how callback data carries a custom range's days)."""
    return (day - EPOCH).days


def day_of(number: int) -> date:
    """The date `number` days after 1970-01-01 (the inverse of `day_number`)."""
    return EPOCH + timedelta(days=number)


def figures(points: Sequence[Point]) -> tuple[float, float, float] | None:
    """Min, mean and max of the readings in `points`, or None when there are none."""
    count = sum(p.count for p in points)
    if not count:
        return None
    total = sum(p.mean * p.count for p in points)
    return min(p.min for p in points), total / count, max(p.max for p in points)
