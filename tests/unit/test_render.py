"""Pure renderers: ages, local times, cards (HTML-safe), keyboards."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, time, timedelta

from bot.callbacks import AlertAction, AlertOp, DeviceAction, DeviceOp
from bot.i18n import translator
from bot.keyboards.alerts import combined_buttons
from bot.keyboards.devices import device_list
from bot.render.alerts import combined_text, entries_of
from bot.render.control import outcome_text
from bot.render.devices import RenderContext, device_card, device_line, status_overview
from bot.render.members import audit_log
from bot.render.split import MESSAGE_LIMIT, length, pack
from bot.render.time import age, clock_time
from core.access.policy import Role
from core.audit.models import AuditEntry
from core.audit.service import DeviceLog
from core.commands.messages import CommandResult
from core.commands.service import CommandOutcome
from core.devices.models import Device
from core.devices.overview import DeviceView
from core.live.store import LiveState
from core.outbox.payloads import AlertPayload, EpisodePayload
from core.users.models import User
from tests.emulators.telegram_api import _check_html

TR = translator("en")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def view(
    name: str = "Bedroom",
    *,
    online: bool = True,
    values: dict[str, float] | None = None,
    seen: datetime | None = NOW,
) -> DeviceView:
    device = Device(
        id=7,
        uid="co2_001",
        type_code="co2",
        name=name,
        location="Home & <Garden>",
        firmware_version="2.0.1",
        is_online=online,
        last_seen_at=seen,
        online_changed_at=NOW - timedelta(hours=2),
    )
    if values is None:
        values = {"co2": 920, "temperature": 25.14, "humidity": 29}
    live = LiveState(7, values=values, times=dict.fromkeys(values, NOW.timestamp() - 12))
    return DeviceView(device, Role.OWNER, "co2", live)


def test_ages_read_naturally() -> None:
    assert [age(s, TR) for s in (0, 12, 59, 60, 3599, 3600, 86400 * 3)] == [
        "0 s ago",
        "12 s ago",
        "59 s ago",
        "1 min ago",
        "59 min ago",
        "1 h ago",
        "3 d ago",
    ]


def test_clock_time_is_local_and_adds_the_date_when_not_today() -> None:
    assert clock_time(NOW - timedelta(hours=2), WARSAW, NOW) == "11:00"
    assert clock_time(NOW - timedelta(days=2), WARSAW, NOW) == "21 Nov 13:00"
    assert clock_time(NOW - timedelta(days=400), WARSAW, NOW) == "19 Oct 2025 14:00"  # CEST


def test_card_shows_units_ages_status_location_firmware_and_role() -> None:
    card = device_card(view(), RenderContext(TR, WARSAW, NOW))
    _check_html(card)  # Telegram would accept it
    assert "CO₂: <b>920</b> ppm · 12 s ago" in card
    assert "Temperature: <b>25.1</b> °C" in card and "Humidity: <b>29</b> %" in card
    assert "online since 11:00" in card
    assert "📍 Home &amp; &lt;Garden&gt;" in card
    assert "Firmware 2.0.1" in card and "Your role: owner" in card
    assert card.index("CO₂") < card.index("Temperature") < card.index("Humidity")


def test_offline_card_says_since_when_and_when_last_seen() -> None:
    card = device_card(
        view(online=False, seen=NOW - timedelta(minutes=5)), RenderContext(TR, WARSAW, NOW)
    )
    assert "🔴 offline since 11:00" in card and "Last seen 5 min ago" in card


def test_device_names_are_escaped_everywhere() -> None:
    hostile = view(name="<b>Lab</b> & <i>")
    ctx = RenderContext(TR, WARSAW, NOW)
    for text in (device_card(hostile, ctx), *status_overview([hostile], ctx)):
        _check_html(text)
        assert "&lt;b&gt;Lab&lt;/b&gt; &amp; &lt;i&gt;" in text


def test_device_list_buttons_carry_ids_only() -> None:
    markup = device_list([view()], DeviceOp.SELECT)
    (button,) = [b for row in markup.inline_keyboard for b in row]
    assert button.text == device_line(view()) == "🟢 Bedroom · 920 ppm"
    assert button.callback_data == DeviceAction(op=DeviceOp.SELECT, device_id=7).pack() == "d:s:7"


def test_a_device_never_seen_says_so() -> None:
    never = view(online=False, seen=None, values={})
    never.device.online_changed_at = None
    card = device_card(never, RenderContext(TR, WARSAW, NOW))
    assert "never connected" in card and "No readings yet." in card


def _payload(event: str, device: str, opened: float, closed: float | None = None) -> AlertPayload:
    return EpisodePayload.model_validate(
        {
            "event": event,
            "kind": "threshold_high",
            "metric": "co2",
            "severity": "warning",
            "device_id": hash(device) % 1000,
            "device_name": device,
            "location": None,
            "value": 1300,
            "threshold": 1000,
            "close_value": 800,
            "opened_at": opened,
            "closed_at": closed,
        }
    )


def test_an_alert_that_opened_and_closed_while_away_is_one_line() -> None:
    # combined_text reads the real clock: times of today (in Warsaw) show without a date.
    today = datetime.now(WARSAW).date()
    t0 = datetime.combine(today, time(13, 0), WARSAW).timestamp()
    payloads = [
        _payload("opened", "Hall", t0),
        _payload("opened", "Lab", t0 + 60),
        _payload("closed", "Hall", t0, t0 + 600),
    ]
    entries = entries_of([(1, payloads[0]), (2, payloads[1]), (1, payloads[2])])
    text = combined_text(entries, TR, WARSAW, unreachable=True)
    _check_html(text)
    lines = text.split("\n")
    assert lines[0] == "📭 <b>While Dozor was unreachable</b> (2 alerts):"
    assert lines[1] == "1. 🟠 <b>CO₂ too high</b> — Hall (13:00–13:10, over now)"
    assert lines[2] == "2. 🟠 <b>CO₂ too high</b> — Lab"
    assert lines[3] == "    1300 ppm (threshold 1000 ppm) · since 13:01"
    # Only the one still open can be acknowledged; both devices can be opened.
    markup = combined_buttons(entries, TR)
    assert markup is not None
    texts = [[b.text for b in row] for row in markup.inline_keyboard]
    assert texts == [["✅ 2"], ["📟 Hall", "📟 Lab"]]
    assert combined_buttons(entries, TR, acknowledged={2}) is not None


def test_a_combined_message_keeps_each_alerts_value_and_a_button_for_each() -> None:
    now = NOW.timestamp()
    entries = entries_of(
        [(7, _payload("opened", "Hall", now)), (8, _payload("opened", "Lab", now))]
    )
    text = combined_text(entries, TR, WARSAW)
    assert text.count("1300 ppm (threshold 1000 ppm)") == 2
    markup = combined_buttons(entries, TR)
    assert markup is not None
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data[:3] == [
        AlertAction(op=AlertOp.ACK, episode_id=7).pack(),
        AlertAction(op=AlertOp.ACK, episode_id=8).pack(),
        AlertAction(op=AlertOp.ACK_ALL).pack(),
    ]
    left = combined_buttons(entries, TR, acknowledged={7})
    assert left is not None
    first_row = [b.text for b in left.inline_keyboard[0]]
    assert first_row == ["✅ 2"]  # and no "all" for one


def test_one_alert_reads_in_the_singular() -> None:
    text = combined_text(entries_of([(1, _payload("opened", "Hall", NOW.timestamp()))]), TR, WARSAW)
    assert text.startswith("⚠️ <b>One alert</b>")


def test_counts_pick_their_plural_forms() -> None:
    assert TR("error-too-many-attempts", minutes=1).endswith("Try again in a minute.")
    assert TR("error-too-many-attempts", minutes=15).endswith("Try again in 15 minutes.")


def test_a_command_answered_within_50_ms_reads_done_at_once() -> None:
    device = Device(id=7, uid="co2_1", type_code="co2", name="Room", is_online=True)
    quick = CommandOutcome(device, "identify", CommandResult("x", True), 0.02)
    slow = CommandOutcome(device, "identify", CommandResult("x", True), 1.26)
    assert outcome_text(quick, TR, WARSAW).endswith("done by <b>Room</b> at once.")
    assert outcome_text(slow, TR, WARSAW).endswith("done by <b>Room</b> in 1.3 s.")


def test_the_log_reads_as_sentences_with_its_page() -> None:
    ann, bob = User(id=1, first_name="Ann"), User(id=2, first_name="Bob")
    at = NOW - timedelta(days=3)

    def entry(action: str, before: object = None, after: object = None) -> AuditEntry:
        return AuditEntry(
            action=action, actor_user_id=1, before=before, after=after, at=at, device_id=7
        )

    viewer, admin = {"user_id": 2, "role": "viewer"}, {"user_id": 2, "role": "admin"}
    entries = [
        entry("invite.created", after={"role": "viewer"}),
        entry("member.role", before=viewer, after=admin),
        entry(
            "device.settings",
            before={"version": 1, "report_interval": 30},
            after={"version": 2, "report_interval": 60},
        ),
        entry("something.new"),
    ]
    log = DeviceLog(view().device, entries, {1: ann, 2: bob}, page=1, pages=3)
    text = audit_log(log, TR, WARSAW)
    _check_html(text)
    lines = text.split("\n")
    assert lines[0] == "📜 <b>Log of Bedroom</b> (newest first, page 2 of 3)"
    # An entry of another day shows its date (the log is read days later).
    assert re.fullmatch(r"\d\d \w{3} \d\d:\d\d · Ann created an invitation as viewer\.", lines[1])
    assert lines[2].endswith("Ann made Bob admin.")
    assert lines[3].endswith("Ann changed settings: report_interval 30 → report_interval 60.")
    assert lines[4].endswith("Ann: something.new")  # an action the log has no sentence for


def test_a_card_with_very_many_readings_stays_one_message() -> None:
    many = {f"sensor_with_a_long_name_{n:03d}": 123456.0 + n for n in range(150)}
    card = device_card(view(values=many), RenderContext(TR, WARSAW, NOW))
    assert length(card) <= MESSAGE_LIMIT
    shown = card.count("sensor_with_a_long_name_")
    assert 10 < shown < 150
    assert f"… and {150 - shown} more readings" in card
    assert "Your role: owner" in card  # what follows the readings is kept
    _check_html(card)


def test_status_of_forty_devices_is_split_between_devices() -> None:
    values = {"co2": 920, "temperature": 25.1, "humidity": 29, "pressure": 1001.2}
    views = [view(f"Room number {n} with a long name", values=values) for n in range(40)]
    messages = status_overview(views, RenderContext(TR, WARSAW, NOW))
    assert len(messages) > 1
    assert all(length(m) <= MESSAGE_LIMIT for m in messages)
    assert sum(m.count("Room number") for m in messages) == 40
    for message in messages:  # a device's block is never torn between two messages
        assert message.count("<b>Room number") == message.count("Pressure")
        _check_html(message)


def test_pack_cuts_between_lines_when_a_block_is_too_long() -> None:
    block = "\n".join(f"line {n} " + "x" * 90 for n in range(100))
    messages = pack(["title", block], limit=1000)
    assert all(length(m) <= 1000 for m in messages)
    assert "\n".join(messages).replace("\n\n", "\n").count("line ") == 100
    assert length("🟢") == 2  # Telegram counts UTF-16 code units


def test_chart_months_are_in_the_readers_language() -> None:
    from matplotlib import dates as mdates

    from bot.render.chart import _LocalMonths, _months

    locator = mdates.AutoDateLocator(tz=UTC)  # type: ignore[no-untyped-call]
    days = [datetime(2026, 11, 25, tzinfo=UTC) + timedelta(days=n) for n in range(0, 14, 2)]
    values = [mdates.date2num(d) for d in days]  # type: ignore[no-untyped-call]
    english = _LocalMonths(_months("en"), locator, tz=UTC).format_ticks(values)
    russian = _LocalMonths(_months("ru"), locator, tz=UTC).format_ticks(values)
    assert any("Dec" in label for label in english)
    assert any("дек." in label for label in russian) and not any("Dec" in x for x in russian)
