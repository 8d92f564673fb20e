"""`dozor panel add|set`: register SATEL INTEGRA panels, name partitions, zones and outputs."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import re
import secrets
from datetime import timedelta
from typing import Any

from cli.secret_input import SecretFlag
from core.entrypoint import load_settings
from core.settings import Settings

_UID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


def add_parsers(sub: Any) -> None:
    """Register `panel add` and `panel set`."""
    panel = sub.add_parser("panel", help="register SATEL INTEGRA panels (ETHM-1)")
    psub = panel.add_subparsers(dest="panel_command", required=True)
    add = psub.add_parser("add", help="register a panel and print its claim code")
    add.add_argument("name", help='what people see, e.g. "Office"')
    add.add_argument("--host", required=True, help="the ETHM-1 module's address")
    add.add_argument("--uid", help="the panel's id in Dozor (default: satel-<random>)")
    add.add_argument("--location")
    add.add_argument("--ttl", type=float, default=7, help="claim code lifetime in days")
    _options(add)
    add.set_defaults(func=cmd_panel_add)
    change = psub.add_parser("set", help="change a panel's address, owner code or names")
    change.add_argument("uid")
    change.add_argument("--host")
    _options(change)
    change.add_argument(
        "--read-names",
        action="store_true",
        help="forget the names typed or read; the panel's own are read at its next connection",
    )
    change.set_defaults(func=cmd_panel_set)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, help="the integration port (default 7094)")
    parser.add_argument(
        "--code",
        action=SecretFlag,
        prompt="The owner's panel code",
        help="read the owner's panel code (used for the owner's actions until they store "
        "their own) from a prompt or standard input",
    )
    parser.add_argument(
        "--key",
        action=SecretFlag,
        prompt="The module's integration key",
        help="read the module's integration key, when its integration is encrypted (DLOADX), "
        "from a prompt or standard input",
    )
    parser.add_argument(
        "--no-key", action="store_true", help="the module's integration is not encrypted"
    )
    parser.add_argument("--partitions", help='names, e.g. "1=Ground floor,2=First floor"')
    parser.add_argument("--zones", help='names, e.g. "1=Front door,2=Hall PIR"')
    parser.add_argument("--outputs", help='names, e.g. "3=Siren"')
    parser.add_argument(
        "--temperature-zones",
        help='ATD-100 zones read as temperatures (history, alert limits), e.g. "7,8"',
    )
    parser.add_argument(
        "--critical-outputs",
        help='outputs switched from the chat only after a confirmation, e.g. "3,5" (siren, gate)',
    )


def _profile(
    args: argparse.Namespace, settings: Settings, current: dict[str, Any] | None
) -> dict[str, Any]:
    """The panel's attributes after the options; exits with one clear line on bad input."""
    from core.panels.profile import GROUPS, BadNamesError, PanelProfile, parse_names

    profile = PanelProfile.of(current)
    if getattr(args, "read_names", False):
        profile = dataclasses.replace(
            profile, names={}, names_set=frozenset(), zone_partitions={}, output_functions={}
        )
    changes = _connection(args, settings)
    names, named = dict(profile.names), set(profile.names_set)
    for group in GROUPS:
        text = getattr(args, group)
        if text is None:
            continue
        try:
            names[group] = parse_names(group, text)
        except BadNamesError as err:
            _fail(f"--{group} takes NUMBER=NAME,… (not {err.args_for_text['item']!r})")
        named.add(group)
    changes["names"], changes["names_set"] = names, frozenset(named)
    attributes = dict(current or {})
    updated = dataclasses.replace(profile, **changes)
    fresh = updated.to_attributes()
    attributes.update(fresh)
    for optional in ("integration_key", "critical_outputs", "temperature_zones"):
        if optional not in fresh:
            attributes.pop(optional, None)
    if getattr(args, "read_names", False):
        attributes.pop("zone_partitions", None)
        attributes.pop("output_functions", None)
    return attributes


