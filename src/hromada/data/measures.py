"""The registry of statistical measures a municipality's statistics may contain.

A *measure* is what a figure counts: people employed, firms, turnover, wages, residents, value added. Each
one has a fixed unit, so figures from different files can be compared; importers reject a figure whose unit
differs from the measure's unit instead of converting it silently.

Examples
--------
>>> from hromada.data.measures import MEASURES
>>> MEASURES["employment"].default_unit
'persons'
>>> sorted(MEASURES)
['employment', 'firms', 'population', 'turnover', 'value_added', 'wages']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["MEASURES", "Measure", "find_measure", "normalize_label"]


_SPACES = re.compile(r"[\s_\-]+")


def normalize_label(text: str) -> str:
    """Return ``text`` folded for comparison: case-folded, trimmed, runs of spaces, ``_``, ``-`` as one space.

    Examples
    --------
    >>> normalize_label("  Value_Added ")
    'value added'
    """
    return _SPACES.sub(" ", text.strip().casefold()).strip()


@dataclass(frozen=True, slots=True)
class Measure:
    """One statistical measure and the rules its figures follow.

    Parameters
    ----------
    name
        The stable identifier used in files, the database and the API (``"employment"``).
    default_unit
        The unit every figure of this measure is expressed in (``"persons"``).
    allow_negative
        Whether a figure may be below zero (value added may, employment may not).
    integer
        Whether the measure counts whole things (persons, firms). Figures are still stored as floats, since
        published estimates are sometimes fractional; the flag guides rounding in displays.
    sector_required
        Whether the measure is broken down by NACE sector. When ``False`` the only sector is the total
        ``"_T"`` (population is not reported by sector).
    title_en, title_uk, title_de
        Human-readable titles in English, Ukrainian and German.
    unit_aliases
        Other spellings of ``default_unit`` accepted in imported files (Ukrainian abbreviations, for example).
    """

    name: str
    default_unit: str
    allow_negative: bool
    integer: bool
    sector_required: bool
    title_en: str
    title_uk: str
    title_de: str
    unit_aliases: tuple[str, ...] = ()

    def title(self, locale: Literal["en", "uk", "de"] = "uk") -> str:
        """Return the title in ``locale`` (Ukrainian by default)."""
        return {"en": self.title_en, "uk": self.title_uk, "de": self.title_de}[locale]

    def accepts_unit(self, unit: str) -> bool:
        """Return whether ``unit`` names this measure's unit (case, spacing and aliases ignored)."""
        key = normalize_label(unit)
        return key == normalize_label(self.default_unit) or key in {
            normalize_label(alias) for alias in self.unit_aliases
        }


_ALL = (
    Measure(
        name="employment",
        default_unit="persons",
        allow_negative=False,
        integer=True,
        sector_required=True,
        title_en="Employment",
        title_uk="Кількість зайнятих",
        title_de="Beschäftigte",
        unit_aliases=("person", "осіб", "особи", "осіб."),
    ),
    Measure(
        name="firms",
        default_unit="count",
        allow_negative=False,
        integer=True,
        sector_required=True,
        title_en="Number of firms",
        title_uk="Кількість підприємств",
        title_de="Anzahl der Unternehmen",
        unit_aliases=("number", "од.", "одиниць", "кількість"),
    ),
    Measure(
        name="turnover",
        default_unit="UAH thousand",
        allow_negative=False,
        integer=False,
        sector_required=True,
        title_en="Turnover",
        title_uk="Обсяг реалізованої продукції",
        title_de="Umsatz",
        unit_aliases=("thousand UAH", "тис. грн", "тис.грн", "тис. грн."),
    ),
    Measure(
        name="wages",
        default_unit="UAH per month",
        allow_negative=False,
        integer=False,
        sector_required=True,
        title_en="Average monthly wage",
        title_uk="Середня місячна заробітна плата",
        title_de="Durchschnittlicher Monatslohn",
        unit_aliases=("UAH/month", "грн/міс", "грн на місяць", "грн/місяць"),
    ),
    Measure(
        name="population",
        default_unit="persons",
        allow_negative=False,
        integer=True,
        sector_required=False,
        title_en="Population",
        title_uk="Чисельність населення",
        title_de="Bevölkerung",
        unit_aliases=("person", "осіб", "особи", "осіб."),
    ),
    Measure(
        name="value_added",
        default_unit="UAH thousand",
        allow_negative=True,
        integer=False,
        sector_required=True,
        title_en="Gross value added",
        title_uk="Валова додана вартість",
        title_de="Bruttowertschöpfung",
        unit_aliases=("thousand UAH", "тис. грн", "тис.грн", "тис. грн."),
    ),
)

MEASURES: Mapping[str, Measure] = MappingProxyType({measure.name: measure for measure in _ALL})
"""Every known measure by name (read-only)."""

_BY_LABEL: Mapping[str, Measure] = MappingProxyType(
    {
        normalize_label(label): measure
        for measure in _ALL
        for label in (measure.name, measure.title_en, measure.title_uk, measure.title_de)
    }
)


def find_measure(label: str) -> Measure | None:
    """Return the measure named ``label`` (its name or a title in any language, case ignored), or ``None``.

    Examples
    --------
    >>> find_measure("Value added").name
    'value_added'
    >>> find_measure("sales") is None
    True
    >>> find_measure("VALUE_ADDED").name
    'value_added'
    >>> find_measure("Чисельність населення").name
    'population'
    """
    return _BY_LABEL.get(normalize_label(label))
