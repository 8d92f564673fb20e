"""SATEL panel cards, action prompts and answers, and panel alert headlines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import PanelOp, PanelPress
from bot.i18n import Translator
from bot.render.devices import reading
from bot.render.time import clock_time
from core import clock
from core.alerts.rules import Kind
from core.outbox.payloads import ArmingPayload, EpisodePayload
from core.panels.models import PanelEvent
from core.panels.profile import PanelProfile
from core.panels.requests import PanelAction
from core.panels.service import PanelOutcome, PanelView, Proposal, bypassable
from core.panels.state import PanelSnapshot, temperature_metric, trouble_kind

MAX_BUTTONS = 30  # outputs listed at most (a panel with more switchable ones is rare)
ZONES_PER_PAGE = 10
CLOCK_TOLERANCE = 120.0  # seconds the panel's clock may be off before the card says so


def partition_name(profile: PanelProfile, number: int, tr: Translator) -> str:
    """A partition by its name, or "Partition N"."""
    return escape(profile.name("partitions", number) or tr("panel-partition", number=number))


def zone_names(profile: PanelProfile, zones: Sequence[int] | frozenset[int], tr: Translator) -> str:
    """Zones by name, comma separated."""
    return ", ".join(
        escape(profile.name("zones", z) or tr("panel-zone", number=z)) for z in sorted(zones)
    )


def partitions_text(profile: PanelProfile, numbers: Sequence[int], tr: Translator) -> str:
    """The partitions an action is about."""
    return ", ".join(partition_name(profile, n, tr) for n in numbers)


def output_name(profile: PanelProfile, number: int, tr: Translator) -> str:
    """An output by its name, or "Output N"."""
    return escape(profile.name("outputs", number) or tr("panel-output", number=number))


def targets_text(
    profile: PanelProfile,
    action: PanelAction,
    partitions: Sequence[int],
    items: Sequence[int],
    tr: Translator,
) -> str:
    """What an action is about: partitions, or the outputs or zones it switches."""
    if action.on_partitions:
        return partitions_text(profile, partitions, tr)
    if action is PanelAction.CLEAR_TROUBLES:
        return tr("panel-target-panel")
    if action in (PanelAction.OUTPUT_ON, PanelAction.OUTPUT_OFF):
        return ", ".join(output_name(profile, n, tr) for n in items)
    return zone_names(profile, items, tr)


def _time(ts: float | None, zone: tzinfo) -> str:
    if ts is None:
        return "?"
    return f"{datetime.fromtimestamp(ts, zone):%H:%M:%S}"


def partition_state(snap: PanelSnapshot, number: int, tr: Translator) -> str:
    """One partition's state in words."""
    if number in snap.partition("fire"):
        state = tr("panel-state-fire")
    elif number in snap.partition("alarm"):
        state = tr("panel-state-alarm")
    elif number in snap.partition("entry"):
        state = tr("panel-state-entry")
    elif number in snap.partition("exit_short"):
        state = tr("panel-state-exit-short")
    elif number in snap.partition("exit"):
        state = tr("panel-state-exit")
    elif (mode := snap.mode(number)) is not None:
        state = tr("panel-state-armed", mode=tr(f"panel-mode-{mode}"))
    else:
        state = tr("panel-state-disarmed")
    memory = snap.partition("alarm_memory") | snap.partition("fire_memory")
    if number in memory and number not in snap.partition("alarm") | snap.partition("fire"):
        state += tr("panel-state-memory")
    return state


def trouble_name(code: str, tr: Translator, profile: PanelProfile | None = None) -> str:
    """A trouble in words: the system troubles by name, a device's by its number (a wireless
    zone by the zone's name), anything else by its code."""
    kind, number = trouble_kind(code)
    if kind == "other":
        return tr("panel-trouble-other", code=code)
    group = "outputs" if kind.startswith("output") else "zones"
    name = (profile or PanelProfile()).name(group, number) if number else None
    where = f" ({escape(name)})" if name else ""
    return tr(f"panel-trouble-{kind}", number=number, where=where)


