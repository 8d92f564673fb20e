"""Device commands from the card: pick one, confirm the critical ones, see the device's answer."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CommandAction, CommandOp, DeviceAction, DeviceOp
from bot.i18n import Translator
from bot.render.control import outcome_text
from bot.replies import edit, show
from core.access.policy import Action
from core.access.service import require
from core.commands.service import ControlService
from core.devices.kinds import kind_of
from core.users.models import User


def _menu(device_id: int, type_code: str, tr: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for command in kind_of(type_code).commands:
        op = CommandOp.ASK if command.critical else CommandOp.RUN
        builder.button(
            text=tr(f"command-{command.name}"),
            callback_data=CommandAction(op=op, device_id=device_id, name=command.name),
        )
    builder.button(
        text=tr("card-back"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id)
    )
    builder.adjust(1)
    return builder.as_markup()


async def show_commands(
    query: CallbackQuery,
    callback_data: CommandAction,
    session: AsyncSession,
    user: User,
    tr: Translator,
) -> None:
    """List the commands the device type declares (owners and admins)."""
    grant = await require(session, user.id, callback_data.device_id, Action.CONTROL)
    text = tr("commands-title", name=escape(grant.device.name))
    await show(query, text, _menu(grant.device.id, grant.device.type_code, tr))


async def confirm_command(
    query: CallbackQuery,
    callback_data: CommandAction,
    session: AsyncSession,
    user: User,
    control: ControlService,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Ask "are you sure?" before a critical command (core holds the question)."""
    device, nonce = await control.ask(session, user.id, callback_data.device_id, callback_data.name)
    if nonce is None:  # not a critical command after all: no question
        await run_command(query, callback_data, session, user, control, tr, zone)
        return
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("command-yes", command=tr(f"command-{callback_data.name}")),
        callback_data=CommandAction(
            op=CommandOp.RUN, device_id=device.id, name=callback_data.name, nonce=nonce
        ),
    )
    builder.button(
        text=tr("prompt-cancel"),
        callback_data=CommandAction(op=CommandOp.MENU, device_id=device.id),
    )
    builder.adjust(1)
    text = tr(f"command-confirm-{callback_data.name}", name=escape(device.name))
    await show(query, text, builder.as_markup())


async def run_command(
    query: CallbackQuery,
    callback_data: CommandAction,
    session: AsyncSession,
    user: User,
    control: ControlService,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Send the command, say so at once, then show the device's answer (or its silence).
    A critical command goes only with the nonce of its "yes"; a forged RUN is refused."""
    prepared = await control.prepare(
        session, user.id, callback_data.device_id, callback_data.name, callback_data.nonce
    )
    device = prepared.device
    command = tr(f"command-{callback_data.name}")
    await show(query, tr("command-sent", command=command, name=escape(device.name)), None)
    outcome = await control.run(session, prepared)
    # The menu stays under the answer: another command is one press away.
    menu = tr("commands-title", name=escape(device.name))
    text = f"{outcome_text(outcome, tr, zone)}\n\n{menu}"
    await edit(query, text, _menu(device.id, device.type_code, tr))


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="control")
    router.callback_query.register(show_commands, CommandAction.filter(F.op == CommandOp.MENU))
    router.callback_query.register(confirm_command, CommandAction.filter(F.op == CommandOp.ASK))
    router.callback_query.register(run_command, CommandAction.filter(F.op == CommandOp.RUN))
    return router
