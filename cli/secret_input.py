r"""Secrets are never given on a command line (it ends up in `ps` and in shell history).

A secret option is a flag: the secret is asked for at a terminal (not echoed), or read as
one line of standard input, e.g. `printf '%s\\n' "$CODE" | dozor panel set office --code`.
Several secret flags in one command read one line each, in the order they are given.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import Any


def read_secret(prompt: str) -> str:
    """One secret from the terminal (hidden) or one line of standard input."""
    if sys.stdin.isatty():
        return getpass.getpass(f"{prompt}: ")
    line = sys.stdin.readline()
    if not line:
        print(f"error: {prompt.lower()} expected on standard input")
        raise SystemExit(2)
    return line.rstrip("\r\n")


class SecretFlag(argparse.Action):
    """A flag whose value is read as a secret when it is given (`prompt` says what)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        self.prompt = str(kwargs.pop("prompt", dest.replace("_", " ")))
        super().__init__(option_strings, dest, nargs=0, default=None, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        """Note the flag; `read_secrets` reads the secrets once the whole line parsed."""
        wanted: list[tuple[str, str]] = getattr(namespace, "_secrets", [])
        wanted.append((self.dest, self.prompt))
        namespace._secrets = wanted  # noqa: SLF001 - our own attribute of the namespace


def read_secrets(args: argparse.Namespace) -> None:
    """Read the secrets the flags asked for, in the order they were given."""
    for dest, prompt in getattr(args, "_secrets", []):
        setattr(args, dest, read_secret(prompt))