def _connection(snap: PanelSnapshot, tr: Translator, zone: tzinfo) -> list[str]:
    """Connected (and when the panel last confirmed), not connected (and why, when known),
    or "no news" when nobody refreshes the state."""
    key = "panel-connected" if snap.connected else "panel-disconnected"
    silent = snap.silent_for(clock.now().timestamp())
    if silent is not None:  # "connected", but nobody has refreshed that: no processor holds it
        key = "panel-stale"
    lines = [tr(key, time=_time(snap.confirmed_at, zone), seconds=int(silent or 0))]
    if not snap.connected and snap.reason:
        lines.append(tr(f"panel-reason-{snap.reason}"))
    return lines


def panel_lines(view: PanelView, tr: Translator, zone: tzinfo) -> list[str]:
    """The body of a panel card."""
    snap, profile = view.snapshot, view.profile
    if snap is None:
        return [tr("panel-never")]
    if not snap.connected and snap.confirmed_at is None:  # never answered yet
        return [tr("panel-never"), *([tr(f"panel-reason-{snap.reason}")] if snap.reason else [])]
    lines = [*_connection(snap, tr, zone), ""]
    for number in view.partitions:
        state = partition_state(snap, number, tr)
        lines.append(tr("panel-line", name=partition_name(profile, number, tr), state=state))
    extra = [*_zone_lines(snap, profile, tr), *_system_lines(snap, profile, tr)]
    if extra:
        lines += ["", *extra]
    if view.events:
        lines += [
            "",
            tr("panel-log-latest"),
            *(log_line(e, profile, tr, zone) for e in view.events),
        ]
    if view.can_control:
        lines += ["", tr("panel-your-code", stored="yes" if view.has_code else "no")]
    return lines


def log_line(event: PanelEvent, profile: PanelProfile, tr: Translator, zone: tzinfo) -> str:
    """One record of the panel's event log: when, the panel's words, where, who."""
    detail = event.detail or {}
    parts = [escape(str(detail.get("text") or f"#{event.number}"))]
    partition = detail.get("partition")
    if isinstance(partition, int) and profile.name("partitions", partition):
        parts.append(partition_name(profile, partition, tr))
    who = detail.get("who")
    if isinstance(who, str) and who:
        parts.append(escape(who))
    when = clock_time(event.at, zone, clock.now())
    return tr("panel-log-line", time=when, text=" · ".join(parts))


