"""Device-side code: MicroPython firmware for ESP32 and a CPython simulator of it."""
