"""Keyboards of the settings screen, a metric's thresholds, night mode and prompts."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import DeviceAction, DeviceOp, PromptCancel, SettingsAction, SettingsOp
from bot.i18n import Translator
from bot.render.devices import metric_name
from core.devices.config_rules import Field
from core.devices.configuration import ConfigView
from core.devices.kinds import kind_of

INTERVAL_PRESETS = (10, 30, 60, 300, 900)
NIGHT_PRESETS = ((22, 7), (23, 6), (0, 6))


def _metric_buttons(builder: InlineKeyboardBuilder, view: ConfigView, tr: Translator) -> None:
    """One 📏 button per metric that can carry limits."""
    for metric in view.metrics:
        builder.button(
            text=f"📏 {metric_name(metric, tr)}",
            callback_data=SettingsAction(
                op=SettingsOp.METRIC, device_id=view.device.id, version=view.version, metric=metric
            ),
        )


def settings_screen(view: ConfigView, tr: Translator) -> InlineKeyboardMarkup:
    """Report interval, alerts on/off, one button per metric, night mode, back."""
    device_id, version = view.device.id, view.version
    alerts_on = view.config.get("alerts_enabled", True)
    builder = InlineKeyboardBuilder()
    if kind_of(view.device.type_code).limits_only:  # a panel: its temperatures' limits only
        _metric_buttons(builder, view, tr)
        builder.button(
            text=tr("card-back"),
            callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id),
        )
        builder.adjust(1)
        return builder.as_markup()
    builder.button(
        text=tr("settings-button-interval"),
        callback_data=SettingsAction(
            op=SettingsOp.ASK, device_id=device_id, version=version, field=Field.INTERVAL
        ),
    )
    builder.button(
        text=tr("settings-button-alerts-on" if alerts_on else "settings-button-alerts-off"),
        callback_data=SettingsAction(op=SettingsOp.ALERTS, device_id=device_id, version=version),
    )
    _metric_buttons(builder, view, tr)
    builder.button(
        text=tr("settings-button-night"),
        callback_data=SettingsAction(
            op=SettingsOp.NIGHT_MENU, device_id=device_id, version=version
        ),
    )
    builder.button(
        text=tr("card-back"), callback_data=DeviceAction(op=DeviceOp.OPEN, device_id=device_id)
    )
    builder.adjust(2, *([3] * ((len(view.metrics) + 2) // 3)), 2)
    return builder.as_markup()


def _back(view: ConfigView, tr: Translator) -> SettingsAction:
    return SettingsAction(op=SettingsOp.OPEN, device_id=view.device.id, version=view.version)


def metric_screen(view: ConfigView, metric: str, tr: Translator) -> InlineKeyboardMarkup:
    """Set or clear the high and low limits and the hysteresis of one metric."""
    builder = InlineKeyboardBuilder()
    common = {"device_id": view.device.id, "version": view.version, "metric": metric}
    for field in (Field.HIGH, Field.LOW, Field.HYSTERESIS):
        builder.button(
            text=tr(f"settings-button-set-{field.value}"),
            callback_data=SettingsAction(op=SettingsOp.ASK, field=field, **common),
        )
    spec = (view.config.get("thresholds") or {}).get(metric) or {}
    clearable = [field for field in (Field.HIGH, Field.LOW) if spec.get(field.value) is not None]
    for field in clearable:  # "No upper limit" only when there is one
        builder.button(
            text=tr(f"settings-button-clear-{field.value}"),
            callback_data=SettingsAction(op=SettingsOp.CLEAR, field=field, **common),
        )
    builder.button(text=tr("settings-button-back"), callback_data=_back(view, tr))
    builder.adjust(3, *([len(clearable)] if clearable else []), 1)
    return builder.as_markup()


def night_menu(view: ConfigView, tr: Translator) -> InlineKeyboardMarkup:
    """Night mode presets, off, back."""
    builder = InlineKeyboardBuilder()
    common = {"device_id": view.device.id, "version": view.version}
    for start, end in NIGHT_PRESETS:
        builder.button(
            text=f"🌙 {start:02d}–{end:02d}",
            callback_data=SettingsAction(op=SettingsOp.NIGHT, value=start * 100 + end, **common),
        )
    builder.button(
        text=tr("settings-button-night-off"),
        callback_data=SettingsAction(op=SettingsOp.NIGHT, value=-1, **common),
    )
    builder.button(
        text=tr("settings-button-night-other"),
        callback_data=SettingsAction(op=SettingsOp.ASK, field=Field.NIGHT, **common),
    )
    builder.button(text=tr("settings-button-back"), callback_data=_back(view, tr))
    builder.adjust(len(NIGHT_PRESETS), 2, 1)
    return builder.as_markup()


def prompt(view: ConfigView, field: Field, tr: Translator) -> InlineKeyboardMarkup:
    """Presets for the report interval (none for thresholds) and Cancel."""
    builder = InlineKeyboardBuilder()
    if field is Field.INTERVAL:
        for seconds in INTERVAL_PRESETS:
            label = f"{seconds} s" if seconds < 60 else f"{seconds // 60} min"  # noqa: PLR2004
            builder.button(
                text=label,
                callback_data=SettingsAction(
                    op=SettingsOp.INTERVAL,
                    device_id=view.device.id,
                    version=view.version,
                    value=seconds,
                ),
            )
    builder.button(text=tr("prompt-cancel"), callback_data=PromptCancel())
    builder.adjust(len(INTERVAL_PRESETS) if field is Field.INTERVAL else 1, 1)
    return builder.as_markup()
