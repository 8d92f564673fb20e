"""Firmware for ESP32 boards (MicroPython): the `dozor` package is what is flashed."""
