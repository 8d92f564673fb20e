"""Fluent texts per locale; handlers get a Translator for the user's language."""

from __future__ import annotations

from collections.abc import Generator
from functools import cache
from pathlib import Path
from typing import Any

from fluent.runtime import AbstractResourceLoader, FluentBundle, FluentLocalization
from fluent.syntax import FluentParser
from fluent.syntax.ast import Resource

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"


class _PlainBundle(FluentBundle):
    """A bundle without Unicode isolation marks around placeables (Telegram shows them)."""

    def __init__(self, locales: list[str], functions: Any = None, use_isolating: bool = False):
        super().__init__(locales, functions, use_isolating=use_isolating)


class _FileLoader(AbstractResourceLoader):
    """Read `<locale>/<file>.ftl` under LOCALES_DIR (closing files, unlike the stock loader)."""

    def resources(
        self, locale: str, resource_ids: list[str]
    ) -> Generator[list[Resource], None, None]:
        """Yield the locale's resources, if it has any."""
        found = [
            FluentParser().parse(path.read_text("utf-8"))
            for path in (LOCALES_DIR / locale / rid for rid in resource_ids)
            if path.is_file()
        ]
        if found:
            yield found


class Translator:
    """Formats message ids of one locale, falling back to English."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        files = sorted(p.name for p in (LOCALES_DIR / DEFAULT_LOCALE).glob("*.ftl"))
        self._l10n = FluentLocalization(
            [locale, DEFAULT_LOCALE], files, _FileLoader(), bundle_class=_PlainBundle
        )

    def __call__(self, key: str, **args: Any) -> str:
        """Return the text of `key` with `args` filled in."""
        return self._l10n.format_value(key, args)


@cache
def translator(locale: str | None) -> Translator:
    """Return the (shared) translator of a locale."""
    available = {p.name for p in LOCALES_DIR.iterdir() if p.is_dir()}
    return Translator(locale if locale in available else DEFAULT_LOCALE)
