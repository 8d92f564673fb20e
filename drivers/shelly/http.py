"""RPC over HTTP to Shelly Gen2+ devices: the thin transport of the fallback path.

`POST http://<host>/rpc` with `{"id", "method", "params"}` (protocols/shelly.md, "HTTP").
When the device has authentication on, it answers 401 with a digest challenge (user
`admin`, realm = device id, SHA-256); aiohttp's DigestAuthMiddleware answers it and reuses
the challenge for the next requests to the same host. Devices take a handful of connections
only, so each host gets at most `PER_HOST` at a time, and every request has a timeout.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, Final

import aiohttp

from drivers.shelly.errors import ShellyError
from drivers.shelly.rpc import RpcError

USER: Final = "admin"
PER_HOST: Final = 2
TIMEOUT_SECONDS: Final = 4.0


class HttpUnavailable(ShellyError):  # noqa: N818 - reads as what happened
    """The device could not be reached over HTTP (or refused our credentials)."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")


class DeviceRefused(ShellyError):  # noqa: N818
    """The device answered the request with an RPC error."""

    def __init__(self, error: RpcError) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.error = error


class ShellyHttp:
    """One HTTP client for every Shelly a processor polls or controls."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._auth: dict[tuple[str, str], aiohttp.DigestAuthMiddleware] = {}
        self._ids = itertools.count(1)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit_per_host=PER_HOST),
            )
        return self._session

    async def call(
        self,
        host: str,
        method: str,
        params: dict[str, Any] | None = None,
        password: str | None = None,
    ) -> dict[str, Any]:
        """Call `method` on the device at `host`; return its `result`.

        Raises HttpUnavailable when the device cannot be reached or will not let us in,
        DeviceRefused when it answers with an RPC error.
        """
        body: dict[str, Any] = {"id": next(self._ids), "method": method}
        if params is not None:
            body["params"] = params
        middlewares = (self._digest(host, password),) if password else ()
        try:
            async with self._client().post(
                f"http://{host}/rpc", json=body, middlewares=middlewares
            ) as response:
                if response.status == 401:  # noqa: PLR2004
                    raise HttpUnavailable(host, "unauthorized")
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            raise HttpUnavailable(host, repr(err)) from err
        return _result(host, answer)

    def _digest(self, host: str, password: str) -> aiohttp.DigestAuthMiddleware:
        key = (host, password)
        if key not in self._auth:
            self._auth[key] = aiohttp.DigestAuthMiddleware(USER, password)
        return self._auth[key]

    async def close(self) -> None:
        """Close the connections."""
        if self._session is not None:
            await self._session.close()
            # Let the connector's transports close before the loop goes (aiohttp advice).
            await asyncio.sleep(0)


def _result(host: str, answer: Any) -> dict[str, Any]:
    if not isinstance(answer, dict):
        raise HttpUnavailable(host, "not_an_object")
    error = answer.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        raise DeviceRefused(
            RpcError(code if isinstance(code, int) else 0, str(error.get("message", ""))[:200])
        )
    result = answer.get("result", answer)  # GET /rpc/<method> answers the result itself
    if not isinstance(result, dict):
        raise HttpUnavailable(host, "result_not_an_object")
    return result
