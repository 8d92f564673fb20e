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


class PanelRefusedError(PanelLinkError):
    """Nothing accepts connections at the address (wrong host or port, module off)."""


class PanelSilentError(PanelLinkError):
    """The module took the connection but did not answer in time (on a module that never
    answered: integration encryption on, or another service on that port)."""
