"""History in the chat: /history, the chart's buttons editing the same message, custom dates,
several devices on one chart, CSV export, the card's History button, and strangers."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from functools import partial

from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import HistoryOp, HistoryView
from core import clock
from core.history.views import Span
from drivers.readings import Telemetry
from tests.conftest import RunningProcessor, eventually, publish, unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.telegram_api import ChatMessage, FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member, rollup_count
from tests.integration.test_history import ingest

OWNER = FakeUser(5001, "Anna")
VIEWER = FakeUser(5002, "Bob")
STRANGER = FakeUser(5003, "Eve")
NEWCOMER = FakeUser(5004, "Nina")  # owns a device that has not reported yet


async def device_with_history(
    sessions: async_sessionmaker[AsyncSession],
    emulator: TelegramEmulator,
    name: str,
    base: float,
) -> tuple[str, int]:
    """A CO2 monitor owned by OWNER with 3 hours of readings (one a minute) and a live one."""
    uid = unique_uid("co2_")
    provisioned = await add_device(sessions, uid, name=name)
    await emulator.reply_to(OWNER, f"/add {provisioned.claim_code}")
    device_id = provisioned.device.id
    start = clock.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    readings = [
        Telemetry(uid, (start + timedelta(minutes=m, seconds=10)).timestamp(),
                  {"co2": base + m, "temperature": 20 + m / 100})
        for m in range(180)
    ]  # fmt: skip
    await ingest(sessions, device_id, readings)
    await publish(f"devices/{uid}/telemetry", json.dumps({"co2": base, "temperature": 21}).encode())
    await eventually(lambda: _counted(sessions, device_id, 181))  # the live reading is in
    return uid, device_id


async def _counted(sessions: async_sessionmaker[AsyncSession], device_id: int, n: int) -> bool:
    return await rollup_count(sessions, device_id, "co2") >= n


def png_size(message: ChatMessage) -> tuple[int, int]:
    assert message.photo is not None
    return Image.open(io.BytesIO(message.photo)).size


async def press_and_wait(
    emulator: TelegramEmulator, user: FakeUser, message: ChatMessage, button: str
) -> None:
    edits = message.edits
    await emulator.press(user, message, button)
    await emulator.wait_for(lambda: message.edits > edits)


def photos(emulator: TelegramEmulator, user: FakeUser) -> list[ChatMessage]:
    return [m for m in emulator.bot_messages(user.id) if m.photo is not None]


async def test_a_chart_switches_range_metric_and_dates_in_place_and_exports_csv(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    uid, _ = await device_with_history(sessions, emulator, "Bedroom", 600)
    picker = await emulator.reply_to(OWNER, "/history")
    await emulator.wait_for(picker.buttons)
    await emulator.press(OWNER, picker, "Bedroom")
    chart = await emulator.wait_for(lambda: (p := photos(emulator, OWNER)) and p[-1])
    assert png_size(chart) == (1260, 700)
    assert "Bedroom · CO₂" in chart.plain
    # 180 readings of 600…779 in the last 3 h (plus the live one): a new device's data fits
    # in 6 h, so that is the range the first chart opens with.
    assert "min 600 · mean" in chart.plain and "max 779" in chart.plain
    assert [b["text"] for b in chart.buttons()][:4] == ["• 6 h •", "24 h", "7 d", "30 d"]

    first_png = chart.photo
    await press_and_wait(emulator, OWNER, chart, "24 h")
    assert chart.photo != first_png and "• 24 h •" in [b["text"] for b in chart.buttons()]
    await press_and_wait(emulator, OWNER, chart, "6 h")
    assert len(photos(emulator, OWNER)) == 1  # the same message, edited

    await press_and_wait(emulator, OWNER, chart, "Metric")
    assert {"• CO₂ •", "Temperature"} <= {b["text"] for b in chart.buttons()}
    await press_and_wait(emulator, OWNER, chart, "Temperature")
    assert "Bedroom · Temperature" in chart.plain and "• 6 h •" in chart.button("6 h")["text"]

    await emulator.press(OWNER, chart, "CSV")
    document = await emulator.wait_for(
        lambda: next((m for m in emulator.bot_messages(OWNER.id) if m.document), None)
    )
    name, body = document.document
    assert name.startswith(f"{uid}_temperature_") and name.endswith(".csv")
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: °C opens right in Excel
    sent = emulator.calls("sendDocument")[-1]
    assert sent["_type_document"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["time", "device", "uid", "metric"]
    assert all(len(v.split(".")[-1]) == 1 for v in rows[1][6:10])  # temperature: 0.1 °C
    assert len(rows) - 1 in (180, 181)  # the live reading may fall in a minute of its own
    assert datetime.fromisoformat(rows[1][0]).tzinfo is not None

    await emulator.press(OWNER, chart, "Dates")
    prompt = await emulator.wait_for_message(OWNER, "Send the dates")
    assert "Cancel" in prompt.button("Cancel")["text"]
    await emulator.send(OWNER, "yesterday-ish")
    await emulator.wait_for(lambda: "could not read those dates" in prompt.plain)
    await emulator.send(OWNER, "2030-01-01")  # the reason is said, in the prompt itself
    await emulator.wait_for(lambda: "starts in the future" in prompt.plain)
    today = clock.now().astimezone(UTC).date()
    edits = chart.edits
    done = await emulator.reply_to(OWNER, f"{today - timedelta(days=1):%Y-%m-%d} {today:%Y-%m-%d}")
    assert "now shows" in done.plain
    await emulator.wait_for(lambda: chart.edits > edits)
    assert f"{today:%d %b %Y}" in chart.plain and "Temperature" in chart.plain
    assert len(photos(emulator, OWNER)) == 1


async def test_several_devices_on_one_chart_and_the_card_button(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await device_with_history(sessions, emulator, "Bedroom", 600)
    await device_with_history(sessions, emulator, "Office", 900)
    picker = await emulator.reply_to(OWNER, "/history")
    await emulator.wait_for(lambda: any("both devices" in b["text"] for b in picker.buttons()))
    await emulator.press(OWNER, picker, "CO₂ · both devices")
    chart = await emulator.wait_for(lambda: (p := photos(emulator, OWNER)) and p[-1])
    assert "All devices · CO₂" in chart.plain
    assert "Bedroom: min 600" in chart.plain and "Office: min 900" in chart.plain
    assert not any("Card" in b["text"] for b in chart.buttons())

    listing = await emulator.reply_to(OWNER, "/devices")
    await emulator.press(OWNER, listing, "Office")
    await emulator.wait_for(lambda: "Your role: owner" in listing.plain)
    await emulator.press(OWNER, listing, "History")
    card_chart = await emulator.wait_for(lambda: (p := photos(emulator, OWNER))[1:] and p[-1])
    assert "Office · CO₂" in card_chart.plain and png_size(card_chart) == (1260, 700)


async def test_a_viewer_sees_history_and_a_stranger_nothing(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, device_id = await device_with_history(sessions, emulator, "Bedroom", 600)
    await emulator.reply_to(VIEWER, "/start")
    await add_member(sessions, VIEWER.id, device_id, "viewer", name="Bob")
    picker = await emulator.reply_to(VIEWER, "/history")
    await emulator.press(VIEWER, picker, "Bedroom")
    chart = await emulator.wait_for(lambda: (p := photos(emulator, VIEWER)) and p[-1])
    assert "Bedroom · CO₂" in chart.plain

    assert "You have no devices yet" in (await emulator.reply_to(STRANGER, "/history")).plain
    silent = await add_device(sessions, unique_uid("co2_"), name="Attic")
    await emulator.reply_to(NEWCOMER, "/start")
    await add_member(sessions, NEWCOMER.id, silent.device.id, "owner", name="Nina")
    assert "no readings to draw yet" in (await emulator.reply_to(NEWCOMER, "/history")).plain
    forged = HistoryView(op=HistoryOp.CHART, device_id=device_id, metric="co2", span=Span.D7)
    for op in (HistoryOp.CHART, HistoryOp.CSV, HistoryOp.METRICS, HistoryOp.DATES):
        query = await emulator.press(
            STRANGER, picker, data=forged.model_copy(update={"op": op}).pack()
        )
        answer = await emulator.wait_for(partial(emulator.callback_answers.get, query))
        assert "does not exist or you have no access" in answer["text"]
    forged_metric = "h:c:0:co2;drop:24h:0:0"
    query = await emulator.press(OWNER, picker, data=forged_metric)
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(query))
    assert answer.get("show_alert")
    assert photos(emulator, STRANGER) == []
    assert not [m for m in emulator.bot_messages(STRANGER.id) if m.document]


async def test_a_chart_of_more_devices_than_fit_says_which_and_pages(
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Ten monitors report CO₂: the chart of all of them shows eight, says "Devices 1–8 of
    10", and its ▶ shows the other two."""
    names = [f"Room {i:02d}" for i in range(10, 0, -1)]  # provisioned out of name order
    start = clock.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    for n, name in enumerate(names):
        uid = unique_uid("co2_")
        provisioned = await add_device(sessions, uid, name=name)
        await add_member(sessions, OWNER.id, provisioned.device.id, "owner", name="Anna")
        readings = [
            Telemetry(uid, (start + timedelta(minutes=m)).timestamp(), {"co2": 500.0 + n})
            for m in range(10)
        ]
        await ingest(sessions, provisioned.device.id, readings)
        await publish(f"devices/{uid}/telemetry", b'{"co2": 600}')
        await eventually(lambda d=provisioned.device.id: _counted(sessions, d, 11))
    picker = await emulator.reply_to(OWNER, "/history")
    await emulator.wait_for(lambda: any("all 10 devices" in b["text"] for b in picker.buttons()))
    await emulator.press(OWNER, picker, "CO₂ · all 10 devices")
    chart = await emulator.wait_for(lambda: (p := photos(emulator, OWNER)) and p[-1])
    assert "Devices 1–8 of 10 · CO₂" in chart.plain
    assert "Room 01:" in chart.plain and "Room 08:" in chart.plain and "Room 09" not in chart.plain
    await emulator.press(OWNER, chart, "Devices 9–10 ▶")
    await emulator.wait_for(lambda: "Devices 9–10 of 10" in chart.plain)
    assert "Room 09:" in chart.plain and "Room 10:" in chart.plain and "Room 01" not in chart.plain
    assert any("◀ Devices 1–8" in b["text"] for b in chart.buttons())
