"""Over-the-air updates into the other app partition, with the bootloader's rollback.

An order (`protocol.OtaOrder`) is carried out in steps, each reported on `ota/status`:
the size is checked against the order and the partition first; the image is downloaded in
chunks (`Range` resumes what a power loss cut) and written block by block into the next
update partition while its SHA-256 is computed; a mismatch fails the update and the running
version goes on. A good image is made the boot partition and the board resets into it.

After the reboot the new version runs "pending verification": `confirm()` marks it valid
(`mark_app_valid_cancel_rollback`) once it is healthy — connected to the broker with its
config applied — and reports `done`. A version that never gets healthy resets itself after
its health timeout, and the bootloader goes back to the old one, which finds the update in
the state file and reports `rolled_back`.

The state file (`ota.json`, on the board's file system, which updates do not touch) holds
the order under way and how much of it is written, or the version waiting to be confirmed.
"""

import binascii
import hashlib
import json
import os

STATE_FILE = "ota.json"
SAVE_EVERY = 16  # blocks between two notes of the progress (a resume re-reads up to there)
REPORT_STEP = 10  # percent between two `downloading` reports


class Failed(Exception):  # noqa: N818 - the update failed, with its reason
    """The update cannot go on; the message is the reason reported."""


def load_state() -> dict:
    """The update under way or waiting to be confirmed ({} when none)."""
    try:
        with open(STATE_FILE) as file:
            state = json.loads(file.read())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def save_state(state: dict) -> None:
    """Write the state file so that a power loss leaves the old one or the new one whole."""
    with open(STATE_FILE + ".new", "w") as file:
        file.write(json.dumps(state))
    os.rename(STATE_FILE + ".new", STATE_FILE)


def clear_state() -> None:
    """Forget the update."""
    try:
        os.remove(STATE_FILE)
    except OSError:
        return  # there was none


def _hex(digest: bytes) -> str:
    return binascii.hexlify(digest).decode()


def http_get(url: str, headers: dict) -> object:
    """GET with micropython-lib's `requests`, the body left in the stream (`raw`)."""
    import requests  # noqa: PLC0415 - on the board only when an update comes

    return requests.get(url, headers=headers, stream=True, timeout=30)


