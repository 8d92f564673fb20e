"""`dozor broker init|certs`, `dozor device remove|credentials`: the broker's accounts and TLS.

`broker init` writes the dynamic security plugin's file before the broker first starts: the
admin account Dozor manages devices with (MQTT_ADMIN_USERNAME / MQTT_ADMIN_PASSWORD) and
the processor's account (the user and password in MQTT_URL). `broker certs` makes a local
CA and a server certificate for the TLS listener. Both leave existing files as they are.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import glob
import ipaddress
import json
import os
import pwd
import sys
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

from core.entrypoint import load_settings
from core.settings import Settings

CA_DAYS = 3650
SERVER_DAYS = 825


def add_parsers(sub: Any, devices: Any) -> None:
    """Register `broker init|certs`, `device remove|credentials` and `secrets rotate`."""
    vault = sub.add_parser("secrets", help="secrets at rest (SECRET_KEYS)")
    vsub = vault.add_subparsers(dest="secrets_command", required=True)
    vsub.add_parser(
        "rotate", help="re-encrypt every stored secret with the first key of SECRET_KEYS"
    ).set_defaults(func=cmd_secrets_rotate)
    broker = sub.add_parser("broker", help="the MQTT broker's accounts and TLS certificates")
    bsub = broker.add_subparsers(dest="broker_command", required=True)
    init = bsub.add_parser("init", help="write the broker's account file (once)")
    init.add_argument("file", help="e.g. /mosquitto/data/dynamic-security.json")
    init.add_argument("--owner", type=int, help="give the file to this user id (the broker's)")
    init.set_defaults(func=cmd_broker_init)
    certs = bsub.add_parser("certs", help="make a local CA and a server certificate (once)")
    certs.add_argument("dir", help="where ca.crt, server.crt and server.key go")
    certs.add_argument(
        "--host",
        action="append",
        default=[],
        help="a name or address devices reach the broker by (repeatable; localhost is added)",
    )
    certs.add_argument("--owner", type=int, help="give the key to this user id (the broker's)")
    certs.set_defaults(func=cmd_broker_certs)
    local = bsub.add_parser(
        "local",
        help="prepare a broker with the production configuration in DIR (./start.sh uses it "
        "when MQTT_ADMIN_PASSWORD is set); prints its plain port",
    )
    local.add_argument("dir")
    local.set_defaults(func=cmd_broker_local)
    remove = devices.add_parser("remove", help="delete a device, its data and broker account")
    remove.add_argument("uid")
    remove.set_defaults(func=cmd_device_remove)
    creds = devices.add_parser("credentials", help="give a device's broker account a new password")
    creds.add_argument("uid")
    creds.add_argument("--rotate", action="store_true", required=True)
    creds.set_defaults(func=cmd_device_credentials)


def _fail(message: str) -> NoReturn:
    print(f"error: {message}")
    raise SystemExit(2)


def cmd_broker_init(args: argparse.Namespace) -> None:
    """Write the account file with the admin's and the processor's accounts."""
    from drivers.mosquitto import dynsec
    from processor.accounts import service_rights

    settings = load_settings()
    path = Path(args.file)
    if path.exists():
        print(f"{path} exists; left as it is")
        return
    admin = settings.mqtt_admin_password
    parts = urlsplit(settings.mqtt_url)
    if admin is None:
        _fail("MQTT_ADMIN_PASSWORD must be set: Dozor manages the device accounts with it")
    if not parts.username or not parts.password:
        _fail("MQTT_URL must carry the processor's account: mqtt://<user>:<password>@host:port")
    accounts = [
        dynsec.Account(
            settings.mqtt_admin_username,
            admin.get_secret_value(),
            dynsec.Rights((), ()),
            admin=True,
        ),
        dynsec.Account(
            unquote(parts.username or ""),
            unquote(parts.password or ""),
            service_rights(),
        ),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dynsec.config_file(accounts), indent=2))
    path.chmod(0o600)
    if args.owner is not None:
        os.chown(path, args.owner, args.owner)
    print(f"{path} written: accounts {settings.mqtt_admin_username} (admin) and {parts.username}")


def cmd_broker_certs(args: argparse.Namespace) -> None:
    """Make ca.crt/ca.key and server.crt/server.key in `dir` unless they are there."""
    folder = Path(args.dir)
    if (folder / "server.crt").exists():
        print(f"{folder / 'server.crt'} exists; left as it is")
        return
    folder.mkdir(parents=True, exist_ok=True)
    hosts = list(dict.fromkeys([*args.host, "localhost", "127.0.0.1"]))
    for name, data, mode in make_certificates(hosts):
        target = folder / name
        target.write_bytes(data)
        target.chmod(mode)
        if args.owner is not None and name == "server.key":
            os.chown(target, args.owner, args.owner)
    print(f"CA certificate for devices: {folder / 'ca.crt'} (server certificate for {hosts})")


def cmd_broker_local(args: argparse.Namespace) -> None:
    """The production configuration for a broker on this machine, under `dir`: its account
    file and certificates (made once), and mosquitto.conf with this machine's paths, the
    plain port of MQTT_URL and the TLS port of MQTT_DEVICE_URL's mqtts:// (8883). Exits 1
    without a word when Dozor does not manage the broker's accounts (no MQTT_ADMIN_PASSWORD)."""
    settings = load_settings()
    if not settings.broker_accounts:
        raise SystemExit(1)
    folder = Path(args.dir).resolve()
    plain = urlsplit(settings.mqtt_url).port or 1883
    tls = next(
        (urlsplit(u).port or 8883 for u in settings.mqtt_device_urls if u.startswith("mqtts://")),
        8883,
    )
    accounts, certs = folder / "data" / "dynamic-security.json", folder / "certs"
    first = not accounts.exists() or not (certs / "server.crt").exists()
    with contextlib.redirect_stdout(sys.stderr):  # stdout says the port only
        cmd_broker_init(argparse.Namespace(file=str(accounts), owner=None))
        cmd_broker_certs(argparse.Namespace(dir=str(certs), host=[], owner=None))
    (folder / "mosquitto.conf").write_text(local_config(folder, plain, tls))
    give_to_broker(folder)
    if first:
        print(f"CA certificate for devices (TLS on {tls}): {certs / 'ca.crt'}", file=sys.stderr)
    print(plain)


