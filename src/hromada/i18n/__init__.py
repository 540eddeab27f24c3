"""Translations (gettext catalogues compiled by Babel) and locale negotiation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale, negotiate_locale
from babel.support import NullTranslations, Translations

__all__ = ["LOCALES", "LOCALE_DIR", "Translator", "negotiate", "translator"]

LOCALE_DIR: Final = Path(__file__).with_name("locale")
#: Interface languages: Ukrainian is the default, English msgids are the source.
LOCALES: Final = ("uk", "en", "de")


@dataclass(frozen=True)
class Translator:
    """The gettext functions of one locale, as handed to templates."""

    locale: str
    translations: NullTranslations

    def gettext(self, message: str, **variables: object) -> str:
        text = self.translations.gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, n: int, **variables: object) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": n, **variables}

    @property
    def language_name(self) -> str:
        return Locale.parse(self.locale).get_display_name(self.locale) or self.locale


@cache
def translator(locale: str) -> Translator:
    """The translator for ``locale`` (English, the msgid language, needs no catalogue)."""
    if locale == "en":
        return Translator("en", NullTranslations())
    translations = Translations.load(str(LOCALE_DIR), [locale], domain="messages")
    return Translator(locale, translations)


def negotiate(accept_language: str | None, default: str = "uk") -> str:
    """Pick an interface language from an ``Accept-Language`` header."""
    if not accept_language:
        return default
    preferred = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if tag and weight > 0:
            preferred.append((weight, tag.strip()))
    ordered = [tag for _, tag in sorted(preferred, key=lambda item: -item[0])]
    return negotiate_locale(ordered, list(LOCALES), sep="-") or default
