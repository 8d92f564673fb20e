"""The frozen modules of Dozor's ESP32 build, in MicroPython's manifest format.

    make -C ports/esp32 BOARD=ESP32_GENERIC BOARD_VARIANT=OTA \
         FROZEN_MANIFEST=$DOZOR/device_firmware/esp32/manifest.py

Frozen, the code is part of the app image, so an OTA update replaces it with the rest
(docs/firmware.md).
"""

include("$(PORT_DIR)/boards/manifest.py")  # noqa: F821 - names of MicroPython's manifest
require("umqtt.simple")  # noqa: F821
require("requests")  # noqa: F821
package("dozor")  # noqa: F821
module("board.py")  # noqa: F821
