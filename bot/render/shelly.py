"""Shelly cards as Telegram HTML: Pro 3 relay channels, Pro 3EM phases and energy."""

from __future__ import annotations

from html import escape

from bot.i18n import Translator
from bot.render.control import device_state
from bot.render.devices import RenderContext
from bot.render.time import local_number
from core.commands.service import CommandOutcome
from core.devices.metrics import format_value
from core.devices.overview import DeviceView
from core.devices.relays import Channel, Energy
from core.devices.shelly import PHASES, RelayPress

KILO = 1000.0


def power(watts: float) -> str:
    """`950 W`, `1.25 kW`."""
    if abs(watts) >= KILO:
        return f"{watts / KILO:.2f} kW"
    return f"{watts:.0f} W"


def energy(wh: float) -> str:
    """`0.35 kWh`, `12.4 kWh`, `1 230 kWh`."""
    kwh = wh / KILO
    if kwh >= 100:  # noqa: PLR2004
        return f"{kwh:,.0f} kWh".replace(",", " ")
    return f"{kwh:.2f} kWh" if kwh < 10 else f"{kwh:.1f} kWh"  # noqa: PLR2004


def channel_name(channel: Channel, tr: Translator) -> str:
    """A channel's name, or "Channel N" (plain text)."""
    return channel.name or tr("relay-channel", number=channel.index + 1)


def channel_lines(channels: list[Channel], tr: Translator) -> list[str]:
    """One line per relay: name, state, and the linked phase's power."""
    lines = []
    for channel in channels:
        state = {True: "relay-state-on", False: "relay-state-off", None: "relay-state-unknown"}
        extra = ""
        if channel.power is not None and channel.phase is not None:
            extra = tr("relay-power", power=power(channel.power), phase=channel.phase.upper())
        lines.append(
            tr(
                "relay-line",
                name=escape(channel_name(channel, tr)),
                critical=tr("relay-critical") if channel.critical else "",
                state=tr(state[channel.on]),
                power=extra,
            )
        )
    return lines


def _figures(watts: float, volts: float | None, amps: float | None) -> dict[str, str]:
    """A meter line's power, voltage and current ("–" for what is not reported)."""
    return {
        "power": power(watts),
        "voltage": f"{local_number(format_value('a_voltage', volts))} V"
        if volts is not None
        else "–",
        "current": f"{local_number(format_value('a_current', amps))} A"
        if amps is not None
        else "–",
    }


def _monophase_lines(values: dict[str, float], figures: Energy | None, tr: Translator) -> list[str]:
    """The monophase profile's three meters (`em1:0..2`), each with its energy."""
    lines = []
    for n in range(3):
        watts = values.get(f"em1_{n}_act_power")
        if watts is None:
            continue
        volts, amps = values.get(f"em1_{n}_voltage"), values.get(f"em1_{n}_current")
        lines.append(tr("meter-single", number=n + 1, **_figures(watts, volts, amps)))
        if figures is not None and n in figures.meters:
            today, month = figures.meters[n]
            lines.append(tr("meter-single-energy", today=energy(today), month=energy(month)))
    return lines


def meter_lines(view: DeviceView, figures: Energy | None, tr: Translator) -> list[str]:
    """Power, voltage and current per phase, the totals, and today's and this month's energy."""
    values = view.live.values
    lines = []
    for phase in PHASES:
        watts = values.get(f"{phase}_act_power")
        if watts is None:
            continue
        volts, amps = values.get(f"{phase}_voltage"), values.get(f"{phase}_current")
        lines.append(tr("meter-phase", phase=phase.upper(), **_figures(watts, volts, amps)))
    lines += _monophase_lines(values, figures, tr)
    total = values.get("total_act_power")
    if total is not None:
        amps = values.get("total_current")
        current = (
            f"{local_number(format_value('total_current', amps))} A" if amps is not None else "–"
        )
        lines.append(tr("meter-total", power=power(total), current=current))
    if not lines:
        return [tr("meter-no-readings")]
    if figures is not None:
        lines.append(tr("meter-energy", today=energy(figures.today), month=energy(figures.month)))
        if figures.returned_month > 0:
            lines.append(
                tr(
                    "meter-returned",
                    today=energy(figures.returned_today),
                    month=energy(figures.returned_month),
                )
            )
    return lines


def press_notice(outcome: CommandOutcome, channel: Channel, ctx: RenderContext) -> str:
    """What became of a relay press: confirmed (and how fast), refused, or not confirmed."""
    tr = ctx.tr
    name = escape(channel_name(channel, tr))
    press = RelayPress.of(outcome.params)
    on = press is not None and press.on
    result = outcome.result
    if result is not None and result.ok:
        key = "relay-confirmed-on" if on else "relay-confirmed-off"
        return tr(key, name=name, seconds=f"{outcome.seconds:.1f}")
    if result is not None:
        return tr("relay-refused", name=name, error=escape(result.error or "?"))
    text = tr("relay-no-confirmation", name=name, seconds=f"{outcome.seconds:.0f}")
    return text + "\n" + device_state(outcome.device, ctx.tr, ctx.zone)


def _quantity(metric: str, value: float | None, unit: str) -> str:
    """A quantity with its unit in the reader's way ("230,1 V"), or a dash when unknown."""
    return f"{local_number(format_value(metric, value))} {unit}" if value is not None else "–"
