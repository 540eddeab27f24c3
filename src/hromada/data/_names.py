"""Invented, pronounceable Ukrainian-style place names and their Latin transliteration.

Names are built from word stems common in Ukrainian toponymy and the usual endings of place names, so they
sound plausible but describe no particular place (a generated name may coincide with a real village name,
as many such names are common). Latin spellings follow the official Ukrainian national transliteration
(Resolution of the Cabinet of Ministers of Ukraine No. 55 of 27 January 2010).
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np

from hromada.errors import HromadaError

__all__ = ["invent_names", "transliterate"]

Gender = Literal["f", "n", "m", "p"]

# fmt: off
_STEMS: Final[tuple[str, ...]] = (
    "Верб", "Дуб", "Берез", "Лип", "Сосн", "Калин", "Ясен", "Зелен", "Крас", "Біл", "Черн", "Ясн", "Тих",
    "Гай", "Яр", "Лук", "Озер", "Криниц", "Степ", "Вишн", "Горіх", "Бор", "Кам'ян", "Піщ", "Глин", "Вільх",
    "Сокол", "Орл", "Журавл", "Лебед", "Ковил", "Зор", "Весел", "Золот", "Срібн", "Мирн", "Ромен", "Терн",
    "Бузк", "Явір", "Тополь", "Жовт", "Сив", "Ріпк", "Мост", "Брід", "Соняч", "Хмел", "Житн", "Медов",
)

# ending, grammatical gender (for agreement of a leading adjective)
_ENDINGS: Final[tuple[tuple[str, Gender], ...]] = (
    ("івка", "f"), ("янка", "f"), ("иця", "f"),
    ("ове", "n"), ("ине", "n"),
    ("ів", "m"), ("ин", "m"), ("опіль", "m"), ("огород", "m"), ("ець", "m"),
    ("ичі", "p"), ("ани", "p"),
)

# fmt: on
_ADJECTIVES: Final[dict[Gender, tuple[str, ...]]] = {
    "f": ("Нова", "Велика", "Мала", "Верхня", "Нижня"),
    "n": ("Нове", "Велике", "Мале", "Верхнє", "Нижнє"),
    "m": ("Новий", "Великий", "Малий", "Верхній", "Нижній"),
    "p": ("Нові", "Великі", "Малі", "Верхні", "Нижні"),
}

# fmt: off
_LATIN: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "",
}
# fmt: on
_LATIN_INITIAL: Final[dict[str, str]] = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def _transliterate_word(word: str) -> str:
    out: list[str] = []
    lower = word.lower()
    for position, char in enumerate(lower):
        if char == "г" and position > 0 and lower[position - 1] == "з":
            out.append("gh")
            continue
        table = _LATIN_INITIAL if position == 0 and char in _LATIN_INITIAL else _LATIN
        out.append(table.get(char, char))
    latin = "".join(out)
    return latin[:1].upper() + latin[1:] if word[:1].isupper() else latin


def transliterate(text: str) -> str:
    """Write Ukrainian text in Latin letters by the official national transliteration (KMU 2010 No. 55).

    Examples
    --------
    >>> transliterate("Згурівка")
    'Zghurivka'
    >>> transliterate("Нова Яблунівка")
    'Nova Yablunivka'
    """
    parts: list[str] = []
    word = ""
    for char in text:
        if char in " -":
            parts.append(_transliterate_word(word) + char)
            word = ""
        else:
            word += char
    parts.append(_transliterate_word(word))
    return "".join(parts)


def _join(stem: str, ending: str) -> str:
    # Smooth the seam: "Гай" + "івка" gives "Гаївка"; no doubled letters; no "я" after a vowel.
    if stem.endswith("й") and ending[:1] in "иі":
        return stem[:-1] + "ї" + ending[1:]
    if ending[:1] == "я" and stem[-1:] == "й":
        return stem[:-1] + ending
    if ending[:1] == "я" and stem[-1:] in "чжшщ":
        ending = "а" + ending[1:]
    if stem[-1:] == ending[:1]:
        ending = ending[1:]
    return stem + ending


def invent_names(count: int, rng: np.random.Generator, *, adjective_share: float = 0.2) -> list[str]:
    """Return ``count`` distinct invented place names in Ukrainian.

    Parameters
    ----------
    count
        How many names (at most a few thousand distinct names exist).
    rng
        The random generator to draw from.
    adjective_share
        Share of names with a leading adjective (``Нова``, ``Велика`` ...).
    """
    names: list[str] = []
    seen: set[str] = set()
    attempts = 0
    while len(names) < count:
        attempts += 1
        if attempts > 200 * count + 1000:
            raise HromadaError("could not invent enough distinct names")  # pragma: no cover
        stem = _STEMS[int(rng.integers(len(_STEMS)))]
        ending, gender = _ENDINGS[int(rng.integers(len(_ENDINGS)))]
        name = _join(stem, ending)
        if rng.random() < adjective_share:
            adjectives = _ADJECTIVES[gender]
            name = f"{adjectives[int(rng.integers(len(adjectives)))]} {name}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names
