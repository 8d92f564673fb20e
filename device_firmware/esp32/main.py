"""Started by MicroPython at boot: the firmware on this board; an unexpected error resets."""

import machine
from board import Board
from dozor import app

try:
    app.main(Board())
except Exception as err:  # noqa: BLE001 - whatever it was, start again (a new version rolls back)
    app.log("fatal:", repr(err))
    machine.reset()
