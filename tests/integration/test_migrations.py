"""Migrations build the schema on an empty database, tear it down, and match the models."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import make_url

from core.db import ensure_database
from tests.conftest import BASE_DATABASE_URL, drop_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database() -> Iterator[str]:
    url = make_url(BASE_DATABASE_URL).set(database=f"dozor_mig_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    asyncio.run(ensure_database(rendered))
    yield rendered
    asyncio.run(drop_database(rendered))


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    return config


async def tables(url: str) -> set[str]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row["tablename"] for row in rows}
    finally:
        await connection.close()


async def device_types(url: str) -> list[str]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        return [
            r["code"] for r in await connection.fetch("SELECT code FROM device_types ORDER BY 1")
        ]
    finally:
        await connection.close()


def test_upgrade_check_downgrade_upgrade(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    assert {
        "users",
        "device_types",
        "devices",
        "memberships",
        "device_configs",
        "rollups_minute",
        "audit_log",
        "panel_codes",
        "panel_events",
        "panel_fences",
        "rollups_hour",
        "energy_daily",
        "job_marks",
    } <= asyncio.run(tables(empty_database))
    assert asyncio.run(device_types(empty_database)) == [
        "co2",
        "dust",
        "multi",
        "satel_integra",
        "shelly_pro3",
        "shelly_pro3em",
        "temp",
    ]
    command.check(config)  # raises when the models and the migrations drift apart
    command.downgrade(config, "base")
    assert asyncio.run(tables(empty_database)) == {"alembic_version"}
    command.upgrade(config, "head")
    assert "devices" in asyncio.run(tables(empty_database))
