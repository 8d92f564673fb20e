"""Every CallbackData of the bot: short prefixes, ids only; authority is re-checked on press.

Enumerated fields are typed, so forged values do not unpack and the press is answered as an
out-of-date button.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from core.access.policy import Role
from core.devices.config_rules import Field
from core.history.views import Span


class DeviceOp(StrEnum):
    """What a device button does."""

    OPEN = "o"
    LIST = "l"
    SELECT = "s"
    SHOW = "v"  # the card as a new message (from an alert, which stays as it is)
    NOTIFY = "n"  # switch my alerts of this device
    UNMUTE = "u"  # end my mute of this device's alerts


class DeviceAction(CallbackData, prefix="d"):
    """A press on a device button; `device_id` is 0 for the list itself."""

    op: DeviceOp
    device_id: int = 0


class DevicePage(CallbackData, prefix="dl"):
    """Another page of a device list: the one that opens devices, or the one that selects."""

    op: DeviceOp
    page: int


class AlertOp(StrEnum):
    """What an alert button does."""

    ACK = "a"
    ACK_ALL = "A"  # every alert still open in the pressed (combined) message
    MUTE = "m"
    UNMUTE = "M"


class AlertAction(CallbackData, prefix="a"):
    """A press on an alert button: acknowledge the episode, or mute its device."""

    op: AlertOp
    episode_id: int = 0
    device_id: int = 0


class AlertPage(CallbackData, prefix="ap"):
    """A page of /alerts; with `ack`, acknowledge that episode and show the page again."""

    page: int
    ack: int = 0


class QuietHours(CallbackData, prefix="q"):
    """A quiet-hours preset in /settings; -1, -1 switches them off."""

    start: int
    end: int


class LanguageChoice(CallbackData, prefix="lg"):
    """A language in /settings."""

    language: str


class DigestHour(CallbackData, prefix="dh"):
    """A morning digest hour in /settings."""

    hour: int


class SettingsOp(StrEnum):
    """What a settings button does."""

    OPEN = "o"  # the settings screen
    ALERTS = "a"  # switch the device's alerts on or off
    ASK = "k"  # prompt for a number (`field`, `metric`)
    INTERVAL = "i"  # a preset report interval (`value` seconds)
    METRIC = "m"  # the thresholds of `metric`
    CLEAR = "x"  # clear `field` of `metric`
    NIGHT_MENU = "nm"
    NIGHT = "n"  # night mode preset: `value` = start * 100 + end, -1 = off


class SettingsAction(CallbackData, prefix="cf"):
    """A press on a settings button; `version` is the config version the message showed."""

    op: SettingsOp
    device_id: int
    version: int = 0
    field: Field | None = None
    metric: str = ""
    value: int = 0


class LiveStop(CallbackData, prefix="ls"):
    """⏹ Stop under a live view."""


class PromptCancel(CallbackData, prefix="pc"):
    """Cancel under a prompt."""


class CommandOp(StrEnum):
    """What a command button does."""

    MENU = "l"
    ASK = "a"  # confirm a critical command first
    RUN = "r"


class CommandAction(CallbackData, prefix="c"):
    """A press on a device command button; a critical one's "yes" carries its `nonce`."""

    op: CommandOp
    device_id: int
    name: str = ""
    nonce: str = ""


class ShareAction(CallbackData, prefix="s"):
    """Share a device: choose the role (`role` empty) or create the invite."""

    device_id: int
    role: Role | None = None


class MemberOp(StrEnum):
    """What a member-list button does."""

    LIST = "l"
    OPEN = "o"
    ROLE = "r"
    REVOKE_ASK = "v"
    REVOKE = "V"
    TRANSFER_ASK = "t"
    TRANSFER = "T"
    LOG = "g"
    REMOVE_ASK = "x"
    REMOVE = "X"


class MemberAction(CallbackData, prefix="m"):
    """A press in the owner's screens: members, roles, revoke, transfer, log, removal."""

    op: MemberOp
    device_id: int
    user_id: int = 0
    role: Role | None = None
    nonce: str = ""  # the server-held confirmation of a revoke, transfer or removal
    page: int = 0  # of the log


class RelayOp(StrEnum):
    """What a relay button does."""

    SET = "s"  # switch (a critical channel going off is asked about first, on the server)
    CONFIRM = "y"  # the "yes" under that question


class RelayAction(CallbackData, prefix="r"):
    """A press on a relay button of a Pro 3 card: `on` is 1 to switch on, 0 to switch off;
    the "yes" to switching a critical channel off carries the server-held `nonce`."""

    op: RelayOp
    device_id: int
    channel: int
    on: int
    nonce: str = ""


