"""`dozor backup FILE` and `dozor restore FILE`: what it takes to bring a platform back.

A backup is one tar archive:
- `postgresql.dump` — `pg_dump` in its custom format: devices, members, settings, history,
  alerts, firmware images, the outbox, the audit log: everything Dozor keeps for good;
- `redis.json` — the only Redis state not rebuilt from PostgreSQL: the Shelly meters' last
  energy counters (live state is rebuilt; commands, conversations and leases are transient);
- `dynamic-security.json` — with `--broker-accounts PATH`: the broker's accounts (the devices'
  MQTT passwords, hashed), which live in the broker's volume, not in PostgreSQL;
- `manifest.json` — when, from which schema revision, what is inside.

Not in it, on purpose: SECRET_KEYS, CODE_PEPPER, BOT_TOKEN and the other settings. They are
the operator's to keep (a password manager, the deployment's secrets): without the same
SECRET_KEYS the restored panels' codes and keys cannot be decrypted. Keep the archive as
safe as those: it holds the whole platform.

`dozor restore` replaces what DATABASE_URL holds with the archive's (`pg_restore --clean`,
in one transaction), migrates it to this version's schema, writes the counters back, clears
the live state under REDIS_PREFIX and rebuilds it from the restored history.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from core import clock
from core.entrypoint import load_settings
from core.settings import Settings

DUMP, REDIS, ACCOUNTS, MANIFEST = (
    "postgresql.dump",
    "redis.json",
    "dynamic-security.json",
    "manifest.json",
)
FORMAT = 1


def add_parsers(sub: Any) -> None:
    """Register `backup` and `restore`."""
    backup = sub.add_parser("backup", help="write PostgreSQL and Redis's lasting state to FILE")
    backup.add_argument("file", type=Path)
    backup.add_argument(
        "--broker-accounts",
        type=Path,
        help="the broker's dynamic-security.json, to include (device passwords, hashed)",
    )
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the platform's data with a backup's")
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--yes", action="store_true", help="replace a database that already holds devices"
    )
    restore.add_argument(
        "--broker-accounts",
        type=Path,
        help="where to write the broker's accounts from the backup (the broker stopped)",
    )
    restore.set_defaults(func=cmd_restore)


def _libpq(settings: Settings) -> tuple[str, dict[str, str]]:
    """DATABASE_URL for pg_dump / pg_restore (no password on the command line: it goes in
    the environment)."""
    url = make_url(settings.database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed (the PostgreSQL client tools, as new as the server)")
    return found


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.exit(f"{Path(argv[0]).name} failed: {done.stderr.strip() or done.returncode}")


def cmd_backup(args: argparse.Namespace) -> None:
    """Write the archive."""
    settings = load_settings()
    url, env = _libpq(settings)
    with tempfile.TemporaryDirectory(prefix="dozor-backup-") as folder:
        dump = Path(folder) / DUMP
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", url], env)
        counters, revision = asyncio.run(_read_state(settings))
        manifest = {
            "format": FORMAT,
            "created_at": clock.now().isoformat(timespec="seconds"),
            "schema_revision": revision,
            "redis_prefix": settings.redis_prefix,
            "contents": [DUMP, REDIS] + ([ACCOUNTS] if args.broker_accounts else []),
            "not_included": "SECRET_KEYS, CODE_PEPPER, BOT_TOKEN and the other settings",
        }
        args.file.parent.mkdir(parents=True, exist_ok=True)
        partial = args.file.with_name(args.file.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            _add(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(dump, DUMP)
            _add(archive, REDIS, json.dumps({"shelly_counters": counters}).encode())
            if args.broker_accounts:
                archive.add(args.broker_accounts, ACCOUNTS)
        partial.replace(args.file)  # a backup cut short never looks whole
    size = args.file.stat().st_size
    print(f"backup written to {args.file} ({size:,} bytes, schema {revision})")
    print("SECRET_KEYS, CODE_PEPPER and BOT_TOKEN are not in it: keep them yourself.")


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(clock.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


async def _read_state(settings: Settings) -> tuple[dict[str, dict[str, str]], str | None]:
    """The Shelly energy counters in Redis, and the schema revision in PostgreSQL."""
    from sqlalchemy import text

    from core.db import make_engine
    from core.redis_client import make_redis
    from core.redis_keys import RedisKeys

    redis = make_redis(settings.redis_url)
    prefix = RedisKeys(settings.redis_prefix).shelly_counters("")
    counters: dict[str, dict[str, str]] = {}
    try:
        async for key in redis.scan_iter(match=f"{prefix}*", count=500):
            name = key.decode() if isinstance(key, bytes) else str(key)
            raw = await redis.hgetall(key)
            counters[name.removeprefix(prefix)] = {
                (k.decode() if isinstance(k, bytes) else str(k)): (
                    v.decode() if isinstance(v, bytes) else str(v)
                )
                for k, v in raw.items()
            }
    finally:
        await redis.aclose()
    engine = make_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    return counters, revision


def cmd_restore(args: argparse.Namespace) -> None:
    """Replace the platform's data with the archive's."""
    settings = load_settings()
    if not args.file.is_file():
        sys.exit(f"{args.file} does not exist")
    with tempfile.TemporaryDirectory(prefix="dozor-restore-") as folder:
        try:
            with tarfile.open(args.file, "r") as archive:
                archive.extractall(folder, filter="data")
        except (tarfile.TarError, OSError) as err:
            sys.exit(f"{args.file} is not a Dozor backup ({err})")
        root = Path(folder)
        if not (root / MANIFEST).is_file() or not (root / DUMP).is_file():
            sys.exit(f"{args.file} is not a Dozor backup (no manifest or dump in it)")
        manifest = json.loads((root / MANIFEST).read_text())
        held = asyncio.run(_devices_held(settings))
        if held and not args.yes:
            sys.exit(
                f"the database holds {held} devices already; `dozor restore --yes` replaces "
                "everything in it with the backup's"
            )
        from cli.main import migrate

        url, env = _libpq(settings)
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={url}",
                str(root / DUMP),
            ],
            env,
        )
        migrate(settings)  # a backup of an older version comes up to this one's schema
        redis_state = json.loads((root / REDIS).read_text()) if (root / REDIS).is_file() else {}
        rebuilt = asyncio.run(_write_state(settings, redis_state.get("shelly_counters", {})))
        if args.broker_accounts and (root / ACCOUNTS).is_file():
            shutil.copyfile(root / ACCOUNTS, args.broker_accounts)
            print(f"broker accounts written to {args.broker_accounts}; start the broker")
    print(
        f"restored the backup of {manifest.get('created_at')} (schema "
        f"{manifest.get('schema_revision')}); live state of {rebuilt} devices rebuilt"
    )


async def _devices_held(settings: Settings) -> int | None:
    """How many devices the target database holds (None: no Dozor schema in it yet)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from core.db import ensure_database, make_engine

    await ensure_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            try:
                return int(await connection.scalar(text("SELECT count(*) FROM devices")) or 0)
            except DBAPIError:
                return None
    finally:
        await engine.dispose()


async def _write_state(settings: Settings, counters: dict[str, dict[str, str]]) -> int:
    """Put the counters back, drop the live state of what was there before, rebuild it."""
    from core.db import make_engine, make_session_factory
    from core.live.store import LiveStateStore
    from core.redis_client import make_redis
    from core.redis_keys import RedisKeys
    from processor.jobs.live_rebuild import LiveRebuild

    keys = RedisKeys(settings.redis_prefix)
    redis = make_redis(settings.redis_url)
    engine = make_engine(settings.database_url)
    try:
        # Every device's live state, and the marker that says it was built: rebuilt below.
        stale = [key async for key in redis.scan_iter(match=f"{keys.prefix}:live:*", count=500)]
        for start in range(0, len(stale), 500):
            await redis.delete(*stale[start : start + 500])
        for uid, fields in counters.items():
            if fields:
                await redis.hset(keys.shelly_counters(uid), mapping=fields)  # type: ignore[arg-type]
        store = LiveStateStore(redis, keys)
        rebuild = LiveRebuild(make_session_factory(engine), redis, keys, store)
        return await rebuild.run()
    finally:
        await redis.aclose()
        await engine.dispose()