class Updater:
    """Carries out one order on a board (`next_partition()`, `reset()`), reporting with
    `report(state, progress=None, error=None)`; `tick()` is called after every block (the
    MQTT connection's keepalive)."""

    def __init__(
        self, board: object, running_version: str, report: object, tick: object = None
    ) -> None:
        self._board = board
        self._running = running_version
        self._report = report
        self._tick = tick

    def run(self, order: object) -> None:
        """Download, verify, set boot and reset; on a failure report it and return."""
        try:
            self._run(order)
        except Failed as err:
            clear_state()
            self._report("failed", None, str(err))
        except (OSError, ValueError) as err:  # the network: the same order resumes
            self._report("failed", None, "download interrupted (%s)" % err)

    def _run(self, order: object) -> None:
        if order.version == self._running:  # type: ignore[attr-defined]
            self._report("done")
            clear_state()
            return
        partition = self._board.next_partition()  # type: ignore[attr-defined]
        block = partition.ioctl(5, 0)
        capacity = partition.ioctl(4, 0) * block
        if order.size > capacity:  # type: ignore[attr-defined]
            msg = "image of %d bytes does not fit the partition (%d)" % (order.size, capacity)  # type: ignore[attr-defined]
            raise Failed(msg)
        hasher, written = self._resume(order, partition, block)
        self._download(order, partition, block, hasher, written)
        self._report("verifying")
        if _hex(hasher.digest()) != order.sha256:  # type: ignore[attr-defined]
            msg = "checksum mismatch"
            raise Failed(msg)
        try:
            partition.set_boot()
        except OSError as err:
            msg = "the bootloader refused the image (%s)" % err
            raise Failed(msg) from None
        save_state({"pending": order.version, "previous": self._running})  # type: ignore[attr-defined]
        self._report("rebooting")
        self._board.reset()  # type: ignore[attr-defined]

    def _resume(self, order: object, partition: object, block: int) -> tuple:
        """The hash of what an interrupted download of this same order wrote, and its size
        (read back from the partition: a hash's state cannot be saved)."""
        hasher = hashlib.sha256()
        state = load_state()
        written = 0
        if _same(state.get("order"), order.to_dict()):  # type: ignore[attr-defined]
            written = int(state.get("written", 0))
        buf = bytearray(block)
        for index in range(written // block):
            partition.readblocks(index, buf)  # type: ignore[attr-defined]
            hasher.update(buf)
        return hasher, written

    def _download(
        self, order: object, partition: object, block: int, hasher: object, written: int
    ) -> None:
        size = order.size  # type: ignore[attr-defined]
        headers = {"Range": "bytes=%d-" % written} if written else {}
        response = http_get(order.url, headers)  # type: ignore[attr-defined]
        try:
            if written and response.status_code == 200:  # noqa: PLR2004 - no ranges: start over
                hasher, written = hashlib.sha256(), 0
            elif response.status_code not in (200, 206):
                msg = "download answered %d" % response.status_code
                raise Failed(msg)
            length = _content_length(response)
            if length is not None and length != size - written:
                msg = "the server sends %d bytes, the order says %d" % (written + length, size)
                raise Failed(msg)
            save_state({"order": order.to_dict(), "written": written})  # type: ignore[attr-defined]
            buf = bytearray(block)
            view = memoryview(buf)
            reported = -REPORT_STEP
            while written < size:
                filled = _fill(response.raw, view, min(block, size - written))
                if filled < block:  # the last block: the rest of the partition's block is blank
                    for i in range(filled, block):
                        buf[i] = 0xFF
                partition.writeblocks(written // block, buf)  # type: ignore[attr-defined]
                hasher.update(view[:filled])  # type: ignore[attr-defined]
                written += filled
                if self._tick is not None:
                    self._tick()  # type: ignore[operator]
                if (written // block) % SAVE_EVERY == 0:
                    save_state({"order": order.to_dict(), "written": written})  # type: ignore[attr-defined]
                percent = written * 100 // size
                if percent >= reported + REPORT_STEP and written < size:
                    reported = percent
                    self._report("downloading", percent)
        finally:
            response.close()


def _same(kept: object, order: dict) -> bool:
    """Whether a kept order is for the same image (its URL may differ: a new token)."""
    if not isinstance(kept, dict):
        return False
    return all(kept.get(key) == order[key] for key in ("version", "sha256", "size"))


def _content_length(response: object) -> int | None:
    headers = getattr(response, "headers", None) or {}
    for name in headers:
        if name.lower() == "content-length":
            return int(headers[name])
    return None


def _fill(stream: object, view: memoryview, want: int) -> int:
    """Read exactly `want` bytes into `view` (fewer only when the stream ends)."""
    got = 0
    while got < want:
        n = stream.readinto(view[got:want])  # type: ignore[attr-defined]
        if not n:  # cut: what was written is kept for a resume
            msg = "the stream ended after %d more bytes" % got
            raise OSError(msg)
        got += n
    return got


def after_boot(running_version: str) -> tuple | None:
    """What the state file says of this boot, with the version updated to: ("confirm", v)
    (the new version runs, pending verification), ("rolled_back", v) (the old one runs
    again), ("resume", order dict) (a download was cut), or None."""
    state = load_state()
    pending = state.get("pending")
    if pending is None:
        order = state.get("order")
        return ("resume", order) if isinstance(order, dict) else None
    if pending == running_version:
        return ("confirm", pending)
    if state.get("previous") == running_version:
        return ("rolled_back", pending)
    clear_state()
    return None


def confirm(board: object) -> None:
    """The new version is healthy: cancel the rollback and forget the update."""
    board.mark_valid()  # type: ignore[attr-defined]
    clear_state()
