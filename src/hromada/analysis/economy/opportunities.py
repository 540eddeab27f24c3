"""Diversification opportunities, specialisation-growth quadrants and the stability of the suggestions.

Three questions a municipality asks of its economic structure:

* :func:`opportunities` -- which industries it does not yet have are within reach (close to what it already
  does) and worth having (complex, opening further doors)? The "new potentials" list.
* :func:`quadrants` -- which of its present industries are strengths, opportunities, threats or weaknesses
  when set against a group of peer municipalities?
* :func:`bootstrap_stability` -- how much does the list of new potentials depend on which other
  municipalities happen to be in the sample?
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from hromada.analysis.economy.complexity import ComplexityResult, complexity
from hromada.analysis.economy.panel import Panel
from hromada.analysis.economy.presets import ComplexityPreset
from hromada.analysis.economy.structure import location_quotient
from hromada.errors import ValidationError

__all__ = [
    "DEFAULT_WEIGHTS",
    "OPPORTUNITY_COLUMNS",
    "QUADRANT_COLUMNS",
    "OpportunityTable",
    "Quadrant",
    "QuadrantTable",
    "StabilityResult",
    "bootstrap_stability",
    "opportunities",
    "quadrants",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Quadrant = Literal["strength", "opportunity", "threat", "weakness"]

DEFAULT_WEIGHTS: Mapping[str, float] = {"density": 0.5, "cog": 0.3, "pci": 0.2}
OPPORTUNITY_COLUMNS: tuple[str, ...] = (
    "industry",
    "rank",
    "score",
    "density",
    "pci",
    "cog",
    "rca",
    "value",
    "national_value",
    "national_growth",
    "why",
)
RELATED_COLUMNS: tuple[str, ...] = ("industry", "related_industry", "proximity")
QUADRANT_COLUMNS: tuple[str, ...] = (
    "industry",
    "value",
    "share",
    "lq",
    "growth",
    "new",
    "peer_growth",
    "relative_growth",
    "quadrant",
)


# ---------------------------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class OpportunityTable:
    """The new potentials of one region in one year.

    Attributes
    ----------
    region
        The region.
    year
        The year of the presence matrix the candidates come from.
    weights
        The weights of the score, normalised to sum to 1, with every criterion (``density``, ``cog``,
        ``pci``) as a key (0 for those not asked for).
    table
        One row per candidate industry, best first, with the columns of :data:`OPPORTUNITY_COLUMNS`.
    related
        ``industry, related_industry, proximity``: for each candidate (in rank order) the industries the
        region already has that lie closest to it, most related first.
    """

    region: str
    year: int
    weights: dict[str, float]
    table: pd.DataFrame
    related: pd.DataFrame


@dataclass(frozen=True, eq=False)
class QuadrantTable:
    """The present industries of one region in the four quadrants of specialisation and relative growth.

    Attributes
    ----------
    region
        The region.
    base_year, year
        The two years compared.
    peers
        The comparison group as used, in panel order; it always includes `region`.
    table
        One row per industry with a value in `year`, largest first, with the columns of
        :data:`QUADRANT_COLUMNS`.
    """

    region: str
    base_year: int
    year: int
    peers: tuple[str, ...]
    table: pd.DataFrame


@dataclass(frozen=True, eq=False)
class StabilityResult:
    """How often the full-sample opportunities come back when the other regions are resampled.

    Attributes
    ----------
    region, year
        The region and year analysed.
    top_k
        The full-sample top list, best first.
    frequency
        For each industry of `top_k` (the index, named ``industry``): the share of draws whose top list
        contains it, in [0, 1].
    mean_jaccard
        The mean over draws of the Jaccard overlap between the draw's top list and `top_k`, in [0, 1].
    draws
        The number of bootstrap samples.
    seed
        The seed as given when it was an int; None for ``None`` or a Generator.
    """

    region: str
    year: int
    top_k: tuple[str, ...]
    frequency: pd.Series[float]
    mean_jaccard: float
    draws: int
    seed: int | None


# ------------------------------------------------------------------------------------------- validation
def _positive_int(value: object, param: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < minimum:
        raise ValidationError(f"`{param}` must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Return the weights of every criterion, normalised to sum to 1."""
    if weights is None:
        weights = DEFAULT_WEIGHTS
    if not isinstance(weights, Mapping) or not weights:
        raise ValidationError(
            f"`weights` must be a non-empty mapping of {', '.join(DEFAULT_WEIGHTS)} to numbers; got {weights!r}"
        )
    unknown = sorted(str(key) for key in weights if key not in DEFAULT_WEIGHTS)
    if unknown:
        raise ValidationError(f"`weights` keys must be among {', '.join(DEFAULT_WEIGHTS)}; got {unknown}")
    checked: dict[str, float] = {}
    for key in DEFAULT_WEIGHTS:
        raw = weights.get(key, 0.0)
        number = (
            float(raw) if isinstance(raw, int | float | np.number) and not isinstance(raw, bool) else None
        )
        if number is None or not math.isfinite(number) or number < 0:
            raise ValidationError(f"`weights[{key!r}]` must be a finite number >= 0; got {raw!r}")
        checked[key] = number
    total = sum(checked.values())
    if total <= 0:
        raise ValidationError(f"`weights` must sum to more than 0; got {dict(weights)!r}")
    return {key: value / total for key, value in checked.items()}


