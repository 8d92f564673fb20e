"""What travels on the command stream and back, and how it is encoded (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

Kind = Literal["command", "config", "forget"]


@dataclass(frozen=True, slots=True)
class StreamEntry:
    """One request for the processor: run a command on a device, publish its config, or
    forget a removed device (its cached state and its retained config)."""

    kind: Kind
    device_id: int
    uid: str
    command_id: str = ""
    command: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    deadline: float = 0.0  # Unix time after which nobody waits for the answer any more

    def to_fields(self) -> dict[str, bytes]:
        """Encode as Redis stream fields."""
        return {"entry": orjson.dumps(_as_dict(self))}


def _as_dict(entry: StreamEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "device_id": entry.device_id,
        "uid": entry.uid,
        "command_id": entry.command_id,
        "command": entry.command,
        "params": entry.params,
        "deadline": entry.deadline,
    }


def decode_entry(fields: dict[bytes, bytes]) -> StreamEntry | None:
    """Decode stream fields; None when they are not a well-formed entry."""
    try:
        body = orjson.loads(fields.get(b"entry", b""))
        return StreamEntry(
            kind=body["kind"],
            device_id=int(body["device_id"]),
            uid=str(body["uid"]),
            command_id=str(body.get("command_id", "")),
            command=str(body.get("command", "")),
            params=dict(body.get("params") or {}),
            deadline=float(body.get("deadline", 0.0)),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What became of a command: the device's answer, or why there was none."""

    command_id: str
    ok: bool
    error: str | None = None
    at: float = 0.0

    def encode(self) -> bytes:
        """Encode for the result list."""
        return orjson.dumps(
            {"id": self.command_id, "ok": self.ok, "error": self.error, "at": self.at}
        )


def decode_result(raw: bytes) -> CommandResult | None:
    """Decode a result; None when it is malformed."""
    try:
        body = orjson.loads(raw)
        return CommandResult(
            str(body["id"]), bool(body["ok"]), body.get("error"), float(body.get("at") or 0)
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
