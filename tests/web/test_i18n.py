"""The translation catalogues: complete for every message in the sources, compiled, with Ukrainian plurals.

The messages are extracted afresh from the sources with the options of ``make i18n``, so a new or changed
string in a template fails here until the catalogues are updated, translated and compiled again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from hromada.i18n import LOCALE_DIR, Translator

ROOT = Path(__file__).resolve().parents[2]
#: The catalogues kept in the repository (English, the msgid language, has none).
CATALOGUE_LOCALES = ("uk", "de")
#: The same options as the ``pybabel extract`` step of ``make i18n``; babel.cfg's patterns are relative
#: to the directory given last.
EXTRACT_OPTIONS = (
    "-F",
    "babel.cfg",
    "--no-location",
    "--sort-output",
    "-k",
    "_",
    "-k",
    "gettext",
    "-k",
    "ngettext:1,2",
    ".",
)
REFRESH_HINT = (
    "run pybabel extract/update (see make i18n), translate the new entries in both .po files, "
    "then pybabel compile -d src/hromada/i18n/locale"
)
#: A %-format conversion: ``%(name)d``, ``%s``, ``%%``.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?(?P<type>[diouxXeEfFgGcrsa%])"
)


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def _placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text) if m.group("type") != "%"}


def _listing(items: list[str]) -> str:
    return "".join(f"\n  {item}" for item in items)


def _po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def _read_po(locale: str) -> Catalog:
    with _po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Message]:
    """The messages found in the sources right now, keyed by (singular) msgid."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    babel_cli = [sys.executable, "-m", "babel.messages.frontend", "-q"]
    command = [*babel_cli, "extract", "-o", str(pot), *EXTRACT_OPTIONS]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    with pot.open("rb") as handle:
        template = read_po(handle)
    messages = {_key(message): message for message in template if message.id}
    # An empty result means babel.cfg's patterns no longer match the files (they are relative to ".").
    assert "Log in" in messages, f"extraction found only {len(messages)} messages; check babel.cfg"
    return messages


@pytest.fixture(scope="module", params=CATALOGUE_LOCALES)
def catalogue(request: pytest.FixtureRequest) -> Catalog:
    locale: str = request.param
    return _read_po(locale)


def test_every_message_is_translated(extracted: dict[str, Message], catalogue: Catalog) -> None:
    translated = {_key(message): message for message in catalogue if message.id}
    missing = []
    for key, source in sorted(extracted.items()):
        entry = translated.get(key)
        if entry is None or entry.fuzzy or not all(_forms(entry.string)):
            missing.append(key)
        elif source.pluralizable and (
            not entry.pluralizable or len(_forms(entry.string)) != catalogue.num_plurals
        ):
            missing.append(f"{key} (needs {catalogue.num_plurals} plural forms)")
    assert not missing, f"{catalogue.locale}: untranslated or fuzzy ({REFRESH_HINT}):{_listing(missing)}"


def test_catalogue_has_no_stale_or_fuzzy_entries(extracted: dict[str, Message], catalogue: Catalog) -> None:
    assert not catalogue.fuzzy, f"{catalogue.locale}: the header is marked fuzzy"
    stale = sorted(_key(message) for message in catalogue if message.id and _key(message) not in extracted)
    assert not stale, f"{catalogue.locale}: no longer in the sources ({REFRESH_HINT}):{_listing(stale)}"
    assert not catalogue.obsolete, f"{catalogue.locale}: obsolete entries: {sorted(catalogue.obsolete)}"


def test_placeholders_are_kept(catalogue: Catalog) -> None:
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        expected = set().union(*(_placeholders(text) for text in _forms(message.id)))
        for form in _forms(message.string):
            if _placeholders(form) != expected:
                wrong.append(f"{_key(message)!r} -> {form!r}")
            elif expected:
                try:
                    form % dict.fromkeys(_names(expected), 1)
                except (KeyError, ValueError, TypeError) as exc:
                    wrong.append(f"{_key(message)!r} -> {form!r} ({exc})")
    assert not wrong, f"{catalogue.locale}: placeholders differ from the msgid:{_listing(wrong)}"


def _names(placeholders: set[str]) -> set[str]:
    return {m.group("name") for p in placeholders if (m := PLACEHOLDER.match(p)) and m.group("name")}


