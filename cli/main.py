"""`dozor …` subcommands; the only module that may import both bot and processor (lazily)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cli import backup, broker, firmware, panels
from cli.secret_input import SecretFlag, read_secret, read_secrets
from core.entrypoint import load_settings, stop_event_on_signals
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BOTFATHER_HINT = (
    "BOT_TOKEN is not set: running the processor only. Get a token from @BotFather in "
    "Telegram (/newbot) and put BOT_TOKEN=<token> in .env, then run ./start.sh again."
)


def migrate(settings: Settings, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # noise at import
    from alembic import command
    from alembic.config import Config

    from core.db import ensure_database

    if asyncio.run(ensure_database(settings.database_url)):
        print("created the database")
    # From the source tree, or from the working directory in the Docker image.
    ini = Path.cwd() / "alembic.ini"
    config = Config(str(ini if ini.is_file() else ROOT / "alembic.ini"))
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logger"] = False
    command.upgrade(config, revision)
    if revision == "head":
        asyncio.run(sync_kinds(settings))


async def sync_kinds(settings: Settings) -> None:
    """Write the registry's device kinds into `device_types` (devices reference the rows)."""
    from core.db import make_engine, make_session_factory
    from core.devices.kinds import all_kinds
    from core.devices.repository import DeviceRepository

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            await DeviceRepository(session).sync_kinds(all_kinds())
            await session.commit()
    finally:
        await engine.dispose()


async def _serve(settings: Settings, *, bot: bool, processor: bool) -> None:
    stop = stop_event_on_signals()
    jobs: list[Coroutine[Any, Any, object]] = []
    if processor:
        from processor.app import run_processor

        jobs.append(run_processor(settings, stop))
    if bot:
        from bot.app import run_bot

        jobs.append(run_bot(settings, stop))
    await asyncio.gather(*jobs)


def cmd_run(args: argparse.Namespace) -> None:
    """Run processor and bot together (the processor alone without a bot token)."""
    settings = load_settings()
    has_token = settings.bot_token is not None
    if not has_token:
        print(BOTFATHER_HINT, file=sys.stderr)
    if args.migrate:
        migrate(settings)
    asyncio.run(_serve(settings, bot=has_token, processor=True))


def cmd_processor(_: argparse.Namespace) -> None:
    """Run the processor."""
    asyncio.run(_serve(load_settings(), bot=False, processor=True))


def cmd_bot(_: argparse.Namespace) -> None:
    """Run the bot."""
    settings = load_settings()
    if settings.bot_token is None:
        print("configuration error: BOT_TOKEN: required for the bot", file=sys.stderr)
        raise SystemExit(2)
    asyncio.run(_serve(settings, bot=True, processor=False))


def cmd_migrate(args: argparse.Namespace) -> None:
    """Apply migrations."""
    migrate(load_settings(), args.revision)
    print(f"database is at revision {args.revision}")


def cmd_device_add(args: argparse.Namespace) -> None:
    """Provision a device, create its broker account and print its claim code and login."""
    from drivers.generic.topics import is_valid_uid
    from processor.accounts import reserved

    if not is_valid_uid(args.uid):
        print(f"error: {args.uid!r} is not a valid uid (letters, digits, _ . : -; up to 64)")
        raise SystemExit(2)
    settings = load_settings()
    if reserved(settings, args.uid):
        print(f"error: {args.uid!r} is the processor's MQTT client id (or starts like it)")
        raise SystemExit(2)
    provisioned = asyncio.run(_provision(settings, args))
    print(f"Device {args.uid} ({args.type}) created as \u201c{provisioned.device.name}\u201d.")
    expires = f"{provisioned.expires_at:%Y-%m-%d %H:%M} UTC"
    print(f"Claim code: {provisioned.claim_code}  (one use; expires {expires})")
    print("The owner sends /add <code> to the bot.")
    password = asyncio.run(_account(settings, args.uid, args.type))
    _print_login(settings, args.uid, args.type, password)


