"""The errors of the SATEL driver, under one root (`SatelError`)."""

from __future__ import annotations


class SatelError(Exception):
    """Anything the SATEL driver refuses or could not do."""


class SatelCodecError(SatelError, ValueError):
    """Bytes or values that are not a valid message of the protocol."""


class PanelLinkError(SatelError, ConnectionError):
    """The connection failed, closed, or an answer did not come in time."""


class PanelBusyError(PanelLinkError):
    """The module serves another integration client (it said `Busy!` and closed)."""