def _region_position(panel: Panel, region: str) -> int:
    if not isinstance(region, str):
        raise ValidationError(f"`region` must be a region code (str); got {region!r}")
    return panel.region_position(region)


# ---------------------------------------------------------------------------------------- opportunities
def _growth_sentence(growth: float, base_year: int, year: int, base_value: float) -> str:
    if base_year == year:
        return ""
    if base_value <= 0:
        return f"; it had no value nationally in {base_year}"
    if not math.isfinite(growth):
        return ""
    verb = "grew" if growth >= 0 else "shrank"
    return f"; the national total {verb} {abs(growth):.1%} a year from {base_year} to {year}"


def _why(related: list[tuple[str, float]], growth_clause: str, *, asked: bool) -> str:
    if not asked:  # related=0: only the growth part
        clause = growth_clause.removeprefix("; ")
        return f"{clause[:1].upper()}{clause[1:]}." if clause else ""
    if not related:
        return f"Not related to any industry you already have{growth_clause}."
    noun = "industry" if len(related) == 1 else "industries"
    shown = [f"{value:.2f}" if value >= 0.005 else "<0.01" for _, value in related]
    parts = [
        f"{label} (proximity {text})" if k == 0 else f"{label} ({text})"
        for k, ((label, _), text) in enumerate(zip(related, shown, strict=True))
    ]
    return f"Related to {len(related)} {noun} you already have: {', '.join(parts)}{growth_clause}."


