"""Ten fully described DEMO municipalities drawn from the SYNTHETIC national panel.

The ten places are invented: their names and descriptions are written for demonstrations, their codes and
attributes are rows of :func:`hromada.data.synthetic.generate_panel` with :data:`DEMO_SEED`, chosen by fixed
rules (oblast, kind, war status, size, economic profile) so that they cover the situations the product is
made for: a frontline town, a de-occupied community, two communities hosting many displaced people, a rural
agricultural community, an industrial city, a port city, a mountain resort, a border community and a suburb.

Besides employment (taken from the panel) each demo municipality has firms, turnover and average wages by
NACE division and its population by year, derived from the employment with simple synthetic rules. Money
values are nominal, scaled with approximate average consumer price inflation and average nominal wages of
Ukraine (State Statistics Service of Ukraine, rounded) so that their orders of magnitude are plausible. None
of it is official statistics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from hromada.data.measures import MEASURES
from hromada.data.nace import TOTAL_CODE, section_of
from hromada.data.regions import KYIV_CITY_CODE, load_regions
from hromada.data.synthetic import (
    GENERATOR_VERSION,
    SYNTHETIC_NOTICE,
    SyntheticPanel,
    generate_panel,
    read_panel_parquet,
    write_panel_parquet,
)
from hromada.errors import ValidationError

__all__ = ["DEMO_SEED", "DEMO_SOURCE", "MEASURE_UNITS", "DemoData", "load_demo"]

DEMO_SEED: Final[int] = 20220224
"""Seed of the synthetic panel behind the demo data."""

DEMO_SOURCE: Final[str] = f"Hromada synthetic demo data (seed {DEMO_SEED})"
"""The ``source`` of every demo figure."""

MEASURE_UNITS: Final[dict[str, str]] = {
    name: MEASURES[name].default_unit for name in ("employment", "firms", "turnover", "wages", "population")
}
"""Measures of the demo statistics and their units (the registry's default units)."""

_YEARS: Final[range] = range(2015, 2025)

# fmt: off
# Approximate annual average consumer price inflation, % (State Statistics Service of Ukraine, rounded).
_INFLATION: Final[dict[int, float]] = {
    2015: 48.7, 2016: 13.9, 2017: 14.4, 2018: 10.9, 2019: 7.9, 2020: 2.7, 2021: 9.4, 2022: 20.2, 2023: 12.9,
    2024: 6.5,
}
# Approximate average nominal monthly wage in Ukraine, UAH (State Statistics Service of Ukraine, rounded).
_NATIONAL_WAGE: Final[dict[int, float]] = {
    2015: 4_200.0, 2016: 5_200.0, 2017: 7_100.0, 2018: 8_900.0, 2019: 10_500.0, 2020: 11_600.0,
    2021: 14_000.0, 2022: 14_600.0, 2023: 17_400.0, 2024: 20_000.0,
}
# Synthetic rules by NACE section: employees per firm, turnover per employee (UAH thousand a year at 2021
# prices) and wage relative to the national average.
_SECTION_RULES: Final[dict[str, tuple[float, float, float]]] = {
    "A": (12.0, 1_300.0, 0.80), "B": (150.0, 2_500.0, 1.30), "C": (35.0, 2_200.0, 1.05),
    "D": (60.0, 4_000.0, 1.40), "E": (40.0, 800.0, 0.90), "F": (10.0, 1_500.0, 0.90),
    "G": (4.0, 4_500.0, 0.95), "H": (12.0, 1_800.0, 1.10), "I": (6.0, 600.0, 0.65),
    "J": (6.0, 1_800.0, 1.90), "K": (25.0, 2_000.0, 1.70), "L": (4.0, 1_500.0, 0.85),
    "M": (5.0, 1_200.0, 1.30), "N": (12.0, 900.0, 0.85), "O": (40.0, 300.0, 1.30),
    "P": (30.0, 150.0, 0.75), "Q": (25.0, 250.0, 0.70), "R": (10.0, 400.0, 0.80),
    "S": (4.0, 500.0, 0.75), "T": (1.0, 100.0, 0.60), "U": (20.0, 500.0, 1.50),
}
_DIVISION_RULES: Final[dict[str, tuple[float, float, float]]] = {
    "46": (8.0, 6_000.0, 1.10), "47": (4.0, 3_000.0, 0.85), "49": (6.0, 1_500.0, 1.00),
    "62": (3.0, 1_600.0, 2.60), "24": (400.0, 4_500.0, 1.25), "05": (600.0, 1_500.0, 1.35),
}
# fmt: on


@dataclass(frozen=True)
class _Spec:
    key: str
    oblasts: tuple[str, ...]
    kinds: tuple[str, ...]
    statuses: tuple[str, ...]
    target_population: float
    profile: tuple[str, ...]  # division prefixes whose 2021 employment share is maximised ("" for none)
    name_uk: str
    name_en: str
    name_de: str
    description_en: str
    description_uk: str
    description_de: str


_SPECS: Final[tuple[_Spec, ...]] = (
    _Spec(
        "frontline-town",
        ("UA63",),
        ("urban",),
        ("frontline",),
        25_000.0,
        ("25", "27", "28", "29", "30", "33"),
        "Ковильськ",
        "Kovylsk",
        "Kowylsk",
        "A fictional town in Kharkiv oblast close to the line of contact, where shelling damaged the "
        "machine-building plant, the hospital and two schools. Its team keeps a damage ledger and decides "
        "which services to restore first while many residents are still away.",
        "Вигадане місто на Харківщині поблизу лінії зіткнення, де обстріли пошкодили машинобудівний завод, "
        "лікарню та дві школи. Команда громади веде реєстр пошкоджень і вирішує, які послуги відновлювати "
        "першими, поки багато мешканців ще не повернулися.",
        "Eine erfundene Stadt in der Oblast Charkiw nahe der Kontaktlinie, in der Beschuss das "
        "Maschinenbauwerk, das Krankenhaus und zwei Schulen beschädigt hat. Das Team der Gemeinde führt ein "
        "Schadensregister und entscheidet, welche Dienste zuerst wiederhergestellt werden, während viele "
        "Einwohner noch fort sind.",
    ),
    _Spec(
        "de-occupied",
        ("UA65",),
        ("settlement", "rural", "urban"),
        ("de-occupied",),
        12_000.0,
        ("01",),
        "Тернова Балка",
        "Ternova Balka",
        "Ternowa Balka",
        "A fictional community in Kherson oblast that was occupied in 2022 and liberated in the autumn of "
        "that year. Mines in the fields, a damaged irrigation network and looted farms make demining and the "
        "return of agriculture its first priorities.",
        "Вигадана громада на Херсонщині, окупована у 2022 році та звільнена восени того ж року. Міни на "
        "полях, пошкоджена зрошувальна мережа й пограбовані господарства роблять розмінування та відновлення "
        "сільського господарства першочерговими завданнями.",
        "Eine erfundene Gemeinde in der Oblast Cherson, die 2022 besetzt und im Herbst desselben Jahres "
        "befreit wurde. Minen auf den Feldern, ein beschädigtes Bewässerungsnetz und geplünderte Betriebe "
        "machen Minenräumung und die Rückkehr der Landwirtschaft zu ihren ersten Aufgaben.",
    ),
    _Spec(
        "hosting-west",
        ("UA46",),
        ("urban",),
        ("hosting-idp",),
        80_000.0,
        (),
        "Ясенгород",
        "Yasenhorod",
        "Jasenhorod",
        "A fictional town in Lviv oblast that took in thousands of displaced people and several relocated "
        "firms from the east. Housing, school places and jobs for the newcomers shape its recovery plan.",
        "Вигадане місто на Львівщині, яке прихистило тисячі внутрішньо переміщених осіб і кілька "
        "релокованих підприємств зі сходу. Житло, місця в школах і робота для новоприбулих визначають його "
        "план відновлення.",
        "Eine erfundene Stadt in der Oblast Lwiw, die Tausende Binnenvertriebene und mehrere aus dem Osten "
        "verlagerte Betriebe aufgenommen hat. Wohnraum, Schulplätze und Arbeit für die Neuankömmlinge prägen "
        "ihren Wiederaufbauplan.",
    ),
    _Spec(
        "hosting-centre",
        ("UA05", "UA71", "UA53", "UA35"),
        ("urban", "settlement"),
        ("hosting-idp",),
        40_000.0,
        (),
        "Вишнепіль",
        "Vyshnepil",
        "Wyschnepil",
        "A fictional town in central Ukraine whose population grew with displaced families from the south "
        "and east. It wants to turn the newcomers' skills into new small businesses and to expand its "
        "social services.",
        "Вигадане місто в центральній Україні, населення якого зросло завдяки переміщеним родинам з півдня "
        "та сходу. Громада прагне перетворити навички новоприбулих на нові малі підприємства й розширити "
        "соціальні послуги.",
        "Eine erfundene Stadt in der Zentralukraine, deren Bevölkerung durch vertriebene Familien aus dem "
        "Süden und Osten gewachsen ist. Sie will die Fähigkeiten der Neuankömmlinge in neue Kleinbetriebe "
        "verwandeln und ihre sozialen Dienste ausbauen.",
    ),
    _Spec(
        "rural-agricultural",
        ("UA53", "UA35", "UA71", "UA05"),
        ("rural",),
        ("rear",),
        6_000.0,
        ("01",),
        "Золотополе",
        "Zolotopole",
        "Solotopole",
        "A fictional rural community in the black-earth steppe whose economy rests on grain, sunflower and "
        "dairy farms. It looks for ways to process more of its harvest locally and to keep young people in "
        "the villages.",
        "Вигадана сільська громада в чорноземному степу, економіка якої тримається на зерні, соняшнику та "
        "молочних фермах. Вона шукає способи переробляти більше врожаю на місці й утримати молодь у селах.",
        "Eine erfundene ländliche Gemeinde in der Schwarzerde-Steppe, deren Wirtschaft auf Getreide, "
        "Sonnenblumen und Milchbetrieben beruht. Sie sucht Wege, mehr von ihrer Ernte vor Ort zu verarbeiten "
        "und junge Menschen in den Dörfern zu halten.",
    ),
    _Spec(
        "industrial-city",
        ("UA12",),
        ("urban",),
        ("rear", "hosting-idp"),
        150_000.0,
        (
            "10",
            "11",
            "13",
            "14",
            "15",
            "16",
            "17",
            "18",
            "19",
            "20",
            "21",
            "22",
            "23",
            "24",
            "25",
            "26",
            "27",
            "28",
            "29",
            "30",
            "31",
            "32",
            "33",
        ),
        "Рудогірськ",
        "Rudohirsk",
        "Rudohirsk",
        "A fictional industrial city in Dnipropetrovsk oblast built around a steel works and its suppliers. "
        "Power cuts and lost export routes hit its plants, and it studies which related industries could "
        "diversify its economy.",
        "Вигадане промислове місто на Дніпропетровщині, що виросло навколо металургійного комбінату та його "
        "постачальників. Відключення електроенергії та втрачені експортні шляхи вдарили по його "
        "підприємствах, і громада вивчає, які споріднені галузі могли б урізноманітнити її економіку.",
        "Eine erfundene Industriestadt in der Oblast Dnipropetrowsk, die um ein Stahlwerk und seine "
        "Zulieferer gewachsen ist. Stromausfälle und verlorene Exportwege trafen ihre Werke, und sie "
        "untersucht, welche verwandten Branchen ihre Wirtschaft breiter aufstellen könnten.",
    ),
    _Spec(
        "port-city",
        ("UA51", "UA48"),
        ("urban",),
        ("rear", "hosting-idp"),
        60_000.0,
        ("49", "50", "52"),
        "Лиманськ",
        "Lymansk",
        "Lymansk",
        "A fictional port town on a Black Sea estuary whose jobs depend on grain terminals, rail and "
        "trucking. Attacks on port infrastructure and the changing export corridor make logistics "
        "resilience its main concern.",
        "Вигадане портове місто на чорноморському лимані, робочі місця якого залежать від зернових "
        "терміналів, залізниці та автоперевезень. Удари по портовій інфраструктурі та зміни експортного "
        "коридору роблять стійкість логістики його головною турботою.",
        "Eine erfundene Hafenstadt an einem Schwarzmeer-Liman, deren Arbeitsplätze von Getreideterminals, "
        "Bahn und Lkw-Verkehr abhängen. Angriffe auf die Hafeninfrastruktur und der wechselnde "
        "Exportkorridor machen die Widerstandsfähigkeit der Logistik zu ihrer Hauptsorge.",
    ),
    _Spec(
        "mountain-resort",
        ("UA21", "UA26", "UA73"),
        ("settlement", "rural"),
        ("rear", "hosting-idp"),
        9_000.0,
        ("55", "56", "79", "93"),
        "Смерекове",
        "Smerekove",
        "Smerekowe",
        "A fictional small community in the Carpathians that lives from ski slopes, guesthouses and "
        "forestry. It plans year-round tourism and better roads while hosting families who fled the war.",
        "Вигадана невелика громада в Карпатах, що живе з гірськолижних схилів, садиб і лісового "
        "господарства. Вона планує цілорічний туризм і кращі дороги, водночас приймаючи родини, які "
        "втекли від війни.",
        "Eine erfundene kleine Gemeinde in den Karpaten, die von Skipisten, Gästehäusern und Forstwirtschaft "
        "lebt. Sie plant ganzjährigen Tourismus und bessere Straßen und nimmt zugleich vor dem Krieg "
        "geflohene Familien auf.",
    ),
    _Spec(
        "border",
        ("UA07", "UA73", "UA21"),
        ("settlement", "rural", "urban"),
        ("rear", "hosting-idp"),
        15_000.0,
        ("49", "52", "46"),
        "Прибужне",
        "Prybuzhne",
        "Prybuschne",
        "A fictional community on the border with the European Union, where a busy road crossing brings "
        "warehouses, customs brokers and queues of trucks. It wants to benefit from cross-border trade "
        "without being overwhelmed by transit traffic.",
        "Вигадана громада на кордоні з Європейським Союзом, де жвавий автомобільний пункт пропуску дає "
        "склади, митних брокерів і черги вантажівок. Вона хоче отримувати користь від транскордонної "
        "торгівлі, не потерпаючи від транзитного руху.",
        "Eine erfundene Gemeinde an der Grenze zur Europäischen Union, wo ein belebter Straßenübergang "
        "Lagerhäuser, Zollagenturen und Lkw-Schlangen mit sich bringt. Sie möchte vom grenzüberschreitenden "
        "Handel profitieren, ohne vom Transitverkehr überrollt zu werden.",
    ),
    _Spec(
        "suburb",
        ("UA32",),
        ("urban", "settlement"),
        ("rear", "hosting-idp"),
        60_000.0,
        (),
        "Соснове Поле",
        "Sosnove Pole",
        "Sosnowe Pole",
        "A fictional fast-growing suburb of Kyiv with new housing estates, commuters and a small business "
        "park. Its planners must extend schools, water supply and public transport for a population that "
        "keeps rising.",
        "Вигадане передмістя Києва, що швидко зростає, з новими житловими масивами, маятниковими мігрантами "
        "та невеликим бізнес-парком. Його планувальники мають розширювати школи, водопостачання та "
        "громадський транспорт для населення, яке постійно збільшується.",
        "Ein erfundener, schnell wachsender Vorort von Kiew mit neuen Wohnsiedlungen, Pendlern und einem "
        "kleinen Gewerbepark. Seine Planer müssen Schulen, Wasserversorgung und Nahverkehr für eine stetig "
        "wachsende Bevölkerung ausbauen.",
    ),
)


@dataclass(frozen=True, eq=False)
class DemoData:
    """The demo dataset: ten described municipalities, their statistics and the national panel.

    Attributes
    ----------
    municipalities
        The ten demo municipalities, one row each, with columns ``key`` (their role, such as
        ``frontline-town``), ``code``, ``name_uk``, ``name_en``, ``name_de``, ``oblast_code``,
        ``oblast_name_en``, ``kind``, ``status``, ``population`` (persons, before 2022), ``area_km2``,
        ``idp_share``, ``description_en``, ``description_uk`` and ``description_de``.
    statistics
        Long table with columns ``region_code``, ``year``, ``sector_code`` (NACE division, or
        :data:`~hromada.data.nace.TOTAL_CODE` for population), ``measure`` (``employment``, ``firms``,
        ``turnover``, ``wages``, ``population``), ``value``, ``unit`` (see :data:`MEASURE_UNITS`) and
        ``source`` (:data:`DEMO_SOURCE`).
    panel
        The national division-level synthetic panel the ten belong to (with their demo names).
    provenance
        How the data were made, including the notice that they are synthetic.
    """

    municipalities: pd.DataFrame
    statistics: pd.DataFrame
    panel: SyntheticPanel
    provenance: dict[str, Any]


def _cache_file(cache_dir: Path) -> Path:
    return cache_dir / f"synthetic-panel-v{GENERATOR_VERSION}-seed{DEMO_SEED}-division.parquet"


def _load_panel(cache_dir: Path | None) -> SyntheticPanel:
    if cache_dir is None:
        return generate_panel(level="division", years=_YEARS, seed=DEMO_SEED)
    directory = Path(cache_dir)
    if directory.exists() and not directory.is_dir():
        raise ValidationError(f"`cache_dir` must be a directory; got {str(directory)!r}")
    path = _cache_file(directory)
    if path.is_file():
        try:
            panel = read_panel_parquet(path)
        except (ValidationError, OSError, ValueError, KeyError):
            panel = None
        if (
            panel is not None
            and panel.provenance.get("version") == GENERATOR_VERSION
            and panel.provenance.get("seed") == DEMO_SEED
            and panel.level == "division"
            and panel.years == tuple(_YEARS)
        ):
            return panel
    panel = generate_panel(level="division", years=_YEARS, seed=DEMO_SEED)
    directory.mkdir(parents=True, exist_ok=True)
    write_panel_parquet(panel, path)
    return panel


def _employment_wide(panel: SyntheticPanel, year: int) -> pd.DataFrame:
    employment = panel.employment
    rows = employment[employment["year"] == year]
    return rows.pivot_table(
        index="region_code",
        columns="sector_code",
        values="value",
        aggfunc="sum",
        fill_value=0.0,
        observed=False,
    )


def _candidates(places: pd.DataFrame, spec: _Spec, taken: set[str]) -> pd.DataFrame:
    """Places of the spec's oblasts, kinds and statuses, relaxing kind and then status if none is left."""
    free = places["oblast_code"].isin(spec.oblasts) & ~places.index.isin(sorted(taken))
    kind_ok = places["kind"].isin(spec.kinds)
    status_ok = places["status"].isin(spec.statuses)
    for mask in (free & kind_ok & status_ok, free & status_ok, free):
        if bool(mask.any()):
            return places[mask]
    raise ValidationError(f"the panel has no municipality for the demo role {spec.key!r}")  # pragma: no cover


def _select(panel: SyntheticPanel) -> list[tuple[_Spec, str]]:
    """Pick one panel municipality per demo role, by fixed rules."""
    places = panel.municipalities.set_index("code", drop=False)
    wide = _employment_wide(panel, 2021).reindex(places.index, fill_value=0.0)
    totals = wide.sum(axis=1).replace(0.0, 1.0)
    chosen: list[tuple[_Spec, str]] = []
    taken: set[str] = set()
    for spec in _SPECS:
        candidates = _candidates(places, spec, taken)
        size_gap = np.abs(np.log(candidates["population"].to_numpy(dtype=float) / spec.target_population))
        if spec.profile:
            columns = [c for c in wide.columns if any(str(c).startswith(p) for p in spec.profile)]
            share = (
                wide.loc[candidates.index, columns].sum(axis=1) / totals.loc[candidates.index]
            ).to_numpy()
            score = share - 0.15 * size_gap
        else:
            score = -size_gap
        best = str(candidates.index[int(np.argmax(score))])
        chosen.append((spec, best))
        taken.add(best)
    return chosen


def _price_index(year: int) -> float:
    """Consumer price level relative to 2021 (approximate; 5% a year outside the table)."""
    level = 1.0
    if year >= 2021:
        for y in range(2022, year + 1):
            level *= 1.0 + _INFLATION.get(y, 5.0) / 100.0
    else:
        for y in range(year + 1, 2022):
            level /= 1.0 + _INFLATION.get(y, 5.0) / 100.0
    return level


def _national_wage(year: int) -> float:
    if year in _NATIONAL_WAGE:
        return _NATIONAL_WAGE[year]
    first, last = min(_NATIONAL_WAGE), max(_NATIONAL_WAGE)
    if year > last:
        return _NATIONAL_WAGE[last] * 1.08 ** (year - last)
    return _NATIONAL_WAGE[first] / 1.10 ** (first - year)


def _population_path(base: float, status: str, idp_share: float, kind: str, year: int) -> float:
    """Synthetic population of a year; ``base`` is the population before 2022."""
    drift = {"rural": -0.010, "settlement": -0.007}.get(kind, -0.003)
    value = base * math.exp(drift * (year - 2021))
    if year >= 2022:
        since = year - 2022
        if status == "frontline":
            value *= 1.0 - 0.45 * (0.9 + 0.1 * math.exp(-since / 1.5))
        elif status == "de-occupied":
            value *= 1.0 - 0.35 * (0.4 + 0.6 * math.exp(-since / 1.5))
        elif status == "hosting-idp":
            value *= 1.0 + idp_share * (1.0 - 0.3 * math.exp(-since / 1.5))
        else:
            value *= 1.0 - 0.03 + idp_share * 0.5
    return float(round(value))


def _statistics(panel: SyntheticPanel, chosen: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(np.random.SeedSequence([DEMO_SEED, 1]))
    codes = chosen["code"].tolist()
    employment = panel.employment
    rows = employment[employment["region_code"].isin(codes)].copy()
    rows["region_code"] = rows["region_code"].astype(str)
    rows["sector_code"] = rows["sector_code"].astype(str)
    rows = rows.sort_values(["region_code", "year", "sector_code"], kind="stable").reset_index(drop=True)

    divisions = sorted(set(rows["sector_code"]))
    rules = {d: _DIVISION_RULES.get(d, _SECTION_RULES[section_of(d)]) for d in divisions}
    firm_size = rows["sector_code"].map({d: r[0] for d, r in rules.items()}).to_numpy(dtype=float)
    productivity = rows["sector_code"].map({d: r[1] for d, r in rules.items()}).to_numpy(dtype=float)
    relative_wage = rows["sector_code"].map({d: r[2] for d, r in rules.items()}).to_numpy(dtype=float)

    info = chosen.set_index("code")
    kind = rows["region_code"].map(info["kind"]).to_numpy(dtype=str)
    place_factor = np.select([kind == "rural", kind == "settlement"], [0.82, 0.88], 1.0) * np.where(
        rows["region_code"].map(info["oblast_code"]).to_numpy(dtype=str) == KYIV_CITY_CODE, 1.45, 1.0
    )

    # Cell effects fixed over the years (a place's firms are what they are), plus small yearly noise.
    cells = pd.MultiIndex.from_frame(rows[["region_code", "sector_code"]])
    unique_cells = cells.unique()
    position = unique_cells.get_indexer(cells)
    cell_size = np.exp(0.3 * rng.standard_normal(len(unique_cells)))[position]
    cell_productivity = np.exp(0.25 * rng.standard_normal(len(unique_cells)))[position]
    cell_wage = np.exp(0.10 * rng.standard_normal(len(unique_cells)))[position]
    n = len(rows)
    years = rows["year"].to_numpy(dtype=np.int64)
    prices = np.array([_price_index(int(y)) for y in years])
    wages_national = np.array([_national_wage(int(y)) for y in years])
    employed = rows["value"].to_numpy(dtype=float)

    firms = np.clip(np.round(employed / (firm_size * cell_size)), 1.0, employed)
    turnover = np.round(
        employed * productivity * cell_productivity * prices * np.exp(0.05 * rng.standard_normal(n))
    )
    wages = np.round(
        wages_national * relative_wage * place_factor * cell_wage * np.exp(0.03 * rng.standard_normal(n))
    )

    parts = []
    for measure, values in (
        ("employment", employed),
        ("firms", firms),
        ("turnover", turnover),
        ("wages", wages),
    ):
        part = rows[["region_code", "year", "sector_code"]].copy()
        part["measure"] = measure
        part["value"] = values.astype(np.float64)
        parts.append(part)

    population_rows = []
    for code, row in info.iterrows():
        for year in panel.years:
            value = _population_path(
                float(row["population"]), str(row["status"]), float(row["idp_share"]), str(row["kind"]), year
            )
            population_rows.append((str(code), year, TOTAL_CODE, "population", value))
    parts.append(
        pd.DataFrame(population_rows, columns=["region_code", "year", "sector_code", "measure", "value"])
    )

    statistics = pd.concat(parts, ignore_index=True)
    statistics["year"] = statistics["year"].astype(np.int64)
    statistics["unit"] = statistics["measure"].map(MEASURE_UNITS)
    statistics["source"] = DEMO_SOURCE
    statistics = statistics.sort_values(["region_code", "measure", "year", "sector_code"], kind="stable")
    statistics = statistics.reset_index(drop=True)
    statistics.attrs = {"synthetic": True, "notice": SYNTHETIC_NOTICE}
    return statistics


def load_demo(*, cache_dir: Path | None = None) -> DemoData:
    """Load the SYNTHETIC demo dataset: ten described municipalities within a national panel.

    Parameters
    ----------
    cache_dir
        A folder for the generated national panel. When given, the panel is read from a Parquet file there
        (named after the generator version, the seed and the level) or generated and written to it once, so
        later loads skip the generation. Without it the panel is generated in memory (a fraction of a second).

    Returns
    -------
    DemoData
        The ten municipalities, their statistics for 2015-2024, the national panel and the provenance.

    Raises
    ------
    ValidationError
        If ``cache_dir`` exists and is not a folder.

    Examples
    --------
    >>> demo = load_demo()
    >>> len(demo.municipalities), sorted(demo.statistics["measure"].unique())
    (10, ['employment', 'firms', 'population', 'turnover', 'wages'])
    """
    panel = _load_panel(cache_dir)
    picks = _select(panel)
    regions = load_regions().set_index("oblast_code")
    places: dict[str, dict[str, Any]] = {
        str(row["code"]): {str(key): value for key, value in row.items()}
        for row in panel.municipalities.to_dict(orient="records")
    }
    records = []
    for spec, code in picks:
        row = places[code]
        records.append(
            {
                "key": spec.key,
                "code": code,
                "name_uk": spec.name_uk,
                "name_en": spec.name_en,
                "name_de": spec.name_de,
                "oblast_code": str(row["oblast_code"]),
                "oblast_name_en": str(regions.loc[str(row["oblast_code"]), "name_en"]),
                "kind": str(row["kind"]),
                "status": str(row["status"]),
                "population": int(row["population"]),
                "area_km2": float(row["area_km2"]),
                "idp_share": float(row["idp_share"]),
                "description_en": spec.description_en,
                "description_uk": spec.description_uk,
                "description_de": spec.description_de,
            }
        )
    municipalities = pd.DataFrame.from_records(records)
    municipalities.attrs = {"synthetic": True, "notice": SYNTHETIC_NOTICE}

    # The panel carries the demo names, so both views of the ten places agree.
    renamed = panel.municipalities.copy()
    names = municipalities.set_index("code")
    demo_rows = renamed["code"].isin(names.index)
    renamed.loc[demo_rows, "name_uk"] = renamed.loc[demo_rows, "code"].map(names["name_uk"])
    renamed.loc[demo_rows, "name_en"] = renamed.loc[demo_rows, "code"].map(names["name_en"])
    renamed.attrs = dict(panel.municipalities.attrs)
    panel_provenance = dict(panel.provenance, demo_codes=municipalities["code"].tolist())
    demo_panel = SyntheticPanel(
        municipalities=renamed,
        employment=panel.employment,
        provenance=panel_provenance,
        level=panel.level,
        years=panel.years,
    )
    statistics = _statistics(demo_panel, municipalities)
    provenance: dict[str, Any] = {
        "source": DEMO_SOURCE,
        "created_by": "hromada.data.demo",
        "synthetic": True,
        "notice": SYNTHETIC_NOTICE,
        "seed": DEMO_SEED,
        "panel": panel_provenance,
        "measures": dict(MEASURE_UNITS),
        "method": (
            "employment from the synthetic panel; firms, turnover, wages and population derived with fixed "
            "synthetic rules scaled by approximate national inflation and average wages"
        ),
    }
    return DemoData(
        municipalities=municipalities, statistics=statistics, panel=demo_panel, provenance=provenance
    )
