"""The HTTP server devices download firmware images from (aiohttp); the processor's health
endpoints are served beside them (`processor/health.py`).

`GET /firmware/<token>`: the image of the update the token was issued for, while the token
lasts (`OTA`'s token lifetime) and the update is under way; `Range: bytes=a-` or `a-b` for a
download resumed after a power loss (206 with `Content-Range`; 416 for a range past the
end). Anything else is 404, logged with its reason, and tells nothing.

An image is read from PostgreSQL once, a chunk at a time in one short session, and kept in
memory while it is among the few served lately (images do not change: a new version is a new
image): a rollout to a thousand devices costs the database one read, not eight queries per
download competing with ingest for connections, and a slow device holds no connection.
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
from collections import OrderedDict
from typing import Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import clock
from core.firmware.repository import UNDER_WAY, ImageRepository, UpdateRepository
from core.firmware.service import token_hash
from core.health import HealthRoutes

log = logging.getLogger(__name__)
CHUNK: Final = 64 * 1024
CACHED_IMAGES: Final = 4  # images kept in memory (each at most an app partition, ~2 MiB)
_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{16,64}")
_RANGE: Final = re.compile(r"bytes=(\d+)-(\d*)")


class ImageServer:
    """Serves firmware images to devices with a valid token."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        host: str,
        port: int,
        tls: ssl.SSLContext | None = None,
        health: HealthRoutes | None = None,
    ) -> None:
        self._sessions = sessions
        self._host = host
        self._port = port
        self._tls = tls
        self._health = health  # /healthz, /readyz, /metrics on the same server
        self._runner: web.AppRunner | None = None
        self._images: OrderedDict[int, bytes] = OrderedDict()  # image id → bytes, newest last
        self._loading: dict[int, asyncio.Lock] = {}
        self.reads = 0  # images read from PostgreSQL (for tests and the benchmark)

    async def start(self) -> bool:
        """Listen; False (logged) when the port is taken — another instance on this machine
        serves the images then."""
        app = web.Application()
        app.router.add_get("/firmware/{token}", self._serve)
        if self._health is not None:
            self._health.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._host, self._port, ssl_context=self._tls).start()
        except OSError as err:
            log.warning("firmware image server not started on port %d: %s", self._port, err)
            await self.stop()
            return False
        log.info("firmware images served on %s:%d", self._host, self._port)
        return True

    async def stop(self) -> None:
        """Stop listening (downloads under way are cut; devices resume them)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _image_of(self, token: str) -> tuple[int, int] | str:
        """The image (id, size) a token opens, or why it opens nothing."""
        if not _TOKEN.fullmatch(token):
            return "malformed token"
        async with self._sessions() as session:
            found = await UpdateRepository(session).by_token(token_hash(token))
            if found is None:
                return "unknown token"
            update, rollout = found
            expires = update.token_expires_at
            if expires is None or expires <= clock.now():
                return "expired token"
            if update.state not in UNDER_WAY or rollout.image_id is None:
                return f"update {update.state}"
            image = await ImageRepository(session).get(rollout.image_id)
            if image is None:
                return "image removed"
            return image.id, image.size

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        image = await self._image_of(request.match_info["token"])
        if isinstance(image, str):
            log.info("firmware download refused (%s) from %s", image, request.remote)
            return web.Response(status=404, text="not found")
        image_id, size = image
        span = byte_range(request.headers.get("Range"), size)
        if span is None:
            return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
        start, end = span
        partial = (start, end) != (0, size - 1) or "Range" in request.headers
        response = web.StreamResponse(status=206 if partial else 200)
        response.content_type = "application/octet-stream"
        response.content_length = end - start + 1
        response.headers["Accept-Ranges"] = "bytes"
        if partial:
            response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        data = await self._bytes(image_id, size)
        await response.prepare(request)
        for offset in range(start, end + 1, CHUNK):
            await response.write(data[offset : min(offset + CHUNK, end + 1)])
        await response.write_eof()
        return response

    async def _bytes(self, image_id: int, size: int) -> bytes:
        """The whole image, from memory or read once (one reader per image at a time)."""
        cached = self._images.get(image_id)
        if cached is not None:
            self._images.move_to_end(image_id)
            return cached
        lock = self._loading.setdefault(image_id, asyncio.Lock())
        async with lock:
            cached = self._images.get(image_id)
            if cached is None:
                cached = await self._read(image_id, size)
                self._images[image_id] = cached
                while len(self._images) > CACHED_IMAGES:
                    self._images.popitem(last=False)
        self._loading.pop(image_id, None)
        return cached

    async def _read(self, image_id: int, size: int) -> bytes:
        data = bytearray()
        async with self._sessions() as session:
            images = ImageRepository(session)
            while len(data) < size:
                chunk = await images.read(image_id, len(data), min(CHUNK * 16, size - len(data)))
                if not chunk:
                    break
                data += chunk
        self.reads += 1
        return bytes(data)


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte a `Range` header asks for (all without one); None when it
    cannot be served."""
    if not header:
        return 0, size - 1
    matched = _RANGE.fullmatch(header.strip())
    if matched is None or int(matched.group(1)) >= size:
        return None
    start = int(matched.group(1))
    end = min(size - 1, int(matched.group(2))) if matched.group(2) else size - 1
    return (start, end) if end >= start else None


def tls_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    """The server's TLS, when a certificate and its key are configured."""
    if not cert or not key:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
