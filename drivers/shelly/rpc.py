"""RPC frames of Shelly Gen2+ over MQTT: requests with ids, responses matched to them (pure).

A request goes to `<prefix>/rpc` with `src` = `<our name>/<prefix>`; the device answers on
`<src>/rpc` with the same id, carrying `result` or `error` (`{"code": -103, "message": …}`).
The answer topic names the device, so the broker's ACL lets only that device's account
write it: one Shelly cannot answer for another. An answer whose id we did not send, that
came on another device's topic, or that names another device, is ignored
(docs/protocols/shelly.md).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

# Error codes of the Gen2 API that a caller may want to tell apart.
INVALID_ARGUMENT: Final = -103
DEADLINE_EXCEEDED: Final = -104
NOT_FOUND: Final = -105
RESOURCE_UNAVAILABLE: Final = -108
UNAVAILABLE: Final = -114


@dataclass(frozen=True, slots=True)
class RpcError:
    """An error the device answered with; `code` is the wire code."""

    code: int
    message: str


@dataclass(frozen=True, slots=True)
class RpcResponse:
    """A device's answer to one of our requests."""

    request_id: int
    device: str
    method: str
    result: dict[str, Any] | None = None
    error: RpcError | None = None


@dataclass(slots=True)
class RpcSession:
    """Numbers requests and recognises their answers; one per processor instance (`src`, its
    name: each request's own `src` is `<src>/<device>`)."""

    src: str
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _pending: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (device, method)

    def request(
        self, device: str, method: str, params: dict[str, Any] | None = None
    ) -> tuple[int, bytes]:
        """Return the id and the bytes of a request to `device` (publish to `<device>/rpc`)."""
        request_id = next(self._ids)
        frame: dict[str, Any] = {"id": request_id, "src": f"{self.src}/{device}", "method": method}
        if params is not None:
            frame["params"] = params
        self._pending[request_id] = (device, method)
        return request_id, orjson.dumps(frame)

    def forget(self, request_id: int) -> None:
        """Stop waiting for an answer (the caller gave up)."""
        self._pending.pop(request_id, None)

    def receive(self, device: str, payload: bytes) -> RpcResponse | None:
        """Match an answer on `<src>/<device>/rpc` to its request; None for anything else."""
        try:
            frame = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(frame, dict):
            return None
        request_id = frame.get("id")
        if isinstance(request_id, bool) or not isinstance(request_id, int):
            return None
        pending = self._pending.get(request_id)
        if pending is None or pending[0] != device or frame.get("src") != device:
            return None  # not ours, or answered by (or for) another device than we asked
        del self._pending[request_id]
        return RpcResponse(request_id, pending[0], pending[1], *_outcome(frame))


def _outcome(frame: dict[str, Any]) -> tuple[dict[str, Any] | None, RpcError | None]:
    error = frame.get("error")
    if error is not None:
        if not isinstance(error, dict):
            return None, RpcError(0, str(error)[:200])
        code = error.get("code")
        message = error.get("message")
        return None, RpcError(
            code if isinstance(code, int) and not isinstance(code, bool) else 0,
            str(message)[:200] if message is not None else "",
        )
    result = frame.get("result")
    return (result if isinstance(result, dict) else {"value": result}), None
