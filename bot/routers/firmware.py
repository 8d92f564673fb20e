"""Firmware from the chat: /firmware for platform admins (images, rollouts and their cards)
and, on a device's card, an owner's answer to an update on offer."""

from __future__ import annotations

import contextlib
import io
import logging
from datetime import tzinfo
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import FirmwareAction, FirmwareOp
from bot.cards import device_card
from bot.filters.platform_admin import PlatformAdmin
from bot.i18n import Translator
from bot.render import firmware as render
from bot.replies import edit, show
from core import clock
from core.devices.kinds import all_kinds
from core.devices.overview import DeviceOverview
from core.devices.relays import RelayPanel
from core.errors import NotFound
from core.firmware import offers
from core.firmware.repository import ImageRepository, RolloutRepository, UpdateRepository
from core.firmware.service import (
    VERSION,
    ImageInUseError,
    ImageRefusedError,
    NothingToUpdateError,
    add_image,
    remove_image,
    set_state,
    start_rollout,
    to_update,
)
from core.users.models import User

log = logging.getLogger(__name__)
MAX_FETCH_BYTES = 20 * 1024 * 1024  # what getFile lets a bot download
FAILURE_LIMIT = 10  # percent, for rollouts started from the chat
CHOICE_IMAGE, CHOICE = "rollout_image", "rollout_devices"  # an admin's picked devices (FSM)


class Upload(StatesGroup):
    """An admin adding an image: its kind, then its version, then its notes."""

    kind = State()
    version = State()
    notes = State()


def _ota_kinds() -> list[str]:
    return [kind.code for kind in all_kinds() if kind.ota]


async def _images(
    session: AsyncSession, tr: Translator, zone: tzinfo
) -> tuple[str, InlineKeyboardMarkup]:
    images = await ImageRepository(session).listed()
    rollouts = await RolloutRepository(session).recent(5)
    return render.images_screen(images, rollouts, tr, zone)


async def show_images(
    message: Message, session: AsyncSession, tr: Translator, zone: tzinfo
) -> None:
    """/firmware: images and rollouts."""
    text, markup = await _images(session, tr, zone)
    await message.answer(text, reply_markup=markup)


async def images_again(
    query: CallbackQuery, session: AsyncSession, tr: Translator, zone: tzinfo, state: FSMContext
) -> None:
    """Back to /firmware (a plan cancelled)."""
    await state.clear()
    await show(query, *await _images(session, tr, zone))


async def receive_file(message: Message, state: FSMContext, tr: Translator) -> None:
    """A file sent by an admin: an image to add; ask which devices it is for."""
    document = message.document
    assert document is not None  # noqa: S101 - the filter
    if (document.file_size or 0) > MAX_FETCH_BYTES:
        await message.answer(tr("firmware-too-big"))
        return
    await state.set_state(Upload.kind)
    await state.update_data(file_id=document.file_id, name=document.file_name or "firmware.bin")
    builder = InlineKeyboardBuilder()
    for index, code in enumerate(_ota_kinds()):
        builder.button(text=code, callback_data=FirmwareAction(op=FirmwareOp.KIND, kind=index))
    builder.button(text=tr("prompt-cancel"), callback_data=FirmwareAction(op=FirmwareOp.IMAGES))
    builder.adjust(2)
    name = escape(document.file_name or "firmware.bin")
    size = render.size(document.file_size or 0)
    await message.answer(
        tr("firmware-ask-kind", name=name, size=size), reply_markup=builder.as_markup()
    )


async def choose_kind(
    query: CallbackQuery, callback_data: FirmwareAction, state: FSMContext, tr: Translator
) -> None:
    """The kind chosen: ask for the version."""
    kinds = _ota_kinds()
    if not 0 <= callback_data.kind < len(kinds):
        await show(query, tr("error-stale"), None)
        return
    await state.update_data(kind=kinds[callback_data.kind])
    await state.set_state(Upload.version)
    await show(query, tr("firmware-ask-version"), None)


async def take_version(message: Message, state: FSMContext, tr: Translator) -> None:
    """The version typed: ask for notes."""
    version = (message.text or "").strip()
    if not VERSION.fullmatch(version):
        await message.answer(tr("firmware-bad-version", version=escape(version[:40])))
        return
    await state.update_data(version=version)
    await state.set_state(Upload.notes)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("firmware-button-no-notes"), callback_data=FirmwareAction(op=FirmwareOp.NO_NOTES)
    )
    await message.answer(tr("firmware-ask-notes"), reply_markup=builder.as_markup())


async def take_notes(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    bot: Bot,
    tr: Translator,
) -> None:
    """Notes typed: fetch the file and add the image."""
    text, markup = await _add(state, session, user, bot, tr, (message.text or "").strip())
    await message.answer(text, reply_markup=markup)


