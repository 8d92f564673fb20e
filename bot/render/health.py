"""The /health card: each link with since when, and the figures that say how it goes."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.health_watch import LINKS, HealthView
from bot.i18n import Translator
from bot.render.time import clock_time
from core import clock

_UNKNOWN_WHY = {
    "influx": "health-not-configured",
    "panels": "health-no-panels",
}


def health_card(view: HealthView, tr: Translator, zone: tzinfo) -> str:
    """Render the card (Telegram HTML)."""
    now = clock.now()
    lines = [tr("health-title"), ""]
    redis_down = view.links.get("redis") is not None and view.links["redis"].ok is False
    for name in LINKS:
        link = view.links.get(name)
        label = tr(f"health-link-{name}")
        if link is None or link.ok is None:
            why = _UNKNOWN_WHY.get(name, "health-no-reports")
            if redis_down and name not in ("postgresql", "telegram"):
                why = "health-not-known"
            lines.append(tr("health-unknown", link=label, why=tr(why)))
            continue
        since = clock_time(datetime.fromtimestamp(link.since, now.tzinfo), zone, now)
        if link.ok:
            lines.append(tr("health-up-since", link=label, since=since))
        else:
            key, args = link.detail or ("health-down-unknown", {})
            lines.append(tr("health-down-since", link=label, since=since, detail=tr(key, **args)))
    lines.append("")
    reports = view.reports
    total = max((r.panels_total for r in reports), default=0)
    if total:
        connected = sum(r.panels_connected for r in reports)
        lines.append(tr("health-panels", connected=connected, total=total))
    lines.append(tr("health-shelly", count=sum(r.shelly_on_http for r in reports)))
    if view.outbox is None:
        lines.append(tr("health-outbox-unknown"))
    else:
        pending, _, mean, longest = view.outbox
        lines.append(
            tr("health-outbox", pending=pending, mean=f"{mean:.1f}", longest=f"{longest:.1f}")
        )
    if reports:
        lines.append(
            tr(
                "health-ingest",
                rate=f"{sum(r.ingest_per_second for r in reports):.0f}",
                rejected=f"{sum(r.rejected_per_minute for r in reports):.0f}",
                total=sum(r.rejected_total for r in reports),
            )
        )
    return "\n".join(lines)
