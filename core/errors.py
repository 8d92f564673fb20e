"""Domain errors; each carries the key of the text shown to the user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an action; `key` names the user-facing text."""

    key = "error-generic"

    def __init__(self, **args: object) -> None:
        super().__init__(self.key, args)
        self.args_for_text = args

    def describe(self) -> str:
        """Return a plain-English one-line description (for logs and the CLI)."""
        details = ", ".join(f"{k}={v}" for k, v in self.args_for_text.items())
        return f"{self.key} ({details})" if details else self.key


class NotFound(DomainError):  # noqa: N818 - the domain's own word
    """The thing does not exist, or the user may not know that it does."""

    key = "error-not-found"


class AccessDenied(DomainError):  # noqa: N818
    """The user may not do this; answered like NotFound so strangers learn nothing."""

    key = "error-not-found"


class NotAllowed(AccessDenied):
    """A member whose role does not allow this (it changed since the button was sent, say):
    they can see the device, so they are told it is their role, not that it is missing."""

    key = "error-not-allowed"


class StaleAction(DomainError):  # noqa: N818
    """A button or prompt no longer applies."""

    key = "error-stale"


class InvalidInput(DomainError):  # noqa: N818
    """The user typed something that cannot be used."""

    key = "error-invalid-input"
