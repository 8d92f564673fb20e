"""Switching Shelly relays: `Switch.Set` over MQTT RPC (or HTTP), confirmed by the device.

The answer to `Switch.Set` says only that the request was taken (`{"was_on": …}`); the relay
state is confirmed by the device's own status (protocols/shelly.md, "What implementers get
wrong"): the `NotifyStatus` with the channel's `output` that follows, or — when the relay
already was in that state, so no notification comes, or when the command went over HTTP —
the `output` of `Switch.GetStatus`. Only then is the command reported done to the bot. An
RPC error is reported as a refusal with the device's message; silence until the deadline
is left to the bot, which says "no confirmation from the device".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from core import clock
from core.cancellation import cancel_and_wait
from core.commands.messages import CommandResult, StreamEntry
from core.devices.shelly import RelayPress
from drivers.shelly.http import DeviceRefused, HttpUnavailable, ShellyHttp
from drivers.shelly.rpc import RpcResponse, RpcSession
from drivers.shelly.topics import rpc_topic
from processor.mqtt.publisher import Publisher
from processor.shelly.fallback import HttpFallback

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Waiter:
    on: bool
    confirmed: asyncio.Future[None]


@dataclass(slots=True)
class RelaySwitcher:
    """Carries out relay presses from the command stream; one per processor (`rpc.src`)."""

    rpc: RpcSession
    publisher: Publisher
    http: ShellyHttp
    fallback: HttpFallback
    post_result: Callable[[CommandResult], Awaitable[None]]
    on_status: Callable[[str, dict[str, Any]], Awaitable[None]]  # uid, components → ingest
    # Whether the devices' status notifications reach this instance (one ingest slot takes
    # them); where they do not, a press is confirmed by asking the device.
    hears_status: bool = True
    _answers: dict[int, asyncio.Future[RpcResponse]] = field(default_factory=dict)
    _waiters: dict[tuple[str, int], list[_Waiter]] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self, entry: StreamEntry) -> None:
        """Send the press (returns once it is on its way); confirmation is awaited apart."""
        press = RelayPress.of(entry.params)
        if press is None:  # the executor lets only well-formed presses through
            return
        channel, on = press.channel, press.on
        waiter = _Waiter(on, asyncio.get_running_loop().create_future())
        self._waiters.setdefault((entry.uid, channel), []).append(waiter)
        try:
            if self.fallback.mqtt_usable(entry.uid):
                answer = await self._send_mqtt(entry.uid, channel, on)
                follow = self._follow_mqtt(entry, channel, waiter, answer)
            else:
                follow = self._over_http(entry, channel, waiter)
        except BaseException:  # not sent: nothing to wait for
            self._drop(entry.uid, channel, waiter)
            raise
        task = asyncio.create_task(self._until_deadline(entry, channel, waiter, follow))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_mqtt(self, uid: str, channel: int, on: bool) -> asyncio.Future[RpcResponse]:
        request_id, frame = self.rpc.request(uid, "Switch.Set", {"id": channel, "on": on})
        answer = self._expect(request_id)
        await self.publisher.publish(rpc_topic(uid), frame)
        return answer

    def _expect(self, request_id: int) -> asyncio.Future[RpcResponse]:
        """A future for the answer to a request; forgotten once answered or given up."""
        answer: asyncio.Future[RpcResponse] = asyncio.get_running_loop().create_future()
        self._answers[request_id] = answer

        def forget(_: asyncio.Future[RpcResponse]) -> None:
            self._answers.pop(request_id, None)
            self.rpc.forget(request_id)

        answer.add_done_callback(forget)
        return answer

    async def _until_deadline(
        self,
        entry: StreamEntry,
        channel: int,
        waiter: _Waiter,
        follow: Awaitable[CommandResult | None],
    ) -> None:
        seconds = max(0.0, entry.deadline - clock.now().timestamp()) if entry.deadline else 10.0
        try:
            result = await asyncio.wait_for(follow, seconds)
        except TimeoutError:
            log.info("%s: channel %d not confirmed in time", entry.uid, channel)
            return
        finally:
            self._drop(entry.uid, channel, waiter)
        if result is not None:
            await self.post_result(result)

    async def _follow_mqtt(
        self,
        entry: StreamEntry,
        channel: int,
        waiter: _Waiter,
        answer: asyncio.Future[RpcResponse],
    ) -> CommandResult | None:
        # The device's own status is what counts: taken whenever it comes, even when the RPC
        # answer is lost on the way (then only the status tells).
        either: set[asyncio.Future[Any]] = {answer, waiter.confirmed}
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if waiter.confirmed.done():
            return self._done(entry)
        response = answer.result()
        if response.error is not None:
            return self._refused(entry, f"{response.error.message} ({response.error.code})")
        was_on = (response.result or {}).get("was_on")
        if (was_on is waiter.on or not self.hears_status) and not waiter.confirmed.done():
            # Nothing changes, so no NotifyStatus comes (or it goes to another instance): ask
            # the device for its state.
            state = await self._ask_mqtt(entry.uid, channel)
            if state is not None and state.get("output") is waiter.on:
                return self._done(entry)
            if not self.hears_status:
                return None  # unconfirmed: the bot says so
        await waiter.confirmed
        return self._done(entry)

    async def ask(
        self, uid: str, method: str, seconds: float, params: dict[str, Any] | None = None
    ) -> RpcResponse | None:
        """An RPC over MQTT (`Shelly.GetStatus`, `Shelly.GetDeviceInfo`, `Shelly.Update`);
        None without an answer in time."""
        request_id, frame = self.rpc.request(uid, method, params or {})
        answer = self._expect(request_id)
        await self.publisher.publish(rpc_topic(uid), frame)
        try:
            return await asyncio.wait_for(answer, seconds)
        except TimeoutError:
            return None

    async def _ask_mqtt(self, uid: str, channel: int) -> dict[str, Any] | None:
        request_id, frame = self.rpc.request(uid, "Switch.GetStatus", {"id": channel})
        answer = self._expect(request_id)
        await self.publisher.publish(rpc_topic(uid), frame)
        response = await answer
        return response.result if response.error is None else None

    async def _over_http(
        self, entry: StreamEntry, channel: int, waiter: _Waiter
    ) -> CommandResult | None:
        target = self.fallback.targets.get(entry.uid)
        if target is None:
            return None
        params = {"id": channel, "on": waiter.on}
        try:
            await self.http.call(target.host, "Switch.Set", params, target.password)
            state = await self.http.call(
                target.host, "Switch.GetStatus", {"id": channel}, target.password
            )
        except DeviceRefused as err:
            return self._refused(entry, f"{err.error.message} ({err.error.code})")
        except HttpUnavailable as err:
            log.warning("%s: switching over HTTP failed (%s)", entry.uid, err)
            return None
        await self.on_status(entry.uid, {f"switch:{channel}": state})
        return self._done(entry) if state.get("output") is waiter.on else None

    def _done(self, entry: StreamEntry) -> CommandResult:
        return CommandResult(entry.command_id, True, None, clock.now().timestamp())

    def _refused(self, entry: StreamEntry, reason: str) -> CommandResult:
        log.info("%s refused %s: %s", entry.uid, entry.command, reason)
        return CommandResult(entry.command_id, False, reason, clock.now().timestamp())

    def _drop(self, uid: str, channel: int, waiter: _Waiter) -> None:
        waiters = self._waiters.get((uid, channel), [])
        with contextlib.suppress(ValueError):
            waiters.remove(waiter)
        if not waiters:
            self._waiters.pop((uid, channel), None)

    def on_rpc(self, device: str, payload: bytes) -> None:
        """An answer on our `<src>/<device>/rpc` topic: hand it to the request that waits."""
        response = self.rpc.receive(device, payload)
        if response is None:
            return  # not ours, or from another device than we asked: ignored
        answer = self._answers.get(response.request_id)
        if answer is not None and not answer.done():
            answer.set_result(response)

    def observe(self, uid: str, metrics: dict[str, float]) -> None:
        """A device's status went through ingest: confirm the presses it proves."""
        if not self._waiters:
            return
        for (waited_uid, channel), waiters in list(self._waiters.items()):
            if waited_uid != uid:
                continue
            output = metrics.get(f"switch{channel}_output")
            if output is None:
                continue
            for waiter in waiters:
                if (output == 1.0) is waiter.on and not waiter.confirmed.done():
                    waiter.confirmed.set_result(None)

    async def close(self) -> None:
        """Stop waiting for confirmations."""
        await cancel_and_wait(self._tasks)
