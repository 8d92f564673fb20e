"""Broker accounts of MQTT devices and of the processor, kept by Dozor.

Each MQTT device (our firmware or a Shelly) logs in with an account of its own, bound to its
uid as client id, whose role lets it publish and subscribe to its own topics only (the
rights come from the protocol's topic module: `drivers.generic.topics`, `drivers.shelly.
topics`). SATEL panels speak TCP and have none. The accounts live in Mosquitto's dynamic
security plugin and change at run time through its control topic, logged in as the admin
account (MQTT_ADMIN_USERNAME / MQTT_ADMIN_PASSWORD); deleting an account or giving it a new
password drops its connection at once. Without an admin password, nothing is managed (a
development broker that lets anyone in).
"""

from __future__ import annotations

import logging
from typing import Any, Final

from core.devices.kinds import DeviceKind, Executor, kind_of
from core.settings import Settings
from drivers.generic import topics as own_topics
from drivers.mosquitto import dynsec
from drivers.mosquitto.control import ControlError, send_commands
from drivers.shelly import topics as shelly_topics
from processor.mqtt.listener import BrokerAddress

log = logging.getLogger(__name__)

_RIGHTS: Final = {
    Executor.FIRMWARE: own_topics.device_acl,
    Executor.SHELLY: shelly_topics.device_acl,
}


class AccountError(Exception):
    """The broker refused an account change, or could not be reached (`str()` says which)."""


def device_rights(kind: DeviceKind, uid: str) -> dynsec.Rights | None:
    """What the account of device `uid` may do; None for a kind without an account."""
    acl = _RIGHTS.get(kind.executor)
    return None if acl is None else dynsec.Rights(*acl(uid))


def service_rights() -> dynsec.Rights:
    """What the processor's account may do: read every device's reports, write their
    config and commands, and Shelly RPC requests (answers come on its instances' topics)."""
    own_publish, own_subscribe = own_topics.service_acl()
    shelly_publish, shelly_subscribe = shelly_topics.service_acl()
    return dynsec.Rights((*own_publish, *shelly_publish), (*own_subscribe, *shelly_subscribe))


def reserved(settings: Settings, uid: str) -> bool:
    """Say whether `uid` would clash with the processor's client ids (it may not be a
    device's: a device's account is bound to its uid, and nobody else may take the
    processor's)."""
    return uid == settings.mqtt_client_id or uid.startswith(f"{settings.mqtt_client_id}-")


class BrokerAccounts:
    """Create, re-key and delete device accounts through the admin account."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._address = BrokerAddress.from_url(settings.mqtt_url, settings.mqtt_ca_file)

    @property
    def enabled(self) -> bool:
        """Say whether accounts are managed (MQTT_ADMIN_PASSWORD is set)."""
        return self._settings.broker_accounts

    async def create(self, uid: str, type_code: str) -> str | None:
        """Create the account of a new device; return its password (None: the kind needs
        none, or accounts are not managed). An existing account of that uid is replaced."""
        rights = device_rights(kind_of(type_code), uid)
        if rights is None or not self.enabled:
            return None
        await self._run(dynsec.delete_account(uid), tolerate=dynsec.NOT_FOUND_ERRORS)
        password = dynsec.new_password()
        await self._run(dynsec.create_account(uid, password, rights, client_id=uid))
        log.info("broker account of %s created", uid)
        return password

    async def rotate(self, uid: str, type_code: str) -> str | None:
        """Give the device a new password (creating its account when it has none)."""
        if device_rights(kind_of(type_code), uid) is None or not self.enabled:
            return None
        password = dynsec.new_password()
        try:
            await self._run(dynsec.set_password(uid, password))
        except AccountError as err:
            if not any(error in str(err) for error in dynsec.NOT_FOUND_ERRORS):
                raise
            return await self.create(uid, type_code)
        log.info("broker account of %s has a new password", uid)
        return password

    async def remove(self, uid: str) -> None:
        """Delete the device's account (it is disconnected at once); absent is fine."""
        if not self.enabled:
            return
        await self._run(dynsec.delete_account(uid), tolerate=dynsec.NOT_FOUND_ERRORS)
        log.info("broker account of %s deleted", uid)

    async def _run(self, commands: list[dict[str, Any]], *, tolerate: tuple[str, ...] = ()) -> None:
        secret = self._settings.mqtt_admin_password
        if secret is None:
            msg = "MQTT_ADMIN_PASSWORD is not set"
            raise AccountError(msg)
        try:
            answer = await send_commands(
                self._address.host,
                self._address.port,
                self._settings.mqtt_admin_username,
                secret.get_secret_value(),
                commands,
                tls=self._settings.mqtt_tls(),
            )
        except ControlError as err:
            raise AccountError(str(err)) from err
        errors = dynsec.failures(commands, answer, tolerate=tolerate)
        if errors:
            raise AccountError("; ".join(errors))
