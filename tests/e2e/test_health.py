"""The bot's /healthz, /readyz and /metrics, through its real HTTP server."""

from __future__ import annotations

import re

import aiohttp

from bot.app import BotOptions
from core.settings import Settings
from tests.conftest import eventually
from tests.e2e.conftest import bot_running
from tests.emulators.telegram_api import ApiError, FakeUser, TelegramEmulator
from tests.integration.test_resilience import free_port

USER = FakeUser(8101, "Hana")
CONFLICT = "Conflict: terminated by other getUpdates request"


async def _get(url: str) -> tuple[int, str]:
    """The status and body; 0 while nothing listens yet (the bot is starting)."""
    try:
        connector = aiohttp.TCPConnector(force_close=True)  # nothing kept open after the test
        async with aiohttp.ClientSession(connector=connector) as http, http.get(url) as response:
            return response.status, await response.text()
    except aiohttp.ClientConnectorError:
        return 0, ""


def _metric(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert found is not None, f"{name} not in /metrics"
    return float(found[1])


async def test_the_bot_is_ready_while_it_polls_and_counts_its_telegram_calls(
    settings: Settings, emulator: TelegramEmulator
) -> None:
    port = free_port()
    local = settings.model_copy(update={"bot_http_host": "127.0.0.1", "bot_http_port": port})
    base = f"http://127.0.0.1:{port}"

    async def ready() -> str | None:
        status, body = await _get(f"{base}/readyz")
        return body if status == 200 else None

    async def not_ready() -> str | None:
        status, body = await _get(f"{base}/readyz")
        return body if status == 503 else None

    async with bot_running(local, emulator, BotOptions(polling_timeout=1, poll_stale=3.0)):
        await eventually(lambda: _alive(base))
        body = await eventually(ready)
        assert '"telegram": "ok"' in body and '"postgresql": "ok"' in body
        await emulator.reply_to(USER, "/start")
        _, metrics = await _get(f"{base}/metrics")
        assert _metric(metrics, 'dozor_telegram_calls_total{method="sendMessage",result="ok"}') >= 1
        assert _metric(metrics, 'dozor_telegram_calls_total{method="getUpdates",result="ok"}') >= 1
        assert _metric(metrics, "dozor_outbox_pending") == 0

        # Another instance polls the same token: every poll is answered 409.
        emulator.failures["getUpdates"] = ApiError(409, CONFLICT)
        body = await eventually(not_ready, timeout=15)
        assert '"telegram": "down"' in body and '"redis": "ok"' in body
        _, metrics = await _get(f"{base}/metrics")
        assert (
            _metric(metrics, 'dozor_telegram_calls_total{method="getUpdates",result="conflict"}')
            >= 1
        )
        assert (await _get(f"{base}/healthz"))[0] == 200
        del emulator.failures["getUpdates"]
        await eventually(ready, timeout=15)


async def _alive(base: str) -> bool:
    return (await _get(f"{base}/healthz"))[0] == 200
