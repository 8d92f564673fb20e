"""SATEL panel buttons: arm (partition, mode), disarm, clear alarm, outputs, zone bypass, and
the person's own code.

Every action is checked on the server and confirmed by the person who asked, within 30 s
(the confirmation lives in Redis; the button only names it) — except switching an output not
marked critical, which one press does. Violated zones are shown before arming, with the
choice to bypass them for this arming or to force the arming. A person without a stored code
is asked for one after confirming; the message holding a code is deleted at once.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import tzinfo
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DeviceAction, DeviceOp, PanelOp, PanelPress
from bot.cards import device_card
from bot.i18n import Translator
from bot.keyboards.devices import back_to_card
from bot.render import satel as render
from bot.replies import edit, edit_prompt, show
from core.devices.overview import DeviceOverview
from core.devices.relays import RelayPanel
from core.errors import StaleAction
from core.panels.requests import PanelAction
from core.panels.service import CODE_SECONDS, PanelService, Proposal, check_code
from core.users.models import User

log = logging.getLogger(__name__)

FORCE = 2  # the confirmation's `bypass` value that asks for forced arming


class PanelStates(StatesGroup):
    """The person was asked for a panel code."""

    waiting_code = State()


def _action(value: str) -> PanelAction:
    try:
        return PanelAction(value)
    except ValueError:
        raise StaleAction from None  # a forged button


async def pick(
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    tr: Translator,
) -> None:
    """Which partition (skipped when the panel has one)."""
    action = _action(callback_data.action)
    if action is PanelAction.CLEAR_TROUBLES:
        proposal = await panels.propose_clear_troubles(session, user.id, callback_data.device_id)
        nonce = await panels.hold(user.id, proposal)
        await show(query, *render.confirm(proposal, nonce, tr))
        return
    view = await panels.view(session, user.id, callback_data.device_id, control=True)
    if len(view.partitions) == 1:
        part = view.partitions[0]
        if action is PanelAction.ARM:
            await show(query, *render.pick_mode(view, part, tr))
        else:
            await _ask(query, session, user, panels, tr, callback_data.device_id, action, part, 0)
        return
    await show(query, *render.pick_partition(view, action, tr))


async def mode(
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    tr: Translator,
) -> None:
    """In which mode to arm."""
    view = await panels.view(session, user.id, callback_data.device_id, control=True)
    await show(query, *render.pick_mode(view, callback_data.part, tr))


async def ask(
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    tr: Translator,
) -> None:
    """Check the action and ask the person to confirm it."""
    data = callback_data
    action = _action(data.action)
    await _ask(query, session, user, panels, tr, data.device_id, action, data.part, data.mode)


async def _ask(  # noqa: PLR0913, PLR0917 - the pieces of one question
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    tr: Translator,
    device_id: int,
    action: PanelAction,
    part: int,
    arm_mode: int,
) -> None:
    view = await panels.view(session, user.id, device_id)
    chosen = view.partitions if part == 0 else [part]
    proposal = await panels.propose(session, user.id, device_id, action, chosen, arm_mode)
    nonce = await panels.hold(user.id, proposal)
    await show(query, *render.confirm(proposal, nonce, tr))


async def go(  # noqa: PLR0913 - aiogram hands each dependency by name
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    overview: DeviceOverview,
    panel: RelayPanel,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """The confirmation: ask for a code if none is stored, else carry the action out."""
    proposal = await panels.take(session, user.id, callback_data.nonce)
    bypass = proposal.violated if callback_data.bypass == 1 else ()
    if callback_data.bypass == FORCE and proposal.action is PanelAction.ARM:
        proposal = replace(proposal, force=True)
    await _proceed(query, session, user, panels, overview, panel, state, tr, zone, proposal, bypass)


async def _proceed(  # noqa: PLR0913, PLR0917 - the pieces of one action
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    overview: DeviceOverview,
    panel: RelayPanel,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
    proposal: Proposal,
    bypass: tuple[int, ...],
) -> None:
    """A decided action: ask for the code when none is stored, else carry it out."""
    if proposal.needs_code:
        nonce = await panels.hold(user.id, proposal, CODE_SECONDS)
        await state.set_state(PanelStates.waiting_code)
        await state.set_data(
            {
                "purpose": "action",
                "nonce": nonce,
                "bypass": list(bypass),
                "prompt": _id(query),
                "back": DeviceAction(op=DeviceOp.OPEN, device_id=proposal.device.id).pack(),
            }
        )
        text = tr("panel-ask-code", device=escape(proposal.device.name))
        await show(query, text, back_to_card(proposal.device.id, tr))
        return
    await show(query, render.working(proposal, tr), None)
    text, markup = await _run(session, user, panels, overview, panel, tr, zone, proposal, bypass)
    await edit(query, text, markup)


async def _run(  # noqa: PLR0913, PLR0917
    session: AsyncSession,
    user: User,
    panels: PanelService,
    overview: DeviceOverview,
    panel: RelayPanel,
    tr: Translator,
    zone: tzinfo,
    proposal: Proposal,
    bypass: tuple[int, ...] | list[int],
    code: str | None = None,
) -> tuple[str, Any]:
    outcome = await panels.execute(
        session, user.id, proposal, by=user.first_name, bypass=tuple(bypass), code=code
    )
    view = await overview.device(session, user.id, proposal.device.id)
    card, markup = await device_card(session, view, panel, tr, zone)
    return f"{render.outcome_text(outcome, tr)}\n\n{card}", markup


async def ask_code(
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    state: FSMContext,
    tr: Translator,
) -> None:
    """Prompt for the code to store."""
    view = await panels.view(session, user.id, callback_data.device_id, control=True)
    await state.set_state(PanelStates.waiting_code)
    back = DeviceAction(op=DeviceOp.OPEN, device_id=view.device.id).pack()
    await state.set_data(
        {"purpose": "store", "device_id": view.device.id, "prompt": _id(query), "back": back}
    )
    text = tr("panel-ask-store", device=escape(view.device.name))
    await show(query, text, back_to_card(view.device.id, tr))


async def forget_code(  # noqa: PLR0913
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    overview: DeviceOverview,
    panel: RelayPanel,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Delete the person's stored code."""
    device = await panels.forget_code(session, user.id, callback_data.device_id)
    view = await overview.device(session, user.id, device.id)
    card, markup = await device_card(session, view, panel, tr, zone)
    notice = tr("panel-code-forgotten", device=escape(device.name))
    await show(query, f"{notice}\n\n{card}", markup)


