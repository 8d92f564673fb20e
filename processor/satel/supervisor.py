"""Which panels this instance talks to: leases taken, renewed and given up; commands routed.

Every third of the lease time (`SATEL_LEASE_SECONDS`, 15 s) the supervisor reads the
registered panels, renews the leases it holds (stopping a worker whose lease was lost), and
tries to take free ones; when an instance dies another one takes its panels within 20 s.
Commands for panels arrive on this instance's inbox list (the bot looks up the holder) and
are handed to the worker of that panel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.cancellation import being_cancelled, cancel_and_wait
from core.commands.messages import CommandResult, decode_entry
from core.devices.kinds import Executor, codes_with
from core.devices.repository import DeviceRepository
from core.panels.profile import PanelProfile
from core.panels.repository import PanelEventRepository
from core.redis_keys import RedisKeys
from processor.satel.worker import PanelContext, PanelWorker

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Held:
    worker: PanelWorker
    task: asyncio.Task[None]


class PanelSupervisor:
    """Runs a worker for each panel whose lease this instance holds."""

    def __init__(self, ctx: PanelContext, redis: Redis, keys: RedisKeys) -> None:
        self.ctx = ctx
        self._redis = redis
        self._keys = keys
        self._renew_seconds = ctx.leases.seconds / 3
        self.held: dict[int, _Held] = {}
        self._uids: dict[int, str] = {}

    @property
    def instance(self) -> str:
        """The name the leases know this instance by."""
        return self.ctx.leases.instance

    def figures(self) -> tuple[int, int, int, list[str]]:
        """Panels there are, held here, connected of those, and the uids of those another
        client has taken (the module serves one integration client at a time)."""
        workers = [held.worker for held in self.held.values()]
        busy = sorted(w.uid for w in workers if not w.connected and w.reason == "busy")
        return len(self._uids), len(workers), sum(w.connected for w in workers), busy

    async def run(self, stop: asyncio.Event) -> None:
        """Hold panels until `stop`; then close every connection and give the leases up."""
        inbox = asyncio.create_task(self._read_inbox(stop))
        try:
            while not stop.is_set():
                try:
                    await self.tick()
                except (RedisError, OSError) as err:
                    log.warning("panel leases unavailable (%s)", err)
                except Exception:
                    if being_cancelled():
                        raise
                    log.exception("panel supervisor tick failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._renew_seconds)
        finally:
            await cancel_and_wait(inbox)
            for device_id in list(self.held):
                await self._let_go(device_id, release=True)

    async def tick(self) -> None:
        """Renew what is held (first, and in one round trip), drop what was lost or removed,
        take what is free."""
        tokens = {device_id: held.worker.token for device_id, held in self.held.items()}
        ours = await self.ctx.leases.renew_many(tokens)
        for device_id in set(tokens) - ours:
            if device_id in self.held:
                log.warning("lost the lease of panel %s", self.held[device_id].worker.uid)
                await self._let_go(device_id, release=False)
        panels = await self._panels()
        for device_id in list(self.held):
            held = self.held[device_id]
            profile = panels.get(device_id)
            moved = profile is not None and profile.link != held.worker.profile.link
            if held.task.done() or profile is None or moved:
                await self._let_go(device_id, release=True)
            elif profile != held.worker.profile:
                held.worker.reload(profile)
        free = [d for d, p in panels.items() if d not in self.held and p.host]
        floors = await self._fences(free)
        for device_id, token in (await self.ctx.leases.acquire_many(free, floors)).items():
            profile = panels[device_id]
            uid = self._uids[device_id]
            worker = PanelWorker(device_id, uid, profile, token, self.ctx)
            task = asyncio.create_task(worker.run(), name=f"panel-{uid}")
            self.held[device_id] = _Held(worker, task)
            log.info("holding panel %s (lease token %s)", uid, token)

    async def _fences(self, device_ids: list[int]) -> dict[int, int]:
        """PostgreSQL's fence of these panels: a new token must be above it (Redis may have
        lost its counter)."""
        if not device_ids:
            return {}
        async with self.ctx.sessions() as session:
            return await PanelEventRepository(session).fence_tokens(device_ids)

    async def _panels(self) -> dict[int, PanelProfile]:
        async with self.ctx.sessions() as session:
            rows = await DeviceRepository(session).of_types(codes_with(Executor.SATEL))
        self._uids = {device_id: uid for device_id, uid, *_ in rows}
        return {device_id: PanelProfile.of(attributes) for device_id, _, _, attributes, _ in rows}

    async def _let_go(self, device_id: int, *, release: bool) -> None:
        held = self.held.pop(device_id, None)
        if held is None:
            return
        await cancel_and_wait(held.task)
        if release:
            with contextlib.suppress(RedisError, OSError):
                await self.ctx.leases.release(device_id, held.worker.token)
        log.info("let go of panel %s", held.worker.uid)

    async def _read_inbox(self, stop: asyncio.Event) -> None:
        """Hand commands for our panels to their workers."""
        key = self._keys.panel_inbox(self.instance)
        while not stop.is_set():
            try:
                found = await self._redis.blpop([key], timeout=1)
            except (RedisError, OSError) as err:
                if being_cancelled() or stop.is_set():
                    raise asyncio.CancelledError from err
                log.warning("panel inbox unavailable (%s)", err)
                await asyncio.sleep(1)
                continue
            if not found:
                continue
            raw = found[1]
            entry = decode_entry({b"entry": raw if isinstance(raw, bytes) else str(raw).encode()})
            if entry is None:
                log.warning("dropping a malformed panel command")
                continue
            held = self.held.get(entry.device_id)
            if held is None or held.task.done():
                result = CommandResult(entry.command_id, False, "unreachable")
                with contextlib.suppress(RedisError):
                    await self.ctx.post_result(result)
                continue
            held.worker.inbox.put_nowait(entry)
