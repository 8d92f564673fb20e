"""The Shelly side of a processor: relay presses, firmware updates, RPC answers and the HTTP
fallback, wired."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.cancellation import being_cancelled, cancel_and_wait
from core.commands.messages import CommandResult, StreamEntry
from core.devices.shelly import UPDATE_COMMAND, UPDATE_STAGE
from core.secrets import SecretBox
from drivers.readings import Rejected, StatusChange, Telemetry
from drivers.shelly.codec import ShellyCodec
from drivers.shelly.http import DeviceRefused, HttpUnavailable, ShellyHttp
from drivers.shelly.rpc import RpcSession
from processor.ingest.pipeline import IngestPipeline
from processor.mqtt.listener import BrokerLink
from processor.mqtt.publisher import Publisher
from processor.shelly.counters import CounterKeeper
from processor.shelly.fallback import HttpFallback
from processor.shelly.switching import RelaySwitcher

log = logging.getLogger(__name__)

STATUS_SECONDS: Final = 5.0  # how long a device may take to answer Shelly.GetStatus


class ShellySupport:
    """Everything a processor does for Shelly devices beyond decoding their frames."""

    def __init__(  # noqa: PLR0913 - the Shelly side's collaborators
        self,
        src: str,
        sessions: async_sessionmaker[AsyncSession],
        pipeline: IngestPipeline,
        shelly_codec: ShellyCodec,
        publisher: Publisher,
        post_result: Callable[[CommandResult], Awaitable[None]],
        *,
        secrets: SecretBox,
        broker: BrokerLink,
        poll_seconds: float,
        counters: CounterKeeper,
        hears_status: bool = True,
    ) -> None:
        self._pipeline = pipeline
        self._post_result = post_result
        self._codec = shelly_codec
        self._counters = counters
        self._broker = broker
        # uid → the subscription's connection in which its whole status was asked
        self._asked: dict[str, int] = {}
        # devices whose retained `online true` waits for a sign of life
        self._doubted: set[str] = set()
        self._asking: set[asyncio.Task[None]] = set()
        self._in_flight: set[str] = set()  # devices being asked for their status now
        self._again: set[str] = set()  # … and to ask again once that ask is over
        self.http = ShellyHttp()
        self.fallback = HttpFallback(
            sessions,
            self.http,
            secrets,
            broker,
            on_status=self._status,
            on_unreachable=pipeline.submit_offline,
            poll_seconds=poll_seconds,
        )
        self.switcher = RelaySwitcher(
            RpcSession(src),
            publisher,
            self.http,
            self.fallback,
            post_result,
            on_status=self._status,
            hears_status=hears_status,
        )

    async def _status(self, uid: str, status: Any, *, asked_over_mqtt: bool = False) -> None:
        """A Shelly's status read over HTTP (a poll, or the state after a switch), or asked
        over MQTT (then dropped when the device's Last Will came meanwhile: the answer is
        older than its "offline", and would bring it back online)."""
        topic = f"{uid}/http/Shelly.GetStatus"  # only for the quarantine's record
        now = clock.now().timestamp()
        items = await self._counters.decode(
            uid, lambda: self._codec.decode_snapshot(uid, status, now)
        )
        if asked_over_mqtt and self.fallback.said_offline(uid):
            return
        for item in items:
            if isinstance(item, Telemetry):
                self.observe(item)
            if isinstance(item, Telemetry | StatusChange | Rejected):
                self._pipeline.accept(topic, b"", item)
        await self._pipeline.wait_for_room()

    # ShellyHooks (processor.mqtt.dispatch), called for every Shelly message.
    def on_rpc(self, device: str, payload: bytes) -> None:
        """An answer on our RPC topic of `device`."""
        self.switcher.on_rpc(device, payload)

    def heard(self, uid: str, online: bool | None, *, retained: bool = False) -> bool:
        """An MQTT message of a Shelly; True when the online state it says is not taken.

        The first one from a device (in each connection of ours to the broker), and each live
        `online true` (the device connected again), asks for its whole status and firmware:
        its full status on connect is not retained, so a device connected before this
        processor, or while we were away, would otherwise stay unknown until it changes.

        A retained `online true` is only what the device said when it last connected: a Gen2's
        Last Will may not be retained, so a device that died while nobody listened leaves its
        `true` behind. It is not taken; the status asked then is the sign of life (see
        `_ask_status`)."""
        doubted = online is True and retained
        if doubted:
            self._doubted.add(uid)
        else:
            self._doubted.discard(uid)  # it spoke (or said it is offline)
        # A live `online true` is a new connection of the device: it may have restarted into
        # another firmware (an update), so it is asked again.
        connected = online is True and not retained
        asked = self._asked.get(uid) == self._broker.connections
        if online is not False and (doubted or connected or not asked):
            self._asked[uid] = self._broker.connections
            self._ask(uid)
        return True if doubted else self.fallback.heard(uid, online)

    def _ask(self, uid: str) -> None:
        """Ask a device for its status, one ask at a time: one asked for while another is
        under way follows it (the device may have restarted in between)."""
        if uid in self._in_flight:
            self._again.add(uid)
            return
        self._in_flight.add(uid)
        task = asyncio.create_task(self._ask_status(uid))
        self._asking.add(task)
        task.add_done_callback(self._asking.discard)

    async def _ask_status(self, uid: str) -> None:
        """Ask a device for its whole status, and for its firmware (`ver`)."""
        try:
            answer = await self.switcher.ask(uid, "Shelly.GetStatus", STATUS_SECONDS)
            if answer is None:
                if uid in self._doubted:
                    await self._unconfirmed(uid)
                return
            if uid in self._doubted and not isinstance(answer.result, dict):
                # refused, but it answered: connected
                self._pipeline.accept(
                    f"{uid}/rpc", b"", StatusChange(uid, clock.now().timestamp(), True)
                )
            self._doubted.discard(uid)  # any answer is a sign of life
            if isinstance(answer.result, dict):
                await self._status(uid, answer.result, asked_over_mqtt=True)
            info = await self.switcher.ask(uid, "Shelly.GetDeviceInfo", STATUS_SECONDS)
            version = (info.result or {}).get("ver") if info is not None else None
            if isinstance(version, str) and version:
                reading = Telemetry(uid, clock.now().timestamp(), {}, firmware_version=version)
                self._pipeline.accept(f"{uid}/rpc/Shelly.GetDeviceInfo", b"", reading)
        except Exception:  # a failed ask leaves the device as it was
            log.warning("could not ask %s for its status", uid, exc_info=True)
        finally:
            self._in_flight.discard(uid)
            if uid in self._again:
                self._again.discard(uid)
                if not being_cancelled():  # stopping: nothing new is started
                    self._ask(uid)

    async def _unconfirmed(self, uid: str) -> None:
        """A retained `online true` that no sign of life followed: HTTP decides when the
        device has an HTTP host, else it is offline (a live Shelly answers RPC over MQTT)."""
        self._doubted.discard(uid)
        log.info(
            "%s: its retained online was not confirmed (no answer to Shelly.GetStatus in %.0f s)",
            uid,
            STATUS_SECONDS,
        )
        if not self.fallback.heard(uid, False):
            await self._pipeline.submit_offline(uid)

    def observe(self, reading: Telemetry) -> None:
        """A Shelly status reached ingest."""
        self.switcher.observe(reading.uid, reading.metrics)

    async def command(self, entry: StreamEntry) -> None:
        """A relay press or a firmware update from the command stream."""
        if entry.command == UPDATE_COMMAND:
            task = asyncio.create_task(self._update(entry))
            self._asking.add(task)
            task.add_done_callback(self._asking.discard)
            return
        await self.switcher.start(entry)

    async def _update(self, entry: StreamEntry) -> None:
        """Ask the device to install its maker's stable firmware (`Shelly.Update`), over MQTT
        or, when MQTT does not reach it, HTTP; tell the waiting bot whether it took the
        request. How far it gets comes in its OTA events."""
        params = {"stage": str(entry.params.get("stage") or UPDATE_STAGE)}
        seconds = max(1.0, entry.deadline - clock.now().timestamp()) if entry.deadline else 10.0
        error: str | None = None
        try:
            target = self.fallback.targets.get(entry.uid)
            if self.fallback.mqtt_usable(entry.uid) or target is None:
                answer = await self.switcher.ask(entry.uid, "Shelly.Update", seconds, params)
                if answer is None:
                    log.info("%s: no answer to Shelly.Update", entry.uid)
                    return
                if answer.error is not None:
                    error = f"{answer.error.message} ({answer.error.code})"
            else:
                await self.http.call(target.host, "Shelly.Update", params, target.password)
        except DeviceRefused as err:
            error = f"{err.error.message} ({err.error.code})"
        except HttpUnavailable as err:
            log.warning("%s: Shelly.Update over HTTP failed (%s)", entry.uid, err)
            return
        if error is not None:
            log.info("%s refused its firmware update: %s", entry.uid, error)
        else:
            log.info("%s is updating its firmware (%s)", entry.uid, params["stage"])
        now = clock.now().timestamp()
        await self._post_result(CommandResult(entry.command_id, error is None, error, now))

    async def run(self, stop: asyncio.Event) -> None:
        """Poll what needs polling until `stop`."""
        await self.fallback.run(stop)

    async def close(self) -> None:
        """Stop waiting for confirmations and close the HTTP connections."""
        await cancel_and_wait(self._asking)
        await self.switcher.close()
        await self.http.close()
