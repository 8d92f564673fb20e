"""Every table, imported once so that `Base.metadata` is complete (alembic, tests)."""

from core.access.models import Membership
from core.audit.models import AuditEntry
from core.db import Base
from core.devices.models import Device, DeviceConfig, DeviceType
from core.history.models import MinuteRollup
from core.users.models import User

__all__ = [
    "AuditEntry",
    "Base",
    "Device",
    "DeviceConfig",
    "DeviceType",
    "Membership",
    "MinuteRollup",
    "User",
]
