"""Device settings from the card: report interval, alerts, thresholds, night mode.

Numbers are typed in reply to a prompt (FSM state in Redis, so it survives a restart) or
picked from buttons. A wrong value is answered with the reason, in the prompt itself. Every
button carries the config version its message showed; a press on an older message is
refused as out of date (core.devices.configuration.SettingsChangedError).
"""

from __future__ import annotations

import contextlib
from datetime import tzinfo
from functools import partial
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import PromptCancel, SettingsAction, SettingsOp
from bot.config_watch import ConfigWatch
from bot.i18n import Translator
from bot.keyboards import settings as keyboards
from bot.render import settings as render
from bot.render.devices import now_context
from bot.replies import edit_prompt, show
from core.devices import config_rules
from core.devices.config_rules import Field
from core.devices.configuration import ConfigService, ConfigView, Edit, SettingsChangedError
from core.errors import InvalidInput
from core.users.models import User


class SettingsStates(StatesGroup):
    """The user was asked to type a number."""

    waiting_value = State()


async def _screen(
    query: CallbackQuery,
    view: ConfigView,
    user: User,
    tr: Translator,
    zone: tzinfo,
    watch: ConfigWatch,
) -> None:
    await show(
        query,
        render.settings_screen(view, now_context(tr, zone)),
        keyboards.settings_screen(view, tr),
    )
    if query.message is not None:
        await watch.watch(query.message.chat.id, query.message.message_id, user.id, view)


async def _current(
    configs: ConfigService, session: AsyncSession, user: User, data: SettingsAction
) -> ConfigView:
    """The settings now, refused when the pressed message showed another version."""
    view = await configs.view(session, user.id, data.device_id)
    if data.op is not SettingsOp.OPEN and view.version != data.version:
        raise SettingsChangedError
    return view


def _edit_for(data: SettingsAction) -> Edit:
    """Turn a button press into the change it makes."""
    if data.op is SettingsOp.INTERVAL:
        return partial(config_rules.set_interval, seconds=data.value)
    if data.op is SettingsOp.CLEAR:
        return partial(config_rules.set_threshold, metric=data.metric, field=data.field, value=None)
    if data.op is SettingsOp.NIGHT:
        on = data.value >= 0
        start, end = divmod(data.value, 100) if on else (None, None)
        return partial(config_rules.set_night_mode, start=start, end=end)
    return lambda config: config_rules.set_alerts(config, on=not config.get("alerts_enabled", True))