def _connection(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if args.host is not None:
        changes["host"] = args.host
    if args.port is not None:
        if not 0 < args.port < 65536:  # noqa: PLR2004
            _fail("--port is 1 to 65535")
        changes["port"] = args.port
    if args.code is not None:
        code = args.code
        if not (code.isascii() and code.isdigit() and 4 <= len(code) <= 16):  # noqa: PLR2004
            _fail("--code is 4 to 16 digits")
        changes["owner_code"] = _sealed(settings, code, "a panel code")
    changes.update(_key(args, settings))
    for option, what in (("critical_outputs", "output"), ("temperature_zones", "zone")):
        text = getattr(args, option)
        if text is None:
            continue
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not all(p.isdigit() and 1 <= int(p) <= 256 for p in parts):  # noqa: PLR2004
            flag = "--" + option.replace("_", "-")
            _fail(f"{flag} takes {what} numbers 1 to 256, e.g. 3,5")
        changes[option] = frozenset(int(p) for p in parts)
    return changes


def _key(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if args.key is not None and args.no_key:
        _fail("--key and --no-key exclude each other")
    if args.key is not None:
        if not 1 <= len(args.key) <= 12 or not args.key.isprintable():  # noqa: PLR2004
            _fail("--key is the integration key of DLOADX: 1 to 12 characters")
        changes["integration_key"] = _sealed(settings, args.key, "an integration key")
    if args.no_key:
        changes["integration_key"] = None
    return changes


def _sealed(settings: Settings, secret: str, what: str) -> str:
    from core.secrets import SecretBox, SecretKeysMissingError

    try:
        return SecretBox(settings.secret_keys).encrypt(secret)
    except SecretKeysMissingError:
        _fail(f"SECRET_KEYS must be set to store {what} (see .env.example)")
        raise


def _fail(line: str) -> None:
    print(f"error: {line}")
    raise SystemExit(2)


def cmd_panel_add(args: argparse.Namespace) -> None:
    """Register a panel and print its claim code."""
    uid = args.uid or f"satel-{secrets.token_hex(4)}"
    if not _UID.match(uid):
        _fail(f"{uid!r} is not a valid uid (letters, digits, _ . : -; up to 64)")
    settings = load_settings()
    provisioned = asyncio.run(_add(settings, args, uid))
    where = f"{args.host}:{args.port or 7094}"
    print(f"Panel \u201c{provisioned.device.name}\u201d registered as {uid} ({where}).")
    expires = f"{provisioned.expires_at:%Y-%m-%d %H:%M} UTC"
    print(f"Claim code: {provisioned.claim_code}  (one use; expires {expires})")
    print("The owner sends /add <code> to the bot.")
    if args.key:
        print("In DLOADX, enable encrypted integration for the ETHM module with that key.")
    else:
        print("In DLOADX, enable integration for the ETHM module (encrypted: give --key).")


async def _add(settings: Settings, args: argparse.Namespace, uid: str) -> Any:
    from core.db import make_engine, make_session_factory
    from core.devices.service import DeviceExistsError, provision
    from core.panels.profile import SATEL

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            return await provision(
                session,
                uid,
                SATEL,
                name=args.name,
                location=args.location,
                ttl=timedelta(days=args.ttl),
                attributes=_profile(args, settings, None),
                pepper=settings.code_pepper,
            )
    except DeviceExistsError:
        _fail(f"a device with uid {uid!r} exists already")
    finally:
        await engine.dispose()


def cmd_panel_set(args: argparse.Namespace) -> None:
    """Change a panel's attributes."""
    settings = load_settings()
    attributes = asyncio.run(_set(settings, args))
    if attributes is None:
        _fail(f"no panel with uid {args.uid!r}")
    assert attributes is not None  # noqa: S101 - _fail exits
    secret = {"owner_code", "integration_key"}
    shown = {k: ("(encrypted)" if k in secret else v) for k, v in attributes.items()}
    print(f"{args.uid}: {json.dumps(shown, ensure_ascii=False)}")


async def _set(settings: Settings, args: argparse.Namespace) -> dict[str, Any] | None:
    from core.db import make_engine, make_session_factory
    from core.devices.kinds import Executor, kind_of
    from core.devices.repository import DeviceRepository
    from core.devices.service import set_attributes
    from core.panels.repository import PanelCodeRepository

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            device = await DeviceRepository(session).get_by_uid(args.uid)
            if device is None or kind_of(device.type_code).executor is not Executor.SATEL:
                return None
            attributes = await set_attributes(
                session, args.uid, lambda current: _profile(args, settings, current)
            )
            # A code given for a panel that has its owner already is that person's own.
            if await PanelCodeRepository(session).hand_over_to_owner(device):
                await session.commit()
                attributes = dict(device.attributes)
            return attributes
    finally:
        await engine.dispose()
