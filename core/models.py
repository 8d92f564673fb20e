"""Every table, imported once so that `Base.metadata` is complete (alembic, tests)."""

from core.access.models import Membership
from core.alerts.models import AlertEpisode, AlertWatch
from core.audit.models import AuditEntry
from core.broadcasts.models import Broadcast
from core.db import Base
from core.devices.models import Device, DeviceConfig, DeviceType
from core.firmware.models import (
    FirmwareBlob,
    FirmwareImage,
    FirmwareRollout,
    FirmwareUpdate,
    ShellyUpdate,
)
from core.history.models import (
    DailyEnergy,
    HourRollup,
    IngestSlot,
    JobMark,
    MinuteRollup,
    MqttReceipt,
    ReadingKey,
)
from core.outbox.models import OutboxMessage
from core.panels.models import PanelCode, PanelEvent, PanelFence
from core.sharing.models import Invite
from core.users.models import User

__all__ = [
    "AlertEpisode",
    "AlertWatch",
    "AuditEntry",
    "Base",
    "Broadcast",
    "DailyEnergy",
    "Device",
    "DeviceConfig",
    "DeviceType",
    "FirmwareBlob",
    "FirmwareImage",
    "FirmwareRollout",
    "FirmwareUpdate",
    "HourRollup",
    "IngestSlot",
    "Invite",
    "JobMark",
    "Membership",
    "MinuteRollup",
    "MqttReceipt",
    "OutboxMessage",
    "PanelCode",
    "PanelEvent",
    "PanelFence",
    "ReadingKey",
    "ShellyUpdate",
    "User",
]
