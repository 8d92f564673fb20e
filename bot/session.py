"""The Bot API session: aiogram's aiohttp session, with uploads that say what they are."""

from __future__ import annotations

import mimetypes
from typing import TYPE_CHECKING

from aiogram.client.session.aiohttp import AiohttpSession
from aiohttp import FormData

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import TelegramType
    from aiogram.types import InputFile

# What the uploads the bot makes are, by extension (the CSV is UTF-8 with a BOM).
_TYPES = {".csv": "text/csv; charset=utf-8", ".png": "image/png"}


class DozorSession(AiohttpSession):
    """Sends each uploaded file with its media type (a CSV as `text/csv`, not as bytes)."""

    def build_form_data(self, bot: Bot, method: TelegramMethod[TelegramType]) -> FormData:
        """The multipart form of a call, files typed by their name."""
        form = FormData(quote_fields=False)
        files: dict[str, InputFile] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                form.add_field(key, prepared)
        for key, file in files.items():
            name = file.filename or key
            form.add_field(key, file.read(bot), filename=name, content_type=_type_of(name))
        return form


def _type_of(name: str) -> str:
    for extension, media_type in _TYPES.items():
        if name.lower().endswith(extension):
            return media_type
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
