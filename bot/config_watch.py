"""Settings messages waiting for their device: edited to "applied" when the device reports it.

A settings message that shows "waiting for the device" is remembered in Redis (per device,
so any bot instance can finish it, and it survives a restart). When the processor announces
new state of that device (the live views' subscription passes every announcement to
`check`), the version the device applied is read from PostgreSQL; each
waiting message whose version it reached is taken (HDEL: exactly one instance wins) and
re-rendered for its reader, access checked again.
"""

from __future__ import annotations

import logging

import orjson
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import translator
from bot.keyboards import settings as keyboards
from bot.render import settings as render
from bot.render.devices import now_context
from core import clock
from core.devices.configuration import ConfigService, ConfigView
from core.devices.repository import DeviceRepository
from core.errors import DomainError
from core.redis_keys import RedisKeys
from core.users.repository import UserRepository

log = logging.getLogger(__name__)
WATCH_TTL_SECONDS = 7 * 24 * 3600
INDEX_REFRESH_SECONDS = 1.0


class ConfigWatch:
    """Remembers waiting settings messages and edits them once the device caught up."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        configs: ConfigService,
        redis: Redis,
        keys: RedisKeys,
        default_tz: str,
    ) -> None:
        self._bot = bot
        self._sessions = sessions
        self._configs = configs
        self._redis = redis
        self._keys = keys
        self._default_tz = default_tz
        self._watched: set[int] = set()  # devices with waiting messages, re-read every second
        self._watched_at = -INDEX_REFRESH_SECONDS

    async def watch(self, chat_id: int, message_id: int, user_id: int, view: ConfigView) -> None:
        """Remember a message showing `view` until the device applies its version."""
        if view.applied or view.as_provisioned:
            return
        key = self._keys.config_watch(view.device.id)
        entry = orjson.dumps({"user": user_id, "version": view.version})
        pipe = self._redis.pipeline(transaction=False)
        pipe.hset(key, f"{chat_id}:{message_id}", entry)
        pipe.expire(key, WATCH_TTL_SECONDS)
        pipe.sadd(self._keys.config_watch_index, view.device.id)
        pipe.expire(self._keys.config_watch_index, WATCH_TTL_SECONDS)
        await pipe.execute()
        self._watched.add(view.device.id)

    async def _is_watched(self, device_id: int) -> bool:
        """Say whether a device has waiting messages (one Redis read a second at most)."""
        now = clock.monotonic()
        if now - self._watched_at >= INDEX_REFRESH_SECONDS:
            members = await self._redis.smembers(self._keys.config_watch_index)
            self._watched = {int(m) for m in members}
            self._watched_at = now
        return device_id in self._watched

    async def check(self, device_id: int) -> None:
        """Finish the waiting messages of a device whose applied version caught up."""
        if not await self._is_watched(device_id):
            return
        key = self._keys.config_watch(device_id)
        waiting = await self._redis.hgetall(key)
        if not waiting:
            return
        async with self._sessions() as session:
            row = await DeviceRepository(session).config(device_id)
            applied = row.applied_version if row else None
            if row is None:
                await self._redis.delete(key)
                return
            for field, raw in waiting.items():
                entry = orjson.loads(raw)
                if applied is None or applied < entry["version"]:
                    continue
                if await self._redis.hdel(key, _text(field)):
                    chat, message = (int(part) for part in _text(field).split(":"))
                    await self._refresh(session, chat, message, int(entry["user"]), device_id)

    async def _refresh(
        self, session: AsyncSession, chat: int, message: int, user_id: int, device_id: int
    ) -> None:
        user = await UserRepository(session).get(user_id)
        tr = translator(user.language if user else None)
        ctx = now_context(tr, clock.zone(user.timezone if user else None, self._default_tz))
        try:
            view = await self._configs.view(session, user_id, device_id)
            await self._bot.edit_message_text(
                render.settings_screen(view, ctx),
                chat_id=chat,
                message_id=message,
                reply_markup=keyboards.settings_screen(view, tr),
            )
        except DomainError as err:  # access gone meanwhile: leave the message as it is
            log.info("settings message %s not refreshed: %s", message, err.describe())
        except TelegramAPIError as err:
            log.info("settings message %s could not be edited: %s", message, err)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