class PanelOp(StrEnum):
    """What a panel button does."""

    PICK = "p"  # choose the partition of `action`
    MODE = "m"  # choose the arming mode of `part`
    ASK = "a"  # check and ask for confirmation of `action` on `part` (0: all) in `mode`
    GO = "g"  # the confirmation (`nonce`), with `bypass` of the violated zones
    CODE = "c"  # store my code
    FORGET = "f"  # forget my code
    OUTPUTS = "o"  # the outputs people may switch
    OUTPUT = "s"  # switch output `part` on (`mode` 1) or off (0)
    ZONES = "z"  # the zones to bypass or unbypass, page `mode`
    ZONE = "b"  # bypass zone `part` (`mode` 1) or unbypass it (0)
    LOG = "l"  # the panel's event log, page `mode`


class PanelPress(CallbackData, prefix="pp"):
    """A press on a panel button; the confirmation itself lives on the server (`nonce`)."""

    op: PanelOp
    device_id: int
    action: str = ""
    part: int = 0
    mode: int = 0
    nonce: str = ""
    bypass: int = 0  # on the confirmation: 1 bypass the violated zones, 2 force arming


class HistoryOp(StrEnum):
    """What a history button does."""

    CHART = "c"  # draw (or redraw in place) the chart of this selection
    CSV = "x"  # send the same selection as a CSV document
    METRICS = "m"  # offer the other metrics in place of the chart's buttons
    DATES = "d"  # ask for custom dates


class HistoryView(CallbackData, prefix="h"):
    """A history selection: a device (0: all of mine reporting `metric`), a metric and a range;
    a custom range carries its first and last day (days since 1970-01-01, my calendar)."""

    op: HistoryOp
    device_id: int
    metric: str
    span: Span = Span.H24
    first: int = 0
    last: int = 0
    page: int = 0  # all devices: which eight of them


class FirmwareOp(StrEnum):
    """What a firmware button does."""

    NOW = "n"  # an owner: update this device now (`device_id`, `image_id`)
    TONIGHT = "t"  # … tonight at 03:00 in their timezone
    SKIP = "s"  # … skip this version
    KIND = "k"  # an admin: the kind of the image just sent (`kind` index)
    NO_NOTES = "e"  # … no notes for it
    IMAGES = "i"  # /firmware: images and rollouts
    PLAN = "p"  # a rollout of `image_id` with `canary` and `pace`, to confirm
    START = "g"  # start that rollout
    REMOVE = "x"  # remove `image_id`
    CARD = "c"  # the card of `rollout_id`
    PAUSE = "z"
    RESUME = "y"
    HALT = "h"
    CHOOSE = "o"  # an admin: choose the devices of `image_id`'s rollout (`page`)
    TOGGLE = "w"  # … take `device_id` in or out
    ALL = "a"  # … no choice: every device of the kind
    SHELLY_ASK = "u"  # an owner: update this Shelly to `version` from its maker — confirm
    SHELLY_GO = "v"  # … yes (`nonce`)


class FirmwareAction(CallbackData, prefix="fw"):
    """A press on a firmware button; authority (owner, platform admin) is checked on press."""

    op: FirmwareOp
    device_id: int = 0
    image_id: int = 0
    rollout_id: int = 0
    canary: int = 1
    pace: int = 100
    kind: int = 0
    version: str = ""
    nonce: str = ""
    page: int = 0


class AdminListOp(StrEnum):
    """Which admin list a button shows, or what it does to it."""

    USERS = "u"
    DEVICES = "d"
    SEARCH_USERS = "U"  # ask what to search for
    SEARCH_DEVICES = "D"
    SECURITY = "s"


class AdminList(CallbackData, prefix="ad"):
    """A page of /users or /all_devices (platform admins only; checked on press). The search
    text is kept in the admin's conversation state, not in the button."""

    op: AdminListOp
    page: int = 0
    kind: str = ""  # devices of this kind only ("": every kind)
    online: int = 0  # 0: any; 1: online; 2: offline
    clear: int = 0  # forget the search first


class BroadcastOp(StrEnum):
    """A step of composing a broadcast."""

    KINDS = "k"  # offer the device kinds
    LANGUAGES = "l"  # offer the languages
    AUDIENCE = "a"  # this audience: ask to confirm
    SEND = "s"
    BACK = "b"  # to the choice of audience
    CANCEL = "x"


class BroadcastAction(CallbackData, prefix="bc"):
    """A press while composing a broadcast; `draft` ties it to the draft in the admin's
    conversation data (a press on an old draft's buttons sends nothing)."""

    op: BroadcastOp
    draft: str
    audience: str = ""  # everyone, kind, language
    value: str = ""  # the device kind or the language
