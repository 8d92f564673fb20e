"""Firmware images, rollouts to fleets of devices and the update of each device (OTA)."""
