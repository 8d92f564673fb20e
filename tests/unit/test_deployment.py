"""docker-compose.yml, the Dockerfile and .env.example agree with the settings.

No Docker engine runs on these machines, so the files are checked by reading them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARS = {name.upper() for name in Settings.model_fields}
APP_SERVICES = ("migrate", "processor", "bot", "broker-init")
INFRA = {"postgres": 5432, "redis": 6379, "mosquitto": 1883, "influxdb": 8086, "grafana": 3000}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _resolve(value: str) -> str:
    """Expand ${VAR:-default} and ${VAR:?msg} the way compose does with an empty environment."""
    return re.sub(
        r"\$\{[A-Z_]+(?::-([^}]*)|:\?[^}]*)?\}",
        lambda m: "required-value" if m.group(1) is None else m.group(1),
        value,
    )


def test_every_service_has_an_image_or_build_and_infra_has_healthchecks(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert set(services) == set(INFRA) | set(APP_SERVICES)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
    for name in INFRA:
        assert "healthcheck" in services[name], name
        assert any(str(v).split(":")[0] in compose["volumes"] for v in services[name]["volumes"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_is_valid_settings_pointing_at_compose_services(
    compose: dict[str, Any], name: str
) -> None:
    service = compose["services"][name]
    assert service["build"] == "."
    env = {key: _resolve(str(value)) for key, value in service["environment"].items()}
    assert set(env) <= SETTINGS_VARS, set(env) - SETTINGS_VARS
    values = {k.lower(): v for k, v in env.items() if v}
    settings = Settings(_env_file=None, **values)  # type: ignore[arg-type]
    hosts = {
        urlsplit(settings.database_url.replace("+asyncpg", "")).hostname: "postgres",
        urlsplit(settings.redis_url).hostname: "redis",
        urlsplit(settings.mqtt_url).hostname: "mosquitto",
    }
    if settings.influx_url:  # the processor only
        hosts[urlsplit(settings.influx_url).hostname] = "influxdb"
    for host, service_name in hosts.items():
        assert host == service_name


def test_apps_wait_for_what_they_use(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    processor = services["processor"]["depends_on"]
    assert processor["migrate"]["condition"] == "service_completed_successfully"
    assert {"redis", "mosquitto", "influxdb"} <= set(processor)
    bot = services["bot"]
    assert "BOT_TOKEN" in bot["environment"]
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["processor"]["command"] == ["dozor", "processor"]
    assert bot["command"] == ["dozor", "bot"]


def test_mosquitto_keeps_enough_queued_messages(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["mosquitto"]["volumes"]
    config_path = next(m.split(":")[0] for m in mounts if m.endswith("mosquitto.conf:ro"))
    config = (ROOT / config_path).read_text()
    queued = int(re.search(r"^max_queued_messages (\d+)", config, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert queued >= 100_000
    assert re.search(r"^persistence true", config, re.MULTILINE)


def test_dockerfile_installs_the_package_and_migrations() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for part in ("core", "drivers", "processor", "bot", "cli", "alembic", "alembic.ini"):
        assert re.search(rf"COPY .*\b{re.escape(part)}\b", dockerfile), part
    assert "pip install ." in dockerfile
    # dozor backup / restore need the PostgreSQL client of the server compose runs.
    server = re.search(r"image: postgres:(\d+)", (ROOT / "docker-compose.yml").read_text())
    assert server is not None and f"postgresql-client-{server.group(1)}" in dockerfile


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert documented >= SETTINGS_VARS, SETTINGS_VARS - documented


def _config() -> str:
    return (ROOT / "deploy" / "mosquitto.conf").read_text()


def test_the_broker_lets_nobody_in_without_an_account() -> None:
    config = _config()
    assert re.search(r"^allow_anonymous false$", config, re.MULTILINE)
    assert not re.search(r"^allow_anonymous true", config, re.MULTILINE)
    assert re.search(r"^plugin \S*mosquitto_dynamic_security\.so$", config, re.MULTILINE)
    assert re.search(r"^plugin_opt_config_file /mosquitto/data/", config, re.MULTILINE)
    tls = config.split("listener 8883", 1)[1].split("listener", 1)[0]
    assert "certfile /mosquitto/certs/server.crt" in tls
    assert "keyfile /mosquitto/certs/server.key" in tls


def test_the_broker_has_limits() -> None:
    config = _config()
    packet = re.search(r"^max_packet_size (\d+)$", config, re.MULTILINE)
    assert packet is not None and 0 < int(packet.group(1)) <= 1_048_576
    queued = re.search(r"^max_queued_bytes (\d+)$", config, re.MULTILINE)
    assert queued is not None and int(queued.group(1)) > 0  # 0 would mean unlimited
    assert re.search(r"^persistent_client_expiration \d+[hdwmy]$", config, re.MULTILINE)


def test_no_password_or_token_has_a_default(compose: dict[str, Any]) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    secrets = re.findall(r"\$\{([A-Z_]*(?:PASSWORD|TOKEN)[A-Z_]*)(:-|:\?|\})", text)
    assert secrets, "the compose file names its passwords"
    for name, how in secrets:
        assert how == ":?", f"{name} must be required (${{{name}:?…}}), not defaulted"


def test_only_the_broker_and_grafana_are_published_and_grafana_on_localhost(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"mosquitto", "grafana"}
    assert services["grafana"]["ports"] == ["${GRAFANA_BIND:-127.0.0.1}:3000:3000"]
    ports = services["mosquitto"]["ports"]
    assert "${MQTT_PLAIN_BIND:-127.0.0.1}:1883:1883" in ports  # plain: local unless asked
    assert "8883:8883" in ports


def test_the_broker_starts_after_its_accounts_and_certificates_exist(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    init = services["broker-init"]
    command = " ".join(init["command"])
    assert "dozor broker init /mosquitto/data/dynamic-security.json" in command
    assert "dozor broker certs /mosquitto/certs" in command
    assert services["mosquitto"]["depends_on"]["broker-init"]["condition"] == (
        "service_completed_successfully"
    )
    mounted = {v.split(":")[0]: v.split(":")[1] for v in services["mosquitto"]["volumes"]}
    for volume in init["volumes"]:
        name, target = volume.split(":")[:2]
        assert mounted.get(name) == target, volume
    processor = Settings(
        _env_file=None,
        mqtt_url=_resolve(str(services["processor"]["environment"]["MQTT_URL"])),
        mqtt_admin_password=_resolve(
            str(services["processor"]["environment"]["MQTT_ADMIN_PASSWORD"])
        ),
    )
    assert urlsplit(processor.mqtt_url).username == "dozor-processor"
    assert processor.broker_accounts


def test_neither_the_processor_nor_grafana_holds_the_influx_admin_token(
    compose: dict[str, Any],
) -> None:
    """The processor gets a write-only token and Grafana a read-only one, both made at
    InfluxDB's first setup; the admin token stays with InfluxDB."""
    services = compose["services"]
    holders = [
        name
        for name, service in services.items()
        if "INFLUX_TOKEN" in (service.get("environment") or {})
        or "${INFLUX_TOKEN" in str(service.get("environment", ""))
    ]
    assert holders == ["influxdb"], holders  # DOCKER_INFLUXDB_INIT_ADMIN_TOKEN
    processor = services["processor"]
    assert processor["environment"]["INFLUX_TOKEN_FILE"] == "/influx-tokens/processor.token"
    assert "influx-tokens:/influx-tokens:ro" in processor["volumes"]
    assert "influx-tokens:/influx-tokens:ro" in services["grafana"]["volumes"]
    influx = services["influxdb"]["volumes"]
    assert "./deploy/influxdb/tokens.sh:/docker-entrypoint-initdb.d/dozor-tokens.sh:ro" in influx
    script = (ROOT / "deploy" / "influxdb" / "tokens.sh").read_text()
    writer = script.split("> /influx-tokens/processor.token")[0].rsplit("new_token", 1)[1]
    reader = script.split("> /influx-tokens/grafana.token")[0].rsplit("new_token", 1)[1]
    assert "--write-bucket" in writer and "--read" not in writer
    assert "--read-bucket" in reader and "--write" not in reader
    datasource = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/datasources/influxdb.yml").read_text()
    )
    token = datasource["datasources"][0]["secureJsonData"]["token"]
    assert token == "$__file{/influx-tokens/grafana.token}"


def test_the_processor_can_be_scaled_to_standbys_on_one_session(compose: dict[str, Any]) -> None:
    """`--scale processor=3`: replicas need no fixed name or port, and share one MQTT session
    (one client id for all; the ingest lease picks the active one)."""
    processor = compose["services"]["processor"]
    assert "container_name" not in processor and "ports" not in processor
    assert "MQTT_CLIENT_ID" not in processor["environment"]  # the default, for every replica
