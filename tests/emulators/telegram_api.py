"""A Bot API emulator: an aiohttp server speaking Telegram's HTTP protocol, plus a user side.

It follows the public Bot API documentation (https://core.telegram.org/bots/api), not our
code: requests arrive as JSON, urlencoded or multipart form data; answers are
`{"ok": true, "result": …}` or `{"ok": false, "error_code": …, "description": …}`.
Tests act as users (`send`, `press`) and read chats as the user sees them (`chat`).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MAX_TEXT = 4096
MAX_CAPTION = 1024
BOT_ID = 7_000_000_001
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class FakeUser:
    """A Telegram user the tests act as."""

    id: int
    first_name: str = "Test"
    username: str | None = None
    language_code: str = "en"

    def as_dict(self) -> dict[str, Any]:
        """Return the User object."""
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class ChatMessage:
    """A message in a private chat as it stands now (after edits)."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str
    date: int
    reply_markup: dict[str, Any] | None = None
    parse_mode: str | None = None
    edits: int = 0
    deleted: bool = False
    photo: bytes | None = None
    document: tuple[str, bytes] | None = None

    @property
    def plain(self) -> str:
        """The text as the user reads it (formatting removed)."""
        return _strip_html(self.text) if self.parse_mode == "HTML" else self.text

    def buttons(self) -> list[dict[str, Any]]:
        """Every inline button, row by row."""
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    def rows(self) -> list[list[str]]:
        """The texts of the inline buttons, row by row."""
        if not self.reply_markup:
            return []
        return [[b["text"] for b in row] for row in self.reply_markup.get("inline_keyboard", [])]

    def button(self, text_part: str) -> dict[str, Any]:
        """The first button whose text contains `text_part`."""
        for b in self.buttons():
            if text_part in b["text"]:
                return b
        raise AssertionError(
            f"no button with {text_part!r} in {[b['text'] for b in self.buttons()]}"
        )


_TAG = re.compile(r"</?([a-z-]+)(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:[a-z]+|#[0-9]+|#x[0-9a-f]+);", re.IGNORECASE)


def _chat_of(params: dict[str, Any]) -> int | None:
    """The chat a call is about (None for calls about no chat, such as getUpdates)."""
    try:
        return int(params["chat_id"]) if "chat_id" in params else None
    except (TypeError, ValueError):
        return None


