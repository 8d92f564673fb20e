"""Re-encrypt every secret at rest with the newest key (`dozor secrets rotate`).

Secrets are Fernet tokens (`core.secrets`): device passwords and keys in devices' attributes
(`SECRET_ATTRIBUTES`) and members' panel codes. Put a new key first in SECRET_KEYS, run
this, and the old keys can be dropped: nothing needs them any more. A token that no key in
SECRET_KEYS can read is left as it is and counted (its secret must be given again).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.devices.repository import DeviceRepository
from core.devices.service import SECRET_ATTRIBUTES
from core.panels.repository import PanelCodeRepository
from core.secrets import SecretBox, SecretUnreadableError


@dataclass(slots=True)
class Rotated:
    """How many secrets were re-encrypted, and how many no key could read."""

    rotated: int = 0
    unreadable: int = 0


async def rotate_secrets(session: AsyncSession, box: SecretBox) -> Rotated:
    """Re-encrypt every stored secret with the newest key, in one transaction."""
    report = Rotated()

    def rotated(token: object) -> object:
        if not isinstance(token, str) or not token:
            return token
        try:
            new = box.rotate(token)
        except SecretUnreadableError:
            report.unreadable += 1
            return token
        report.rotated += 1
        return new

    for device in await DeviceRepository(session).with_any_attribute(SECRET_ATTRIBUTES):
        attributes = dict(device.attributes)
        for name in SECRET_ATTRIBUTES & attributes.keys():
            attributes[name] = rotated(attributes[name])
        device.attributes = attributes
    for code in await PanelCodeRepository(session).all_locked():
        code.code_token = str(rotated(code.code_token))
    await session.commit()
    return report
