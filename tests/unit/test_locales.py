"""Every language has every text: the same message ids with the same variables as English,
the plural forms its CLDR rules need, no ids the code no longer uses; and every message of
every language renders with sample arguments into HTML Telegram accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import FluentParser, ast

from bot.i18n import DEFAULT_LOCALE, LOCALES_DIR
from core.users.service import SUPPORTED_LANGUAGES
from tests.emulators.telegram_api import _check_html

ROOT = Path(__file__).resolve().parents[2]
LOCALES = sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir())
PLURAL_NAMES = {"zero", "one", "two", "few", "many", "other"}


def _messages(locale: str) -> dict[str, ast.Message]:
    found: dict[str, ast.Message] = {}
    for path in sorted((LOCALES_DIR / locale).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text("utf-8"))
        for entry in resource.body:
            assert not isinstance(entry, ast.Junk), f"{path}: {(entry.content or '')[:80]!r}"
            if isinstance(entry, ast.Message):
                assert entry.id.name not in found, f"{locale}: {entry.id.name} twice"
                found[entry.id.name] = entry
    return found


def _walk(node: object) -> Iterator[object]:
    yield node
    if isinstance(node, ast.BaseNode):
        for value in vars(node).values():
            for child in value if isinstance(value, list) else [value]:
                yield from _walk(child)


def _variables(message: ast.Message, others: dict[str, ast.Message] | None = None) -> set[str]:
    """The variables a message uses, with those of the messages it refers to."""
    found = {n.id.name for n in _walk(message) if isinstance(n, ast.VariableReference)}
    for node in _walk(message):
        if others and isinstance(node, ast.MessageReference) and node.id.name in others:
            found |= _variables(others[node.id.name], others)
    return found


def _selects(message: ast.Message) -> Iterator[ast.SelectExpression]:
    yield from (n for n in _walk(message) if isinstance(n, ast.SelectExpression))


def test_the_locales_are_the_supported_languages() -> None:
    assert set(LOCALES) == set(SUPPORTED_LANGUAGES)
    assert DEFAULT_LOCALE in LOCALES


@pytest.mark.parametrize("locale", [loc for loc in LOCALES if loc != DEFAULT_LOCALE])
def test_every_message_is_there_with_the_same_variables(locale: str) -> None:
    english, other = _messages(DEFAULT_LOCALE), _messages(locale)
    assert sorted(set(english) - set(other)) == [], "missing"
    assert sorted(set(other) - set(english)) == [], "not in English"
    differ = {
        key: (sorted(_variables(english[key])), sorted(_variables(other[key])))
        for key in english
        if _variables(english[key]) != _variables(other[key])
    }
    assert differ == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_are_there_where_the_language_needs_them(locale: str) -> None:
    needed = set(Locale.parse(locale.replace("-", "_")).plural_form.tags) | {"other"}
    missing = {}
    for key, message in _messages(locale).items():
        for select in _selects(message):
            names = {v.key.name for v in select.variants if isinstance(v.key, ast.Identifier)}
            if names & PLURAL_NAMES - {"other"} and not needed <= names:
                missing[key] = sorted(needed - names)
    assert missing == {}


def _used_in_code() -> tuple[set[str], set[str]]:
    literals, prefixes = set(), set()
    for folder in ("bot", "core", "processor"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text("utf-8")
            literals |= set(re.findall(r"[\"']([a-z][a-z0-9_]*(?:-[a-zA-Z0-9_]+)+)[\"']", text))
            prefixes |= set(re.findall(r"f[\"']([a-z][a-z0-9_-]*-)\{", text))
            prefixes |= set(re.findall(r"[\"']([a-z][a-z0-9_-]*-)[\"']\s*\+", text))
    return literals, prefixes


def test_no_message_is_left_unused() -> None:
    literals, prefixes = _used_in_code()
    english = _messages(DEFAULT_LOCALE)
    referenced = {n.id.name for m in english.values() for n in _walk(m)
                  if isinstance(n, ast.MessageReference)}  # fmt: skip
    unused = [
        key
        for key in english
        if key not in literals
        and key not in referenced
        and not any(key.startswith(p) for p in prefixes)
    ]
    assert unused == []


def _samples(message: ast.Message, others: dict[str, ast.Message]) -> list[dict[str, object]]:
    """Arguments to render with: every selector's variants, numbers of each plural form."""
    names = _variables(message, others)
    selected: dict[str, list[object]] = {}
    referred = [others[n.id.name] for n in _walk(message)
                if isinstance(n, ast.MessageReference) and n.id.name in others]  # fmt: skip
    for select in [s for m in (message, *referred) for s in _selects(m)]:
        if isinstance(select.selector, ast.VariableReference):
            keys: list[object] = []
            for variant in select.variants:
                key = variant.key
                keys.append(int(key.value) if isinstance(key, ast.NumberLiteral) else key.name)
            selected[select.selector.id.name] = keys
    runs: list[dict[str, object]] = []
    for count in (0, 1, 2, 5, 21, 1234):
        args: dict[str, object] = dict.fromkeys(names, "Sample")
        for name, keys in selected.items():
            words = [k for k in keys if isinstance(k, str) and k not in PLURAL_NAMES]
            args[name] = words[count % len(words)] if words else count
        runs.append(args)
    return runs


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_renders_in_every_language(locale: str) -> None:
    bundle = FluentBundle([locale], use_isolating=False)
    for path in sorted((LOCALES_DIR / locale).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text("utf-8")))
    messages = _messages(locale)
    for key, message in messages.items():
        for args in _samples(message, messages):
            pattern = bundle.get_message(key).value
            assert pattern is not None, key
            text, errors = bundle.format_pattern(pattern, args)
            assert errors == [], (key, args, errors)
            assert isinstance(text, str) and text.strip(), key
            _check_html(text)
