"""Fluent texts per locale; handlers get a Translator for the user's language."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentLocalization, FluentResourceLoader

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"


class _PlainBundle(FluentBundle):
    """A bundle without Unicode isolation marks around placeables (Telegram shows them)."""

    def __init__(self, locales: list[str], functions: Any = None, use_isolating: bool = False):
        super().__init__(locales, functions, use_isolating=use_isolating)


class Translator:
    """Formats message ids of one locale, falling back to English."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        files = sorted(p.name for p in (LOCALES_DIR / DEFAULT_LOCALE).glob("*.ftl"))
        loader = FluentResourceLoader(str(LOCALES_DIR / "{locale}"))
        self._l10n = FluentLocalization(
            [locale, DEFAULT_LOCALE], files, loader, bundle_class=_PlainBundle
        )

    def __call__(self, key: str, **args: Any) -> str:
        """Return the text of `key` with `args` filled in."""
        return self._l10n.format_value(key, args)


@cache
def translator(locale: str | None) -> Translator:
    """Return the (shared) translator of a locale."""
    available = {p.name for p in LOCALES_DIR.iterdir() if p.is_dir()}
    return Translator(locale if locale in available else DEFAULT_LOCALE)
