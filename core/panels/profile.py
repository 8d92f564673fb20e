"""What the platform knows of a SATEL panel beyond its state (pure).

Kept in `devices.attributes`:
`{"host": "10.0.0.20", "port": 7094, "owner_code": "<Fernet token>",
"names": {"partitions": {"1": "Ground floor"}, "zones": {"3": "Front door"}, "outputs": {}},
"names_set": ["zones"], "model": "INTEGRA 128", "integration_key": "<Fernet token>"}`
(the key only when the module's integration is encrypted).
Names typed on the CLI are listed in `names_set` and are never overwritten by the names the
processor reads from the panel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from core.errors import InvalidInput

SATEL: Final = "satel_integra"
DEFAULT_PORT: Final = 7094
GROUPS: Final = ("partitions", "zones", "outputs")
LIMITS: Final[dict[str, int]] = {"partitions": 32, "zones": 128, "outputs": 128}
# Output functions (the `EE` answer's function byte) that a control command can drive:
# MONO switch 24, BI switch 25, roller shutter up/down 105/106, remote switches 64–79.
PULSE_OUTPUTS: Final = frozenset({24, 105, 106})  # on for the panel's set time, then off
SWITCH_OUTPUTS: Final = PULSE_OUTPUTS | {25} | frozenset(range(64, 80))
NAME_LIMIT: Final = 32
_NAME: Final = re.compile(r"^\s*([0-9]{1,3})\s*=\s*(.+?)\s*$")


class BadNamesError(InvalidInput):
    """A names list that is not `number=name,…` within the panel's range."""

    key = "panel-bad-names"


@dataclass(frozen=True, slots=True)
class PanelProfile:
    """A panel's attributes, read from (and written back to) `devices.attributes`."""

    host: str = ""
    port: int = DEFAULT_PORT
    owner_code: str | None = None  # Fernet token of the code given at `panel add`
    names: dict[str, dict[int, str]] = field(default_factory=dict)
    names_set: frozenset[str] = frozenset()  # groups named by hand
    model: str | None = None
    zone_partitions: dict[int, int] = field(default_factory=dict)  # zone → its partition
    integration_key: str | None = None  # Fernet token of the module's integration key
    output_functions: dict[int, int] = field(default_factory=dict)  # output → function byte
    critical_outputs: frozenset[int] = frozenset()  # switched only after a confirmation
    temperature_zones: frozenset[int] = frozenset()  # ATD-100 zones, read as temperatures

    @classmethod
    def of(cls, attributes: dict[str, Any] | None) -> PanelProfile:
        """Read a profile; anything malformed is left out."""
        raw = attributes or {}
        names: dict[str, dict[int, str]] = {}
        for group in GROUPS:
            given = (raw.get("names") or {}).get(group)
            if isinstance(given, dict):
                names[group] = {int(k): str(v) for k, v in given.items() if str(k).isdigit()}
        port = raw.get("port")
        return cls(
            host=str(raw.get("host") or ""),
            port=port if isinstance(port, int) and 0 < port < 65536 else DEFAULT_PORT,  # noqa: PLR2004
            owner_code=_text(raw.get("owner_code")),
            names=names,
            names_set=frozenset(g for g in raw.get("names_set") or () if g in GROUPS),
            model=raw.get("model") if isinstance(raw.get("model"), str) else None,
            zone_partitions=_numbers_map(raw.get("zone_partitions")),
            integration_key=_text(raw.get("integration_key")),
            output_functions=_numbers_map(raw.get("output_functions")),
            critical_outputs=_number_set(raw.get("critical_outputs")),
            temperature_zones=_number_set(raw.get("temperature_zones")),
        )

    def to_attributes(self) -> dict[str, Any]:
        """The JSON to store."""
        attributes: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "names": {g: {str(k): v for k, v in sorted(n.items())} for g, n in self.names.items()},
            "names_set": sorted(self.names_set),
        }
        if self.owner_code:
            attributes["owner_code"] = self.owner_code
        if self.model:
            attributes["model"] = self.model
        if self.integration_key:
            attributes["integration_key"] = self.integration_key
        if self.output_functions:
            attributes["output_functions"] = {
                str(k): v for k, v in sorted(self.output_functions.items())
            }
        if self.critical_outputs:
            attributes["critical_outputs"] = sorted(self.critical_outputs)
        if self.temperature_zones:
            attributes["temperature_zones"] = sorted(self.temperature_zones)
        if self.zone_partitions:
            attributes["zone_partitions"] = {
                str(k): v for k, v in sorted(self.zone_partitions.items())
            }
        return attributes

    @property
    def link(self) -> tuple[str, int, str | None]:
        """What the connection depends on: a change of it means connecting again."""
        return self.host, self.port, self.integration_key

    def switchable(self) -> list[int]:
        """The outputs people may switch: those whose function a command can drive, and
        those named by hand (whoever named them says they can)."""
        driven = {n for n, f in self.output_functions.items() if f in SWITCH_OUTPUTS}
        if "outputs" in self.names_set:
            driven |= set(self.names.get("outputs", {}))
        return sorted(driven)

    def pulse(self, output: int) -> bool:
        """Whether an output turns itself off again (mono switch, shutter)."""
        return self.output_functions.get(output) in PULSE_OUTPUTS

    def name(self, group: str, number: int) -> str | None:
        """The name of a partition, zone or output, if it has one."""
        return self.names.get(group, {}).get(number)

    def partitions(self, seen: frozenset[int] = frozenset()) -> list[int]:
        """The partitions to show: the named ones that are used (hold a zone, when the
        panel's zone map is known; all named by hand) and any the panel reported; at least 1.
        A panel gives a name to each of its 32 partitions, used or not."""
        named = set(self.names.get("partitions", {}))
        if self.zone_partitions and "partitions" not in self.names_set:
            named &= set(self.zone_partitions.values())
        return sorted(named | seen) or [1]


def _number_set(raw: Any) -> frozenset[int]:
    if not isinstance(raw, list | tuple):
        return frozenset()
    return frozenset(n for n in raw if isinstance(n, int) and not isinstance(n, bool))


def _numbers_map(raw: Any) -> dict[int, int]:
    if not isinstance(raw, dict):
        return {}
    return {int(k): v for k, v in raw.items() if str(k).isdigit() and isinstance(v, int)}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_names(group: str, text: str) -> dict[int, str]:
    """Parse `1=Ground floor,2=First floor` for a group; raise BadNamesError."""
    found: dict[int, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _NAME.match(part)
        if match is None or not 1 <= int(match[1]) <= LIMITS[group]:
            raise BadNamesError(group=group, item=part)
        found[int(match[1])] = match[2][:NAME_LIMIT]
    return found
