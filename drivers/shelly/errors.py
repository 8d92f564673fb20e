"""The errors of the Shelly driver, under one root (`ShellyError`)."""

from __future__ import annotations


class ShellyError(Exception):
    """Anything the Shelly driver could not do."""
