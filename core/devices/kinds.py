"""Device kinds as data: one frozen entry per type code says what a kind is and can do.

Everything that used to branch on a type code reads the kind instead: which card the bot
draws, whether the card offers settings and commands, which commands there are, which
readings can carry alert limits, how many relay channels there are, which processor component
carries out its commands and whether its settings live on the server.

The `device_types` table holds one row per entry (devices reference it); `dozor migrate`
writes the rows from this registry (`DeviceRepository.sync_kinds`), so the two never
disagree. Adding a kind is one entry here plus its codec and, if it needs one, its card.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from core.devices.commands import CALIBRATE, IDENTIFY, RESTART, DeviceCommand


class Card(StrEnum):
    """Which card renderer the bot uses for a kind."""

    SENSOR = "sensor"  # readings only
    RELAYS = "relays"  # a switch button per channel
    METER = "meter"  # energy figures under the readings
    PANEL = "panel"  # an alarm panel's partitions, zones and actions


class Executor(StrEnum):
    """Which processor component carries out a kind's commands."""

    FIRMWARE = "firmware"  # our MQTT contract: `devices/{uid}/commands`, retained config
    SHELLY = "shelly"  # Shelly Gen2 RPC (MQTT, HTTP fallback)
    SATEL = "satel"  # the panel worker holding the panel's TCP connection


@dataclass(frozen=True, slots=True)
class DeviceKind:
    """What one kind of device is and can do."""

    code: str
    title: str
    card: Card
    executor: Executor
    primary_metric: str | None = None
    report_interval: int = 30  # seconds; the silence sweep waits three of them
    commands: tuple[DeviceCommand, ...] = ()
    alertable: re.Pattern[str] | None = None  # None: every reading can carry limits
    channels: int = 0  # relay channels
    settings: bool = True  # whether the card offers ⚙️ settings
    settings_on_server: bool = False  # limits and interval are the server's (nothing sent)
    # ⚙️ holds alert limits only (no report interval, alerts switch or night mode), and is
    # offered once the device has a reading that can carry one
    limits_only: bool = False
    # Whether the silence sweep declares it offline when it goes quiet. False when a worker
    # holding its connection says whether it is online (a SATEL panel: connected is alive).
    swept: bool = True
    # Whether it takes firmware images over `devices/{uid}/ota` (our firmware's OTA).
    ota: bool = False
    # Whether it finds newer firmware itself and installs it when told (a Shelly: its
    # `sys.available_updates`, `Shelly.Update` on the stable channel).
    self_update: bool = False

    def command(self, name: str) -> DeviceCommand | None:
        """Return the kind's command called `name`, or None."""
        return next((c for c in self.commands if c.name == name), None)

    def can_alert_on(self, metric: str) -> bool:
        """Say whether alert limits can be set for `metric` on this kind."""
        return self.alertable is None or self.alertable.fullmatch(metric) is not None


_OWN: Final = (RESTART, IDENTIFY)
KINDS: Final[dict[str, DeviceKind]] = {
    kind.code: kind
    for kind in (
        DeviceKind(
            "co2",
            "CO2 monitor",
            Card.SENSOR,
            Executor.FIRMWARE,
            "co2",
            30,
            (*_OWN, CALIBRATE),
            ota=True,
        ),
        DeviceKind(
            "temp", "Thermometer", Card.SENSOR, Executor.FIRMWARE, "temperature", 60, _OWN, ota=True
        ),
        DeviceKind(
            "dust", "Dust sensor", Card.SENSOR, Executor.FIRMWARE, "pm25", 60, _OWN, ota=True
        ),
        DeviceKind(
            "multi",
            "Multisensor",
            Card.SENSOR,
            Executor.FIRMWARE,
            "co2",
            30,
            (*_OWN, CALIBRATE),
            ota=True,
        ),
        # Shelly devices notify on change, not on a schedule: a Pro 3 may stay silent for
        # days, so its offline detection rests on the `<id>/online` Last Will.
        DeviceKind(
            "shelly_pro3",
            "Shelly Pro 3",
            Card.RELAYS,
            Executor.SHELLY,
            None,
            86_400,
            alertable=re.compile(r"switch[0-9]_temperature"),
            channels=3,
            settings_on_server=True,
            self_update=True,
        ),
        DeviceKind(
            "shelly_pro3em",
            "Shelly Pro 3EM",
            Card.METER,
            Executor.SHELLY,
            "total_act_power",
            600,
            # A Pro 3EM has some 30 numbers; these are the ones worth a limit.
            alertable=re.compile(
                r"total_act_power|total_current|n_current|[abc]_(voltage|current|act_power)"
            ),
            settings_on_server=True,
            self_update=True,
        ),
        # A panel's online state is the worker's (it holds the connection), not the sweep's.
        DeviceKind(
            "satel_integra",
            "SATEL INTEGRA",
            Card.PANEL,
            Executor.SATEL,
            None,
            86_400,
            # its ATD-100 temperatures may carry alert limits (kept on the server): ⚙️ holds
            # those only; its alarms are the panel's and are never switched off here
            alertable=re.compile(r"z[0-9]{1,3}_temperature"),
            settings_on_server=True,
            limits_only=True,
            swept=False,
        ),
    )
}
# What a type code missing from the registry is treated as: our firmware, which can restart.
_UNKNOWN: Final = DeviceKind("", "", Card.SENSOR, Executor.FIRMWARE, commands=(RESTART,))


def kind_of(code: str) -> DeviceKind:
    """Return the kind of a type code (an unknown code: a plain sensor that can restart)."""
    return KINDS.get(code) or _UNKNOWN


def known(code: str) -> bool:
    """Say whether the registry has this type code."""
    return code in KINDS


def all_kinds() -> Iterator[DeviceKind]:
    """Every registered kind, by code."""
    return iter(sorted(KINDS.values(), key=lambda kind: kind.code))


def codes_with(executor: Executor) -> tuple[str, ...]:
    """The type codes whose commands `executor` carries out."""
    return tuple(kind.code for kind in all_kinds() if kind.executor is executor)


def unswept() -> tuple[str, ...]:
    """The type codes whose online state is their connection worker's, not the sweep's."""
    return tuple(kind.code for kind in all_kinds() if not kind.swept)


def kinds_with_channels() -> tuple[str, ...]:
    """The type codes of kinds with relay channels."""
    return tuple(kind.code for kind in all_kinds() if kind.channels)


def alertable(code: str, names: Iterable[str]) -> set[str]:
    """The metrics among `names` that alert limits can be set for on this kind."""
    kind = kind_of(code)
    return {name for name in names if kind.can_alert_on(name)}
