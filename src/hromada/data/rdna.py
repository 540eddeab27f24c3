"""The sectors of the Ukraine Rapid Damage and Needs Assessment (RDNA), with their groups and titles.

The catalogue follows the sector list and grouping (social / productive / infrastructure / cross-cutting) of
the joint assessments of the World Bank, the Government of Ukraine, the European Union and the United
Nations: *Ukraine Third Rapid Damage and Needs Assessment (RDNA3), February 2022 - December 2023* (February
2024) and *Ukraine Fourth Rapid Damage and Needs Assessment (RDNA4), February 2022 - December 2024*
(February 2025). Sector names are facts; the short codes and the Ukrainian and German titles are ours.

The assessment's three kinds of figures, as :mod:`hromada.analysis.assessment.ledger` uses them:

- **damage** (:data:`KINDS` ``"damage"``): the replacement cost of destroyed or damaged physical assets, at
  pre-war prices;
- **loss** (``"loss"``): changes in economic flows caused by the war (lost output, higher costs, rental
  losses, demolition and debris removal);
- **need** (``"need"``): the cost of recovery and reconstruction over ten years, including building back
  better, split into short-term priorities (``"short"``) and the medium and long term (``"medium"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

import pandas as pd

from hromada.errors import ValidationError

__all__ = [
    "CONFIDENCE",
    "GROUPS",
    "KINDS",
    "LOCALES",
    "REFERENCES",
    "SECTORS",
    "TERMS",
    "Confidence",
    "Kind",
    "RdnaSector",
    "SectorGroup",
    "Term",
    "group_title",
    "rdna_sectors",
    "sector_codes",
    "sector_group",
    "sector_title",
]

SectorGroup = Literal["social", "productive", "infrastructure", "cross-cutting"]
Kind = Literal["damage", "loss", "need"]
Confidence = Literal["low", "medium", "high"]
Term = Literal["short", "medium"]

GROUPS: Final[tuple[SectorGroup, ...]] = ("social", "productive", "infrastructure", "cross-cutting")
"""The four sector groups, in the order of the RDNA reports."""

KINDS: Final[tuple[Kind, ...]] = ("damage", "loss", "need")
"""Damage (assets at pre-war replacement cost), losses (changes in flows), needs (recovery over ten years)."""

CONFIDENCE: Final[tuple[Confidence, ...]] = ("low", "medium", "high")
"""How sure the person who entered a figure is of it."""

TERMS: Final[tuple[Term, ...]] = ("short", "medium")
"""Horizon of a need: short-term priorities, or the medium and long term."""

LOCALES: Final[tuple[str, ...]] = ("uk", "en", "de")
"""Languages with titles in the catalogue."""

REFERENCES: Final[tuple[str, ...]] = (
    "World Bank, Government of Ukraine, European Union, United Nations (2024), Ukraine Third Rapid Damage "
    "and Needs Assessment (RDNA3), February 2022 - December 2023",
    "World Bank, Government of Ukraine, European Union, United Nations (2025), Ukraine Fourth Rapid Damage "
    "and Needs Assessment (RDNA4), February 2022 - December 2024",
)


@dataclass(frozen=True, slots=True)
class RdnaSector:
    """One sector of the RDNA catalogue.

    Attributes
    ----------
    code
        Short stable code (``"housing"``, ``"energy"``, ...).
    group
        ``"social"``, ``"productive"``, ``"infrastructure"`` or ``"cross-cutting"``.
    title_uk, title_en, title_de
        Titles in Ukrainian, English and German.
    """

    code: str
    group: SectorGroup
    title_uk: str
    title_en: str
    title_de: str

    def title(self, locale: str = "uk") -> str:
        """Return the title in ``"uk"``, ``"en"`` or ``"de"`` (a regional variant uses its language)."""
        language = _language(locale)
        return {"uk": self.title_uk, "en": self.title_en, "de": self.title_de}[language]


SECTORS: Final[tuple[RdnaSector, ...]] = (
    RdnaSector("housing", "social", "Житло", "Housing", "Wohnen"),
    RdnaSector("education", "social", "Освіта", "Education", "Bildung"),
    RdnaSector("health", "social", "Охорона здоров'я", "Health", "Gesundheit"),
    RdnaSector(
        "social_protection",
        "social",
        "Соціальний захист і засоби до існування",
        "Social protection and livelihoods",
        "Sozialschutz und Lebensgrundlagen",
    ),
    RdnaSector("culture", "social", "Культура і туризм", "Culture and tourism", "Kultur und Tourismus"),
    RdnaSector("agriculture", "productive", "Сільське господарство", "Agriculture", "Landwirtschaft"),
    RdnaSector(
        "commerce_industry",
        "productive",
        "Торгівля і промисловість",
        "Commerce and industry",
        "Handel und Industrie",
    ),
    RdnaSector(
        "finance", "productive", "Фінанси і банківська справа", "Finance and banking", "Finanz- und Bankwesen"
    ),
    RdnaSector(
        "energy",
        "infrastructure",
        "Енергетика і видобувна промисловість",
        "Energy and extractives",
        "Energie und Rohstoffgewinnung",
    ),
    RdnaSector("transport", "infrastructure", "Транспорт", "Transport", "Verkehr"),
    RdnaSector(
        "telecommunications",
        "infrastructure",
        "Телекомунікації і цифрові технології",
        "Telecommunications and digital",
        "Telekommunikation und Digitales",
    ),
    RdnaSector(
        "water_sanitation",
        "infrastructure",
        "Водопостачання і водовідведення",
        "Water supply and sanitation",
        "Wasserversorgung und Abwasserentsorgung",
    ),
    RdnaSector(
        "municipal_services",
        "infrastructure",
        "Комунальні послуги",
        "Municipal services",
        "Kommunale Dienstleistungen",
    ),
    RdnaSector(
        "irrigation",
        "infrastructure",
        "Зрошення і водні ресурси",
        "Irrigation and water resources",
        "Bewässerung und Wasserressourcen",
    ),
    RdnaSector("environment", "cross-cutting", "Довкілля", "Environment", "Umwelt"),
    RdnaSector(
        "explosive_hazards",
        "cross-cutting",
        "Протимінна діяльність (поводження з вибухонебезпечними предметами)",
        "Explosive hazard management",
        "Umgang mit Explosivgefahren (Kampfmittelräumung)",
    ),
    RdnaSector(
        "public_administration",
        "cross-cutting",
        "Правосуддя і державне управління",
        "Justice and public administration",
        "Justiz und öffentliche Verwaltung",
    ),
    RdnaSector(
        "civil_protection",
        "cross-cutting",
        "Реагування на надзвичайні ситуації та цивільний захист",
        "Emergency response and civil protection",
        "Notfallreaktion und Bevölkerungsschutz",
    ),
)
"""The 18 sectors, grouped and ordered as in the RDNA reports."""

_GROUP_TITLES: Final[dict[SectorGroup, dict[str, str]]] = {
    "social": {"uk": "Соціальні сектори", "en": "Social sectors", "de": "Soziale Sektoren"},
    "productive": {"uk": "Виробничі сектори", "en": "Productive sectors", "de": "Produktive Sektoren"},
    "infrastructure": {"uk": "Інфраструктура", "en": "Infrastructure", "de": "Infrastruktur"},
    "cross-cutting": {"uk": "Наскрізні сектори", "en": "Cross-cutting sectors", "de": "Querschnittsbereiche"},
}


def _language(locale: str) -> str:
    language = locale.replace("_", "-").split("-")[0].lower()
    if language not in LOCALES:
        raise ValidationError(f"`locale` must be one of {', '.join(LOCALES)}; got {locale!r}")
    return language


@lru_cache(maxsize=1)
def _by_code() -> dict[str, RdnaSector]:
    return {sector.code: sector for sector in SECTORS}


def _sector(code: str) -> RdnaSector:
    sector = _by_code().get(code)
    if sector is None:
        raise ValidationError(
            f"`code` must be an RDNA sector code ({', '.join(sector_codes())}); got {code!r}"
        )
    return sector


def rdna_sectors() -> pd.DataFrame:
    """Return the RDNA sector catalogue as a table.

    Returns
    -------
    pandas.DataFrame
        One row per sector (18, in the report order) with the string columns ``code``, ``group``,
        ``title_uk``, ``title_en`` and ``title_de``. Each call returns a fresh frame.

    Examples
    --------
    >>> table = rdna_sectors()
    >>> table["group"].value_counts()["infrastructure"]
    np.int64(6)
    """
    return pd.DataFrame(
        [(s.code, s.group, s.title_uk, s.title_en, s.title_de) for s in SECTORS],
        columns=["code", "group", "title_uk", "title_en", "title_de"],
    )


def sector_codes() -> tuple[str, ...]:
    """Return the sector codes in the report order.

    Examples
    --------
    >>> sector_codes()[:3]
    ('housing', 'education', 'health')
    """
    return tuple(sector.code for sector in SECTORS)


def sector_group(code: str) -> SectorGroup:
    """Return the group of a sector.

    Parameters
    ----------
    code
        A sector code from :data:`SECTORS`.

    Returns
    -------
    str
        ``"social"``, ``"productive"``, ``"infrastructure"`` or ``"cross-cutting"``.

    Raises
    ------
    ValidationError
        If the code is not in the catalogue.

    Examples
    --------
    >>> sector_group("energy")
    'infrastructure'
    """
    return _sector(code).group


def sector_title(code: str, locale: str = "uk") -> str:
    """Return the title of a sector in ``"uk"`` (default), ``"en"`` or ``"de"``.

    Raises
    ------
    ValidationError
        If the code is not in the catalogue or the language is not one of ``uk``, ``en``, ``de``.

    Examples
    --------
    >>> sector_title("water_sanitation", "en")
    'Water supply and sanitation'
    """
    return _sector(code).title(locale)


def group_title(group: str, locale: str = "uk") -> str:
    """Return the title of a sector group in ``"uk"`` (default), ``"en"`` or ``"de"``.

    Raises
    ------
    ValidationError
        If the group or the language is unknown.

    Examples
    --------
    >>> group_title("cross-cutting", "en")
    'Cross-cutting sectors'
    """
    if group not in _GROUP_TITLES:
        raise ValidationError(f"`group` must be one of {', '.join(GROUPS)}; got {group!r}")
    return _GROUP_TITLES[group][_language(locale)]