async def open_settings(
    query: CallbackQuery,
    callback_data: SettingsAction,
    session: AsyncSession,
    user: User,
    configs: ConfigService,
    watch: ConfigWatch,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Show the settings screen (owners and admins)."""
    view = await _current(configs, session, user, callback_data)
    await _screen(query, view, user, tr, zone, watch)


async def change_by_button(  # noqa: PLR0913 - aiogram hands each dependency by name
    query: CallbackQuery,
    *,
    callback_data: SettingsAction,
    session: AsyncSession,
    user: User,
    configs: ConfigService,
    watch: ConfigWatch,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Apply a preset, a switch or a clear, and show the new settings. A preset answers a
    prompt as well as a typed value does: the prompt ends."""
    view = await configs.change(
        session, user.id, callback_data.device_id, callback_data.version, _edit_for(callback_data)
    )
    if await state.get_state() == SettingsStates.waiting_value.state:
        await state.clear()
    await _screen(query, view, user, tr, zone, watch)


async def open_submenu(
    query: CallbackQuery,
    callback_data: SettingsAction,
    session: AsyncSession,
    user: User,
    configs: ConfigService,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Show one metric's thresholds, or the night mode presets."""
    view = await _current(configs, session, user, callback_data)
    if callback_data.op is SettingsOp.NIGHT_MENU:
        await show(
            query,
            render.settings_screen(view, now_context(tr, zone)),
            keyboards.night_menu(view, tr),
        )
        return
    text = render.metric_screen(view, callback_data.metric, now_context(tr, zone))
    await show(query, text, keyboards.metric_screen(view, callback_data.metric, tr))


async def ask_value(
    query: CallbackQuery,
    callback_data: SettingsAction,
    session: AsyncSession,
    user: User,
    configs: ConfigService,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Prompt for a number; the answer is typed as the next message."""
    view = await _current(configs, session, user, callback_data)
    field = callback_data.field or Field.INTERVAL
    await state.set_state(SettingsStates.waiting_value)
    await state.set_data(
        {
            "device_id": view.device.id,
            "version": view.version,
            "field": field.value,
            "metric": callback_data.metric,
            "prompt": query.message.message_id if query.message is not None else 0,
            # where /cancel leads back to: this device's settings
            "back": SettingsAction(op=SettingsOp.OPEN, device_id=view.device.id).pack(),
        }
    )
    text = render.prompt(field, callback_data.metric, now_context(tr, zone))
    await show(query, text, keyboards.prompt(view, field, tr))


def _typed_edit(data: dict[str, Any], text: str) -> Edit:
    field, metric = Field(data["field"]), str(data["metric"])
    if field is Field.INTERVAL:
        return partial(config_rules.set_interval, seconds=config_rules.parse_interval(text))
    if field is Field.NIGHT:
        start, end = config_rules.parse_hours(text)
        return partial(config_rules.set_night_mode, start=start, end=end)
    value = config_rules.parse_number(text)
    return partial(config_rules.set_threshold, metric=metric, field=field, value=value)


async def value_typed(
    message: Message,
    session: AsyncSession,
    user: User,
    configs: ConfigService,
    watch: ConfigWatch,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Use the typed number; a wrong one gets the reason in the prompt, which stays."""
    data = await state.get_data()
    ctx = now_context(tr, zone)
    try:
        view = await configs.change(
            session,
            user.id,
            int(data["device_id"]),
            int(data["version"]),
            _typed_edit(data, message.text or ""),
        )
    except SettingsChangedError:
        await state.clear()
        raise
    except InvalidInput as err:  # nothing was written; the prompt says why and stays
        view = await configs.view(session, user.id, int(data["device_id"]))
        field = Field(data["field"])
        again = render.prompt(field, str(data["metric"]), ctx)
        text = f"{tr(err.key, **err.args_for_text)}\n\n{again}"
        prompt = await edit_prompt(
            message, data.get("prompt"), text, keyboards.prompt(view, field, tr)
        )
        await state.update_data(prompt=prompt)
        return
    await state.clear()
    sent = await message.answer(
        render.settings_screen(view, ctx), reply_markup=keyboards.settings_screen(view, tr)
    )
    await watch.watch(sent.chat.id, sent.message_id, user.id, view)


async def cancel_prompt(
    query: CallbackQuery,
    *,
    session: AsyncSession,
    user: User,
    configs: ConfigService,
    watch: ConfigWatch,
    state: FSMContext,
    tr: Translator,
    zone: tzinfo,
) -> None:
    """Leave the prompt and go back to where the person was (a settings prompt: the settings
    screen); on a prompt that has ended already, say so and drop its buttons."""
    current = await state.get_state()
    if current is None:
        if isinstance(query.message, Message):
            with contextlib.suppress(TelegramBadRequest):
                await query.message.edit_reply_markup(reply_markup=None)
        await query.answer(tr("prompt-closed"), show_alert=True)
        return
    data = await state.get_data()
    await state.clear()
    if current == SettingsStates.waiting_value.state and "device_id" in data:
        view = await configs.view(session, user.id, int(data["device_id"]))
        await _screen(query, view, user, tr, zone, watch)
        return
    await show(query, tr("cancel-done"), None)


def build_router() -> Router:
    """Register this feature's handlers on a new router."""
    router = Router(name="device_settings")
    router.callback_query.register(open_settings, SettingsAction.filter(F.op == SettingsOp.OPEN))
    router.callback_query.register(
        change_by_button,
        SettingsAction.filter(
            F.op.in_({SettingsOp.ALERTS, SettingsOp.INTERVAL, SettingsOp.CLEAR, SettingsOp.NIGHT})
        ),
    )
    router.callback_query.register(
        open_submenu, SettingsAction.filter(F.op.in_({SettingsOp.METRIC, SettingsOp.NIGHT_MENU}))
    )
    router.callback_query.register(ask_value, SettingsAction.filter(F.op == SettingsOp.ASK))
    router.callback_query.register(cancel_prompt, PromptCancel.filter())
    router.message.register(
        value_typed, StateFilter(SettingsStates.waiting_value), F.text, ~F.text.startswith("/")
    )
    return router
