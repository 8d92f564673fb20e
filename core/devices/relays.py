"""What the card of a Shelly shows: relay channels (with linked phase power) and energy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.devices import shelly
from core.devices.kinds import kind_of
from core.devices.overview import DeviceView
from core.devices.repository import DeviceRepository
from core.history.service import totals
from core.live.store import LiveStateStore
from core.panels.service import PanelService

IMPORT: str = "interval_import_energy"
EXPORT: str = "interval_export_energy"
# the monophase profile (`em1:0..2`): the same figures per meter
MONO_IMPORT: tuple[str, ...] = tuple(f"em1_{n}_interval_import_energy" for n in range(3))
MONO_EXPORT: tuple[str, ...] = tuple(f"em1_{n}_interval_export_energy" for n in range(3))


@dataclass(frozen=True, slots=True)
class Channel:
    """One relay of a Pro 3 as its card shows it."""

    index: int
    name: str | None  # None: unnamed, the card says "Channel N"
    on: bool | None  # None: not reported yet
    critical: bool
    power: float | None = None  # active power of the linked Pro 3EM phase, W
    phase: str | None = None


@dataclass(frozen=True, slots=True)
class Energy:
    """Energy of a meter (Wh), from the per-interval figures the codec computes."""

    today: float
    month: float
    returned_today: float
    returned_month: float
    # the monophase profile's three meters: meter index → (imported today, this month)
    meters: dict[int, tuple[float, float]] = field(default_factory=dict)


class RelayPanel:
    """Reads the extra facts Shelly cards show."""

    def __init__(self, live: LiveStateStore, panels: PanelService | None = None) -> None:
        self._live = live
        self.panels = panels  # SATEL panels' cards read their state through this

    async def channels(
        self, session: AsyncSession, view: DeviceView, confirmed: dict[int, bool] | None = None
    ) -> list[Channel]:
        """The relays of a device with their state; `confirmed` overrides what ingest has not
        written yet (a press the device just confirmed)."""
        profile = shelly.ShellyProfile.of(view.device.attributes)
        meters: dict[str, dict[str, float]] = {}
        for meter_uid in {link.meter_uid for link in profile.links.values()}:
            if meter_uid not in meters:
                meter = await DeviceRepository(session).get_by_uid(meter_uid)
                live = await self._live.read(meter.id) if meter is not None else None
                meters[meter_uid] = live.values if live is not None else {}
        result = []
        for index in range(kind_of(view.device.type_code).channels):
            value = view.live.values.get(shelly.output_metric(index))
            on = (confirmed or {}).get(index, None if value is None else value >= 1)
            linked = profile.links.get(index)
            power = None
            if linked is not None:
                power = meters[linked.meter_uid].get(shelly.phase_power_metric(linked.phase))
            result.append(
                Channel(
                    index,
                    profile.channel_name(index),
                    on,
                    index in profile.critical,
                    power,
                    linked.phase if linked is not None else None,
                )
            )
        return result

    async def energy(
        self, session: AsyncSession, device_id: int, zone: tzinfo, now: datetime
    ) -> Energy:
        """Today's and this month's energy, in the user's timezone."""
        local = now.astimezone(zone)
        day = datetime.combine(local.date(), time(), zone)
        month = day.replace(day=1)
        names = (IMPORT, EXPORT, *MONO_IMPORT, *MONO_EXPORT)
        today = await totals(session, device_id, names, day, now)
        this_month = await totals(session, device_id, names, month, now)
        meters = {
            n: (today.get(name, 0.0), this_month.get(name, 0.0))
            for n, name in enumerate(MONO_IMPORT)
            if name in this_month
        }

        def both(figures: dict[str, float], three: str, mono: tuple[str, ...]) -> float:
            return figures.get(three, 0.0) + sum(figures.get(m, 0.0) for m in mono)

        return Energy(
            both(today, IMPORT, MONO_IMPORT),
            both(this_month, IMPORT, MONO_IMPORT),
            both(today, EXPORT, MONO_EXPORT),
            both(this_month, EXPORT, MONO_EXPORT),
            meters,
        )