async def no_notes(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    bot: Bot,
    tr: Translator,
) -> None:
    """No notes: fetch the file and add the image."""
    await show(query, *await _add(state, session, user, bot, tr, ""))


async def _add(
    state: FSMContext,
    session: AsyncSession,
    user: User,
    bot: Bot,
    tr: Translator,
    notes: str,
) -> tuple[str, InlineKeyboardMarkup | None]:
    data = await state.get_data()
    await state.clear()
    kind, version = str(data.get("kind", "")), str(data.get("version", ""))
    buffer = io.BytesIO()
    await bot.download(str(data.get("file_id", "")), destination=buffer)
    try:
        image = await add_image(
            session, kind, version, buffer.getvalue(), notes=notes[:500], added_by=user.id
        )
    except ImageRefusedError as err:
        reason = str(err.args_for_text.get("reason"))
        key = f"firmware-refused-{reason}" if reason in ("exists", "empty", "too_large") else ""
        said = (
            tr(key, kind=kind, version=escape(version))
            if key
            else tr("firmware-refused-other", reason=reason)
        )
        return tr("firmware-refused", reason=said), None
    await session.commit()
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("firmware-button-plan", kind=kind, version=version),
        callback_data=FirmwareAction(op=FirmwareOp.PLAN, image_id=image.id),
    )
    text = tr("firmware-added", kind=escape(kind), version=escape(version),
              size=render.size(image.size), sha=image.sha256)  # fmt: skip
    return text, builder.as_markup()


async def _chosen(state: FSMContext, image_id: int) -> set[int]:
    """The devices an admin picked for a rollout of `image_id` (none: every device)."""
    data = await state.get_data()
    if data.get(CHOICE_IMAGE) != image_id:
        return set()
    return {int(d) for d in data.get(CHOICE, [])}


async def _choose(state: FSMContext, image_id: int, chosen: set[int]) -> None:
    await state.update_data({CHOICE_IMAGE: image_id, CHOICE: sorted(chosen)})


async def plan(
    query: CallbackQuery,
    callback_data: FirmwareAction,
    session: AsyncSession,
    state: FSMContext,
    tr: Translator,
) -> None:
    """The rollout of an image, to confirm (its canary, pace and devices changed by
    pressing)."""
    image = await ImageRepository(session).get(callback_data.image_id)
    if image is None:
        raise NotFound
    chosen = await _chosen(state, image.id)
    targets = await to_update(session, image, sorted(chosen) if chosen else None)
    if not targets:
        await show(
            query, tr("firmware-nothing", kind=image.kind, version=escape(image.version)), None
        )
        return
    text, markup = render.plan_screen(
        image,
        len(targets),
        callback_data.canary,
        callback_data.pace,
        FAILURE_LIMIT,
        tr,
        targets if chosen else (),
    )
    await show(query, text, markup)


async def choose(
    query: CallbackQuery,
    callback_data: FirmwareAction,
    session: AsyncSession,
    state: FSMContext,
    tr: Translator,
) -> None:
    """The devices to choose from (a page), or one taken in or out first."""
    image = await ImageRepository(session).get(callback_data.image_id)
    if image is None:
        raise NotFound
    candidates = sorted(await to_update(session, image), key=lambda d: (d.name.lower(), d.id))
    chosen = await _chosen(state, image.id) & {d.id for d in candidates}
    if callback_data.op == FirmwareOp.TOGGLE:
        chosen ^= {callback_data.device_id} & {d.id for d in candidates}
        await _choose(state, image.id, chosen)
    text, markup = render.chooser(
        image, candidates, chosen, callback_data.page, callback_data.canary, callback_data.pace, tr
    )
    await show(query, text, markup)


async def choose_all(
    query: CallbackQuery,
    callback_data: FirmwareAction,
    session: AsyncSession,
    state: FSMContext,
    tr: Translator,
) -> None:
    """No choice: every device of the kind; back to the plan."""
    await _choose(state, callback_data.image_id, set())
    await plan(query, callback_data, session, state, tr)


async def start(
    query: CallbackQuery,
    callback_data: FirmwareAction,
    session: AsyncSession,
    user: User,
    state: FSMContext,
    tr: Translator,
) -> None:
    """Start the rollout (to the chosen devices, when some were); this message becomes its
    card."""
    chosen = await _chosen(state, callback_data.image_id)
    try:
        rollout = await start_rollout(
            session,
            callback_data.image_id,
            device_ids=sorted(chosen) if chosen else None,
            canary=callback_data.canary,
            pace=callback_data.pace,
            failure_limit=FAILURE_LIMIT,
            created_by=user.id,
            now=clock.now(),
        )
    except NothingToUpdateError as err:
        names = err.args_for_text
        text = tr(
            "firmware-nothing", kind=str(names["kind"]), version=escape(str(names["version"]))
        )
        await show(query, text, None)
        return
    await session.commit()
    await _choose(state, 0, set())
    await _show_card(query, session, rollout.id, tr)