async def _account(settings: Settings, uid: str, type_code: str) -> str | None:
    """Create the device's broker account; None when none is needed or managed."""
    from processor.accounts import AccountError, BrokerAccounts

    try:
        return await BrokerAccounts(settings).create(uid, type_code)
    except AccountError as err:
        print(f"error: the device is created, but its broker account is not: {err}")
        print(f"Once the broker answers: dozor device credentials {uid} --rotate")
        raise SystemExit(1) from None


def _print_login(settings: Settings, uid: str, type_code: str, password: str | None) -> None:
    from drivers.generic.topics import topic

    print("Point the device at the broker:")
    for url in settings.mqtt_device_urls:
        parts = urlsplit(url)
        secure = parts.scheme == "mqtts"
        port = parts.port or (8883 if secure else 1883)
        tls = "TLS: give the device the broker's CA certificate" if secure else "no TLS"
        print(f"  broker:    {parts.hostname}:{port} ({tls})")
    if password is not None:
        print(f"  username:  {uid}")
        print(f"  password:  {password}   (shown once; `dozor device credentials {uid} --rotate`)")
        print(f"  client id: {uid} (the account takes no other)")
    else:
        print("  login:     none (this broker's accounts are not managed by Dozor)")
    if type_code.startswith("shelly_"):
        print(f"  in the Shelly's MQTT settings: topic prefix and client id {uid}, enable RPC")
        print("  status notifications over MQTT (and, optionally, generic status updates)")
        return
    print(f"  publish:   {topic(uid, 'telemetry')} (QoS 1)")
    print(f"             {topic(uid, 'status')} (retained; Last Will 'offline')")
    print(f"  subscribe: {topic(uid, 'config')}, {topic(uid, 'commands')}")


