"""A test HTTP server for firmware images, with `Range` (what a resumed download asks)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class ImageServer:
    """Serves images at /<name>; `pause` slows each 1 KiB chunk (to cut a download)."""

    images: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (name, Range)
    pause: float = 0.0
    port: int = 0
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{name}", self._serve)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def order(self, name: str, version: str, *, sha256: str | None = None) -> bytes:
        """The `ota` message that points a device at an image."""
        image = self.images[name]
        return json.dumps(
            {
                "version": version,
                "url": f"http://127.0.0.1:{self.port}/{name}",
                "sha256": sha256 or hashlib.sha256(image).hexdigest(),
                "size": len(image),
            }
        ).encode()

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.requests.append((name, request.headers.get("Range")))
        image = self.images.get(name)
        if image is None:
            raise web.HTTPNotFound
        start = 0
        ranged = request.headers.get("Range", "")
        if ranged.startswith("bytes=") and ranged.endswith("-"):
            start = int(ranged[6:-1])
        response = web.StreamResponse(status=206 if start else 200)
        response.content_length = len(image) - start
        if start:
            response.headers["Content-Range"] = f"bytes {start}-{len(image) - 1}/{len(image)}"
        await response.prepare(request)
        for offset in range(start, len(image), 1024):
            await response.write(image[offset : offset + 1024])
            if self.pause:
                await asyncio.sleep(self.pause)
        await response.write_eof()
        return response