def _messages(catalogue: Catalog) -> dict[str, tuple[str, ...]]:
    """What a catalogue translates: msgid -> its translated form(s), as gettext would look them up."""
    return {
        _key(message): _forms(message.string)
        for message in catalogue
        if message.id and not message.fuzzy and any(_forms(message.string))
    }


def _stale(source: Catalog, compiled: Catalog) -> list[str]:
    """The msgids whose compiled translation differs from the source's (or exists in only one)."""
    wanted, found = _messages(source), _messages(compiled)
    return sorted(key for key in wanted.keys() | found.keys() if wanted.get(key) != found.get(key))


@pytest.mark.parametrize("locale", CATALOGUE_LOCALES)
def test_compiled_catalogue_is_up_to_date(locale: str) -> None:
    # The compiled file is compared with its source by content, not by bytes: a new Babel release may
    # write different bytes (its version sits in the header) for the same messages.
    mo = _po_path(locale).with_suffix(".mo")
    assert mo.is_file(), f"{mo.name} for {locale} is missing: run pybabel compile -d src/hromada/i18n/locale"
    with mo.open("rb") as handle:
        compiled = read_mo(handle)
    source = _read_po(locale)
    stale = _stale(source, compiled)
    assert not stale, f"{locale}: messages.mo does not match messages.po for:{_listing(stale[:20])}\n" + (
        "run pybabel compile -d src/hromada/i18n/locale"
    )
    assert compiled.plural_forms == source.plural_forms


def test_stale_compiled_catalogue_is_caught() -> None:
    # The check above must see a .po edited without recompiling: compile, then change the source.
    source = _read_po("uk")
    compiled_bytes = BytesIO()
    write_mo(compiled_bytes, source, use_fuzzy=False)
    compiled_bytes.seek(0)
    compiled = read_mo(compiled_bytes)
    assert _stale(source, compiled) == []
    edited = next(m for m in source if m.id and m.string and not m.pluralizable)
    edited.string = str(edited.string) + " (edited)"
    source.add("A message added to the source only", "Лише в джерелі")
    assert _stale(source, compiled) == sorted([_key(edited), "A message added to the source only"])


def test_ukrainian_has_three_plural_forms() -> None:
    catalogue = _read_po("uk")
    assert catalogue.num_plurals == 3
    assert catalogue.plural_expr == (
        "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"
    )
    assert _read_po("de").num_plurals == 2


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 значень"),
        (1, "1 значення"),
        (3, "3 значення"),
        (5, "5 значень"),
        (11, "11 значень"),
        (12, "12 значень"),
        (14, "14 значень"),
        (21, "21 значення"),
        (22, "22 значення"),
        (25, "25 значень"),
        (101, "101 значення"),
        (111, "111 значень"),
    ],
)
def test_ukrainian_plural_choice(n: int, expected: str) -> None:
    translations = Translations.load(str(LOCALE_DIR), ["uk"], domain="messages")
    assert isinstance(translations, Translations), "the compiled Ukrainian catalogue was not found"
    assert Translator("uk", translations).ngettext("%(num)d value", "%(num)d values", n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "Виявлено 1 помилку."),
        (3, "Виявлено 3 помилки."),
        (5, "Виявлено 5 помилок."),
        (11, "Виявлено 11 помилок."),
        (21, "Виявлено 21 помилку."),
        (22, "Виявлено 22 помилки."),
    ],
)
def test_ukrainian_plural_forms_of_a_sentence(n: int, expected: str) -> None:
    translations = Translations.load(str(LOCALE_DIR), ["uk"], domain="messages")
    text = translations.ngettext("%(num)d problem found.", "%(num)d problems found.", n)
    assert text % {"num": n} == expected


@pytest.mark.parametrize(("n", "expected"), [(1, "1 Wert"), (2, "2 Werte"), (0, "0 Werte")])
def test_german_plural_choice(n: int, expected: str) -> None:
    translations = Translations.load(str(LOCALE_DIR), ["de"], domain="messages")
    assert Translator("de", translations).ngettext("%(num)d value", "%(num)d values", n) == expected


def test_named_variables_are_filled_in() -> None:
    uk = Translator("uk", Translations.load(str(LOCALE_DIR), ["uk"], domain="messages"))
    assert uk.gettext("The first %(shown)d are listed.", shown=20) == "Показано перші 20."
    assert uk.gettext("frontline") == "лінія фронту"
    assert uk.gettext("Municipalities") == "Муніципалітети"
