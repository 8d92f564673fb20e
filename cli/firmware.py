"""`dozor firmware add|list|remove|rollout`: firmware images and rollouts (docs/firmware.md)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from core.entrypoint import load_settings
from core.settings import Settings


def add_parsers(sub: Any) -> None:
    """Register the `firmware` subcommands."""
    firmware = sub.add_parser("firmware", help="firmware images and rollouts (OTA)")
    fsub = firmware.add_subparsers(dest="firmware_command", required=True)
    add = fsub.add_parser("add", help="add a firmware image (size and SHA-256 are computed)")
    add.add_argument("file", type=Path)
    add.add_argument("--kind", required=True, help="the device kind it is for, e.g. co2")
    add.add_argument("--version", required=True, help="the version it reports, e.g. 2.0.2")
    add.add_argument("--notes", default="", help="what changed, shown to owners")
    add.set_defaults(func=cmd_firmware_add)
    fsub.add_parser("list", help="list images and recent rollouts").set_defaults(
        func=cmd_firmware_list
    )
    remove = fsub.add_parser("remove", help="remove an image no rollout is using")
    remove.add_argument("kind")
    remove.add_argument("version")
    remove.set_defaults(func=cmd_firmware_remove)
    rollout = fsub.add_parser("rollout", help="roll an image out to the devices of its kind")
    rollout.add_argument("kind")
    rollout.add_argument("version")
    rollout.add_argument("--devices", help="only these uids, comma-separated")
    rollout.add_argument("--canary", type=int, default=1, help="devices updated first (1)")
    rollout.add_argument("--pace", type=int, default=100, help="devices per minute after (100)")
    rollout.add_argument(
        "--failure-limit", type=int, default=10, help="percent of failures that halts it (10)"
    )
    rollout.set_defaults(func=cmd_firmware_rollout)


def cmd_firmware_add(args: argparse.Namespace) -> None:
    """Add an image."""
    if not args.file.is_file():
        print(f"error: no file {args.file}")
        raise SystemExit(2)
    data = args.file.read_bytes()
    asyncio.run(_add(load_settings(), args.kind, args.version, data, args.notes))


async def _add(settings: Settings, kind: str, version: str, data: bytes, notes: str) -> None:
    from core.db import make_engine, make_session_factory
    from core.firmware.service import ImageRefusedError, add_image

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            image = await add_image(session, kind, version, data, notes=notes)
        print(f"added {image.kind} {image.version}: {image.size:,} bytes, sha256 {image.sha256}")
    except ImageRefusedError as err:
        print(f"error: image refused: {_refusal(err.args_for_text)}")
        raise SystemExit(2) from None
    finally:
        await engine.dispose()


def _refusal(args: dict[str, object]) -> str:
    reasons = {
        "unknown_kind": f"no device kind {args.get('kind')!r}",
        "no_updates": f"{args.get('kind')} devices take no firmware updates",
        "bad_version": f"{args.get('version')!r} is not a version (letters, digits, . + - _)",
        "empty": "the file is empty",
        "too_large": f"{args.get('size')} bytes is more than an app partition holds",
        "exists": f"{args.get('kind')} {args.get('version')} is there already",
    }
    return reasons.get(str(args.get("reason")), str(args))


def cmd_firmware_list(_: argparse.Namespace) -> None:
    """List images and recent rollouts."""
    asyncio.run(_list(load_settings()))


async def _list(settings: Settings) -> None:
    from core.db import make_engine, make_session_factory
    from core.firmware.repository import ImageRepository, RolloutRepository, UpdateRepository

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            images = await ImageRepository(session).listed()
            rollouts = await RolloutRepository(session).recent()
            counts = {r.id: await UpdateRepository(session).counts(r.id) for r in rollouts}
    finally:
        await engine.dispose()
    if not images:
        print("no images yet: dozor firmware add FILE --kind co2 --version 2.0.2")
    for image in images:
        print(f"{image.kind:12} {image.version:12} {image.size:>10,} B  {image.sha256[:16]}…  "
              f"{image.created_at:%Y-%m-%d}  {image.notes[:40]}")  # fmt: skip
    for rollout in rollouts:
        states = ", ".join(
            f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts[rollout.id].items())
        )
        reason = f" ({rollout.halt_reason})" if rollout.halt_reason else ""
        title = f"rollout {rollout.id}: {rollout.kind} {rollout.version}"
        print(f"{title} {rollout.state}{reason}: {states}")


def cmd_firmware_remove(args: argparse.Namespace) -> None:
    """Remove an image."""
    asyncio.run(_remove(load_settings(), args.kind, args.version))


async def _remove(settings: Settings, kind: str, version: str) -> None:
    from core.db import make_engine, make_session_factory
    from core.firmware.repository import ImageRepository
    from core.firmware.service import ImageInUseError, remove_image

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            image = await ImageRepository(session).find(kind, version)
            if image is None:
                print(f"error: no image {kind} {version}")
                raise SystemExit(2)
            await remove_image(session, image.id)
        print(f"removed {kind} {version}")
    except ImageInUseError:
        print(f"error: a running or paused rollout uses {kind} {version}; halt it first")
        raise SystemExit(2) from None
    finally:
        await engine.dispose()


def cmd_firmware_rollout(args: argparse.Namespace) -> None:
    """Start a rollout."""
    uids = [u.strip() for u in args.devices.split(",") if u.strip()] if args.devices else None
    asyncio.run(_rollout(load_settings(), args, uids))


async def _rollout(settings: Settings, args: argparse.Namespace, uids: list[str] | None) -> None:
    from core import clock
    from core.db import make_engine, make_session_factory
    from core.devices.repository import DeviceRepository
    from core.firmware.repository import ImageRepository
    from core.firmware.service import NothingToUpdateError, start_rollout

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            image = await ImageRepository(session).find(args.kind, args.version)
            if image is None:
                print(f"error: no image {args.kind} {args.version}: dozor firmware add first")
                raise SystemExit(2)
            ids = None
            if uids is not None:
                known = await DeviceRepository(session).ids_by_uid(uids)
                missing = sorted(set(uids) - set(known))
                if missing:
                    print(f"error: no device {', '.join(missing)}")
                    raise SystemExit(2)
                ids = list(known.values())
            rollout = await start_rollout(
                session,
                image.id,
                device_ids=ids,
                canary=args.canary,
                pace=args.pace,
                failure_limit=args.failure_limit,
                now=clock.now(),
            )
        print(f"rollout {rollout.id} started: {args.kind} {args.version}")
    except NothingToUpdateError:
        print(f"error: no {args.kind} device to update: none there, or all run {args.version}")
        raise SystemExit(2) from None
    finally:
        await engine.dispose()
