"""A person's panel command as it travels to the worker holding the panel (pure).

The bot's `PanelService` builds a `PanelRequest`; it rides in a stream entry's `params`
(the code encrypted with the deployment's keys) and the SATEL worker reads it back with
`PanelRequest.of`, which refuses anything the bot would not have sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

PANEL_COMMAND: Final = "panel"  # the command name of a panel request on the stream


class PanelAction(StrEnum):
    """What a person can ask of a panel."""

    ARM = "arm"
    DISARM = "disarm"
    CLEAR = "clear"
    OUTPUT_ON = "output_on"
    OUTPUT_OFF = "output_off"
    BYPASS = "bypass"
    UNBYPASS = "unbypass"
    CLEAR_TROUBLES = "clear_troubles"  # the trouble memory (the code only)

    @property
    def on_partitions(self) -> bool:
        """Whether it acts on partitions (else on zones or outputs: `items`)."""
        return self in {PanelAction.ARM, PanelAction.DISARM, PanelAction.CLEAR}


class PanelRequestError(ValueError):
    """Stream entry parameters that are not a panel request."""


@dataclass(frozen=True, slots=True)
class PanelRequest:
    """Arm (in a mode, optionally bypassing zones, or forced), disarm or clear the alarm of
    partitions; switch outputs (`items`); bypass or unbypass zones (`items`)."""

    action: PanelAction
    partitions: tuple[int, ...]
    code_token: str  # the user code, encrypted (`core.secrets.SecretBox`)
    user_id: int  # the Telegram user who asked
    by: str  # their name, for the arming notice
    mode: int = 0  # arming mode 0–3
    bypass: tuple[int, ...] = ()  # zones to bypass before arming
    items: tuple[int, ...] = ()  # the outputs or zones of the other actions
    force: bool = False  # forced arming: violated zones are left out until they close

    def params(self) -> dict[str, Any]:
        """The stream entry's parameters."""
        return {
            "action": self.action.value,
            "partitions": list(self.partitions),
            "mode": self.mode,
            "bypass": list(self.bypass),
            "items": list(self.items),
            "force": self.force,
            "code": self.code_token,
            "user_id": self.user_id,
            "by": self.by,
        }

    @classmethod
    def of(cls, params: Mapping[str, Any]) -> PanelRequest:
        """Read the parameters back; raise `PanelRequestError` when they are malformed."""
        try:
            request = cls(
                action=PanelAction(params["action"]),
                partitions=_numbers(params.get("partitions") or ()),
                code_token=_text(params["code"]),
                user_id=_number(params["user_id"]),
                by=_text(params.get("by") or ""),
                mode=_number(params.get("mode") or 0),
                bypass=_numbers(params.get("bypass") or ()),
                items=_numbers(params.get("items") or ()),
                force=params.get("force") is True,
            )
        except (KeyError, TypeError, ValueError) as err:
            raise PanelRequestError(str(err)) from err
        targets = request.partitions if request.action.on_partitions else request.items
        needs = request.action is not PanelAction.CLEAR_TROUBLES
        if (needs and not targets) or not 0 <= request.mode <= 3:  # noqa: PLR2004
            raise PanelRequestError(request.action)
        return request


def _number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)
    return value


def _numbers(values: object) -> tuple[int, ...]:
    if not isinstance(values, list | tuple):
        raise TypeError(values)
    return tuple(_number(v) for v in values)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value