async def code_typed(  # noqa: PLR0913
    message: Message,
    *,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    overview: DeviceOverview,
    panel: RelayPanel,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """A code arrived: delete the message at once, then store it or use it once."""
    code = (message.text or "").strip()
    with contextlib.suppress(TelegramBadRequest):
        await message.delete()
    check_code(code)  # a typo is answered and the prompt keeps waiting for the code
    data = await state.get_data()
    await state.clear()
    if data.get("purpose") == "store":
        device = await panels.store_code(session, user.id, int(data["device_id"]), code)
        view = await overview.device(session, user.id, device.id)
        card, markup = await device_card(session, view, panel, tr, zone)
        notice = tr("panel-code-stored", device=escape(device.name))
        await edit_prompt(message, data.get("prompt"), f"{notice}\n\n{card}", markup)
        return
    proposal = await panels.take(session, user.id, str(data.get("nonce")))
    prompt = await edit_prompt(message, data.get("prompt"), render.working(proposal, tr), None)
    bypass = [int(z) for z in data.get("bypass") or ()]
    text, markup = await _run(
        session, user, panels, overview, panel, tr, zone, proposal, bypass, code
    )
    await edit_prompt(message, prompt, text, markup)


async def outputs(
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    tr: Translator,
) -> None:
    """The outputs to switch."""
    view = await panels.view(session, user.id, callback_data.device_id, control=True)
    await show(query, *render.pick_output(view, tr))


async def output(  # noqa: PLR0913
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    overview: DeviceOverview,
    panel: RelayPanel,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Switch an output: at once, or after a confirmation when it is critical."""
    data = callback_data
    proposal = await panels.propose_output(
        session, user.id, data.device_id, data.part, on=data.mode == 1
    )
    if proposal.confirm:
        nonce = await panels.hold(user.id, proposal)
        await show(query, *render.confirm(proposal, nonce, tr))
        return
    await _proceed(query, session, user, panels, overview, panel, state, tr, zone, proposal, ())


async def zones(
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    tr: Translator,
) -> None:
    """The zones to bypass or unbypass (a page)."""
    view = await panels.view(session, user.id, callback_data.device_id, control=True)
    await show(query, *render.pick_zone(view, callback_data.mode, tr))


async def zone_press(
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    tr: Translator,
) -> None:
    """Bypass or unbypass a zone: ask to confirm."""
    data = callback_data
    proposal = await panels.propose_bypass(
        session, user.id, data.device_id, data.part, on=data.mode == 1
    )
    nonce = await panels.hold(user.id, proposal)
    await show(query, *render.confirm(proposal, nonce, tr))


async def event_log(
    query: CallbackQuery,
    *,
    callback_data: PanelPress,
    session: AsyncSession,
    user: User,
    panels: PanelService,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """A page of the panel's event log."""
    page = callback_data.mode
    view, records, pages = await panels.log(session, user.id, callback_data.device_id, page)
    await show(query, *render.log_page(view, records, min(page, pages - 1), pages, tr, zone))


def _id(query: CallbackQuery) -> int | None:
    return query.message.message_id if query.message is not None else None


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="panels")
    router.callback_query.register(pick, PanelPress.filter(F.op == PanelOp.PICK))
    router.callback_query.register(mode, PanelPress.filter(F.op == PanelOp.MODE))
    router.callback_query.register(ask, PanelPress.filter(F.op == PanelOp.ASK))
    router.callback_query.register(go, PanelPress.filter(F.op == PanelOp.GO))
    router.callback_query.register(ask_code, PanelPress.filter(F.op == PanelOp.CODE))
    router.callback_query.register(forget_code, PanelPress.filter(F.op == PanelOp.FORGET))
    router.callback_query.register(outputs, PanelPress.filter(F.op == PanelOp.OUTPUTS))
    router.callback_query.register(output, PanelPress.filter(F.op == PanelOp.OUTPUT))
    router.callback_query.register(zones, PanelPress.filter(F.op == PanelOp.ZONES))
    router.callback_query.register(zone_press, PanelPress.filter(F.op == PanelOp.ZONE))
    router.callback_query.register(event_log, PanelPress.filter(F.op == PanelOp.LOG))
    router.message.register(
        code_typed, StateFilter(PanelStates.waiting_code), F.text, ~F.text.startswith("/")
    )
    return router