def opportunities(
    result: ComplexityResult,
    region: str,
    *,
    year: int | None = None,
    growth_from: int | None = None,
    weights: Mapping[str, float] | None = None,
    related: int = 3,
) -> OpportunityTable:
    """Rank the industries a region does not have yet by how feasible and how attractive they are.

    Parameters
    ----------
    result
        Complexity and relatedness of the panel (:func:`~hromada.analysis.economy.complexity`).
    region
        The region whose new potentials are wanted.
    year
        The year of the presence matrix; default the last year of the panel.
    growth_from
        The base year of the national growth rate; default the first year of the panel. Not after `year`.
    weights
        Weights of the criteria ``density`` (feasibility), ``cog`` and ``pci`` (attractiveness); keys not
        given weigh 0. Non-negative with a positive sum; normalised to sum to 1. Default
        :data:`DEFAULT_WEIGHTS` (0.5, 0.3, 0.2).
    related
        How many of the region's present industries to list per candidate as the reason for it.

    Returns
    -------
    OpportunityTable
        Candidates best first, with the related present industries behind each.

    Raises
    ------
    ValidationError
        The region or a year is not in the panel, the region has no value in `year`, `growth_from` is after
        `year`, or `weights` or `related` are not valid.

    Notes
    -----
    The candidates are the industries active in `year` (some region has a value) in which the region has
    no revealed comparative advantage, :math:`M_{cp} = 0`. Each is scored by

    .. math:: S_p = w_d\\, q(\\omega_{cp}) + w_g\\, q(COG_{cp}) + w_k\\, q(PCI_p),
              \\quad w_d + w_g + w_k = 1,

    where :math:`q` is the percentile rank among the candidates (``rank(pct=True)``, ties averaged, in
    (0, 1]; an undefined PCI counts as 0), :math:`\\omega_{cp}` the relatedness density -- the share of the
    industries close to *p* that the region already has (Hidalgo, Klinger, Barabasi & Hausmann 2007, "The
    product space conditions the development of nations", *Science* 317(5837), 482-487) -- and COG and PCI
    as in :func:`~hromada.analysis.economy.complexity`. Ranks are by score, ties broken by density and
    then by label. Density measures feasibility; PCI and COG measure attractiveness, which is the
    "strategic diversification" logic of the Growth Lab (Hausmann, Hidalgo et al. 2014, *The Atlas of
    Economic Complexity*, MIT Press): favour industries close to present capabilities that are complex and
    open the way to further complex industries. Percentile ranks put the three criteria on one scale
    without assuming anything about their distributions.

    The national growth is the compound annual rate of the panel total,
    :math:`(X_{p,t} / X_{p,t_0})^{1/(t - t_0)} - 1`; NaN when :math:`X_{p,t_0} = 0` or :math:`t = t_0`.
    The ``related`` frame lists, for each candidate, the present industries with the highest proximity
    :math:`\\phi_{pp'} > 0` to it: the existing strengths the suggestion builds on.
    """
    panel = result.panel
    t = panel.year_position(int(panel.years[-1]) if year is None else year)
    year_value = int(panel.years[t])
    t0 = panel.year_position(int(panel.years[0]) if growth_from is None else growth_from)
    base_year = int(panel.years[t0])
    if base_year > year_value:
        raise ValidationError(f"`growth_from` must not be after `year` ({year_value}); got {base_year}")
    checked = _check_weights(weights)
    n_related = _positive_int(related, "related", 0)
    r = _region_position(panel, region)
    if not result.active_regions[t, r]:
        raise ValidationError(
            f"`region` {region!r} has no value in {year_value}, so it has no industry structure to build on; "
            "choose a year in which it has data"
        )

    present = result.mcp[t, r].astype(bool)
    candidates: IntArray = np.flatnonzero(result.active_industries[t] & ~present)
    have: IntArray = np.flatnonzero(present)
    labels = panel.industries.astype(str)

    national_now = panel.values[t].sum(axis=0)
    national_base = panel.values[t0].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.divide(
            national_now, national_base, out=np.full_like(national_now, np.nan), where=national_base > 0
        )
        growth = (
            ratio ** (1.0 / (year_value - base_year)) - 1.0
            if year_value > base_year
            else np.full_like(ratio, np.nan)
        )

    table = pd.DataFrame(
        {
            "industry": labels[candidates].to_numpy(dtype=object),
            "density": result.density[t, r, candidates],
            "pci": result.pci[t, candidates],
            "cog": result.cog[t, r, candidates],
            "rca": result.rca[t, r, candidates],
            "value": panel.values[t, r, candidates],
            "national_value": national_now[candidates],
            "national_growth": growth[candidates],
        }
    )
    percentiles = table[list(checked)].rank(pct=True).fillna(0.0)
    table["score"] = percentiles.to_numpy() @ np.array(list(checked.values()))
    order = np.lexsort(
        (table["industry"].to_numpy(), -table["density"].to_numpy(), -table["score"].to_numpy())
    )
    table = table.iloc[order].reset_index(drop=True)
    candidates = candidates[order]
    table["rank"] = np.arange(1, len(table) + 1, dtype=np.int64)

    # The present industries closest to each candidate (proximity > 0), most related first.
    phi = np.nan_to_num(result.proximity[t][np.ix_(candidates, have)], nan=0.0)
    keep = min(n_related, have.size)
    best = np.argsort(-phi, axis=1, kind="stable")[:, :keep]
    rows: list[tuple[str, str, float]] = []
    whys: list[str] = []
    for k, candidate in enumerate(candidates):
        chosen = [(str(labels[have[j]]), float(phi[k, j])) for j in best[k] if phi[k, j] > 0]
        rows += [(str(labels[candidate]), label, value) for label, value in chosen]
        clause = _growth_sentence(
            float(growth[candidate]), base_year, year_value, float(national_base[candidate])
        )
        whys.append(_why(chosen, clause, asked=n_related > 0))
    table["why"] = pd.Series(whys, dtype=object)
    related_frame = pd.DataFrame(rows, columns=list(RELATED_COLUMNS)).astype({"proximity": np.float64})
    return OpportunityTable(
        region=str(panel.regions[r]),
        year=year_value,
        weights=checked,
        table=table[list(OPPORTUNITY_COLUMNS)],
        related=related_frame,
    )