def local_config(folder: Path, plain: int, tls: int | None, host: str | None = None) -> str:
    """deploy/mosquitto.conf for this machine: its plugin, the files under `folder`, these
    ports (on `host` only when given; `tls` None leaves the TLS listener out), the log in
    `folder`. Nothing else changes: tests and benchmarks run the production configuration."""
    plugins = [
        path
        for pattern in (
            "/usr/lib/*/mosquitto_dynamic_security.so",
            "/usr/lib/mosquitto_dynamic_security.so",
        )
        for path in glob.glob(pattern)
    ]
    if not plugins:
        _fail("mosquitto_dynamic_security.so is not installed (the mosquitto package has it)")
    text = (Path(__file__).resolve().parent.parent / "deploy" / "mosquitto.conf").read_text()
    if tls is None:  # the TLS listener's own lines end at the first blank line after it
        before, after = text.split("\nlistener 8883\n", 1)
        text = f"{before}\n\n{after.split(chr(10) * 2, 1)[1]}"
    bind = f" {host}" if host else ""
    text = text.replace("/usr/lib/mosquitto_dynamic_security.so", plugins[0])
    text = text.replace("/mosquitto/", f"{folder}/")
    text = text.replace("listener 1883\n", f"listener {plain}{bind}\n")
    text = text.replace("listener 8883\n", f"listener {tls}{bind}\n")
    log = f"log_dest file {folder}/mosquitto.log\nlog_type all\n"
    return text.replace("log_dest stdout\n", log)


def give_to_broker(folder: Path) -> None:
    """Started as root, mosquitto runs as the user "mosquitto": give it the folder."""
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam("mosquitto")
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid)


