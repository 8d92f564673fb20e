"""Dozor's firmware for an ESP32 CO₂ monitor, in the MicroPython subset.

`protocol` (the MQTT contract) and `scd4x` (the sensor's codec) are pure and shared with the
CPython simulator; `app` and `ota` run on the board through a hardware layer (`board.py` on
an ESP32, a test one under `tests/firmware/`).
"""