# -------------------------------------------------------------------------------------------- quadrants
def quadrants(
    panel: Panel,
    region: str,
    *,
    base_year: int | None = None,
    year: int | None = None,
    peers: Sequence[str] | None = None,
) -> QuadrantTable:
    """Classify a region's industries by specialisation and growth relative to peer municipalities.

    Parameters
    ----------
    panel
        The year x region x industry panel.
    region
        The region to classify.
    base_year
        The start of the growth period; default the first year of the panel.
    year
        The year of the classification and the end of the growth period; default the last year.
    peers
        The regions to compare with; default every region of the panel. The region itself is always part of
        the group (added when missing).

    Returns
    -------
    QuadrantTable
        One row per industry in which the region has a value in `year`.

    Raises
    ------
    ValidationError
        A year, the region or a peer is not in the panel, `base_year` is not before `year`, or the region
        has no value in `year`.

    Notes
    -----
    With :math:`x_i` the region's value in industry *i*, :math:`P_i` the peer group's total (region
    included) and :math:`x, P` the totals over industries, in `year`:

    .. math:: LQ_i = \\frac{x_i / x}{P_i / P}, \\qquad
              g_i = \\frac{x_{i,t}}{x_{i,t_0}} - 1, \\qquad
              G_i = \\frac{P_{i,t}}{P_{i,t_0}} - 1, \\qquad r_i = g_i - G_i .

    The quadrant is *strength* when :math:`LQ_i \\ge 1` and :math:`r_i \\ge 0`, *opportunity* (emerging)
    when :math:`LQ_i < 1` and :math:`r_i \\ge 0`, *threat* (specialised but losing ground) when
    :math:`LQ_i \\ge 1` and :math:`r_i < 0`, and *weakness* when :math:`LQ_i < 1` and :math:`r_i < 0`.
    An industry new to the region (:math:`x_{i,t_0} = 0`) has ``growth`` and ``relative_growth`` NaN and
    ``new`` True, and is counted as growing faster than its peers.

    The comparison is relative, like the competitive effect of shift-share analysis (Dunn 1960): an
    industry that shrinks less than it does among the peers still gains ground. This is the
    specialisation-growth matrix (the "bubble chart" or quadrant analysis) of regional industry-cluster
    studies, which plots the location quotient against relative growth; see Isard (1960), *Methods of
    Regional Analysis*, MIT Press, for the location quotient, and Feser & Bergman (2000), "National
    industry cluster templates", *Regional Studies* 34(1), 1-19, for cluster practice.
    Examples
    --------
    >>> import pandas as pd
    >>> from hromada.analysis.economy import to_panel
    >>> rows = [(2020, "A", "x", 10), (2020, "A", "y", 10), (2020, "B", "x", 10), (2020, "B", "y", 30),
    ...         (2023, "A", "x", 20), (2023, "A", "y", 5), (2023, "B", "x", 10), (2023, "B", "y", 30)]
    >>> panel = to_panel(pd.DataFrame(rows, columns=["year", "region", "industry", "value"]))
    >>> quadrants(panel, "A").table[["industry", "quadrant"]].to_numpy().tolist()
    [['x', 'strength'], ['y', 'weakness']]
    """
    t1 = panel.year_position(int(panel.years[-1]) if year is None else year)
    t0 = panel.year_position(int(panel.years[0]) if base_year is None else base_year)
    start, end = int(panel.years[t0]), int(panel.years[t1])
    if start >= end:
        raise ValidationError(f"`base_year` must be before `year` ({end}); got {start}")
    r = _region_position(panel, region)
    group = np.zeros(len(panel.regions), dtype=bool)
    group[r] = True
    if peers is not None:
        if isinstance(peers, str):
            raise ValidationError(f"`peers` must be a sequence of region codes; got the string {peers!r}")
        unknown = [peer for peer in peers if panel.regions.get_indexer(pd.Index([peer]))[0] < 0]
        if unknown:
            raise ValidationError(f"`peers` must be regions of the panel; got unknown {unknown[:10]!r}")
        group[panel.regions.get_indexer(pd.Index(list(peers)))] = True
    else:
        group[:] = True

    now = panel.values[t1]
    before = panel.values[t0]
    own_now, own_before = now[r], before[r]
    if own_now.sum() <= 0:
        raise ValidationError(
            f"`region` {region!r} has no value in {end}; choose a year in which it has data"
        )
    peer_now = now[group].sum(axis=0)
    peer_before = before[group].sum(axis=0)
    industries = panel.industries.astype(str)
    lq = location_quotient(
        pd.Series(own_now, index=industries), reference=pd.Series(peer_now, index=industries)
    ).to_numpy()[0]

    keep = np.flatnonzero(own_now > 0)
    new = own_before[keep] <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(new, np.nan, own_now[keep] / own_before[keep] - 1.0)
        peer_growth = np.where(peer_before[keep] > 0, peer_now[keep] / peer_before[keep] - 1.0, np.nan)
    relative = growth - peer_growth
    gaining = new | (relative >= 0)
    specialised = lq[keep] >= 1
    quadrant = np.select(
        [specialised & gaining, ~specialised & gaining, specialised & ~gaining],
        ["strength", "opportunity", "threat"],
        default="weakness",
    )
    table = pd.DataFrame(
        {
            "industry": industries[keep].to_numpy(dtype=object),
            "value": own_now[keep],
            "share": own_now[keep] / own_now.sum(),
            "lq": lq[keep],
            "growth": growth,
            "new": new,
            "peer_growth": peer_growth,
            "relative_growth": relative,
            "quadrant": quadrant.astype(object),
        }
    )
    order = np.lexsort((table["industry"].to_numpy(), -table["value"].to_numpy()))
    return QuadrantTable(
        region=str(panel.regions[r]),
        base_year=start,
        year=end,
        peers=tuple(str(label) for label in panel.regions[group]),
        table=table.iloc[order].reset_index(drop=True)[list(QUADRANT_COLUMNS)],
    )