def make_certificates(hosts: list[str]) -> list[tuple[str, bytes, int]]:
    """A CA and a server certificate signed by it for `hosts`: (file name, bytes, mode)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dozor local CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    private = serialization.PrivateFormat.PKCS8
    plain = serialization.NoEncryption()
    return [
        ("ca.crt", ca.public_bytes(pem), 0o644),
        ("ca.key", ca_key.private_bytes(pem, private, plain), 0o600),
        ("server.crt", server.public_bytes(pem), 0o644),
        ("server.key", key.private_bytes(pem, private, plain), 0o600),
    ]


def cmd_secrets_rotate(_: argparse.Namespace) -> None:
    """Re-encrypt device passwords, keys and panel codes with the newest key."""
    settings = load_settings()
    if not settings.secret_keys:
        _fail("SECRET_KEYS is not set: there is nothing to re-encrypt with")
    report = asyncio.run(_rotate_secrets(settings))
    print(f"{report.rotated} secrets re-encrypted with the first key of SECRET_KEYS.")
    if report.unreadable:
        print(
            f"warning: {report.unreadable} could not be read with any key of SECRET_KEYS (left "
            "as they are; give those secrets again)"
        )
        raise SystemExit(1)
    print("Keys after the first one are no longer needed.")


async def _rotate_secrets(settings: Settings) -> Any:
    from core.db import make_engine, make_session_factory
    from core.secrets import SecretBox
    from core.secrets_rotation import rotate_secrets

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            return await rotate_secrets(session, SecretBox(settings.secret_keys))
    finally:
        await engine.dispose()


def cmd_device_remove(args: argparse.Namespace) -> None:
    """Delete a device with its data; its broker account goes, its connection drops."""
    settings = load_settings()
    name = asyncio.run(_remove(settings, args.uid))
    if name is None:
        _fail(f"no device with uid {args.uid!r}")
    print(f"Device {args.uid} (\u201c{name}\u201d) removed with its data and broker account.")


async def _remove(settings: Settings, uid: str) -> str | None:
    from core.commands.bus import CommandBus
    from core.commands.messages import StreamEntry
    from core.db import make_engine, make_session_factory
    from core.devices.service import remove_device
    from core.redis_client import make_redis
    from core.redis_keys import RedisKeys
    from processor.accounts import AccountError, BrokerAccounts

    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    try:
        async with make_session_factory(engine)() as session:
            removed = await remove_device(session, uid)
        if removed is None:
            return None
        try:
            await BrokerAccounts(settings).remove(uid)
        except AccountError as err:
            print(f"warning: the broker account was not deleted yet ({err}); the processor will")
        # The processor forgets the device (and deletes its account if it is still there).
        await CommandBus(redis, RedisKeys(settings.redis_prefix)).submit(
            StreamEntry("forget", removed.id, uid)
        )
        return removed.name
    finally:
        await redis.aclose()
        await engine.dispose()


def cmd_device_credentials(args: argparse.Namespace) -> None:
    """Give a device's broker account a new password, printed once."""
    settings = load_settings()
    if not settings.broker_accounts:
        _fail("broker accounts are not managed here (MQTT_ADMIN_PASSWORD is not set)")
    password = asyncio.run(_rotate(settings, args.uid))
    print(f"New broker password of {args.uid} (shown once; the old one no longer works):")
    print(f"  username:  {args.uid}   client id: {args.uid}")
    print(f"  password:  {password}")


async def _rotate(settings: Settings, uid: str) -> str:
    from core.db import make_engine, make_session_factory
    from core.devices.repository import DeviceRepository
    from processor.accounts import AccountError, BrokerAccounts

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            device = await DeviceRepository(session).get_by_uid(uid)
    finally:
        await engine.dispose()
    if device is None:
        _fail(f"no device with uid {uid!r}")
    try:
        password = await BrokerAccounts(settings).rotate(uid, device.type_code)
    except AccountError as err:
        _fail(f"the broker refused: {err}")
    if password is None:
        _fail(f"{uid} speaks TCP, not MQTT: it has no broker account")
    return password
