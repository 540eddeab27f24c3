"""Ukraine's 24 oblasts and the city of Kyiv: codes, names, territorial communities and population.

Sources (facts, used with their origin named):

- KATOTTG codes: the Codifier of administrative-territorial units and territories of territorial
  communities (Кодифікатор адміністративно-територіальних одиниць та територій територіальних громад,
  Ministry for Communities and Territories Development of Ukraine, order No. 290 of 26 Nov 2020, as amended).
  Only the oblast-level prefix (``"UA"`` and two digits) is kept here.
- Territorial communities per oblast: the 24 resolutions of the Cabinet of Ministers of Ukraine of 12 June
  2020 on the administrative centres and territories of the territorial communities of each oblast
  (1,469 communities in the 24 oblasts, including 31 in areas of Donetsk and Luhansk oblasts then outside
  government control), as summarised by the decentralisation portal of the Ministry. The city of Kyiv, a
  city with special status, is not one of these 1,469 and is listed here as one community of its own.
- Population: State Statistics Service of Ukraine, estimate of the present population on 1 January 2022,
  rounded to thousands (before the full-scale invasion; occupied areas included). Rough figures meant for
  scaling synthetic data, not for official use.

The Autonomous Republic of Crimea (``UA01``) and Sevastopol (``UA85``) have no territorial communities under
the 2020 reform and are not listed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, Literal

import pandas as pd

__all__ = [
    "HROMADA_COUNT",
    "KATOTTG_PATTERN",
    "KYIV_CITY_CODE",
    "MacroRegion",
    "load_regions",
]

KATOTTG_PATTERN: Final[str] = r"^UA\d{17}$"
"""Regular expression of a full KATOTTG code: ``UA`` followed by 17 digits."""

HROMADA_COUNT: Final[int] = 1469
"""Territorial communities formed in the 24 oblasts by the 2020 reform (the city of Kyiv not included)."""

KYIV_CITY_CODE: Final[str] = "UA80"
"""KATOTTG prefix of the city of Kyiv."""

MacroRegion = Literal["west", "centre", "north", "east", "south", "capital"]

# prefix, name_uk, name_en, name_de, hromadas (2020), population 1 Jan 2022 (thousands), macro-region
_REGIONS: Final[tuple[tuple[str, str, str, str, int, int, MacroRegion], ...]] = (
    ("UA05", "Вінницька область", "Vinnytsia Oblast", "Oblast Winnyzja", 63, 1510, "centre"),
    ("UA07", "Волинська область", "Volyn Oblast", "Oblast Wolyn", 54, 1021, "west"),
    ("UA12", "Дніпропетровська область", "Dnipropetrovsk Oblast", "Oblast Dnipropetrowsk", 86, 3097, "east"),
    ("UA14", "Донецька область", "Donetsk Oblast", "Oblast Donezk", 66, 4059, "east"),
    ("UA18", "Житомирська область", "Zhytomyr Oblast", "Oblast Schytomyr", 66, 1179, "north"),
    ("UA21", "Закарпатська область", "Zakarpattia Oblast", "Oblast Transkarpatien", 64, 1245, "west"),
    ("UA23", "Запорізька область", "Zaporizhzhia Oblast", "Oblast Saporischschja", 67, 1638, "south"),
    (
        "UA26",
        "Івано-Франківська область",
        "Ivano-Frankivsk Oblast",
        "Oblast Iwano-Frankiwsk",
        62,
        1352,
        "west",
    ),
    ("UA32", "Київська область", "Kyiv Oblast", "Oblast Kiew", 69, 1789, "north"),
    ("UA35", "Кіровоградська область", "Kirovohrad Oblast", "Oblast Kirowohrad", 49, 904, "centre"),
    ("UA44", "Луганська область", "Luhansk Oblast", "Oblast Luhansk", 37, 2103, "east"),
    ("UA46", "Львівська область", "Lviv Oblast", "Oblast Lwiw", 73, 2478, "west"),
    ("UA48", "Миколаївська область", "Mykolaiv Oblast", "Oblast Mykolajiw", 52, 1092, "south"),
    ("UA51", "Одеська область", "Odesa Oblast", "Oblast Odessa", 91, 2351, "south"),
    ("UA53", "Полтавська область", "Poltava Oblast", "Oblast Poltawa", 60, 1352, "centre"),
    ("UA56", "Рівненська область", "Rivne Oblast", "Oblast Riwne", 64, 1142, "west"),
    ("UA59", "Сумська область", "Sumy Oblast", "Oblast Sumy", 51, 1036, "north"),
    ("UA61", "Тернопільська область", "Ternopil Oblast", "Oblast Ternopil", 55, 1022, "west"),
    ("UA63", "Харківська область", "Kharkiv Oblast", "Oblast Charkiw", 56, 2599, "east"),
    ("UA65", "Херсонська область", "Kherson Oblast", "Oblast Cherson", 49, 1002, "south"),
    ("UA68", "Хмельницька область", "Khmelnytskyi Oblast", "Oblast Chmelnyzkyj", 60, 1229, "west"),
    ("UA71", "Черкаська область", "Cherkasy Oblast", "Oblast Tscherkassy", 66, 1161, "centre"),
    ("UA73", "Чернівецька область", "Chernivtsi Oblast", "Oblast Tscherniwzi", 52, 890, "west"),
    ("UA74", "Чернігівська область", "Chernihiv Oblast", "Oblast Tschernihiw", 57, 959, "north"),
    ("UA80", "місто Київ", "Kyiv City", "Stadt Kiew", 1, 2952, "capital"),
)


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    frame = pd.DataFrame(
        list(_REGIONS),
        columns=["oblast_code", "name_uk", "name_en", "name_de", "hromadas", "population_k", "macro_region"],
    )
    frame["kind"] = ["city" if code == KYIV_CITY_CODE else "oblast" for code in frame["oblast_code"]]
    frame["population"] = frame.pop("population_k").astype("int64") * 1000
    frame["hromadas"] = frame["hromadas"].astype("int64")
    return frame.loc[
        :, ["oblast_code", "name_uk", "name_en", "name_de", "kind", "macro_region", "hromadas", "population"]
    ]


def load_regions() -> pd.DataFrame:
    """Return the 25 first-level regions with territorial communities: 24 oblasts and the city of Kyiv.

    Returns
    -------
    pandas.DataFrame
        One row per region, ordered by code, with columns ``oblast_code`` (KATOTTG prefix such as
        ``"UA05"``; the same name as in the municipality tables),
        ``name_uk``, ``name_en``, ``name_de``, ``kind`` (``oblast`` or ``city``), ``macro_region`` (``west``,
        ``centre``, ``north``, ``east``, ``south``, ``capital``: a coarse geographical grouping used by the
        synthetic data), ``hromadas`` (territorial communities after the 2020 reform; the oblasts sum to
        :data:`HROMADA_COUNT`, Kyiv counts as one) and ``population`` (persons, 1 January 2022 estimate,
        rounded to thousands). Each call returns a fresh copy.

    Examples
    --------
    >>> regions = load_regions()
    >>> int(regions.loc[regions["kind"] == "oblast", "hromadas"].sum())
    1469
    """
    return _table().copy()