async def _show_card(
    query: CallbackQuery, session: AsyncSession, rollout_id: int, tr: Translator
) -> None:
    rollout = await RolloutRepository(session).get(rollout_id)
    if rollout is None:
        raise NotFound
    updates = UpdateRepository(session)
    counts = await updates.counts(rollout.id)
    failures = await updates.failures(rollout.id, render.FAILURES_SHOWN)
    await show(query, *render.rollout_card(rollout, counts, failures, tr))
    message = query.message
    if isinstance(message, Message):  # the card is kept up to date where it was shown last
        await RolloutRepository(session).set_card(rollout.id, message.chat.id, message.message_id)
        await session.commit()


async def open_card(
    query: CallbackQuery, callback_data: FirmwareAction, session: AsyncSession, tr: Translator
) -> None:
    """A rollout's card."""
    await _show_card(query, session, callback_data.rollout_id, tr)


async def change_rollout(
    query: CallbackQuery,
    callback_data: FirmwareAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
) -> None:
    """Pause, resume or halt a rollout."""
    wanted = {FirmwareOp.PAUSE: "paused", FirmwareOp.RESUME: "running", FirmwareOp.HALT: "halted"}
    await set_state(
        session, callback_data.rollout_id, wanted[callback_data.op], clock.now(), user.id
    )
    await session.commit()
    await _show_card(query, session, callback_data.rollout_id, tr)


async def remove(
    query: CallbackQuery,
    callback_data: FirmwareAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Remove an image no rollout uses."""
    try:
        image = await remove_image(session, callback_data.image_id, user.id)
    except ImageInUseError as err:
        names = err.args_for_text
        await show(
            query,
            tr("firmware-in-use", kind=str(names["kind"]), version=escape(str(names["version"]))),
            None,
        )
        return
    await session.commit()
    text, markup = await _images(session, tr, zone)
    said = tr("firmware-removed", kind=escape(image.kind), version=escape(image.version))
    await show(query, f"{said}\n\n{text}", markup)


async def owner_answer(
    query: CallbackQuery,
    callback_data: FirmwareAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
    zone: tzinfo,
    overview: DeviceOverview,
    panel: RelayPanel,
) -> None:
    """Update now, tonight, or skip this version — then the card again."""
    when: offers.When = {FirmwareOp.NOW: "now", FirmwareOp.TONIGHT: "tonight"}.get(
        callback_data.op, "skip"
    )  # type: ignore[assignment]
    now = clock.now()
    answered = await offers.answer(
        session, user.id, callback_data.device_id, callback_data.image_id, when, now, zone
    )
    await session.commit()
    view = await overview.device(session, user.id, answered.device.id)
    text, markup = await device_card(session, view, panel, tr, zone)
    await edit(query, text, markup)
    version = answered.version  # a toast is plain text
    if when == "skip":
        said = tr("firmware-skipped", version=version)
    elif answered.at is not None:
        said = tr("firmware-scheduled", version=version, time=f"{answered.at:%Y-%m-%d %H:%M}")
    else:
        said = tr("firmware-started", version=version)
    with contextlib.suppress(TelegramBadRequest):  # the press may be too old to answer
        await query.answer(said)


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="firmware")
    admin = PlatformAdmin()
    router.message.register(show_images, Command("firmware"), admin)
    router.message.register(receive_file, F.document, admin)
    router.message.register(take_version, Upload.version, F.text, admin)
    router.message.register(take_notes, Upload.notes, F.text, admin)
    on = FirmwareAction.filter
    router.callback_query.register(images_again, on(F.op == FirmwareOp.IMAGES), admin)
    router.callback_query.register(choose_kind, on(F.op == FirmwareOp.KIND), Upload.kind, admin)
    router.callback_query.register(no_notes, on(F.op == FirmwareOp.NO_NOTES), Upload.notes, admin)
    router.callback_query.register(plan, on(F.op == FirmwareOp.PLAN), admin)
    router.callback_query.register(start, on(F.op == FirmwareOp.START), admin)
    router.callback_query.register(
        choose, on(F.op.in_({FirmwareOp.CHOOSE, FirmwareOp.TOGGLE})), admin
    )
    router.callback_query.register(choose_all, on(F.op == FirmwareOp.ALL), admin)
    router.callback_query.register(open_card, on(F.op == FirmwareOp.CARD), admin)
    router.callback_query.register(
        change_rollout, on(F.op.in_({FirmwareOp.PAUSE, FirmwareOp.RESUME, FirmwareOp.HALT})), admin
    )
    router.callback_query.register(remove, on(F.op == FirmwareOp.REMOVE), admin)
    router.callback_query.register(
        owner_answer, on(F.op.in_({FirmwareOp.NOW, FirmwareOp.TONIGHT, FirmwareOp.SKIP}))
    )
    return router
