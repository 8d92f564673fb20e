"""The Grafana dashboards ask only for what the processor writes to InfluxDB.

What is written is taken from the real code paths: the simulator's telemetry through the
generic codec (measurement = device type), Shelly Pro 3 / Pro 3EM statuses from the Shelly
emulator through the Shelly codec (two snapshots, so the interval energy appears too), and
the platform point's fields; each line goes through the exporter's own `to_line`.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from device_firmware.simulator.device import PROFILES, SimulatedDevice
from drivers.generic import codec
from drivers.readings import Telemetry
from drivers.shelly.codec import ShellyCodec
from processor.ingest.batch import RawPoint
from processor.jobs.platform import PLATFORM_FIELDS, platform_line
from processor.sinks.influx import to_line
from tests.emulators.shelly import pro3_status, pro3em_status

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
LINE = re.compile(r"^(?P<measurement>[^,]+),\S* (?P<fields>\S+) \d+$")


def _lines_of(type_code: str, readings: list[Telemetry]) -> list[str]:
    return [to_line(RawPoint(0, r.uid, r.at, r.metrics), type_code) for r in readings if r.metrics]


def _written() -> set[tuple[str, str]]:
    lines: list[str] = []
    for type_code in PROFILES:
        device = SimulatedDevice("sim-1", type_code)
        payload = json.dumps(device.telemetry()).encode()
        decoded = codec.decode("devices/sim-1/telemetry", payload, 1000.0)
        assert isinstance(decoded, Telemetry)
        lines += _lines_of(type_code, [decoded])
    shelly = ShellyCodec()
    first = pro3em_status()
    later = copy.deepcopy(first)
    for name, value in later["emdata:0"].items():
        if name != "id":
            later["emdata:0"][name] = value + 5
    for at, status in ((1000.0, first), (1060.0, later)):
        got = shelly.decode_snapshot("shellypro3em-x", status, at)
        lines += _lines_of("shelly_pro3em", [r for r in got if isinstance(r, Telemetry)])
    got = shelly.decode_snapshot("shellypro3-x", pro3_status(), 1000.0)
    lines += _lines_of("shelly_pro3", [r for r in got if isinstance(r, Telemetry)])
    lines.append(platform_line("proc", dict.fromkeys(PLATFORM_FIELDS, 1.0), 1000.0))
    out = set()
    for line in lines:
        match = LINE.match(line)
        assert match, line
        for field in match["fields"].split(","):
            out.add((match["measurement"], field.split("=")[0]))
    return out


WRITTEN = _written()


def _queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (panel["title"], target["query"])
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]


def test_there_are_dashboards_for_air_energy_and_the_platform() -> None:
    assert {p.stem for p in DASHBOARDS} == {"air_quality", "energy", "platform"}
    uids = [json.loads(p.read_text())["uid"] for p in DASHBOARDS]
    assert len(set(uids)) == len(uids)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_query_names_a_measurement_and_field_the_processor_writes(path: Path) -> None:
    dashboard = json.loads(path.read_text())
    queries = _queries(dashboard)
    assert queries, "a dashboard without queries"
    for title, query in queries:
        measurements = re.findall(r'r\._measurement == "([^"]+)"', query)
        fields = re.findall(r'r\._field == "([^"]+)"', query)
        assert measurements and fields, title
        for measurement in measurements:
            for field in fields:
                assert (measurement, field) in WRITTEN, (title, measurement, field)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_panels_use_the_provisioned_data_source(path: Path) -> None:
    provisioned = yaml.safe_load((GRAFANA / "provisioning/datasources/influxdb.yml").read_text())
    (source,) = provisioned["datasources"]
    assert source["type"] == "influxdb" and source["jsonData"]["version"] == "Flux"
    for panel in json.loads(path.read_text())["panels"]:
        assert panel["datasource"]["uid"] == source["uid"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == source["uid"], panel["title"]


def test_energy_dashboard_shows_each_phase() -> None:
    energy = json.loads((GRAFANA / "dashboards/energy.json").read_text())
    text = "\n".join(q for _, q in _queries(energy))
    for phase in "abc":
        for quantity in ("act_power", "voltage", "current"):
            assert f'r._field == "{phase}_{quantity}"' in text
