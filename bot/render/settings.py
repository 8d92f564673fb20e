"""The settings screen and its prompts, as Telegram HTML."""

from __future__ import annotations

from html import escape
from typing import Any

from bot.render.devices import RenderContext, metric_name, reading
from bot.render.time import clock_time, local_number
from core.devices import metrics
from core.devices.config_rules import INTERVAL_RANGE, Field, threshold_range
from core.devices.configuration import ConfigView
from core.devices.kinds import kind_of


def interval_text(seconds: float, ctx: RenderContext) -> str:
    """Render a report interval: `30 s`, `5 min`, `1 h`."""
    seconds = int(seconds)
    if seconds % 3600 == 0:
        return ctx.tr("interval-hours", n=seconds // 3600)
    if seconds % 60 == 0:
        return ctx.tr("interval-minutes", n=seconds // 60)
    return ctx.tr("interval-seconds", n=seconds)


def applied_line(view: ConfigView, ctx: RenderContext) -> str:
    """Say whether the device runs the current version."""
    if view.as_provisioned:
        return ctx.tr("settings-as-provisioned", version=view.version)
    if view.applied:
        return ctx.tr("settings-applied", version=view.version)
    since = view.offline_since
    if since is not None:
        when = clock_time(since, ctx.zone, ctx.now)
        return ctx.tr("settings-waiting-offline", version=view.version, since=when)
    return ctx.tr("settings-waiting", version=view.version)


def _limit(metric: str, spec: dict[str, Any], key: str) -> str:
    value = spec.get(key)
    return reading(metric, value) if isinstance(value, int | float) else "—"


def threshold_line(metric: str, spec: dict[str, Any], ctx: RenderContext) -> str:
    """One metric's thresholds: above, below, hysteresis."""
    hysteresis = spec.get("hysteresis", metrics.facts(metric).hysteresis)
    return ctx.tr(
        "settings-threshold",
        metric=escape(metric_name(metric, ctx.tr)),
        high=_limit(metric, spec, "high"),
        low=_limit(metric, spec, "low"),
        hysteresis=reading(metric, hysteresis),
    )


def settings_screen(view: ConfigView, ctx: RenderContext) -> str:
    """Render the whole settings screen of a device."""
    config = view.config
    night = config.get("night_mode")
    alerts = "settings-alerts-on" if config.get("alerts_enabled", True) else "settings-alerts-off"
    if kind_of(view.device.type_code).limits_only:  # a panel: its temperatures' limits only
        title = ctx.tr("settings-device-title", name=escape(view.device.name))
        return "\n".join([title, "", ctx.tr("settings-thresholds"), *_limits(view, ctx)])
    lines = [
        ctx.tr("settings-device-title", name=escape(view.device.name)),
        applied_line(view, ctx),
        "",
        ctx.tr("settings-interval", interval=interval_text(config.get("report_interval", 30), ctx)),
        ctx.tr(alerts),
        ctx.tr("settings-night", start=f"{night['start']:02d}", end=f"{night['end']:02d}")
        if isinstance(night, dict)
        else ctx.tr("settings-night-off"),
        ctx.tr("settings-thresholds"),
        *_limits(view, ctx),
    ]
    return "\n".join(lines)


def _limits(view: ConfigView, ctx: RenderContext) -> list[str]:
    thresholds = view.config.get("thresholds") or {}
    shown = [m for m in view.metrics if m in thresholds]
    return [threshold_line(m, thresholds[m], ctx) for m in shown] or [
        ctx.tr("settings-no-thresholds")
    ]


def metric_screen(view: ConfigView, metric: str, ctx: RenderContext) -> str:
    """Render one metric's thresholds with what can be done to them."""
    spec = (view.config.get("thresholds") or {}).get(metric) or {}
    return "\n".join(
        [
            ctx.tr(
                "settings-metric-title",
                metric=escape(metric_name(metric, ctx.tr)),
                name=escape(view.device.name),
            ),
            threshold_line(metric, spec, ctx),
            "",
            ctx.tr("settings-metric-help"),
        ]
    )


def prompt(field: Field, metric: str, ctx: RenderContext) -> str:
    """Ask for a number, saying what is accepted."""
    if field is Field.INTERVAL:
        return ctx.tr("prompt-interval", low=INTERVAL_RANGE[0], high=INTERVAL_RANGE[1] // 3600)
    if field is Field.NIGHT:
        return ctx.tr("prompt-night")
    low, high = threshold_range(metric, field)
    unit = metrics.unit(metric)
    return ctx.tr(
        f"prompt-{field.value}",
        metric=escape(metric_name(metric, ctx.tr)),
        low=local_number(metrics.format_value(metric, low)),
        high=local_number(metrics.format_value(metric, high)),
        unit=f" {unit}" if unit else "",
    )
