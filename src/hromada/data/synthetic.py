"""A deterministic generator of a SYNTHETIC national panel of Ukrainian municipalities.

Nothing here is official statistics. The panel imitates the shape of real data (1,469 territorial communities
plus the city of Kyiv, employment by NACE Rev. 2 division or class over years) so that the analyses of the
product can be developed, tested and demonstrated on the national scale without real microdata.

How employment is made (one vectorised pass per year):

1. Municipalities: population drawn by kind (rural and settlement communities log-normal around 6,500 and
   11,000 people, towns and cities heavier-tailed), the largest city of each oblast scaled to 20-45% of the
   oblast's population (capped near 1.45 million), the rest scaled so that each oblast adds up to its
   population on 1 January 2022 (:func:`hromada.data.regions.load_regions`); the city of Kyiv has its own
   population. War status (frontline, de-occupied, hosting displaced people, rear) is drawn with
   probabilities by oblast: frontline and de-occupied communities lie in the east, south and north,
   communities hosting many displaced people mostly in western and central cities.
2. Capabilities, after the capability model of Hidalgo and Hausmann (2009): there are latent capabilities
   from common to rare; a municipality holds each with a probability that grows with its population and
   urban kind; each industry requires a set of them (more, and rarer ones, for sophisticated industries;
   none for ubiquitous local services; a few need a geographical endowment such as a coal basin, ore,
   hydrocarbons, a port or forest). A municipality can host an industry only when it holds all the required
   capabilities. The presence matrix is therefore nested: diversified places host the rare industries, and
   the diversity of a place correlates negatively with the average ubiquity of its industries.
3. Size: the jobs of a municipality (a share of its population) are spread over the industries it hosts in
   proportion to national industry weights, an urban/rural orientation of each industry and a log-normal
   idiosyncratic factor, then rounded to whole persons (cells that round to zero are absent).
4. Time: industry-specific national trends (growth of IT, decline of coal mining ...), a small 2020 dip in
   contact services, and from 2022 a war shock by status (deep in frontline communities, with closures;
   deep then partly recovering in de-occupied ones; mild in the rear; demand from displaced people in
   hosting communities), harder on agriculture, mining and manufacturing in the war-affected areas, plus
   idiosyncratic year-to-year noise.

References
----------
C. A. Hidalgo and R. Hausmann, "The building blocks of economic complexity", PNAS 106(26), 2009.
"""

from __future__ import annotations

import base64
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from hromada.data._names import invent_names, transliterate
from hromada.data.nace import load_nace
from hromada.data.regions import KYIV_CITY_CODE, load_regions
from hromada.errors import ValidationError

__all__ = [
    "GENERATOR_NAME",
    "GENERATOR_VERSION",
    "KINDS",
    "STATUSES",
    "SYNTHETIC_NOTICE",
    "PanelLevel",
    "SyntheticPanel",
    "generate_panel",
    "read_panel_parquet",
    "write_panel_parquet",
]

