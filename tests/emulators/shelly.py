"""An emulated Shelly Pro 3 / Pro 3EM speaking the Gen2 protocol over MQTT and HTTP.

Written from the public Gen2 API description (shared/protocols/shelly.md), not from our
driver: it publishes `<id>/online` (`true` retained on connect; `false` as its Last Will, not
retained by default, as a recorded Gen2 CONNECT shows: `will_retained` changes it),
`NotifyFullStatus` on connect and `NotifyStatus` deltas on `<id>/events/rpc`; it answers RPC
requests from `<id>/rpc` on `<src>/rpc`, and the same methods over HTTP (`POST /rpc`,
`GET /rpc/<method>`), behind digest authentication (SHA-256, user `admin`, realm = device id)
when it has a password. Faults for tests: `answers=False` (takes requests, says nothing),
`relays_stuck` (answers `Switch.Set` but the relay does not move).

Firmware: `sys.available_updates` offers `available` (the stable channel); `Shelly.Update`
with `stage` "stable" installs it as the Gen2 documentation describes — `sys` OTA events
(`ota_begin`, `ota_progress` with `progress_percent`, `ota_success` or `ota_error`), then a
restart (the Last Will, a new connection) into the new version. `update_outcome` makes it
fail ("error"), stall after `ota_begin` ("stall"), come back on the old version ("same") or
never come back ("gone").
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import aiomqtt
from aiohttp import web

from core.cancellation import cancel_and_wait

Model = Literal["pro3", "pro3em"]
USER = "admin"
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')


def pro3_status() -> dict[str, Any]:
    """The components of a Pro 3 just switched on (protocols/shelly.md, "Component status")."""
    return {
        f"switch:{i}": {"id": i, "source": "init", "output": False, "temperature": {"tC": 41.3}}
        for i in range(3)
    }


def pro3em_status(a: float = 951.2, b: float = 120.0, c: float = 715.5) -> dict[str, Any]:
    """The components of a Pro 3EM with the given active power per phase (W)."""
    em: dict[str, Any] = {"id": 0, "n_current": None}
    for phase, power in (("a", a), ("b", b), ("c", c)):
        em.update(phase_fields(phase, power))
    em["total_act_power"] = round(a + b + c, 1)
    em["total_current"] = round(sum(em[f"{p}_current"] for p in "abc"), 3)
    emdata = {
        "id": 0,
        "a_total_act_energy": 2776.21,
        "a_total_act_ret_energy": 0.0,
        "b_total_act_energy": 1000.0,
        "b_total_act_ret_energy": 0.0,
        "c_total_act_energy": 1902.68,
        "c_total_act_ret_energy": 0.0,
        "total_act": 5678.89,
        "total_act_ret": 0.0,
    }
    return {"em:0": em, "emdata:0": emdata}


def monophase_status() -> dict[str, Any]:
    """A Pro 3EM in the monophase profile: three meters `em1:0..2` and their counters."""
    status: dict[str, Any] = {}
    for i, watts in enumerate((951.2, 120.0, 0.0)):
        status[f"em1:{i}"] = {
            "id": i,
            "current": round(watts / 230.0, 3),
            "voltage": 230.0 + i,
            "act_power": watts,
            "aprt_power": round(watts * 1.01, 1),
            "pf": 0.99,
            "freq": 50.0,
        }
        status[f"em1data:{i}"] = {"id": i, "total_act_energy": 1000.0, "total_act_ret_energy": 0.0}
    return status


def phase_fields(phase: str, power: float, voltage: float = 230.0) -> dict[str, float]:
    """em:0 fields of one phase drawing `power` W (negative: exporting)."""
    current = round(abs(power) / voltage, 3)
    return {
        f"{phase}_current": current,
        f"{phase}_voltage": voltage,
        f"{phase}_act_power": power,
        f"{phase}_aprt_power": round(abs(power) * 1.01, 1),
        f"{phase}_pf": 0.99,
        f"{phase}_freq": 50.0,
    }


def notification(device_id: str, method: str, params: dict[str, Any]) -> bytes:
    """A frame as the device publishes it on `<id>/events/rpc`."""
    body = {"src": device_id, "dst": f"{device_id}/events", "method": method, "params": params}
    return json.dumps(body).encode()


class RpcFailure(Exception):  # noqa: N818
    """An RPC error the device answers with."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class ShellyEmulator:
    """One emulated device; start its MQTT side, its HTTP side, or both."""

    device_id: str
    model: Model
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    password: str | None = None
    answers: bool = True
    lose_answers: bool = False  # carry requests out, but their answers never arrive
    firmware: str = "1.4.4"  # `ver` of Shelly.GetDeviceInfo
    available: str | None = None  # the stable firmware `sys.available_updates` offers
    update_outcome: Literal["ok", "error", "stall", "same", "gone"] = "ok"
    restart_seconds: float = 0.0  # how long an update's restart keeps it away
    relays_stuck: bool = False
    quiet: bool = False  # connected, but publishes no notifications (MQTT silent)
    will_retained: bool = False  # a recorded Gen2 CONNECT has the Last Will's retain false
    components: dict[str, Any] = field(default_factory=dict)
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # via, method
    http_port: int = 0
    _client: aiomqtt.Client | None = None
    _mqtt_task: asyncio.Task[None] | None = None
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    _nonces: set[str] = field(default_factory=set)
    _clock: float = 0.0
    _updating: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        if not self.components:
            self.components = pro3_status() if self.model == "pro3" else pro3em_status()

    # --- state -------------------------------------------------------------------------
    def now(self) -> float:
        """The device's clock: wall time, strictly increasing between two frames."""
        self._clock = max(time.time(), self._clock + 0.001)
        return round(self._clock, 3)

    def status(self) -> dict[str, Any]:
        """What `Shelly.GetStatus` answers."""
        return {
            **copy.deepcopy(self.components),
            "sys": self.system(),
            "mqtt": {"connected": self._connected.is_set()},
        }

    def system(self) -> dict[str, Any]:
        """The `sys` component's status (protocols/shelly.md: available_updates)."""
        updates = {"stable": {"version": self.available}} if self.available else {}
        return {"unixtime": int(time.time()), "uptime": 100, "available_updates": updates}

    async def offer(self, version: str | None) -> None:
        """The device's daily check found `version` on the stable channel (None: nothing)."""
        self.available = version
        await self.notify({"sys": {"available_updates": self.system()["available_updates"]}})

    def output(self, channel: int) -> bool:
        """The relay state of a Pro 3 channel."""
        return bool(self.components[f"switch:{channel}"]["output"])

    async def set_power(self, a: float, b: float, c: float, *, voltage: float = 230.0) -> None:
        """A Pro 3EM sees new loads: em:0 changes, and the change is notified over MQTT."""
        em = self.components["em:0"]
        changed: dict[str, Any] = {"id": 0}
        for phase, power in (("a", a), ("b", b), ("c", c)):
            changed.update(phase_fields(phase, power, voltage))
        changed["total_act_power"] = round(a + b + c, 1)
        changed["total_current"] = round(sum(changed[f"{p}_current"] for p in "abc"), 3)
        em.update(changed)
        await self.notify({"em:0": changed})

    async def add_energy(self, wh: float) -> None:
        """Counters move on (phase a), notified over MQTT."""
        data = self.components["emdata:0"]
        data["a_total_act_energy"] = round(data["a_total_act_energy"] + wh, 2)
        data["total_act"] = round(data["total_act"] + wh, 2)
        await self.notify({"emdata:0": copy.deepcopy(data)})

    async def add_meter_energy(self, meter: int, wh: float) -> None:
        """A monophase meter's counter moves on, notified over MQTT."""
        data = self.components[f"em1data:{meter}"]
        data["total_act_energy"] = round(data["total_act_energy"] + wh, 2)
        await self.notify({f"em1data:{meter}": copy.deepcopy(data)})

    async def press_button(self, channel: int) -> None:
        """Someone toggles the relay at the device itself."""
        await self._switch(channel, not self.output(channel), "button")

    async def notify(self, changed: dict[str, Any]) -> None:
        """Publish a NotifyStatus delta when connected."""
        client = self._client
        if client is not None and self._connected.is_set() and not self.quiet:
            frame = notification(self.device_id, "NotifyStatus", {"ts": self.now(), **changed})
            await client.publish(f"{self.device_id}/events/rpc", frame, qos=1)

    # --- RPC ---------------------------------------------------------------------------
    async def call(self, via: str, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one RPC method; raise RpcFailure for the device's errors."""
        self.calls.append((via, method, params))
        if method == "Shelly.GetStatus":
            return self.status()
        if method == "Shelly.GetDeviceInfo":
            return {
                "id": self.device_id,
                "model": self.model,
                "gen": 2,
                "ver": self.firmware,
                "fw_id": f"20241011-114455/{self.firmware}-g6d2a586",
                "auth_en": bool(self.password),
            }
        if method in {"Switch.Set", "Switch.Toggle", "Switch.GetStatus"}:
            return await self._switch_rpc(method, params, via)
        if method == "Shelly.Update":
            return self._update(params)
        if method in {"EM.GetStatus", "EMData.GetStatus"}:
            name = "em:0" if method == "EM.GetStatus" else "emdata:0"
            if name not in self.components or params.get("id", 0) != 0:
                raise RpcFailure(-105, f"Argument 'id', value {params.get('id')} not found!")
            return copy.deepcopy(self.components[name])
        raise RpcFailure(404, f"No handler for {method}")

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        stage = params.get("stage", "stable")
        if stage != "stable" or not self.available:
            raise RpcFailure(-114, f"No {stage} update available")
        if self._updating is not None and not self._updating.done():
            raise RpcFailure(-108, "Update already in progress")
        self._updating = asyncio.create_task(self._install(self.available))
        return {}

    async def _install(self, version: str) -> None:
        """Download (events with progress), then restart into `version`."""
        await asyncio.sleep(0.05)  # after the answer, as the device does
        await self.notify_event("ota_begin")
        if self.update_outcome == "stall":
            return
        for percent in (25, 50, 75, 100):
            await self.notify_event("ota_progress", progress_percent=percent)
        if self.update_outcome == "error":
            await self.notify_event("ota_error", msg="Image verification failed")
            return
        await self.notify_event("ota_success")
        await self.stop_mqtt()  # the restart: the broker publishes its Last Will
        if self.update_outcome == "gone":
            return  # bricked: it never comes back
        await asyncio.sleep(self.restart_seconds)
        if self.update_outcome == "ok":
            self.firmware, self.available = version, None
        await self.start_mqtt()

    async def notify_event(self, event: str, **fields: Any) -> None:
        """Publish a NotifyEvent of the `sys` component when connected."""
        client = self._client
        if client is not None and self._connected.is_set():
            at = self.now()
            body = {"component": "sys", "id": -1, "event": event, "ts": at, **fields}
            frame = notification(self.device_id, "NotifyEvent", {"ts": at, "events": [body]})
            await client.publish(f"{self.device_id}/events/rpc", frame, qos=1)

    async def _switch_rpc(self, method: str, params: dict[str, Any], via: str) -> dict[str, Any]:
        channel = params.get("id")
        name = f"switch:{channel}"
        if not isinstance(channel, int) or name not in self.components:
            raise RpcFailure(-105, f"Argument 'id', value {channel} not found!")
        if method == "Switch.GetStatus":
            return copy.deepcopy(self.components[name])
        was_on = self.output(channel)
        if method == "Switch.Toggle":
            on = not was_on
        elif isinstance(params.get("on"), bool):
            on = params["on"]
        else:
            raise RpcFailure(-103, "Argument 'on' expected to be boolean!")
        if not self.relays_stuck:
            await self._switch(channel, on, "MQTT" if via == "mqtt" else "HTTP_in", notify=False)
        return {"was_on": was_on}

    async def _switch(self, channel: int, on: bool, source: str, *, notify: bool = True) -> None:
        switch = self.components[f"switch:{channel}"]
        changed = switch["output"] != on
        switch.update(output=on, source=source)
        if changed and notify:
            await self.notify(
                {f"switch:{channel}": {"id": channel, "output": on, "source": source}}
            )

    # --- MQTT --------------------------------------------------------------------------
    async def start_mqtt(self) -> None:
        """Connect (online, full status) and answer RPC until stopped."""
        self._mqtt_task = asyncio.create_task(self._run_mqtt())
        waiter = asyncio.create_task(self._connected.wait())
        done, _ = await asyncio.wait([waiter, self._mqtt_task], return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            waiter.cancel()
            self._mqtt_task.result()  # raises why it failed

    async def stop_mqtt(self, *, lost: bool = True) -> None:
        """Leave the broker: `lost` publishes `online false` as the Last Will would (retained
        only with `will_retained`: otherwise the retained `true` stays behind)."""
        if self._client is not None and self._connected.is_set():
            await self._client.publish(
                f"{self.device_id}/online", b"false", qos=1, retain=self.will_retained
            )
        self._connected.clear()
        if self._mqtt_task is not None:
            await cancel_and_wait(self._mqtt_task)
            self._mqtt_task = None
        if not lost:
            await _publish_once(
                self.mqtt_url, f"{self.device_id}/online", b"", self.device_id, retain=True
            )

    async def _run_mqtt(self) -> None:
        parts = urlsplit(self.mqtt_url)
        topic = f"{self.device_id}/online"
        client = aiomqtt.Client(
            parts.hostname or "127.0.0.1",
            parts.port or 1883,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            identifier=self.device_id,  # a Shelly's default client id
            will=aiomqtt.Will(topic, b"false", qos=1, retain=self.will_retained),
            keepalive=15,
        )
        async with client:
            await client.subscribe(f"{self.device_id}/rpc", qos=1)
            await client.publish(topic, b"true", qos=1, retain=True)
            full = {"ts": self.now(), **copy.deepcopy(self.components), "sys": self.system()}
            frame = notification(self.device_id, "NotifyFullStatus", full)
            await client.publish(f"{self.device_id}/events/rpc", frame, qos=1)
            self._client = client
            self._connected.set()
            try:
                async for message in client.messages:
                    if isinstance(message.payload, bytes | bytearray):
                        await self._on_request(client, bytes(message.payload))
            finally:
                self._client = None

    async def _on_request(self, client: aiomqtt.Client, payload: bytes) -> None:
        try:
            request = json.loads(payload)
            request_id, src, method = request["id"], request["src"], request["method"]
        except (ValueError, KeyError, TypeError):
            return  # a real device ignores what it cannot parse
        if not self.answers:
            self.calls.append(("mqtt", str(method), request.get("params") or {}))
            return
        answer: dict[str, Any] = {"id": request_id, "src": self.device_id, "dst": src}
        params = request.get("params") or {}
        try:
            answer["result"] = await self.call("mqtt", str(method), params)
        except RpcFailure as err:
            answer["error"] = {"code": err.code, "message": err.message}
        if not self.lose_answers:
            await client.publish(f"{src}/rpc", json.dumps(answer).encode(), qos=1)
        await self._after_switch(str(method), params, answer.get("result"), "MQTT")

    async def _after_switch(
        self, method: str, params: dict[str, Any], result: Any, source: str
    ) -> None:
        """A relay that moved says so in a NotifyStatus, after the answer (as the device does)."""
        channel = params.get("id")
        name = f"switch:{channel}"
        if method not in {"Switch.Set", "Switch.Toggle"} or name not in self.components:
            return
        output = self.components[name]["output"]
        if isinstance(result, dict) and result.get("was_on") != output:
            await self.notify({name: {"id": channel, "output": output, "source": source}})

    # --- HTTP --------------------------------------------------------------------------
    async def start_http(self, port: int = 0) -> int:
        """Serve RPC over HTTP on 127.0.0.1 (a free port by default); return the port."""
        app = web.Application()
        app.router.add_post("/rpc", self._http_post)
        app.router.add_get("/rpc/{method}", self._http_get)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port or self.http_port)
        await site.start()
        self.http_port = int(self._runner.addresses[0][1])
        return self.http_port

    @property
    def http_host(self) -> str:
        """host:port to reach the HTTP side."""
        return f"127.0.0.1:{self.http_port}"

    async def stop_http(self) -> None:
        """Stop answering HTTP (the port is kept for a later start)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _http_post(self, request: web.Request) -> web.Response:
        denied = self._check_auth(request)
        if denied is not None:
            return denied
        try:
            body = await request.json()
            method, params = str(body["method"]), body.get("params") or {}
        except (ValueError, KeyError, TypeError):
            return web.json_response({"code": -103, "message": "bad request"}, status=400)
        answer: dict[str, Any] = {"id": body.get("id"), "src": self.device_id}
        try:
            answer["result"] = await self.call("http", method, params)
        except RpcFailure as err:
            answer["error"] = {"code": err.code, "message": err.message}
        await self._after_switch(method, params, answer.get("result"), "HTTP_in")
        return web.json_response(answer)

    async def _http_get(self, request: web.Request) -> web.Response:
        denied = self._check_auth(request)
        if denied is not None:
            return denied
        params: dict[str, Any] = {key: _typed(value) for key, value in request.query.items()}
        method = request.match_info["method"]
        try:
            result = await self.call("http", method, params)
        except RpcFailure as err:
            return web.json_response({"code": err.code, "message": err.message}, status=500)
        await self._after_switch(method, params, result, "HTTP_in")
        return web.json_response(result)

    def _check_auth(self, request: web.Request) -> web.Response | None:
        """Digest authentication, RFC 7616 with SHA-256, when the device has a password."""
        if self.password is None:
            return None
        header = request.headers.get("Authorization", "")
        if header.startswith("Digest "):
            fields = {m[1]: m[2] or m[3] for m in _PARAM.finditer(header[7:])}
            if fields.get("nonce") in self._nonces and self._valid(request.method, fields):
                return None
        nonce = secrets.token_hex(16)
        self._nonces.add(nonce)
        challenge = (
            f'Digest qop="auth", realm="{self.device_id}", nonce="{nonce}", algorithm=SHA-256'
        )
        return web.json_response(
            {"code": 401, "message": "unauthorized"},
            status=401,
            headers={"WWW-Authenticate": challenge},
        )

    def _valid(self, method: str, fields: dict[str, str]) -> bool:
        def h(text: str) -> str:
            return hashlib.sha256(text.encode()).hexdigest()

        if fields.get("username") != USER or fields.get("realm") != self.device_id:
            return False
        ha1 = h(f"{USER}:{self.device_id}:{self.password}")
        ha2 = h(f"{method}:{fields.get('uri', '')}")
        expected = h(
            f"{ha1}:{fields['nonce']}:{fields.get('nc', '')}:{fields.get('cnonce', '')}:"
            f"{fields.get('qop', '')}:{ha2}"
        )
        return secrets.compare_digest(expected, fields.get("response", ""))

    async def close(self) -> None:
        """Stop both sides and leave no retained message behind (where it may still log in:
        a device whose account was deleted, or whose broker is gone, leaves nothing to clear
        that anyone else would see)."""
        if self._updating is not None:
            await cancel_and_wait(self._updating)
        with contextlib.suppress(aiomqtt.MqttError):
            if self._mqtt_task is not None:
                await self.stop_mqtt(lost=False)
            else:
                await _publish_once(
                    self.mqtt_url, f"{self.device_id}/online", b"", self.device_id, retain=True
                )
        await self.stop_http()


def _typed(value: str) -> Any:
    """Query values as the device reads them: numbers and booleans are JSON."""
    with contextlib.suppress(ValueError):
        return json.loads(value)
    return value


async def _publish_once(
    url: str, topic: str, payload: bytes, identifier: str, *, retain: bool = False
) -> None:
    parts = urlsplit(url)
    async with aiomqtt.Client(
        parts.hostname or "127.0.0.1",
        parts.port or 1883,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        identifier=identifier,
    ) as client:
        await client.publish(topic, payload, qos=1, retain=retain)