def _password(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """The Shelly password change of `--http-password` / `--no-http-password` (raises
    SecretKeysMissingError when there is a password and no key to seal it with)."""
    from core.secrets import SecretBox

    if args.no_http_password:
        return {"password_token": None}
    if not args.http_password:
        return {}
    return {"password_token": SecretBox(settings.secret_keys).encrypt(args.http_password)}


def _attributes(
    args: argparse.Namespace, settings: Settings, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What `device add`/`device set` know of a Shelly beyond MQTT, merged into `current`.

    Exits with a clear line on a malformed option (or a password without SECRET_KEYS)."""
    from core.devices import shelly
    from core.secrets import SecretKeysMissingError

    profile = shelly.ShellyProfile.of(current)
    changes: dict[str, Any] = {}
    try:
        if args.http_host is not None:
            changes["http_host"] = args.http_host or None
        changes.update(_password(args, settings))
        if args.channel_names is not None:
            changes["channel_names"] = shelly.parse_names(args.channel_names)
        if args.critical is not None:
            changes["critical"] = shelly.parse_channels(args.critical)
        links = dict(profile.links)
        for text in args.link or ():
            channel, link = shelly.parse_link(text)
            links[channel] = link
        for channel in shelly.parse_channels(args.unlink or ""):
            links.pop(channel, None)
        changes["links"] = links
    except SecretKeysMissingError:
        print("error: SECRET_KEYS must be set to store a device password (see .env.example)")
        raise SystemExit(2) from None
    except shelly.BadLinkError as err:
        print(
            "error: --link takes CHANNEL=<3em-uid>:<a|b|c>, e.g. 0=shellypro3em-…:a, "
            f"not {err.args_for_text['link']!r}"
        )
        raise SystemExit(2) from None
    except shelly.BadChannelError:
        print('error: channels are numbers from 0, separated by commas, e.g. "0,2"')
        raise SystemExit(2) from None
    return dataclasses.replace(profile, **changes).to_attributes()


async def _provision(settings: Settings, args: argparse.Namespace) -> Any:
    from core.db import make_engine, make_session_factory
    from core.devices.service import DeviceExistsError, UnknownDeviceTypeError, provision

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            return await provision(
                session,
                args.uid,
                args.type,
                name=args.name,
                location=args.location,
                ttl=timedelta(days=args.ttl),
                attributes=_attributes(args, settings),
                pepper=settings.code_pepper,
            )
    except UnknownDeviceTypeError as err:
        print(
            f"error: unknown device type {args.type!r}; known types: {err.args_for_text['known']}"
        )
        raise SystemExit(2) from None
    except DeviceExistsError:
        print(f"error: a device with uid {args.uid!r} exists already")
        raise SystemExit(2) from None
    finally:
        await engine.dispose()


def cmd_device_list(_: argparse.Namespace) -> None:
    """List devices."""
    rows = asyncio.run(_list_devices(load_settings()))
    if not rows:
        print("no devices yet: dozor device add UID --type co2 --name NAME")
        return
    print(f"{'uid':24} {'type':8} {'name':20} {'location':16} {'state':8} {'claimed':8} last seen")
    for d in rows:
        seen = f"{d.last_seen_at:%Y-%m-%d %H:%M:%S}" if d.last_seen_at else "never"
        state = "online" if d.is_online else "offline"
        claimed = "yes" if d.claimed_at else "no"
        location = d.location or ""
        print(f"{d.uid:24} {d.type_code:8} {d.name:20} {location:16} {state:8} {claimed:8} {seen}")


async def _list_devices(settings: Settings) -> Any:
    from core.db import make_engine, make_session_factory
    from core.devices.repository import DeviceRepository

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            return await DeviceRepository(session).list_all()
    finally:
        await engine.dispose()


def _reading(text: str) -> tuple[str, float]:
    """Parse `co2=1500` for --set."""
    metric, sep, value = text.partition("=")
    msg = f"expected METRIC=VALUE, e.g. co2=1500, not {text!r}"
    if not sep or not metric.strip():
        raise argparse.ArgumentTypeError(msg)
    try:
        return metric.strip(), float(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(msg) from err


def cmd_simulate(args: argparse.Namespace) -> None:
    """Run a simulated device."""
    from device_firmware.simulator.device import SimulatedDevice, run_device

    settings = load_settings()
    device = SimulatedDevice(
        args.uid,
        args.type,
        args.interval,
        _device_url(settings, args),
        ca_file=settings.mqtt_ca_file,
        pinned=dict(args.set or []),
    )
    held = ", ".join(f"{k}={v:g}" for k, v in device.pinned.items())
    print(
        f"simulating {args.uid} ({args.type}) every {args.interval:g} s"
        + (f", holding {held}" if held else "")
        + "; Ctrl-C to stop"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_device(device, args.count))


def _device_url(settings: Settings, args: argparse.Namespace) -> str:
    """Where the simulated device logs in: `--broker` (or MQTT_DEVICE_URL's first, or
    MQTT_URL's host), as the device itself when its password is read from standard input."""
    parts = urlsplit(args.broker or settings.mqtt_device_urls[0])
    secure = parts.scheme == "mqtts"
    where = f"{parts.hostname}:{parts.port or (8883 if secure else 1883)}"
    login = ""
    if args.password_stdin:
        password = read_secret("The device's broker password")
        login = f"{quote(args.uid, safe='')}:{quote(password, safe='')}@"
    return f"{parts.scheme}://{login}{where}"


def _shelly_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--http-host", help="Shelly: host[:port] for the HTTP fallback")
    parser.add_argument(
        "--http-password",
        action=SecretFlag,
        prompt="The Shelly's password",
        help="Shelly: read the device's password (stored encrypted with SECRET_KEYS) from a "
        "prompt or standard input",
    )
    parser.add_argument(
        "--no-http-password", action="store_true", help="Shelly: forget its password"
    )
    parser.add_argument("--channel-names", help='Shelly Pro 3: e.g. "Pump,Heater,Light"')
    parser.add_argument(
        "--critical", help='Pro 3 channels that ask before switching off, e.g. "0,2" ("" clears)'
    )
    parser.add_argument(
        "--link",
        action="append",
        help="Pro 3 channel measured by a Pro 3EM phase: 0=shellypro3em-…:a (repeatable)",
    )
    parser.add_argument("--unlink", help='Pro 3 channels to unlink, e.g. "0,1"')


def cmd_device_set(args: argparse.Namespace) -> None:
    """Change a Shelly's attributes (HTTP host and password, channel names, critical, links)."""
    settings = load_settings()
    attributes = asyncio.run(_set_attributes(settings, args))
    if attributes is None:
        print(f"error: no device with uid {args.uid!r}")
        raise SystemExit(2)
    shown = {k: ("(encrypted)" if k == "http_password" else v) for k, v in attributes.items()}
    print(f"{args.uid}: {json.dumps(shown, ensure_ascii=False)}")


async def _set_attributes(settings: Settings, args: argparse.Namespace) -> dict[str, Any] | None:
    from core.db import make_engine, make_session_factory
    from core.devices.service import set_attributes

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            return await set_attributes(
                session, args.uid, lambda current: _attributes(args, settings, current)
            )
    finally:
        await engine.dispose()


def build_parser() -> argparse.ArgumentParser:
    """Describe every subcommand."""
    parser = argparse.ArgumentParser(prog="dozor", description="Dozor IoT platform")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run processor and bot together")
    run.add_argument("--no-migrate", dest="migrate", action="store_false")
    run.set_defaults(func=cmd_run)
    sub.add_parser("processor", help="run the message processor").set_defaults(func=cmd_processor)
    sub.add_parser("bot", help="run the Telegram bot").set_defaults(func=cmd_bot)
    mig = sub.add_parser("migrate", help="apply database migrations")
    mig.add_argument("revision", nargs="?", default="head")
    mig.set_defaults(func=cmd_migrate)
    device = sub.add_parser("device", help="provision and list devices")
    dsub = device.add_subparsers(dest="device_command", required=True)
    add = dsub.add_parser("add", help="create a device and print its claim code")
    add.add_argument("uid")
    add.add_argument(
        "--type", required=True, help="co2, temp, dust, multi, shelly_pro3, shelly_pro3em"
    )
    add.add_argument("--name")
    add.add_argument("--location")
    add.add_argument("--ttl", type=float, default=7, help="claim code lifetime in days")
    _shelly_options(add)
    add.set_defaults(func=cmd_device_add)
    change = dsub.add_parser("set", help="change what is known of a Shelly (host, names, links)")
    change.add_argument("uid")
    _shelly_options(change)
    change.set_defaults(func=cmd_device_set)
    dsub.add_parser("list", help="list devices").set_defaults(func=cmd_device_list)
    broker.add_parsers(sub, dsub)
    panels.add_parsers(sub)
    firmware.add_parsers(sub)
    backup.add_parsers(sub)
    sim = sub.add_parser("simulate", help="run a simulated device")
    sim.add_argument("--uid", required=True)
    sim.add_argument("--type", default="co2")
    sim.add_argument("--interval", type=float, default=30)
    sim.add_argument("--count", type=int, help="stop after this many messages")
    sim.add_argument("--broker", help="mqtt[s]://host:port (default: MQTT_DEVICE_URL, MQTT_URL)")
    sim.add_argument(
        "--password-stdin",
        action="store_true",
        help="log in as the device: its broker password is read from standard input",
    )
    sim.add_argument(
        "--set",
        action="append",
        type=_reading,
        metavar="METRIC=VALUE",
        help="hold a reading at a value, e.g. --set co2=1500 to try an alert (repeatable)",
    )
    sim.set_defaults(func=cmd_simulate)
    return parser


def run(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `dozor` console script."""
    args = build_parser().parse_args(argv)
    read_secrets(args)  # after the whole line parsed: a mistyped line reads nothing
    handler: Callable[[argparse.Namespace], None] = args.func
    handler(args)


if __name__ == "__main__":
    run()
