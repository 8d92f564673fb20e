"""The dynamic security plugin's control API and configuration file, as pure data.

Mosquitto 2's plugin (mosquitto.org/documentation/dynamic-security) keeps clients (a username,
a salted password hash, optionally a fixed client id) and roles (ACL lists); a client with
the admin role changes them at run time by publishing `{"commands": [...]}` to
`$CONTROL/dynamic-security/v1` and reads `{"responses": [...]}` (one per command, in order,
with `error` when it failed) on `…/v1/response`. Deleting a client, or changing its password
or roles, disconnects whoever is logged in as it. The configuration file is JSON; passwords
are PBKDF2-HMAC-SHA512 over a random salt, both base64, with their iteration count (as
`mosquitto_ctrl dynsec init` writes them).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

CONTROL_TOPIC: Final = "$CONTROL/dynamic-security/v1"
RESPONSE_TOPIC: Final = f"{CONTROL_TOPIC}/response"
ADMIN_ROLE: Final = "dozor-admin"
ITERATIONS: Final = 101  # what mosquitto_ctrl uses; the passwords are long random tokens
SALT_BYTES: Final = 12
NOT_FOUND_ERRORS: Final = ("Client not found", "Role not found")
EXISTS_ERRORS: Final = ("Client already exists", "Role already exists")


@dataclass(frozen=True, slots=True)
class Rights:
    """What an account may publish and subscribe to (topic filters)."""

    publish: tuple[str, ...]
    subscribe: tuple[str, ...]

    def acls(self) -> list[dict[str, Any]]:
        """The role's ACL list in the plugin's terms."""
        sends = [_acl("publishClientSend", topic) for topic in self.publish]
        subscriptions = [_acl("subscribePattern", topic) for topic in self.subscribe]
        receives = [_acl("publishClientReceive", topic) for topic in self.subscribe]
        return sends + subscriptions + receives


def _acl(kind: str, topic: str) -> dict[str, Any]:
    return {"acltype": kind, "topic": topic, "priority": 0, "allow": True}


def new_password() -> str:
    """A password for a broker account: 32 random url-safe characters (192 bits)."""
    return secrets.token_urlsafe(24)


def role_name(username: str) -> str:
    """Each account has a role of its own, named after it."""
    return f"rights:{username}"


def create_account(
    username: str, password: str, rights: Rights, *, client_id: str | None
) -> list[dict[str, Any]]:
    """Commands that create an account with its own role (a fixed client id when given)."""
    client: dict[str, Any] = {
        "command": "createClient",
        "username": username,
        "password": password,
        "roles": [{"rolename": role_name(username)}],
    }
    if client_id is not None:
        client["clientid"] = client_id
    role = {"command": "createRole", "rolename": role_name(username), "acls": rights.acls()}
    return [role, client]


def delete_account(username: str) -> list[dict[str, Any]]:
    """Commands that delete an account and its role (its connection is dropped)."""
    return [
        {"command": "deleteClient", "username": username},
        {"command": "deleteRole", "rolename": role_name(username)},
    ]


def set_password(username: str, password: str) -> list[dict[str, Any]]:
    """The command that gives an account a new password (its connection is dropped)."""
    return [{"command": "setClientPassword", "username": username, "password": password}]


def failures(
    sent: Sequence[dict[str, Any]], answer: dict[str, Any], *, tolerate: Iterable[str] = ()
) -> list[str]:
    """The errors of an answer to `sent` ("command: error"), leaving out those tolerated
    (e.g. "Client not found" when deleting); a missing answer to a command is an error."""
    allowed = set(tolerate)
    responses = answer.get("responses")
    if not isinstance(responses, list):
        return ["no responses in the answer"]
    errors = []
    for index, command in enumerate(sent):
        response = responses[index] if index < len(responses) else None
        if not isinstance(response, dict):
            errors.append(f"{command['command']}: no answer")
            continue
        error = response.get("error")
        if error and str(error) not in allowed:
            errors.append(f"{command['command']}: {error}")
    return errors


def hashed(password: str, *, salt: bytes | None = None) -> dict[str, Any]:
    """The `password`, `salt` and `iterations` fields of a client in the file."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, ITERATIONS)
    return {
        "password": base64.b64encode(digest).decode(),
        "salt": base64.b64encode(salt).decode(),
        "iterations": ITERATIONS,
    }


@dataclass(frozen=True, slots=True)
class Account:
    """An account written into a new configuration file."""

    username: str
    password: str
    rights: Rights
    client_id: str | None = None
    admin: bool = False  # may change accounts through the control topic


def config_file(accounts: Sequence[Account]) -> dict[str, Any]:
    """A new configuration file: these accounts, each with its own role; nothing else
    may publish or subscribe (the default ACL access denies both)."""
    clients, roles = [], []
    for account in accounts:
        rolenames = [{"rolename": role_name(account.username)}]
        if account.admin:
            rolenames.append({"rolename": ADMIN_ROLE})
        client: dict[str, Any] = {
            "username": account.username,
            "textName": "Dozor",
            **hashed(account.password),
            "roles": rolenames,
        }
        if account.client_id is not None:
            client["clientid"] = account.client_id
        clients.append(client)
        roles.append({"rolename": role_name(account.username), "acls": account.rights.acls()})
    control = Rights(  # and the uptime, for a health check that logs in
        publish=(f"{CONTROL_TOPIC}/#",), subscribe=(f"{CONTROL_TOPIC}/#", "$SYS/broker/uptime")
    )
    roles.append({"rolename": ADMIN_ROLE, "acls": control.acls()})
    return {
        "clients": clients,
        "groups": [],
        "roles": roles,
        "defaultACLAccess": {
            "publishClientSend": False,
            "publishClientReceive": False,
            "subscribe": False,
            "unsubscribe": True,
        },
    }