def log_page(
    view: PanelView,
    records: Sequence[PanelEvent],
    page: int,
    pages: int,
    tr: Translator,
    zone: tzinfo,
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the panel's event log, newest first, with older and newer pages."""
    device_id = view.device.id
    title = tr("panel-log-title", device=escape(view.device.name), page=page + 1, pages=pages)
    body = [log_line(r, view.profile, tr, zone) for r in records] or [tr("panel-log-empty")]
    builder = InlineKeyboardBuilder()
    moves = [(page + 1, "panel-log-older"), (page - 1, "panel-log-newer")]
    shown = [(target, key) for target, key in moves if 0 <= target < pages]
    for target, key in shown:
        builder.button(
            text=tr(key), callback_data=PanelPress(op=PanelOp.LOG, device_id=device_id, mode=target)
        )
    _back(builder, device_id, tr)
    builder.adjust(max(1, len(shown)), 1)
    return "\n".join([title, "", *body]), builder.as_markup()


def _zone_lines(snap: PanelSnapshot, profile: PanelProfile, tr: Translator) -> list[str]:
    """Zones violated, tampered, bypassed, masked, in memory; outputs on."""
    extra = []
    for key, zones in (
        ("panel-violated", snap.zone("violated")),
        ("panel-tampered", snap.zone("tamper")),
        ("panel-bypassed", snap.zone("bypassed")),
        ("panel-masked", snap.zone("masked")),
        ("panel-alarm-memory", snap.zone("alarm_memory") - snap.zone("alarm")),
        ("panel-tamper-memory", snap.zone("tamper_memory") - snap.zone("tamper")),
    ):
        if zones:
            extra.append(tr(key, zones=zone_names(profile, zones, tr)))
    if snap.outputs:
        names = ", ".join(output_name(profile, n, tr) for n in sorted(snap.outputs))
        extra.append(tr("panel-outputs-on", outputs=names))
    for number, value in sorted(snap.temperatures.items()):
        name = zone_names(profile, [number], tr)
        shown = reading(temperature_metric(number), value)
        extra.append(tr("panel-temperature", zone=name, value=shown))
    return extra


def _system_lines(snap: PanelSnapshot, profile: PanelProfile, tr: Translator) -> list[str]:
    """Troubles now and in memory, service mode, a clock that is off."""
    extra = []
    if snap.troubles:
        names = ", ".join(trouble_name(t, tr, profile) for t in sorted(snap.troubles))
        extra.append(tr("panel-troubles", troubles=names))
    if snap.trouble_memory - snap.troubles:
        past = sorted(snap.trouble_memory - snap.troubles)
        names = ", ".join(trouble_name(t, tr, profile) for t in past)
        extra.append(tr("panel-trouble-memory", troubles=names))
    if snap.service_mode:
        extra.append(tr("panel-service-mode"))
    if snap.clock_offset is not None and abs(snap.clock_offset) > CLOCK_TOLERANCE:
        minutes = round(abs(snap.clock_offset) / 60)
        key = "panel-clock-behind" if snap.clock_offset < 0 else "panel-clock-ahead"
        extra.append(tr(key, minutes=minutes))
    return extra


def panel_buttons(view: PanelView, tr: Translator) -> list[tuple[str, PanelPress]]:
    """The panel's own buttons (owners and admins only), put above the card's usual ones."""
    if not view.can_control:
        return []
    device_id = view.device.id
    buttons = [
        (tr("panel-button-arm"), PanelPress(op=PanelOp.PICK, device_id=device_id, action="arm")),
        (
            tr("panel-button-disarm"),
            PanelPress(op=PanelOp.PICK, device_id=device_id, action="disarm"),
        ),
    ]
    snap = view.snapshot or PanelSnapshot()
    if snap.clearable:
        buttons.append(
            (
                tr("panel-button-clear"),
                PanelPress(op=PanelOp.PICK, device_id=device_id, action="clear"),
            )
        )
    if snap.trouble_memory - snap.troubles:
        buttons.append(
            (
                tr("panel-button-clear-troubles"),
                PanelPress(op=PanelOp.PICK, device_id=device_id, action="clear_troubles"),
            )
        )
    if view.profile.switchable():
        buttons.append(
            (tr("panel-button-outputs"), PanelPress(op=PanelOp.OUTPUTS, device_id=device_id))
        )
    if bypassable(view):
        buttons.append(
            (tr("panel-button-zones"), PanelPress(op=PanelOp.ZONES, device_id=device_id))
        )
    buttons.append((tr("panel-button-log"), PanelPress(op=PanelOp.LOG, device_id=device_id)))
    buttons.append((tr("panel-button-code"), PanelPress(op=PanelOp.CODE, device_id=device_id)))
    if view.has_code:
        buttons.append(
            (tr("panel-button-forget"), PanelPress(op=PanelOp.FORGET, device_id=device_id))
        )
    return buttons


def pick_partition(
    view: PanelView, action: PanelAction, tr: Translator
) -> tuple[str, InlineKeyboardMarkup]:
    """Which partition an action is for."""
    builder = InlineKeyboardBuilder()
    device_id = view.device.id
    op = PanelOp.MODE if action is PanelAction.ARM else PanelOp.ASK
    for number in view.partitions:
        builder.button(
            text=partition_name(view.profile, number, tr),
            callback_data=PanelPress(op=op, device_id=device_id, action=action, part=number),
        )
    if len(view.partitions) > 1:
        builder.button(
            text=tr("panel-button-all"),
            callback_data=PanelPress(op=op, device_id=device_id, action=action, part=0),
        )
    _back(builder, device_id, tr)
    builder.adjust(1)
    text = tr(
        "panel-pick-partition",
        action=tr(f"panel-action-{action.value}"),
        device=escape(view.device.name),
    )
    return text, builder.as_markup()


def pick_mode(view: PanelView, part: int, tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """In which mode to arm."""
    builder = InlineKeyboardBuilder()
    for mode in range(4):
        builder.button(
            text=tr("panel-button-mode", mode=mode),
            callback_data=PanelPress(
                op=PanelOp.ASK, device_id=view.device.id, action="arm", part=part, mode=mode
            ),
        )
    _back(builder, view.device.id, tr)
    builder.adjust(2, 2, 1)
    numbers = view.partitions if part == 0 else [part]
    return tr("panel-pick-mode", partitions=partitions_text(view.profile, numbers, tr)), (
        builder.as_markup()
    )


def confirm(proposal: Proposal, nonce: str, tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The confirmation question, with the violated zones and the bypass or force choice."""
    profile = PanelProfile.of(proposal.device.attributes)
    action = tr(f"panel-action-{proposal.action.value}")
    mode = ""
    if proposal.action is PanelAction.ARM:
        mode = tr("panel-confirm-mode", mode=tr(f"panel-mode-{proposal.mode}"))
    targets = targets_text(profile, proposal.action, proposal.partitions, proposal.items, tr)
    lines = [
        tr(
            "panel-confirm",
            action=action,
            partitions=targets,
            device=escape(proposal.device.name),
            mode=mode,
        )
    ]
    if proposal.action is PanelAction.BYPASS:
        lines.append(tr("panel-confirm-bypass"))
    builder = InlineKeyboardBuilder()
    device_id = proposal.device.id
    if proposal.violated:
        zones = zone_names(profile, proposal.violated, tr)
        lines += [tr("panel-confirm-violated", zones=zones), tr("panel-confirm-force", zones=zones)]
        builder.button(
            text=tr("panel-button-bypass", action=action, count=len(proposal.violated)),
            callback_data=PanelPress(op=PanelOp.GO, device_id=device_id, nonce=nonce, bypass=1),
        )
        builder.button(
            text=tr("panel-button-force"),
            callback_data=PanelPress(op=PanelOp.GO, device_id=device_id, nonce=nonce, bypass=2),
        )
    builder.button(
        text=tr("panel-button-confirm", action=action),
        callback_data=PanelPress(op=PanelOp.GO, device_id=device_id, nonce=nonce),
    )
    _back(builder, device_id, tr)
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def pick_output(view: PanelView, tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The outputs people may switch, each with what a press does."""
    builder = InlineKeyboardBuilder()
    snap, profile = view.snapshot or PanelSnapshot(), view.profile
    for number in profile.switchable()[:MAX_BUTTONS]:
        name = output_name(profile, number, tr)
        on = number in snap.outputs
        if profile.pulse(number):
            key, turn = "panel-output-pulse", 1
        else:
            key, turn = ("panel-output-off", 0) if on else ("panel-output-on", 1)
        mark = " ⚠️" if number in profile.critical_outputs else ""
        builder.button(
            text=tr(key, name=name, state="🟢" if on else "⚪") + mark,
            callback_data=PanelPress(
                op=PanelOp.OUTPUT, device_id=view.device.id, part=number, mode=turn
            ),
        )
    _back(builder, view.device.id, tr)
    builder.adjust(1)
    return tr("panel-pick-output", device=escape(view.device.name)), builder.as_markup()


def pick_zone(view: PanelView, page: int, tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The zones to bypass or unbypass, bypassed and violated ones first, a page at a time."""
    snap, profile = view.snapshot or PanelSnapshot(), view.profile
    bypassed, violated = snap.zone("bypassed"), snap.zone("violated")
    zones = sorted(bypassable(view), key=lambda z: (z not in bypassed, z not in violated, z))
    pages = max(1, -(-len(zones) // ZONES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    builder = InlineKeyboardBuilder()
    device_id = view.device.id
    for zone in zones[page * ZONES_PER_PAGE : (page + 1) * ZONES_PER_PAGE]:
        name = zone_names(profile, [zone], tr)
        if zone in bypassed:
            text, on = tr("panel-zone-unbypass", name=name), 0
        else:
            text, on = (
                tr("panel-zone-bypass", name=name, violated="yes" if zone in violated else "no"),
                1,
            )
        builder.button(
            text=text,
            callback_data=PanelPress(op=PanelOp.ZONE, device_id=device_id, part=zone, mode=on),
        )
    sizes = [1] * len(zones[page * ZONES_PER_PAGE : (page + 1) * ZONES_PER_PAGE])
    if pages > 1:
        for target, label in ((page - 1, "◀"), (page + 1, "▶")):
            if 0 <= target < pages:
                builder.button(
                    text=label,
                    callback_data=PanelPress(op=PanelOp.ZONES, device_id=device_id, mode=target),
                )
        sizes.append(2 if 0 < page < pages - 1 else 1)
    _back(builder, device_id, tr)
    builder.adjust(*sizes, 1)
    text = tr("panel-pick-zone", device=escape(view.device.name), page=page + 1, pages=pages)
    return text, builder.as_markup()


def _back(builder: InlineKeyboardBuilder, device_id: int, tr: Translator) -> None:
    from bot.callbacks import DeviceAction, DeviceOp  # noqa: PLC0415 - one keyboard helper

    builder.button(
        text=tr("prompt-cancel"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id)
    )


def working(proposal: Proposal, tr: Translator) -> str:
    """While the panel works."""
    profile = PanelProfile.of(proposal.device.attributes)
    action = proposal.action
    return tr(
        "panel-working",
        device=escape(proposal.device.name),
        action=tr(f"panel-action-{action.value}"),
        partitions=targets_text(profile, action, proposal.partitions, proposal.items, tr),
    )


def outcome_text(outcome: PanelOutcome, tr: Translator) -> str:
    """The panel's answer in plain words."""
    profile = PanelProfile.of(outcome.device.attributes)
    action = outcome.action
    return tr(
        f"panel-result-{outcome.result}",
        action=tr(f"panel-action-{action.value}"),
        partitions=targets_text(profile, action, outcome.partitions, outcome.items, tr),
        seconds=f"{outcome.seconds:.1f}",
        left=outcome.attempts_left if outcome.attempts_left is not None else 0,
    )


def arming_headline(payload: ArmingPayload, tr: Translator, device: str) -> str:
    """The first line of an arming notice: which partition, how, by whom."""
    group_name = payload.target_name or tr("panel-partition", number=payload.number)
    by = tr("alert-panel-by", name=escape(payload.by)) if payload.by else ""
    if payload.armed:
        mode = tr(f"panel-mode-{payload.mode}")
        return tr("alert-panel-armed", target=escape(group_name), mode=mode, by=by, device=device)
    return tr("alert-panel-disarmed", target=escape(group_name), by=by, device=device)


def panel_headline(payload: EpisodePayload, tr: Translator, device: str) -> str:
    """The first line of a panel alert: alarm, fire, tamper or trouble, and where."""
    if payload.kind == Kind.PANEL_TROUBLE:
        code = payload.trouble or payload.metric
        _, number = trouble_kind(code)
        named = payload.target_name or ""
        names = {"zones": {number: named}, "outputs": {number: named}} if named else {}
        target = trouble_name(code, tr, PanelProfile(names=names))
    else:
        word = "panel-zone" if payload.kind == Kind.PANEL_TAMPER else "panel-partition"
        target = escape(payload.target_name or tr(word, number=payload.number))
    base = "alert-" + payload.kind.replace("_", "-")
    key = base if payload.is_opening else f"{base}-back"
    return tr(key, target=target, device=device)


def panel_details(payload: EpisodePayload, tr: Translator) -> list[str]:
    """Under a panel alarm's headline: the zones that raised it, by name."""
    if not payload.zones:
        return []
    names = ", ".join(
        escape(name or tr("panel-zone", number=number))
        for number, name in sorted(payload.zones.items())
    )
    return [tr("alert-panel-zones", zones=names, count=len(payload.zones))]
