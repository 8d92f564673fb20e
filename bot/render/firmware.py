"""Texts and buttons of firmware: the card's update line, /firmware, rollout cards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import FirmwareAction, FirmwareOp
from bot.i18n import Translator
from core.devices.models import Device
from core.firmware.models import FirmwareImage, FirmwareRollout
from core.firmware.offers import FirmwareNews
from core.firmware.shelly import ShellyNews

STATES = (
    "queued", "sent", "downloading", "verifying", "rebooting", "done", "failed", "rolled_back",
    "timed_out",
)  # fmt: skip
FAILURES_SHOWN = 5
CANARIES = (0, 1, 3, 5)
PACES = (10, 100, 1000)
CHOOSER_PAGE = 8  # devices per page of the picker
CHOSEN_SHOWN = 10  # names of chosen devices the plan lists


def size(n: int) -> str:
    """A size people read: 1.4 MB, 620 KB."""
    if n >= 1_000_000:  # noqa: PLR2004
        return f"{n / 1_000_000:.1f} MB"
    return f"{max(1, round(n / 1000))} KB"


def news_lines(news: FirmwareNews | None, tr: Translator, zone: tzinfo) -> list[str]:
    """The card's lines about firmware: an update under way, or one on offer."""
    if news is None:
        return []
    version = escape(news.version)
    if news.state is None:
        lines = [tr("firmware-offer", version=version)]
        if news.notes:
            lines.append(tr("firmware-offer-notes", notes=escape(news.notes)))
        return lines
    if news.state == "queued" and news.not_before is not None:
        when = f"{news.not_before.astimezone(zone):%Y-%m-%d %H:%M}"
        return [tr("firmware-updating-tonight", version=version, time=when)]
    if news.state == "downloading" and news.progress is not None:
        return [tr("firmware-updating-progress", version=version, progress=news.progress)]
    return [tr("firmware-updating", version=version, state=tr(f"firmware-state-{news.state}"))]


def offer_buttons(
    news: FirmwareNews | None, device_id: int, tr: Translator
) -> list[tuple[str, FirmwareAction]]:
    """Update now / tonight / skip, for an update on offer."""
    if news is None or news.state is not None:
        return []
    ops = (("now", FirmwareOp.NOW), ("tonight", FirmwareOp.TONIGHT), ("skip", FirmwareOp.SKIP))
    return [
        (
            tr(f"firmware-button-{key}"),
            FirmwareAction(op=op, device_id=device_id, image_id=news.image_id),
        )
        for key, op in ops
    ]


def shelly_lines(news: ShellyNews | None, tr: Translator) -> list[str]:
    """A Shelly card's lines about its own firmware: an update under way, or one on offer."""
    if news is None:
        return []
    version = escape(news.version)
    if news.state is None:
        lines = [tr("shelly-offer", version=version)]
        if news.failure:
            lines.append(tr("shelly-last-failed", reason=escape(news.failure)))
        return lines
    if news.state == "downloading" and news.progress is not None:
        return [tr("shelly-updating-progress", version=version, progress=news.progress)]
    return [tr("shelly-updating", version=version, state=tr(f"firmware-state-{news.state}"))]


def shelly_buttons(
    news: ShellyNews | None, device_id: int, tr: Translator
) -> list[tuple[str, FirmwareAction]]:
    """Update, for a firmware the Shelly offers."""
    if news is None or news.state is not None:
        return []
    data = FirmwareAction(op=FirmwareOp.SHELLY_ASK, device_id=device_id, version=news.version)
    return [(tr("shelly-button-update", version=news.version), data)]


def images_screen(
    images: Sequence[FirmwareImage],
    rollouts: Sequence[FirmwareRollout],
    tr: Translator,
    zone: tzinfo,
) -> tuple[str, InlineKeyboardMarkup]:
    """/firmware: the images, the recent rollouts, and what can be done with them."""
    lines = [tr("firmware-title"), ""]
    if not images:
        lines.append(tr("firmware-none"))
    builder = InlineKeyboardBuilder()
    for image in images:
        notes = f" — {escape(image.notes)}" if image.notes else ""
        lines.append(
            tr(
                "firmware-image",
                kind=escape(image.kind),
                version=escape(image.version),
                size=size(image.size),
                date=f"{image.created_at.astimezone(zone):%Y-%m-%d}",
                notes=notes,
            )
        )
        names = {"kind": image.kind, "version": image.version}
        builder.button(
            text=tr("firmware-button-plan", **names),
            callback_data=FirmwareAction(op=FirmwareOp.PLAN, image_id=image.id),
        )
        builder.button(
            text=tr("firmware-button-remove", **names),
            callback_data=FirmwareAction(op=FirmwareOp.REMOVE, image_id=image.id),
        )
    if images:
        lines += ["", tr("firmware-send-hint")]
    if rollouts:
        lines += ["", tr("firmware-rollouts")]
    for rollout in rollouts:
        lines.append(
            tr(
                "firmware-rollout-line",
                id=rollout.id,
                kind=escape(rollout.kind),
                version=escape(rollout.version),
                state=tr(f"firmware-rollout-{rollout.state}"),
            )
        )
        builder.button(
            text=tr("firmware-button-card", id=rollout.id),
            callback_data=FirmwareAction(op=FirmwareOp.CARD, rollout_id=rollout.id),
        )
    builder.adjust(*([2] * len(images)), 1)
    return "\n".join(lines), builder.as_markup()