# ------------------------------------------------------------------------------------------- stability
def _top_list(
    panel: Panel, region: str, preset: str | ComplexityPreset, weights: Mapping[str, float], top: int
) -> tuple[str, ...]:
    table = opportunities(complexity(panel, preset=preset), region, weights=weights, related=0).table
    return tuple(table["industry"].iloc[:top])


def _jaccard(a: set[str], b: set[str]) -> float:
    union = a | b
    return 1.0 if not union else len(a & b) / len(union)


def bootstrap_stability(
    panel: Panel,
    region: str,
    *,
    year: int | None = None,
    top: int = 10,
    draws: int = 50,
    seed: int | np.random.Generator | None = None,
    preset: str | ComplexityPreset = "ecomplexity",
    weights: Mapping[str, float] | None = None,
) -> StabilityResult:
    """Measure how much a region's top opportunities depend on the sample of other regions.

    Parameters
    ----------
    panel
        The year x region x industry panel.
    region
        The region whose opportunities are tested; it is kept in every draw.
    year
        The year analysed; default the last year of the panel.
    top
        The length of the top list compared.
    draws
        The number of bootstrap samples.
    seed
        Seed of :func:`numpy.random.default_rng`: an int, a Generator or ``None`` for fresh entropy.
    preset
        The complexity conventions (see :func:`~hromada.analysis.economy.complexity`).
    weights
        The score weights of :func:`opportunities`.

    Returns
    -------
    StabilityResult
        The full-sample top list, how often each of its industries comes back, and the mean overlap.

    Raises
    ------
    ValidationError
        The region or year is not in the panel, the region has no value in `year`, or `top`, `draws` or
        `weights` are not valid.

    Notes
    -----
    A nonparametric bootstrap (Efron 1979, "Bootstrap methods: another look at the jackknife", *Annals of
    Statistics* 7(1), 1-26) over the regions: each draw keeps the region and resamples the other
    :math:`n - 1` regions with replacement (a region drawn twice enters twice, as ``CODE#2``), recomputes
    RCA, proximity, density, PCI and COG for `year` and ranks the opportunities again. With :math:`T` the
    full-sample top list and :math:`T_b` that of draw *b*,

    .. math:: f_p = \\frac{1}{B} \\sum_b [p \\in T_b], \\qquad
              \\bar J = \\frac{1}{B} \\sum_b \\frac{|T \\cap T_b|}{|T \\cup T_b|}.

    A frequency near 1 means that the suggestion does not hinge on which municipalities are in the sample:
    a robust suggestion. A low frequency means that it rests on the co-location patterns of a few places.
    """
    t = panel.year_position(int(panel.years[-1]) if year is None else year)
    year_value = int(panel.years[t])
    n_top = _positive_int(top, "top", 1)
    n_draws = _positive_int(draws, "draws", 1)
    checked = _check_weights(weights)
    r = _region_position(panel, region)
    label = str(panel.regions[r])
    values = panel.values[t]
    years = pd.Index([year_value], name="year")

    def one_year(rows: IntArray, names: list[str]) -> Panel:
        return Panel(
            years=years,
            regions=pd.Index(names, name="region"),
            industries=panel.industries,
            values=values[rows][None],
        )

    all_rows: IntArray = np.arange(len(panel.regions))
    full = _top_list(one_year(all_rows, [str(x) for x in panel.regions]), label, preset, checked, n_top)
    reference = set(full)
    others: IntArray = np.delete(all_rows, r)
    rng = np.random.default_rng(seed)
    hits = np.zeros(len(full))
    overlaps: list[float] = []
    for _ in range(n_draws):
        sample = np.sort(rng.choice(others, size=others.size, replace=True)) if others.size else others
        seen: dict[int, int] = {}
        names = [label]
        for row in sample:
            count = seen.get(int(row), 0) + 1
            seen[int(row)] = count
            code = str(panel.regions[row])
            names.append(code if count == 1 else f"{code}#{count}")
        drawn = set(_top_list(one_year(np.concatenate(([r], sample)), names), label, preset, checked, n_top))
        hits += [industry in drawn for industry in full]
        overlaps.append(_jaccard(drawn, reference))
    return StabilityResult(
        region=label,
        year=year_value,
        top_k=full,
        frequency=pd.Series(hits / n_draws, index=pd.Index(full, name="industry"), name="frequency"),
        mean_jaccard=float(np.mean(overlaps)),
        draws=n_draws,
        seed=int(seed) if isinstance(seed, int | np.integer) and not isinstance(seed, bool) else None,
    )