PanelLevel = Literal["division", "class"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

GENERATOR_NAME: Final[str] = "hromada.data.synthetic.generate_panel"
GENERATOR_VERSION: Final[str] = "1.0.0"
SYNTHETIC_NOTICE: Final[str] = "SYNTHETIC data, not official statistics"
STATUSES: Final[tuple[str, ...]] = ("frontline", "de-occupied", "hosting-idp", "rear")
KINDS: Final[tuple[str, ...]] = ("urban", "settlement", "rural")
DEFAULT_SEED: Final[int] = 20220224

# Official numbers of urban, settlement and rural territorial communities formed in 2020 (sum 1,469).
_KIND_COUNTS: Final[dict[str, int]] = {"urban": 409, "settlement": 435, "rural": 625}
_WAR_YEAR: Final[int] = 2022
_REFERENCE_YEAR: Final[int] = 2021
_N_SKILLS: Final[int] = 36
_MAX_SOPHISTICATION: Final[int] = 8
_LEAK: Final[float] = 0.015
_GEO: Final[tuple[str, ...]] = ("coal", "ore", "hydrocarbons", "port", "forest", "mountains", "eu_border")

# fmt: off
# --- industries -------------------------------------------------------------------------------------------
# Rough national weights (relative employment) of the divisions; unlisted divisions weigh 0.3.
_DIVISION_WEIGHT: Final[dict[str, float]] = {
    "01": 12.0, "02": 1.0, "03": 0.2, "05": 1.6, "06": 0.3, "07": 0.7, "08": 0.4, "09": 0.2, "10": 3.2,
    "11": 0.5, "12": 0.1, "14": 0.8, "16": 0.7, "23": 0.9, "24": 2.0, "25": 1.0, "28": 1.2, "30": 0.6,
    "33": 0.6, "35": 1.8, "36": 0.6, "39": 0.05, "41": 1.2, "42": 0.8, "43": 1.2, "45": 1.2, "46": 5.0,
    "47": 8.0, "49": 3.5, "50": 0.15, "51": 0.1, "52": 1.5, "53": 0.8, "55": 0.5, "56": 1.8, "59": 0.15,
    "61": 0.6, "62": 2.0, "64": 1.2, "68": 1.0, "69": 0.8, "70": 0.6, "71": 0.6, "80": 0.5, "81": 0.5,
    "84": 6.0, "85": 9.0, "86": 6.0, "87": 0.4, "88": 1.0, "91": 0.6, "92": 0.1, "94": 0.6, "96": 0.8,
    "97": 0.05, "98": 0.02, "99": 0.01,
}
# Number of latent capabilities a division requires (0: found everywhere); unlisted divisions need 3.
_DIVISION_SOPHISTICATION: Final[dict[str, int]] = {
    "01": 0, "02": 1, "03": 2, "05": 2, "06": 3, "07": 3, "08": 2, "09": 4, "10": 2, "11": 3, "12": 6,
    "13": 4, "14": 3, "15": 4, "16": 2, "17": 5, "18": 3, "19": 6, "20": 6, "21": 7, "22": 4, "23": 2,
    "24": 5, "25": 3, "26": 7, "27": 6, "28": 5, "29": 6, "30": 7, "31": 3, "32": 4, "33": 3, "35": 1,
    "36": 1, "37": 2, "38": 2, "39": 4, "41": 1, "42": 2, "43": 1, "45": 1, "46": 2, "47": 0, "49": 1,
    "50": 4, "51": 7, "52": 3, "53": 1, "55": 2, "56": 1, "58": 5, "59": 6, "60": 6, "61": 3, "62": 6,
    "63": 7, "64": 2, "65": 5, "66": 5, "68": 1, "69": 2, "70": 6, "71": 3, "72": 7, "73": 5, "74": 4,
    "75": 2, "77": 3, "78": 5, "79": 4, "80": 2, "81": 1, "82": 3, "84": 0, "85": 0, "86": 0, "87": 2,
    "88": 0, "90": 3, "91": 1, "92": 5, "93": 1, "94": 1, "95": 2, "96": 0, "97": 6, "98": 7, "99": 8,
}
# Urban (+) or rural (-) orientation of the sections, with a few division overrides.
_SECTION_ORIENTATION: Final[dict[str, float]] = {
    "A": -1.0, "B": -0.2, "C": 0.0, "D": 0.0, "E": 0.1, "F": 0.1, "G": 0.2, "H": 0.2, "I": 0.3, "J": 0.9,
    "K": 0.8, "L": 0.6, "M": 0.8, "N": 0.6, "O": -0.1, "P": -0.1, "Q": 0.1, "R": 0.3, "S": 0.2, "T": 0.5,
    "U": 1.0,
}
_DIVISION_ORIENTATION: Final[dict[str, float]] = {"47": 0.0, "84": 0.0, "02": -0.8, "16": -0.4, "10": -0.2}
# National trend per year, by section, with division overrides.
_SECTION_TREND: Final[dict[str, float]] = {
    "A": -0.005, "B": -0.03, "C": -0.01, "G": 0.01, "J": 0.07, "K": -0.02, "O": -0.01, "P": -0.005,
    "Q": -0.005,
}
_DIVISION_TREND: Final[dict[str, float]] = {"05": -0.07, "62": 0.11, "63": 0.08, "53": 0.03, "47": 0.015}
# Divisions that need a geographical endowment as well.
_DIVISION_GEO: Final[dict[str, str]] = {
    "02": "forest", "05": "coal", "06": "hydrocarbons", "07": "ore", "09": "hydrocarbons",
    "19": "hydrocarbons", "24": "ore", "50": "port",
}
# Size boosts of an endowment on some divisions (tourism in the mountains, logistics at the EU border ...).
_GEO_BOOST: Final[dict[str, dict[str, float]]] = {
    "mountains": {"55": 5.0, "56": 1.5, "79": 3.0, "93": 3.0},
    "eu_border": {"49": 2.0, "52": 3.0},
    "port": {"52": 3.0, "49": 1.5},
    "forest": {"16": 3.0, "31": 2.0},
    "coal": {"35": 2.0},
}
# fmt: on
_COVID_SENSITIVE: Final[frozenset[str]] = frozenset({"55", "56", "79", "90", "93", "51"})
_WAR_SENSITIVE_SECTIONS: Final[frozenset[str]] = frozenset({"A", "B", "C"})
_IDP_DEMAND_SECTIONS: Final[frozenset[str]] = frozenset({"G", "I", "O", "P", "Q", "S", "L"})
_RELOCATING_DIVISIONS: Final[frozenset[str]] = frozenset({"62", "63", "26", "27", "28", "10", "14"})

# --- places -----------------------------------------------------------------------------------------------
# Probabilities of (frontline, de-occupied, hosting displaced people) by oblast; the rest is "rear".
# fmt: off
_STATUS_PROBABILITIES: Final[dict[str, tuple[float, float, float]]] = {
    "UA14": (0.75, 0.10, 0.0), "UA44": (0.85, 0.05, 0.0), "UA23": (0.55, 0.05, 0.05),
    "UA65": (0.45, 0.45, 0.0), "UA63": (0.45, 0.35, 0.05), "UA59": (0.40, 0.35, 0.05),
    "UA74": (0.25, 0.55, 0.05), "UA48": (0.30, 0.30, 0.05), "UA32": (0.0, 0.30, 0.25),
    "UA12": (0.15, 0.0, 0.25), "UA18": (0.0, 0.05, 0.2), "UA51": (0.03, 0.0, 0.2),
}
_STATUS_DEFAULT: Final[dict[str, tuple[float, float, float]]] = {
    "west": (0.0, 0.0, 0.35), "centre": (0.0, 0.0, 0.25), "north": (0.0, 0.0, 0.2),
    "east": (0.0, 0.0, 0.1), "south": (0.0, 0.0, 0.1), "capital": (0.0, 0.0, 1.0),
}
# Probability that a community of an oblast has an endowment (the rest of the country: 0).
_GEO_PROBABILITY: Final[dict[str, dict[str, float]]] = {
    "coal": {"UA14": 0.5, "UA44": 0.5, "UA12": 0.15, "UA46": 0.08, "UA07": 0.08},
    "ore": {"UA12": 0.2, "UA23": 0.1, "UA14": 0.1, "UA35": 0.05, "UA53": 0.05},
    "hydrocarbons": {"UA53": 0.3, "UA63": 0.25, "UA59": 0.15, "UA26": 0.12, "UA46": 0.1, "UA74": 0.08},
    "port": {"UA51": 0.12, "UA48": 0.08, "UA65": 0.08, "UA23": 0.05, "UA14": 0.02, "UA12": 0.03, "UA71": 0.03,
             "UA53": 0.02, "UA32": 0.02, "UA80": 1.0},
    "forest": {"UA07": 0.6, "UA56": 0.6, "UA18": 0.6, "UA74": 0.5, "UA21": 0.7, "UA26": 0.6, "UA73": 0.5,
               "UA46": 0.5, "UA32": 0.4, "UA59": 0.3, "UA68": 0.2, "UA61": 0.2, "UA05": 0.15, "UA71": 0.15},
    "mountains": {"UA21": 0.4, "UA26": 0.35, "UA46": 0.12, "UA73": 0.15},
    "eu_border": {"UA46": 0.1, "UA07": 0.1, "UA21": 0.3, "UA73": 0.1, "UA51": 0.03},
}
# fmt: on


@dataclass(frozen=True, eq=False)
class SyntheticPanel:
    """A synthetic national panel: municipalities and their employment by industry and year.

    Attributes
    ----------
    municipalities
        One row per municipality (the 1,469 territorial communities of the 24 oblasts and the city of Kyiv),
        sorted by ``code``: ``code`` (KATOTTG-like synthetic code, ``UA`` and 17 digits starting with the
        oblast's digits), ``name_uk``, ``name_en`` (invented names), ``oblast_code`` (``UA05`` ...),
        ``kind`` (``urban``/``settlement``/``rural``), ``is_oblast_centre``, ``population`` (persons,
        before 2022), ``area_km2``, ``status`` (``frontline``/``de-occupied``/``hosting-idp``/``rear``) and
        ``idp_share`` (displaced people as a share of the population).
    employment
        Long table with columns ``region_code`` (a municipality's ``code``), ``year``, ``sector_code`` (NACE
        Rev. 2 division or class) and ``value`` (employed persons, a whole number stored as float). Cells with
        no employment are omitted: a missing combination means zero. ``region_code`` and ``sector_code`` are
        categoricals whose categories are all municipalities and all sectors of the level. Rows are sorted
        by year, municipality and sector.
    provenance
        How the panel was made: generator, version, seed, level, years, creator and the notice
        :data:`SYNTHETIC_NOTICE`.
    level
        ``"division"`` (88 sectors) or ``"class"`` (615 sectors).
    years
        The years of the panel, ascending.
    synthetic
        Always ``True``: this is not official data.
    """

    municipalities: pd.DataFrame
    employment: pd.DataFrame
    provenance: dict[str, Any]
    level: PanelLevel
    years: tuple[int, ...]
    synthetic: bool = field(default=True)

    @property
    def sectors(self) -> tuple[str, ...]:
        """All sector codes of the panel's level (including sectors without employment)."""
        return tuple(str(code) for code in self.employment["sector_code"].cat.categories)


# --- helpers ----------------------------------------------------------------------------------------------
def _seed_sequence(seed: int | np.random.Generator | None) -> np.random.SeedSequence:
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        raise ValidationError(f"`seed` must be a non-negative int, a numpy Generator or None; got {seed!r}")
    return np.random.SeedSequence(int(seed))


def _validate_years(years: Sequence[int]) -> tuple[int, ...]:
    try:
        values = tuple(int(year) for year in years)
    except (TypeError, ValueError):
        raise ValidationError(f"`years` must be a sequence of integers; got {years!r}") from None
    if not values or any(not 1990 <= year <= 2100 for year in values):
        raise ValidationError(f"`years` must be a non-empty sequence of years in 1990-2100; got {years!r}")
    if len(set(values)) != len(values) or list(values) != sorted(values):
        raise ValidationError(f"`years` must be ascending without repeats; got {years!r}")
    return values


# --- municipalities ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Places:
    frame: pd.DataFrame
    capability_score: FloatArray
    geo: dict[str, BoolArray]


def _make_places(rng: np.random.Generator) -> _Places:
    regions = load_regions()
    region_codes = regions["oblast_code"].to_numpy(dtype=str)
    counts = regions["hromadas"].to_numpy(dtype=np.int64)
    macro = dict(zip(regions["oblast_code"], regions["macro_region"], strict=True))
    region_pop = dict(zip(regions["oblast_code"], regions["population"], strict=True))
    n = int(counts.sum())
    oblast = np.repeat(region_codes, counts)
    first = np.zeros(n, dtype=bool)
    first[np.concatenate(([0], np.cumsum(counts)[:-1]))] = True
    is_kyiv = oblast == KYIV_CITY_CODE

    # Kinds: one urban centre per oblast, the national remainder shuffled over the other communities.
    kinds = np.empty(n, dtype=object)
    kinds[first] = "urban"
    oblast_centres = int(first.sum()) - int(is_kyiv.sum())
    pool = np.array(
        ["urban"] * (_KIND_COUNTS["urban"] - oblast_centres)
        + ["settlement"] * _KIND_COUNTS["settlement"]
        + ["rural"] * _KIND_COUNTS["rural"],
        dtype=object,
    )
    rng.shuffle(pool)
    kinds[~first] = pool

    # Population by kind, then centres and oblast totals.
    medians = np.select([kinds == "rural", kinds == "settlement"], [6_500.0, 11_000.0], 30_000.0)
    sigmas = np.select([kinds == "rural", kinds == "settlement"], [0.5, 0.5], 0.85)
    raw = medians * np.exp(sigmas * rng.standard_normal(n))
    centre_share = rng.uniform(0.2, 0.45, size=n)
    population = np.empty(n, dtype=np.float64)
    for code in region_codes:
        members = np.flatnonzero(oblast == code)
        total = float(region_pop[code])
        if code == KYIV_CITY_CODE:
            population[members] = total
            continue
        centre = members[0]
        population[centre] = min(centre_share[centre] * total, 1_450_000.0)
        rest = members[1:]
        population[rest] = raw[rest] * (total - population[centre]) / raw[rest].sum()
    population = np.maximum(np.round(population), 800.0)

    area_median = np.select([kinds == "rural", kinds == "settlement"], [380.0, 320.0], 200.0)
    area = np.round(area_median * np.exp(0.5 * rng.standard_normal(n)), 1)
    area[is_kyiv] = 839.0

    # Status by oblast probabilities; hosting is likelier in towns and cities.
    probabilities = np.array(
        [_STATUS_PROBABILITIES.get(code, _STATUS_DEFAULT[macro[code]]) for code in oblast], dtype=np.float64
    )
    kind_factor = np.select([kinds == "urban", kinds == "settlement"], [1.8, 1.0], 0.5)
    probabilities[:, 2] = np.minimum(
        probabilities[:, 2] * kind_factor, 1.0 - probabilities[:, :2].sum(axis=1)
    )
    draw = rng.random(n)
    cumulative = np.cumsum(probabilities, axis=1)
    status_index = (draw[:, None] >= cumulative).sum(axis=1)
    status = np.array(STATUSES, dtype=object)[status_index]
    status[is_kyiv] = "hosting-idp"

    beta_a = np.select(
        [status == "hosting-idp", status == "rear", status == "de-occupied"], [4.0, 2.0, 2.0], 1.5
    )
    beta_b = np.select(
        [status == "hosting-idp", status == "rear", status == "de-occupied"], [20.0, 40.0, 50.0], 60.0
    )
    idp_share = np.round(rng.beta(beta_a, beta_b), 4)

    # Names, unique within each oblast, and KATOTTG-like codes.
    names = np.empty(n, dtype=object)
    raion = np.zeros(n, dtype=np.int64)
    local = np.zeros(n, dtype=np.int64)
    for code in region_codes:
        members = np.flatnonzero(oblast == code)
        if code == KYIV_CITY_CODE:
            names[members] = "Київ"
            continue
        names[members] = invent_names(len(members), rng)
        n_raions = int(np.clip(round(len(members) / 12), 3, 8))
        raions = np.sort(rng.integers(1, n_raions + 1, size=len(members)))
        raions[0] = 1  # the oblast centre is the first community of the first raion
        raion[members] = raions
        local[members] = np.concatenate(
            [np.arange(1, int((raions == r).sum()) + 1) for r in np.unique(raions)]
        )
    suffix = rng.integers(0, 100_000, size=n)
    codes = np.array(
        [
            f"{ob}{ra:02d}{lo:03d}00000{su:05d}"
            for ob, ra, lo, su in zip(oblast, raion, local, suffix, strict=True)
        ],
        dtype=object,
    )

    # Latent capability score and geographical endowments.
    oblast_effect = {
        code: float(e)
        for code, e in zip(region_codes, 0.25 * rng.standard_normal(len(region_codes)), strict=True)
    }
    kind_bonus = np.select([kinds == "urban", kinds == "settlement"], [0.4, 0.0], -0.3)
    score = (
        np.log(population / 15_000.0)
        + kind_bonus
        + 0.6 * first
        + np.array([oblast_effect[code] for code in oblast])
        + 0.4 * rng.standard_normal(n)
    )
    geo: dict[str, BoolArray] = {}
    for name in _GEO:
        p = np.array([_GEO_PROBABILITY[name].get(code, 0.0) for code in oblast], dtype=np.float64)
        if name == "port":
            p = np.where(kinds == "urban", np.minimum(3.0 * p, 1.0), p)
        geo[name] = np.asarray(rng.random(n) < p, dtype=np.bool_)

    frame = pd.DataFrame(
        {
            "code": codes.astype(str),
            "name_uk": names.astype(str),
            "name_en": [transliterate(str(name)) for name in names],
            "oblast_code": oblast.astype(str),
            "kind": kinds.astype(str),
            "is_oblast_centre": first,
            "population": population.astype(np.int64),
            "area_km2": area,
            "status": status.astype(str),
            "idp_share": idp_share,
        }
    )
    order = np.argsort(frame["code"].to_numpy(dtype=str), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    frame.attrs = {"synthetic": True, "notice": SYNTHETIC_NOTICE}
    return _Places(
        frame=frame,
        capability_score=np.asarray(score[order], dtype=np.float64),
        geo={name: flags[order] for name, flags in geo.items()},
    )


# --- industries -------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Sectors:
    codes: tuple[str, ...]
    sections: tuple[str, ...]
    divisions: tuple[str, ...]
    weight: FloatArray
    orientation: FloatArray
    trend: FloatArray
    requirements: BoolArray  # sectors x skills
    geo: tuple[str | None, ...]
    size_sigma: FloatArray


def _division_sectors(rng: np.random.Generator) -> _Sectors:
    nace = load_nace()
    divisions = nace.loc[nace["level"] == "division", ["code", "parent"]]
    codes = tuple(str(code) for code in divisions["code"])
    sections = tuple(str(parent) for parent in divisions["parent"])
    n = len(codes)
    weight = np.array([_DIVISION_WEIGHT.get(code, 0.3) for code in codes], dtype=np.float64)
    orientation = np.array(
        [
            _DIVISION_ORIENTATION.get(code, _SECTION_ORIENTATION[sec])
            for code, sec in zip(codes, sections, strict=True)
        ],
        dtype=np.float64,
    )
    trend = np.array(
        [
            _DIVISION_TREND.get(code, _SECTION_TREND.get(sec, 0.0))
            for code, sec in zip(codes, sections, strict=True)
        ],
        dtype=np.float64,
    ) + 0.01 * rng.standard_normal(n)
    requirements = np.zeros((n, _N_SKILLS), dtype=np.bool_)
    for i, code in enumerate(codes):
        k = _DIVISION_SOPHISTICATION.get(code, 3)
        if k == 0:
            continue
        reach = math.ceil((0.3 + 0.7 * k / _MAX_SOPHISTICATION) * _N_SKILLS)
        requirements[i, rng.choice(reach, size=min(k, reach), replace=False)] = True
    geo = tuple(_DIVISION_GEO.get(code) for code in codes)
    size_sigma = np.where(np.array([sec in {"B", "C", "D"} for sec in sections]), 1.3, 0.7)
    return _Sectors(codes, sections, codes, weight, orientation, trend, requirements, geo, size_sigma)


def _class_sectors(divisions: _Sectors, rng: np.random.Generator) -> _Sectors:
    nace = load_nace()
    classes = nace.loc[nace["level"] == "class", "code"].astype(str).tolist()
    div_index = {code: i for i, code in enumerate(divisions.codes)}
    parent = np.array([div_index[code[:2]] for code in classes], dtype=np.int64)
    n = len(classes)
    weight = np.empty(n, dtype=np.float64)
    for d in range(len(divisions.codes)):
        members = np.flatnonzero(parent == d)
        weight[members] = divisions.weight[d] * rng.dirichlet(np.full(len(members), 0.5))
    requirements = divisions.requirements[parent].copy()
    extra = rng.poisson(1.0 + 0.2 * requirements.sum(axis=1))
    for i in range(n):
        if extra[i] == 0:
            continue
        k = int(requirements[i].sum()) + int(extra[i])
        reach = min(
            _N_SKILLS, math.ceil((0.3 + 0.7 * min(k, _MAX_SOPHISTICATION) / _MAX_SOPHISTICATION) * _N_SKILLS)
        )
        requirements[i, rng.choice(reach, size=min(int(extra[i]), reach), replace=False)] = True
    return _Sectors(
        codes=tuple(classes),
        sections=tuple(divisions.sections[d] for d in parent),
        divisions=tuple(divisions.codes[d] for d in parent),
        weight=weight,
        orientation=divisions.orientation[parent] + 0.1 * rng.standard_normal(n),
        trend=divisions.trend[parent] + 0.01 * rng.standard_normal(n),
        requirements=requirements,
        geo=tuple(divisions.geo[d] for d in parent),
        size_sigma=divisions.size_sigma[parent],
    )


# --- employment -------------------------------------------------------------------------------------------
def _presence(places: _Places, sectors: _Sectors, rng: np.random.Generator) -> BoolArray:
    """Which municipality can host which industry (all required capabilities held)."""
    n = len(places.capability_score)
    thresholds = np.linspace(-2.2, 2.8, _N_SKILLS)
    held = (places.capability_score[:, None] + 1.0 * rng.standard_normal((n, _N_SKILLS))) > thresholds[
        None, :
    ]
    missing = (~held).astype(np.float32) @ sectors.requirements.T.astype(np.float32)
    # A few establishments exist without the local capabilities (branches, relocated firms).
    host = np.asarray((missing < 0.5) | (rng.random(missing.shape) < _LEAK), dtype=np.bool_)
    for j, name in enumerate(sectors.geo):
        if name is not None:
            host[:, j] &= places.geo[name]
    return host


def _base_employment(
    places: _Places, sectors: _Sectors, host: BoolArray, rng: np.random.Generator
) -> FloatArray:
    """Employment of the reference year in each municipality x industry cell (before rounding)."""
    frame = places.frame
    population = frame["population"].to_numpy(dtype=np.float64)
    kinds = frame["kind"].to_numpy(dtype=str)
    rate = np.select([kinds == "rural", kinds == "settlement"], [0.26, 0.30], 0.36)
    rate = np.where(frame["oblast_code"].to_numpy(dtype=str) == KYIV_CITY_CODE, 0.45, rate)
    jobs = population * rate * np.exp(0.1 * rng.standard_normal(len(population)))
    urbanity = 0.5 * (np.log(population) - math.log(20_000.0))
    affinity = np.exp(np.clip(urbanity[:, None] * sectors.orientation[None, :], -6.0, 6.0))
    noise = np.exp(sectors.size_sigma[None, :] * rng.standard_normal(host.shape))
    boost = np.ones(host.shape, dtype=np.float64)
    for name, targets in _GEO_BOOST.items():
        for j, division in enumerate(sectors.divisions):
            factor = targets.get(division)
            if factor is not None:
                boost[:, j] = np.where(places.geo[name], factor, boost[:, j])
    raw = np.where(host, sectors.weight[None, :] * affinity * noise * boost, 0.0)
    totals = raw.sum(axis=1, keepdims=True)
    totals[totals == 0.0] = 1.0
    return np.asarray(jobs[:, None] * raw / totals, dtype=np.float64)


def _employment_frame(
    places: _Places,
    sectors: _Sectors,
    years: tuple[int, ...],
    rng_presence: np.random.Generator,
    rng_size: np.random.Generator,
) -> pd.DataFrame:
    host = _presence(places, sectors, rng_presence)
    base = _base_employment(places, sectors, host, rng_size)
    n_places, n_sectors = base.shape
    frame = places.frame
    status = frame["status"].to_numpy(dtype=str)
    idp_share = frame["idp_share"].to_numpy(dtype=np.float64)
    frontline = status == "frontline"
    deoccupied = status == "de-occupied"
    hosting = status == "hosting-idp"

    # War shock: depth by status (varied per municipality), permanent part of the loss, sector adjustments.
    depth = np.select([frontline, deoccupied, hosting], [0.55, 0.45, 0.05], 0.12)
    depth = np.clip(depth * np.exp(0.3 * rng_size.standard_normal(n_places)), 0.0, 0.9)
    permanent = np.select([frontline, deoccupied, hosting], [0.9, 0.45, 0.2], 0.3)
    sensitive = np.array([sec in _WAR_SENSITIVE_SECTIONS for sec in sectors.sections])
    demand = np.array([sec in _IDP_DEMAND_SECTIONS for sec in sectors.sections])
    relocating = np.array([div in _RELOCATING_DIVISIONS for div in sectors.divisions])
    covid = np.array([div in _COVID_SENSITIVE for div in sectors.divisions])
    war_zone = frontline | deoccupied
    extra_depth = np.where(war_zone[:, None] & sensitive[None, :], 0.25, 0.0)
    closure_draw = rng_size.random((n_places, n_sectors))
    closure_p = np.select([frontline, deoccupied], [0.25, 0.15], 0.0)

    region_parts: list[IntArray] = []
    sector_parts: list[IntArray] = []
    value_parts: list[FloatArray] = []
    year_counts: list[int] = []
    for year in years:
        level = base * np.exp(sectors.trend[None, :] * (year - _REFERENCE_YEAR))
        if year == 2020:
            level = level * np.where(covid, 0.85, 0.97)[None, :]
        if year >= _WAR_YEAR:
            since = year - _WAR_YEAR
            lasting = permanent + (1.0 - permanent) * math.exp(-since / 1.5)
            loss = np.clip(depth[:, None] + extra_depth, 0.0, 0.95) * lasting[:, None]
            gain = np.where(hosting[:, None] & demand[None, :], 1.5 * idp_share[:, None], 0.0)
            gain = gain + np.where(
                hosting[:, None] & relocating[None, :], 0.2 * (1.0 - math.exp(-(since + 1) / 1.5)), 0.0
            )
            level = level * (1.0 - loss) * (1.0 + gain)
            reopen = 1.0 if since < 2 else 0.5
            closed = closure_draw < (closure_p * np.where(deoccupied, reopen, 1.0))[:, None]
            level = np.where(closed, 0.0, level)
        level = np.round(level * np.exp(0.08 * rng_size.standard_normal(level.shape)))
        flat = np.flatnonzero(level.ravel() > 0.0)
        region_parts.append((flat // n_sectors).astype(np.int64))
        sector_parts.append((flat % n_sectors).astype(np.int64))
        value_parts.append(level.ravel()[flat])
        year_counts.append(len(flat))

    region_categories = pd.Index(frame["code"].to_numpy(dtype=str), dtype="str")
    sector_categories = pd.Index(list(sectors.codes), dtype="str")
    employment = pd.DataFrame(
        {
            "region_code": pd.Categorical.from_codes(
                np.concatenate(region_parts), categories=region_categories
            ),
            "year": np.repeat(np.array(years, dtype=np.int64), year_counts),
            "sector_code": pd.Categorical.from_codes(
                np.concatenate(sector_parts), categories=sector_categories
            ),
            "value": np.concatenate(value_parts).astype(np.float64),
        }
    )
    employment.attrs = {"synthetic": True, "notice": SYNTHETIC_NOTICE, "unit": "persons"}
    return employment


def generate_panel(
    *,
    level: PanelLevel = "division",
    years: Sequence[int] = range(2015, 2025),
    seed: int | np.random.Generator | None = DEFAULT_SEED,
) -> SyntheticPanel:
    """Generate a SYNTHETIC national panel of municipalities and their employment by industry.

    The same ``seed`` gives the same panel on every run and machine; the municipalities do not depend on
    ``level`` or ``years``, so the division and class panels of one seed describe the same places.

    Parameters
    ----------
    level
        ``"division"`` for the 88 NACE Rev. 2 divisions, ``"class"`` for the 615 classes.
    years
        Ascending years to generate (the war shock starts in 2022, the trends are centred on 2021).
    seed
        Seed of the random generators: an int, a :class:`numpy.random.Generator` (one number is drawn from
        it) or ``None`` for fresh entropy (recorded in the provenance, so the panel can be made again).

    Returns
    -------
    SyntheticPanel
        Municipalities, long employment table and provenance; see :class:`SyntheticPanel`.

    Raises
    ------
    ValidationError
        If ``level``, ``years`` or ``seed`` are not valid.

    Notes
    -----
    The presence of industry :math:`s` in municipality :math:`m` follows the capability model of Hidalgo and
    Hausmann (2009): :math:`M_{ms} = \\prod_{a} [\\, C_{ma} \\ge R_{sa} \\,]`, where :math:`C_{ma}` says
    whether :math:`m` holds capability :math:`a` (likelier for larger, more urban places) and :math:`R_{sa}`
    whether :math:`s` requires it. Employment of hosted cells is
    :math:`E_{ms} = J_m \\, w_s a_{ms} \\eta_{ms} / \\sum_{s'} M_{ms'} w_{s'} a_{ms'} \\eta_{ms'}` with jobs
    :math:`J_m`, national weight :math:`w_s`, urban affinity :math:`a_{ms}` and log-normal noise
    :math:`\\eta_{ms}`, then multiplied by yearly trend, shock and noise factors and rounded.

    Examples
    --------
    >>> panel = generate_panel(years=[2021, 2022])
    >>> len(panel.municipalities), panel.provenance["notice"]
    (1470, 'SYNTHETIC data, not official statistics')
    """
    if level not in ("division", "class"):
        raise ValidationError(f"`level` must be 'division' or 'class'; got {level!r}")
    year_tuple = _validate_years(years)
    sequence = _seed_sequence(seed)
    s_places, s_capabilities, s_classes, s_size = sequence.spawn(4)
    places = _make_places(np.random.default_rng(s_places))
    rng_capabilities = np.random.default_rng(s_capabilities)
    sectors = _division_sectors(rng_capabilities)
    if level == "class":
        sectors = _class_sectors(sectors, np.random.default_rng(s_classes))
    employment = _employment_frame(
        places, sectors, year_tuple, rng_capabilities, np.random.default_rng(s_size)
    )
    entropy = sequence.entropy
    provenance: dict[str, Any] = {
        "generator": GENERATOR_NAME,
        "version": GENERATOR_VERSION,
        "seed": int(entropy) if isinstance(entropy, int) else entropy,
        "level": level,
        "years": list(year_tuple),
        "created_by": "hromada.data.synthetic",
        "synthetic": True,
        "notice": SYNTHETIC_NOTICE,
        "method": "capability model (Hidalgo & Hausmann 2009) with trends, a 2022 war shock and noise",
        "classification": "NACE Rev. 2 / KVED-2010",
        "unit": "persons",
    }
    return SyntheticPanel(
        municipalities=places.frame,
        employment=employment,
        provenance=provenance,
        level=level,
        years=year_tuple,
    )


# --- storage ----------------------------------------------------------------------------------------------
_META_PROVENANCE: Final[bytes] = b"hromada.provenance"
_META_MUNICIPALITIES: Final[bytes] = b"hromada.municipalities"


def write_panel_parquet(panel: SyntheticPanel, path: str | os.PathLike[str]) -> Path:
    """Write a panel to one Parquet file (employment as the table, the rest as key-value metadata).

    The provenance is stored as JSON under the metadata key ``hromada.provenance`` and the municipalities as
    a base64-encoded Arrow IPC stream under ``hromada.municipalities``. The file is written to a temporary
    name first and then moved into place, so readers never see a half-written file.

    Parameters
    ----------
    panel
        The panel to write.
    path
        Destination file (its folder must exist).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(path)
    municipalities = pa.Table.from_pandas(panel.municipalities, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, municipalities.schema) as writer:
        writer.write_table(municipalities)
    table = pa.Table.from_pandas(panel.employment, preserve_index=False)
    provenance = dict(panel.provenance, level=panel.level, years=list(panel.years), synthetic=True)
    metadata = dict(table.schema.metadata or {})
    metadata[_META_PROVENANCE] = json.dumps(provenance, ensure_ascii=False).encode("utf-8")
    metadata[_META_MUNICIPALITIES] = base64.b64encode(sink.getvalue().to_pybytes())
    table = table.replace_schema_metadata(metadata)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, temporary)
        temporary.replace(target)
    finally:
        if temporary.exists():
            temporary.unlink()
    return target


def read_panel_parquet(path: str | os.PathLike[str]) -> SyntheticPanel:
    """Read a panel written by :func:`write_panel_parquet`.

    Raises
    ------
    ValidationError
        If the file is not a panel written by :func:`write_panel_parquet`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(Path(path))
    metadata: Mapping[bytes, bytes] = table.schema.metadata or {}
    if _META_PROVENANCE not in metadata or _META_MUNICIPALITIES not in metadata:
        raise ValidationError(
            f"`path` must be a panel file written by write_panel_parquet; got {str(path)!r}"
        )
    provenance = json.loads(metadata[_META_PROVENANCE].decode("utf-8"))
    reader = pa.ipc.open_stream(pa.py_buffer(base64.b64decode(metadata[_META_MUNICIPALITIES])))
    municipalities = reader.read_all().to_pandas()
    municipalities.attrs = {"synthetic": True, "notice": SYNTHETIC_NOTICE}
    employment = table.to_pandas()
    employment.attrs = {"synthetic": True, "notice": SYNTHETIC_NOTICE, "unit": "persons"}
    level = provenance.get("level")
    if level not in ("division", "class"):
        raise ValidationError(f"`path` holds a panel of unknown level {level!r}")
    return SyntheticPanel(
        municipalities=municipalities,
        employment=employment,
        provenance=provenance,
        level=level,
        years=tuple(int(year) for year in provenance["years"]),
    )