def plan_screen(
    image: FirmwareImage,
    count: int,
    canary: int,
    pace: int,
    limit: int,
    tr: Translator,
    chosen: Sequence[Device] = (),
) -> tuple[str, InlineKeyboardMarkup]:
    """The rollout about to start, with its canary, pace and devices to change (`chosen`:
    the devices picked, none for every device of the kind)."""
    text = tr(
        "firmware-plan",
        kind=escape(image.kind),
        version=escape(image.version),
        count=count,
        canary=canary,
        pace=pace,
        limit=limit,
    )
    if chosen:
        names = ", ".join(escape(d.name) for d in chosen[:CHOSEN_SHOWN])
        more = len(chosen) - CHOSEN_SHOWN
        text += "\n" + tr("firmware-plan-chosen", names=names, more=max(0, more))
    following_canary = (
        CANARIES[(CANARIES.index(canary) + 1) % len(CANARIES)] if canary in CANARIES else 1
    )
    following_pace = PACES[(PACES.index(pace) + 1) % len(PACES)] if pace in PACES else 100
    builder = InlineKeyboardBuilder()
    for label, data in (
        (tr("firmware-button-canary", canary=canary),
         FirmwareAction(op=FirmwareOp.PLAN, image_id=image.id, canary=following_canary, pace=pace)),
        (tr("firmware-button-pace", pace=pace),
         FirmwareAction(op=FirmwareOp.PLAN, image_id=image.id, canary=canary, pace=following_pace)),
        (tr("firmware-button-choose"),
         FirmwareAction(op=FirmwareOp.CHOOSE, image_id=image.id, canary=canary, pace=pace)),
        (tr("firmware-button-start"),
         FirmwareAction(op=FirmwareOp.START, image_id=image.id, canary=canary, pace=pace)),
        (tr("prompt-cancel"), FirmwareAction(op=FirmwareOp.IMAGES)),
    ):  # fmt: skip
        builder.button(text=label, callback_data=data)
    builder.adjust(2, 1, 2)
    return text, builder.as_markup()


def chooser(
    image: FirmwareImage,
    candidates: Sequence[Device],
    chosen: set[int],
    page: int,
    canary: int,
    pace: int,
    tr: Translator,
) -> tuple[str, InlineKeyboardMarkup]:
    """The devices that do not run the image yet, a page at a time, each taken in or out by
    a press; then back to the plan."""
    pages = max(1, -(-len(candidates) // CHOOSER_PAGE))
    page = min(max(0, page), pages - 1)
    shown = candidates[page * CHOOSER_PAGE : (page + 1) * CHOOSER_PAGE]
    text = tr(
        "firmware-choose",
        kind=escape(image.kind),
        version=escape(image.version),
        chosen=len(chosen),
        count=len(candidates),
    )
    base = {"image_id": image.id, "canary": canary, "pace": pace}
    builder = InlineKeyboardBuilder()
    for device in shown:
        mark = "☑️" if device.id in chosen else "⬜"
        online = "" if device.is_online else " 📴"
        builder.button(
            text=f"{mark} {device.name} · {device.uid}{online}",
            callback_data=FirmwareAction(
                op=FirmwareOp.TOGGLE, device_id=device.id, page=page, **base
            ),
        )
    paging = []
    if page > 0:
        paging.append(("◀️", FirmwareAction(op=FirmwareOp.CHOOSE, page=page - 1, **base)))
    if page < pages - 1:
        paging.append(("▶️", FirmwareAction(op=FirmwareOp.CHOOSE, page=page + 1, **base)))
    for label, data in paging:
        builder.button(text=label, callback_data=data)
    builder.button(
        text=tr("firmware-button-chosen", chosen=len(chosen)),
        callback_data=FirmwareAction(op=FirmwareOp.PLAN, **base),
    )
    builder.button(
        text=tr("firmware-button-all"), callback_data=FirmwareAction(op=FirmwareOp.ALL, **base)
    )
    builder.adjust(*([1] * len(shown)), *([len(paging)] if paging else []), 2)
    return text, builder.as_markup()


def rollout_card(
    rollout: FirmwareRollout,
    counts: dict[str, int],
    failures: Sequence[tuple[str, str, str]],
    tr: Translator,
) -> tuple[str, InlineKeyboardMarkup]:
    """A rollout's card: counts per state, the failures with their reasons, its buttons."""
    lines = [
        tr(
            "firmware-card-title",
            id=rollout.id,
            kind=escape(rollout.kind),
            version=escape(rollout.version),
            state=tr(f"firmware-rollout-{rollout.state}"),
        )
    ]
    shown = [
        tr("firmware-card-count", state=tr(f"firmware-state-{s}"), n=counts[s])
        for s in STATES
        if counts.get(s)
    ]
    lines.append(tr("firmware-card-counts", counts=" · ".join(shown)))
    for name, state, error in failures[:FAILURES_SHOWN]:
        lines.append(
            tr(
                "firmware-card-failure",
                name=escape(name),
                state=tr(f"firmware-state-{state}"),
                error=escape(error),
            )
        )
    if rollout.state == "halted" and rollout.halt_reason:
        lines.append(tr("firmware-card-halted", reason=escape(rollout.halt_reason)))
    builder = InlineKeyboardBuilder()
    buttons = {"running": ("pause", "halt"), "paused": ("resume", "halt")}.get(rollout.state, ())
    ops = {"pause": FirmwareOp.PAUSE, "resume": FirmwareOp.RESUME, "halt": FirmwareOp.HALT}
    for name in buttons:
        builder.button(
            text=tr(f"firmware-button-{name}"),
            callback_data=FirmwareAction(op=ops[name], rollout_id=rollout.id),
        )
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()