def _strip_html(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def _check_html(text: str) -> None:
    """Refuse what Telegram refuses: unknown or unbalanced tags, a bare < > or &."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        tag = match.group(1)
        if tag not in ALLOWED_TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: unsupported tag "{tag}"')
        if match.group(0).startswith("</"):
            if not stack or stack.pop() != tag:
                raise ApiError(400, f"Bad Request: can't parse entities: unexpected end tag {tag}")
        else:
            stack.append(tag)
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: unclosed tag {stack[-1]}")
    rest = _ENTITY.sub("", _TAG.sub("", text))
    if "<" in rest or ">" in rest or "&" in rest:
        raise ApiError(400, "Bad Request: can't parse entities: unescaped character")


@dataclass
class TelegramEmulator:
    """The server and the users' side of it."""

    token: str = "123456:TEST-TOKEN"
    username: str = "dozor_test_bot"
    host: str = "127.0.0.1"
    messages: dict[int, list[ChatMessage]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    request_times: list[float] = field(default_factory=list)  # time.time() of each request
    callback_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Queries the bot tried to answer again; Telegram refuses a second answer with a 400.
    answered_twice: list[str] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)  # the default menu
    # Every menu set: (scope type, its chat id or None, language code or "") → commands.
    menus: dict[tuple[str, int | None, str], list[dict[str, Any]]] = field(default_factory=dict)
    description: str = ""
    short_description: str = ""
    failures: dict[str, ApiError] = field(default_factory=dict)
    # The next calls of a method are answered only after this many seconds (a slow Telegram).
    delay_next: dict[str, list[float]] = field(default_factory=dict)
    # One-off failures: the next calls of a method get these answers, in order.
    fail_next: dict[str, list[ApiError]] = field(default_factory=dict)
    # Flood control as Telegram keeps it: after a 429 with retry_after for a chat, every call
    # to that chat is refused until then; each such call the bot still made is counted.
    flood_until: dict[int, float] = field(default_factory=dict)
    flood_violations: list[tuple[str, int]] = field(default_factory=list)
    # The next N calls of a method hang this many seconds and are then dropped unprocessed,
    # as when a request is lost on the way to Telegram.
    hang_next: dict[str, list[float]] = field(default_factory=dict)
    # From the Nth call of a method on, calls hang this long and are dropped (a dead link).
    hang_from: dict[str, tuple[int, float]] = field(default_factory=dict)
    blocked_by: set[int] = field(default_factory=set)
    groups: dict[int, str] = field(default_factory=dict)  # supergroup chat id → title

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Condition()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id → (name, bytes) users sent

    # ----- server -----

    async def start(self) -> str:
        """Serve on a free loopback port; return the base URL for TELEGRAM_API_URL."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # Closing does not wait for requests in flight (a long poll, a hanging call): a
        # test's teardown would otherwise sit through them.
        self._runner = web.AppRunner(app, shutdown_timeout=0.05)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{self.host}:{port}"
        return self.url

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await _read_params(request)
        self.requests.append((method, params))
        self.request_times.append(time.time())
        handler = getattr(self, f"_api_{method.lower()}", None)
        try:
            await self._faults(method, params)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as err:
            return _error(err)
        self._changed.set()
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """A file a user sent, at the path getFile gave (what api.telegram.org/file serves)."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].removeprefix("documents/")
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id][1])

    async def _api_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id][1])
        if size > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_path": f"documents/{file_id}",
        }

    async def _faults(self, method: str, params: dict[str, Any]) -> None:
        """The failures and delays tests asked for, and Telegram's flood waits."""
        chat = _chat_of(params)
        if method in self.failures:
            raise self.failures[method]
        if chat is not None and self.flood_until.get(chat, 0.0) > time.monotonic():
            self.flood_violations.append((method, chat))
            left = self.flood_until[chat] - time.monotonic()
            raise ApiError(429, "Too Many Requests", retry_after=max(1, round(left)))
        if self.fail_next.get(method):
            err = self.fail_next[method].pop(0)
            if err.code == 429 and err.retry_after and chat is not None:
                self.flood_until[chat] = time.monotonic() + err.retry_after
            raise err
        if self.hang_next.get(method):
            await asyncio.sleep(self.hang_next[method].pop(0))
            raise ApiError(504, "Gateway Timeout")
        if self.delay_next.get(method):
            await asyncio.sleep(self.delay_next[method].pop(0))
        if method in self.hang_from and len(self.calls(method)) >= self.hang_from[method][0]:
            await asyncio.sleep(self.hang_from[method][1])
            raise ApiError(504, "Gateway Timeout")

    async def _api_getme(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Dozor",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_deletewebhook(self, _: dict[str, Any]) -> bool:
        return True

    async def _api_setmycommands(self, params: dict[str, Any]) -> bool:
        scope = params.get("scope") or {"type": "default"}
        chat = scope.get("chat_id")
        chat_id = int(chat) if chat is not None else None
        if chat_id is not None and chat_id not in self.messages:
            raise ApiError(400, "Bad Request: chat not found")
        language = str(params.get("language_code") or "")
        self.menus[(str(scope["type"]), chat_id, language)] = params["commands"]
        if scope["type"] == "default" and not language:
            self.commands = params["commands"]
        return True

    def menu_of(self, user: FakeUser) -> list[str]:
        """The commands `user` sees in the menu (their chat's own menu, else the default)."""
        menu = self.menus.get(("chat", user.id, "")) or self.commands
        return [c["command"] for c in menu]

    async def _api_setmydescription(self, params: dict[str, Any]) -> bool:
        if len(str(params.get("description", ""))) > 512:
            raise ApiError(400, "Bad Request: description is too long")
        self.description = str(params.get("description", ""))
        return True

    async def _api_setmyshortdescription(self, params: dict[str, Any]) -> bool:
        if len(str(params.get("short_description", ""))) > 120:
            raise ApiError(400, "Bad Request: short description is too long")
        self.short_description = str(params.get("short_description", ""))
        return True

    async def _api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        timeout = float(params.get("timeout", 0) or 0)
        limit = int(params.get("limit", 100) or 100)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            async with self._new_update:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), timeout)
        return self._updates[:limit]

    def _chat(self, params: dict[str, Any]) -> int:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_by:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self.messages:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _store(self, chat_id: int, text: str, params: dict[str, Any], **extra: Any) -> ChatMessage:
        message = ChatMessage(
            next(self._message_ids),
            chat_id,
            True,
            text,
            int(time.time()),
            reply_markup=params.get("reply_markup"),
            parse_mode=params.get("parse_mode"),
            **extra,
        )
        self.messages[chat_id].append(message)
        return message

    @staticmethod
    def _check_text(text: str, parse_mode: str | None) -> None:
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if parse_mode == "HTML":
            _check_html(text)
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")

    async def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(params)
        text = str(params.get("text", ""))
        self._check_text(text, params.get("parse_mode"))
        return self._as_dict(self._store(chat_id, text, params))

    def _find(self, params: dict[str, Any]) -> ChatMessage:
        chat_id = self._chat(params)
        message_id = int(params["message_id"])
        for message in self.messages[chat_id]:
            if message.message_id == message_id and not message.deleted:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    async def _api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find(params)
        text = str(params.get("text", ""))
        self._check_text(text, params.get("parse_mode"))
        markup = params.get("reply_markup")
        if text == message.text and markup == message.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same",
            )
        message.text, message.reply_markup = text, markup
        message.parse_mode = params.get("parse_mode")
        message.edits += 1
        return self._as_dict(message)

    async def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find(params)
        markup = params.get("reply_markup")
        if markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        message.edits += 1
        return self._as_dict(message)

    async def _api_deletemessage(self, params: dict[str, Any]) -> bool:
        self._find(params).deleted = True
        return True

    async def _api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id in self.callback_answers:
            self.answered_twice.append(query_id)
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.callback_answers[query_id] = params
        return True

    async def _api_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(params)
        photo = params.get("photo")
        if isinstance(photo, str) and photo in self.files:  # a file id Telegram knows
            photo = self.files[photo][1]
        if not isinstance(photo, bytes):
            raise ApiError(400, "Bad Request: there is no photo in the request")
        self._check_caption(str(params.get("caption", "")), params.get("parse_mode"))
        message = self._store(chat_id, str(params.get("caption", "")), params, photo=photo)
        return self._as_dict(message)

    @staticmethod
    def _check_caption(caption: str, parse_mode: str | None) -> None:
        if parse_mode == "HTML":
            _check_html(caption)
        if len(_strip_html(caption) if parse_mode == "HTML" else caption) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")

    async def _api_editmessagemedia(self, params: dict[str, Any]) -> dict[str, Any]:
        """Replace a photo message's photo, caption and keyboard (InputMediaPhoto only)."""
        message = self._find(params)
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") != "photo":
            raise ApiError(400, "Bad Request: can't parse InputMedia: media type is not photo")
        ref = media.get("media")
        photo = params.get(ref.removeprefix("attach://")) if isinstance(ref, str) else None
        if not isinstance(photo, bytes):
            raise ApiError(400, "Bad Request: there is no photo in the request")
        if message.photo is None and message.document is None:
            raise ApiError(400, "Bad Request: there is no media in the message to edit")
        caption, parse_mode = str(media.get("caption", "")), media.get("parse_mode")
        self._check_caption(caption, parse_mode)
        markup = params.get("reply_markup")
        if (photo, caption, markup) == (message.photo, message.text, message.reply_markup):
            raise ApiError(400, "Bad Request: message is not modified")
        message.photo, message.text, message.parse_mode = photo, caption, parse_mode
        message.reply_markup = markup
        message.edits += 1
        return self._as_dict(message)

    async def _api_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(params)
        document = params.get("document")
        if not isinstance(document, bytes):
            raise ApiError(400, "Bad Request: there is no document in the request")
        name = str(params.get("_filename_document", "file"))
        message = self._store(
            chat_id, str(params.get("caption", "")), params, document=(name, document)
        )
        return self._as_dict(message)

    def _as_dict(self, message: ChatMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self._chat_object(message.chat_id),
            "from": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Dozor",
                "username": self.username,
            },
        }
        if message.photo is not None:
            data["photo"] = [
                {
                    "file_id": f"p{message.message_id}",
                    "file_unique_id": "u",
                    "width": 100,
                    "height": 100,
                }
            ]
            data["caption"] = message.text
        elif message.document is not None:
            data["document"] = {
                "file_id": f"d{message.message_id}",
                "file_unique_id": "u",
                "file_name": message.document[0],
            }
            data["caption"] = message.text
        else:
            data["text"] = message.text
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def _chat_object(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self.groups:
            return {"id": chat_id, "type": "supergroup", "title": self.groups[chat_id]}
        return {"id": chat_id, "type": "private"}

    # ----- the users' side -----

    async def send_to_group(self, user: FakeUser, group_id: int, text: str) -> ChatMessage:
        """Send a message as `user` in a supergroup the bot is a member of (an admin of, so
        it may delete messages there)."""
        self.groups.setdefault(group_id, "Family")
        self.messages.setdefault(group_id, [])
        message = ChatMessage(next(self._message_ids), group_id, False, text, int(time.time()))
        self.messages[group_id].append(message)
        payload: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "text": text,
            "from": user.as_dict(),
            "chat": self._chat_object(group_id),
        }
        if text.startswith("/"):
            payload["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}
            ]
        await self._push({"message": payload})
        return message

    async def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        async with self._new_update:
            self._new_update.notify_all()

    def open_chat(self, user: FakeUser) -> None:
        """A chat that exists already (the user talked to the bot before this test)."""
        self.messages.setdefault(user.id, [])

    async def send_document(
        self, user: FakeUser, name: str, data: bytes, caption: str = ""
    ) -> ChatMessage:
        """Send a file to the bot as `user` (the bot fetches it with getFile)."""
        self.messages.setdefault(user.id, [])
        message = ChatMessage(
            next(self._message_ids), user.id, False, caption, int(time.time()),
            document=(name, data),
        )  # fmt: skip
        self.messages[user.id].append(message)
        file_id = f"f{message.message_id}"
        self.files[file_id] = (name, data)
        payload: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "from": user.as_dict(),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": name,
                "mime_type": "application/octet-stream",
                "file_size": len(data),
            },
        }
        if caption:
            payload["caption"] = caption
        await self._push({"message": payload})
        return message

    async def send_photo(self, user: FakeUser, data: bytes, caption: str = "") -> ChatMessage:
        """Send a photo to the bot as `user` (the bot may send it on by its file id)."""
        self.messages.setdefault(user.id, [])
        message = ChatMessage(
            next(self._message_ids), user.id, False, caption, int(time.time()), photo=data
        )
        self.messages[user.id].append(message)
        file_id = f"p{message.message_id}"
        self.files[file_id] = ("photo.jpg", data)
        payload: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "from": user.as_dict(),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "photo": [
                {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 640, "height": 480}
            ],
        }
        if caption:
            payload["caption"] = caption
        await self._push({"message": payload})
        return message

    async def send(self, user: FakeUser, text: str) -> ChatMessage:
        """Send a message to the bot as `user`."""
        self.messages.setdefault(user.id, [])
        message = ChatMessage(next(self._message_ids), user.id, False, text, int(time.time()))
        self.messages[user.id].append(message)
        payload: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "text": text,
            "from": user.as_dict(),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
        }
        if text.startswith("/"):
            payload["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}
            ]
        await self._push({"message": payload})
        return message

    async def press(
        self,
        user: FakeUser,
        message: ChatMessage,
        button_text: str | None = None,
        *,
        data: str | None = None,
    ) -> str:
        """Press an inline button of `message` (or send forged callback `data`); return the id."""
        if data is None:
            assert button_text is not None
            data = message.button(button_text)["callback_data"]
        query_id = str(next(self._callback_ids))
        await self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.as_dict(),
                    "chat_instance": str(user.id),
                    "data": data,
                    "message": self._as_dict(message),
                }
            }
        )
        return query_id

    def chat(self, user_id: int) -> list[ChatMessage]:
        """The chat with `user_id`, oldest first, without deleted messages."""
        return [m for m in self.messages.get(user_id, []) if not m.deleted]

    def bot_messages(self, user_id: int) -> list[ChatMessage]:
        """What the bot sent to `user_id`, oldest first."""
        return [m for m in self.chat(user_id) if m.from_bot]

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of `method`."""
        return [params for name, params in self.requests if name.lower() == method.lower()]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy and return its value; fail after `timeout`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError("timed out waiting for the bot")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))

    async def wait_for_message(
        self, user: FakeUser, words: str, timeout: float = 10.0
    ) -> ChatMessage:
        """Wait until the bot's latest message to `user` contains `words`; return it."""

        def latest() -> ChatMessage | None:
            sent = self.bot_messages(user.id)
            return sent[-1] if sent and words in sent[-1].plain else None

        message: ChatMessage = await self.wait_for(latest, timeout)
        return message

    async def reply_to(self, user: FakeUser, text: str, timeout: float = 10.0) -> ChatMessage:
        """Send `text` and wait for the next message the bot sends back."""
        before = len(self.bot_messages(user.id))
        await self.send(user, text)
        reply: ChatMessage = await self.wait_for(
            lambda: len(self.bot_messages(user.id)) > before and self.bot_messages(user.id)[before],
            timeout,
        )
        return reply


MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # what getFile lets a bot download (Bot API)


def _error(err: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": err.code, "description": err.description}
    if err.retry_after is not None:
        body["parameters"] = {"retry_after": err.retry_after}
    return web.json_response(body, status=err.code)


async def _read_params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    if request.method == "GET":
        form: Any = request.query
    else:
        form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if hasattr(value, "file"):  # an uploaded file
            params[key] = value.file.read()
            params[f"_filename_{key}"] = value.filename
            params[f"_type_{key}"] = value.content_type
        elif isinstance(value, str) and value[:1] in "[{":
            params[key] = json.loads(value)
        else:
            params[key] = value
    # aiogram sends uploads as attach://<name>; resolve them to the uploaded bytes
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            params[key] = params.get(name)
            params[f"_filename_{key}"] = params.get(f"_filename_{name}")
            params[f"_type_{key}"] = params.get(f"_type_{name}")
    return params
