"""A thin transport for the dynamic security plugin's control topic (see `dynsec`)."""

from __future__ import annotations

import asyncio
import secrets
import ssl
from collections.abc import Sequence
from typing import Any

import aiomqtt
import orjson

from drivers.mosquitto.dynsec import CONTROL_TOPIC, RESPONSE_TOPIC

ANSWER_SECONDS = 10.0


class ControlError(Exception):
    """The broker could not be reached, or did not answer in time."""


async def send_commands(
    host: str,
    port: int,
    username: str,
    password: str,
    commands: Sequence[dict[str, Any]],
    *,
    tls: ssl.SSLContext | None = None,
) -> dict[str, Any]:
    """Send `commands` in one control message and return the answer (`{"responses": …}`).

    Each command carries a random `correlationData`, which the plugin repeats in its
    response, so the answer of another admin session is never taken for ours."""
    tag = secrets.token_hex(8)
    tagged = [{**command, "correlationData": f"{tag}-{i}"} for i, command in enumerate(commands)]
    try:
        async with aiomqtt.Client(
            host, port, username=username, password=password, tls_context=tls, timeout=10
        ) as client:
            await client.subscribe(RESPONSE_TOPIC, qos=1)
            await client.publish(CONTROL_TOPIC, orjson.dumps({"commands": tagged}), qos=1)
            async with asyncio.timeout(ANSWER_SECONDS):
                async for message in client.messages:
                    answer = _ours(message.payload, tag)
                    if answer is not None:
                        return answer
    except aiomqtt.MqttError as err:
        msg = f"broker {host}:{port}: {err}"
        raise ControlError(msg) from err
    except TimeoutError as err:
        msg = f"broker {host}:{port} did not answer the account change in {ANSWER_SECONDS:.0f} s"
        raise ControlError(msg) from err
    msg = f"broker {host}:{port} closed the connection"
    raise ControlError(msg)


def _ours(payload: object, tag: str) -> dict[str, Any] | None:
    """The responses to our commands, in the order sent; None when they are another's."""
    if not isinstance(payload, bytes | bytearray):
        return None
    try:
        answer = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    responses = answer.get("responses") if isinstance(answer, dict) else None
    if not isinstance(responses, list):
        return None
    mine = [
        r
        for r in responses
        if isinstance(r, dict) and str(r.get("correlationData", "")).startswith(f"{tag}-")
    ]
    if not mine:
        return None
    mine.sort(key=lambda r: int(str(r["correlationData"]).rsplit("-", 1)[1]))
    return {"responses": mine}
