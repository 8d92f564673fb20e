"""The SATEL transport against the panel emulator's faults: corrupt, busy, hang, idle, drop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from drivers.satel import requests
from drivers.satel.errors import PanelBusyError, PanelLinkError, PanelSilentError
from drivers.satel.protocol import Command
from drivers.satel.transport import SatelClient, SatelLink
from tests.emulators.satel import SatelPanelEmulator


@pytest.fixture
async def panel() -> AsyncIterator[SatelPanelEmulator]:
    emulator = SatelPanelEmulator(partitions=2, zones_per_partition=4, idle_seconds=1.0)
    await emulator.start()
    yield emulator
    await emulator.stop()


async def connected(panel: SatelPanelEmulator, timeout: float = 0.5) -> SatelClient:
    link = SatelLink("127.0.0.1", panel.port, timeout=timeout)
    await link.open()
    client = SatelClient(link)
    await client.read_all()
    return client


async def test_a_corrupted_answer_is_dropped_counted_and_asked_again(
    panel: SatelPanelEmulator,
) -> None:
    client = await connected(panel)
    try:
        panel.corrupt_next(1)
        panel.violate(2)
        assert 0x00 in await client.poll()  # the change arrived despite the broken frame
        assert client.state[0x00] == frozenset({2})
        assert client.link.corrupted == 1
        panel.corrupt_next(3)  # more than the retries: the link gives up and closes
        with pytest.raises(PanelLinkError, match="corrupted"):
            await client.poll()
        assert not client.link.is_open
    finally:
        await client.link.close()


async def test_after_a_corrupted_answer_everything_is_read_again(
    panel: SatelPanelEmulator,
) -> None:
    client = await connected(panel)
    try:
        before = len(panel.requests)
        await client.poll()  # nothing changed: only the flags are asked
        assert len(panel.requests) - before == 1
        panel.corrupt_next(1)
        await client.poll()
        panel.arm_now(1)
        changed = await client.poll()
        assert Command.ARMED in changed and client.state[Command.ARMED] == frozenset({1})
    finally:
        await client.link.close()


async def test_busy_module_hang_and_drop_are_told_apart(panel: SatelPanelEmulator) -> None:
    holder = await connected(panel)
    second = SatelLink("127.0.0.1", panel.port, timeout=0.5)
    await second.open()
    with pytest.raises(PanelBusyError):  # one integration client at a time
        await SatelClient(second).read_all()
    assert panel.refused == 1 and not second.is_open

    panel.hang()
    with pytest.raises(PanelLinkError, match="no answer in time"):
        await holder.poll()
    assert not holder.link.is_open
    panel.hang(False)

    again = await connected(panel)
    panel.drop()
    with pytest.raises(PanelLinkError) as dropped:  # closed or reset, depending on timing
        await again.poll()
    assert not isinstance(dropped.value, PanelBusyError)
    assert not again.link.is_open


async def test_an_idle_client_is_disconnected_by_the_module(panel: SatelPanelEmulator) -> None:
    client = await connected(panel)
    await asyncio.sleep(1.5)  # idle_seconds is 1 here (about 25 s on a real ETHM-1)
    with pytest.raises(PanelLinkError):
        await client.poll()
    assert not panel.connected


async def test_an_encrypting_module_is_read_and_controlled_with_its_key() -> None:
    panel = SatelPanelEmulator(partitions=2, zones_per_partition=4, key="Klucz-2024")
    await panel.start()
    try:
        plain = SatelLink("127.0.0.1", panel.port, timeout=0.3)  # no key: the module is mute
        await plain.open()
        with pytest.raises(PanelSilentError):
            await SatelClient(plain).read_all()

        wrong = SatelLink("127.0.0.1", panel.port, timeout=0.3, key="another")
        await wrong.open()
        with pytest.raises(PanelSilentError):  # it cannot read our messages: no answer
            await SatelClient(wrong).read_all()

        link = SatelLink("127.0.0.1", panel.port, timeout=0.5, key="Klucz-2024")
        await link.open()
        client = SatelClient(link)
        await client.read_all()
        panel.violate(3)
        assert 0x00 in await client.poll()
        assert client.state[0x00] == frozenset({3})
        result = await client.control(requests.arm_request(0, "1234", [2]))
        assert result.success and panel.state.partitions[2].armed
        names = await client.names(0, [1, 2])
        assert names[1].name == "Partition 1"

        second = SatelLink("127.0.0.1", panel.port, timeout=0.5, key="Klucz-2024")
        await second.open()
        with pytest.raises(PanelBusyError):  # opaque bytes and a close: taken by another
            await SatelClient(second).read_all()
        await link.close()
    finally:
        await panel.stop()
