"""Each language end to end: a person whose Telegram speaks Polish, Russian or Brazilian
Portuguese claims a device, opens its card and settings, gets an alert and arms a panel — and
finds no English in anything the bot says to them."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from functools import cache

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import LOCALES_DIR, translator
from core import clock
from core.alerts.rules import Kind
from core.alerts.service import Change, record_changes
from core.devices.service import provision
from core.panels.profile import SATEL
from core.panels.state import PanelSnapshot
from core.redis_keys import RedisKeys
from core.settings import Settings
from core.users.models import User
from tests.conftest import RunningProcessor, eventually, unique_uid
from tests.e2e.conftest import RunningBot
from tests.emulators.satel import SatelPanelEmulator
from tests.emulators.telegram_api import ChatMessage, FakeUser, TelegramEmulator
from tests.integration.helpers import add_device, add_member

# Telegram's language codes for the three (any Portuguese is Brazilian Portuguese).
LANGUAGES = {"pl": "pl", "ru": "ru", "pt-BR": "pt-br"}
_WORD = re.compile(r"[A-Za-z]{4,}")


def _plain(html: str) -> str:
    """What a person reads of a Telegram HTML text."""
    return re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


@cache
def _english_only(locale: str) -> frozenset[str]:
    """Words of the English texts that the other language's texts never use (product names
    such as Shelly or InfluxDB, and words like "online", are used by both)."""

    def of(folder: str) -> set[str]:
        found: set[str] = set()
        for path in (LOCALES_DIR / folder).glob("*.ftl"):
            for line in path.read_text("utf-8").splitlines():
                if not line.startswith("#"):
                    found |= _words(re.sub(r"\{[^}]*\}|<[^>]*>", " ", line.split("=", 1)[-1]))
        return found

    return frozenset(of("en") - of(locale))


def _no_english(locale: str, messages: list[ChatMessage], *names: str) -> None:
    """Nothing the bot said (texts and buttons) uses a word only English texts use."""
    allowed = set().union(*(_words(n) for n in names))
    for message in messages:
        said = message.plain + " " + " ".join(b["text"] for b in message.buttons())
        english = (_words(said) - allowed) & _english_only(locale)
        assert not english, (english, said)


@pytest.fixture
async def panel() -> AsyncIterator[SatelPanelEmulator]:
    emulator = SatelPanelEmulator(partitions=1, zones_per_partition=2)
    emulator.state.names[(0, 1)] = "Parter"
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.mark.parametrize("locale", list(LANGUAGES))
async def test_a_person_sees_only_their_language(
    locale: str,
    processor: RunningProcessor,
    bot: RunningBot,
    emulator: TelegramEmulator,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    settings: Settings,
    panel: SatelPanelEmulator,
) -> None:
    tr = translator(locale)
    person = FakeUser(5300 + list(LANGUAGES).index(locale), "Ola", language_code=LANGUAGES[locale])

    welcome = await emulator.reply_to(person, "/start")
    assert welcome.plain == _plain(tr("start-welcome", name="Ola"))
    async with sessions() as session:
        user = await session.get(User, person.id)
        assert user is not None and user.language == locale

    # Claim a device, open its card and its settings.
    uid = unique_uid("co2_")
    claimed = await add_device(sessions, uid, name="Sypialnia")
    asked = await emulator.reply_to(person, "/add")
    assert asked.plain == _plain(tr("claim-ask"))
    done = await emulator.reply_to(person, claimed.claim_code)
    assert ("Sypialnia" in done.plain and tr("role-owner") in done.plain.casefold()) or done.plain
    listing = await emulator.reply_to(person, "/devices")
    await emulator.press(person, listing, "Sypialnia")
    role = tr("device-role", role=tr("role-owner"))
    await emulator.wait_for(lambda: role in listing.plain)
    await emulator.press(person, listing, tr("card-settings"))
    title = _plain(tr("settings-device-title", name="Sypialnia"))
    await emulator.wait_for(lambda: title in listing.plain)
    mine = await emulator.reply_to(person, "/settings")
    assert tr("settings-language", language=tr(f"language-{locale}")) in mine.plain

    # An alert of the device reaches them in their language.
    async with sessions() as session, session.begin():
        now = clock.now().timestamp()
        change = Change(claimed.device.id, Kind.HIGH, "co2", True, "warning", 1500, 1000, now)
        await record_changes(session, [change])
    headline = _plain(tr("alert-high", icon="🟠", metric="CO₂", device="Sypialnia"))
    await emulator.wait_for_message(person, headline)

    # Arm a panel they own, with their code.
    async with sessions() as session:
        office = await provision(
            session, f"satel-{uuid.uuid4().hex[:8]}", SATEL, name="Biuro",
            attributes={"host": "127.0.0.1", "port": panel.port},
        )  # fmt: skip
    await add_member(sessions, person.id, office.device.id, "owner", name="Ola")
    key = RedisKeys(settings.redis_prefix).panel_state(office.device.id)

    async def connected() -> bool:
        snap = PanelSnapshot.decode(await redis.get(key))
        return snap is not None and snap.connected

    await eventually(connected, timeout=15)
    card = await emulator.reply_to(person, "/devices")
    await emulator.press(person, card, "Biuro")
    await emulator.wait_for(lambda: role in card.plain)
    arm = tr("panel-action-arm")
    for button, shows in (
        (tr("panel-button-arm"), _plain(tr("panel-pick-mode", partitions="Parter"))),
        (tr("panel-button-mode", mode=0), "30"),  # one partition: no choice of it
        (tr("panel-button-confirm", action=arm), "Biuro"),
    ):
        before = card.plain
        await emulator.press(person, card, button)
        await emulator.wait_for(lambda b=before, s=shows: card.plain != b and s in card.plain)  # type: ignore[misc]
    await emulator.send(person, "1234")
    await emulator.wait_for(lambda: panel.state.partitions[1].armed, timeout=15)
    await emulator.wait_for(lambda: "✅" in card.plain, timeout=15)

    _no_english(locale, emulator.bot_messages(person.id), "Sypialnia", "Biuro", "Parter", uid)


async def test_the_menu_is_published_in_each_language(
    bot: RunningBot, emulator: TelegramEmulator
) -> None:
    await emulator.wait_for(lambda: len(emulator.menus) >= 1 + len(LANGUAGES))
    for locale, code in LANGUAGES.items():
        menu = {c["command"]: c["description"] for c in emulator.menus[("default", None, code[:2])]}
        assert (
            menu["devices"] == translator(locale)("cmd-devices") != translator("en")("cmd-devices")
        )
    english = {c["command"]: c["description"] for c in emulator.commands}
    assert english["devices"] == "My devices"


async def test_an_alert_reaches_each_member_in_their_language(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    device = (await add_device(sessions, unique_uid(), name="Kuchnia")).device.id
    members = {"en": FakeUser(5401, "Al"), "pl": FakeUser(5402, "Ola"), "ru": FakeUser(5403, "Оля")}
    for locale, member in members.items():
        emulator.open_chat(member)
        await add_member(sessions, member.id, device, "viewer", name=member.first_name)
        async with sessions() as session, session.begin():
            user = await session.get(User, member.id)
            assert user is not None
            user.language = locale
    async with sessions() as session, session.begin():
        now = clock.now().timestamp()
        await record_changes(
            session, [Change(device, Kind.HIGH, "co2", True, "warning", 1500, 1000, now)]
        )
    for locale, member in members.items():
        headline = translator(locale)("alert-high", icon="🟠", metric="CO₂", device="Kuchnia")
        await emulator.wait_for_message(member, _plain(headline))


async def test_the_language_is_changed_in_settings_and_kept(
    bot: RunningBot, emulator: TelegramEmulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    person = FakeUser(5501, "Ana", language_code="de")  # not spoken: English
    assert "Hello, Ana" in (await emulator.reply_to(person, "/start")).plain
    screen = await emulator.reply_to(person, "/settings")
    assert "Language: 🇬🇧 English" in screen.plain
    await emulator.press(person, screen, "🇧🇷 Português (Brasil)")
    await emulator.wait_for(lambda: "Idioma: 🇧🇷 Português (Brasil)" in screen.plain)
    assert "• 🇧🇷 Português (Brasil) •" in str(screen.rows())
    async with sessions() as session:
        user = await session.get(User, person.id)
        assert user is not None and user.language == "pt-BR"
    listed = await emulator.reply_to(person, "/devices")
    assert listed.plain == _plain(translator("pt-BR")("devices-empty"))
    forged = await emulator.press(person, screen, data="lg:xx")  # a language not spoken
    answer = await emulator.wait_for(lambda: emulator.callback_answers.get(forged))
    assert answer.get("text") == translator("pt-BR")("error-stale")
