"""Criticality: which single assets, and which pairs, cut off the most people when they fail."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from hromada.analysis.infrastructure._engine import Workspace, propagate, reach
from hromada.analysis.infrastructure.cascade import _hours, population_by_service
from hromada.analysis.infrastructure.network import SERVICES, FloatArray, IntArray, Network
from hromada.errors import ValidationError

__all__ = ["CriticalityResult", "criticality"]

PairBasis = Literal["loss", "at_risk"]


@dataclass(frozen=True, eq=False)
class CriticalityResult:
    """Single and pair failure losses, ranked, and dependency centrality.

    Attributes
    ----------
    ranking
        One row per assessed asset, indexed by ``asset_id`` and sorted from most to least critical, with
        ``rank`` (1 = most critical), ``type``, ``service``, ``population_cut`` (person-services cut at the
        horizon by the asset's failure alone), ``assets_lost`` (assets down at the horizon, itself
        included), ``dependents`` and ``population_at_risk`` (see `centrality`).
    by_service
        The population cut of each single failure by service; rows as in `ranking`, one column per service.
    pairs
        Pairs among the top assets (see :func:`criticality`): ``first``, ``second``, ``population_cut`` of
        both failing together, ``sum_of_singles`` (their single cuts added), ``synergy``
        (``population_cut - sum_of_singles``) and ``assets_lost``; sorted by synergy, then population cut.
    centrality
        Dependency centrality, indexed by ``asset_id`` in network order: ``dependents`` (assets that
        depend on it directly or transitively, the size of its descendant set in the dependency graph) and
        ``population_at_risk`` (population served by it and its dependents: the most any failure set
        containing it can cut through it); ``betweenness`` if requested.
    horizon_hours
        The time after the failure at which losses are counted.
    """

    ranking: pd.DataFrame
    by_service: pd.DataFrame
    pairs: pd.DataFrame
    centrality: pd.DataFrame
    horizon_hours: float


def _single_losses(
    network: Network, ws: Workspace, cand: IntArray, horizon: float
) -> tuple[FloatArray, IntArray]:
    a = network.arrays
    n_services = len(SERVICES)
    cut = np.zeros((cand.size, n_services))
    lost = np.ones(cand.size, dtype=np.int64)
    out_degree = np.diff(a.supplier_ptr)[cand]
    # An asset nobody depends on takes only itself down.
    leaf = np.flatnonzero(out_degree == 0)
    codes = a.service_code[cand[leaf]]
    has = codes < n_services
    cut[leaf[has], codes[has]] = a.population[cand[leaf[has]]]
    zero = np.zeros(1)
    for j in np.flatnonzero(out_degree > 0):
        down, _ = propagate(ws, cand[j : j + 1], zero, a.backup_hours, limit=horizon)
        cut[j] = population_by_service(network, down)
        lost[j] = down.size
    return cut, lost


def _centrality(network: Network, ws: Workspace, cand: IntArray) -> tuple[IntArray, FloatArray]:
    a = network.arrays
    dependents = np.zeros(cand.size, dtype=np.int64)
    at_risk = a.population[cand].copy()
    for j in np.flatnonzero(np.diff(a.supplier_ptr)[cand] > 0):
        below = reach(ws, cand[j : j + 1])
        dependents[j] = below.size
        at_risk[j] += a.population[below].sum()
    return dependents, at_risk


def criticality(
    network: Network,
    *,
    horizon_hours: float = 0.0,
    pairs: int = 20,
    candidates: Sequence[str] | None = None,
    pair_basis: PairBasis = "loss",
    betweenness: bool = False,
) -> CriticalityResult:
    """Rank assets by what their failure cuts off, alone and in pairs.

    Parameters
    ----------
    network
        The infrastructure network.
    horizon_hours
        Hours after the failure at which losses are counted (0: immediate, before backups run out).
    pairs
        How many top assets to combine in pairs (all ``pairs * (pairs - 1) / 2`` pairs are evaluated);
        0 for none.
    candidates
        The assets to assess (default: all).
    pair_basis
        Which assets are "top" for the pairs: ``"loss"`` (the ranking: single loss, then assets lost, then
        population at risk) or ``"at_risk"`` (population at risk first, then single loss): the latter finds
        redundant assets that cut nothing alone but much together, which rank low on single loss.
    betweenness
        Also compute betweenness centrality on the dependency graph (slow on large networks).

    Returns
    -------
    CriticalityResult

    Raises
    ------
    ValidationError
        An unknown candidate, a negative `pairs`, an invalid horizon or `pair_basis`.

    Notes
    -----
    The loss of an asset :math:`a` is the population cut at the horizon by the cascade of
    :math:`\\{a\\}` alone (see :func:`~hromada.analysis.infrastructure.cascade`), the network-based
    importance measure of Jenelius, Petersen & Mattsson (2006), "Importance and exposure in road network
    vulnerability analysis", *Transportation Research Part A* 40(7), 537-560, applied to a dependency
    network. For a pair, the synergy

    .. math:: S_{ab} = C(\\{a, b\\}) - C(\\{a\\}) - C(\\{b\\})

    is positive when the two back each other up (two feeders of a 1-of-2 group: each alone cuts nothing,
    both together cut everything behind them) and negative when their losses overlap (one is downstream of
    the other).

    Every single failure reuses one propagation workspace and resets only the entries it touched, so a
    failure costs time proportional to its cascade, not to the network; assets nobody depends on are
    handled in one vectorised step. Dependency centrality counts the descendants of an asset in the
    supplier -> consumer graph; betweenness follows Brandes (2001), "A faster algorithm for betweenness
    centrality", *Journal of Mathematical Sociology* 25(2), 163-177 (via networkx).

    Examples
    --------
    >>> import pandas as pd
    >>> assets = pd.DataFrame({"asset_id": ["S1", "S2", "H"],
    ...                        "type": ["substation", "substation", "hospital"],
    ...                        "population_served": [0, 0, 30_000]})
    >>> deps = pd.DataFrame({"supplier": ["S1", "S2"], "consumer": ["H", "H"], "group": "power"})
    >>> result = criticality(Network.from_tables(assets, deps))
    >>> best = result.pairs.iloc[0]
    >>> best["first"], best["second"], float(best["synergy"])
    ('S1', 'S2', 30000.0)
    """
    horizon = _hours(horizon_hours, "horizon_hours")
    if isinstance(pairs, bool | np.bool_) or not isinstance(pairs, int | np.integer) or pairs < 0:
        raise ValidationError(f"`pairs` must be a whole number >= 0; got {pairs!r}")
    if pair_basis not in ("loss", "at_risk"):
        raise ValidationError(f"`pair_basis` must be one of 'loss', 'at_risk'; got {pair_basis!r}")
    a = network.arrays
    cand = (
        np.arange(a.n_assets, dtype=np.int64)
        if candidates is None
        else network.positions(candidates, param="candidates")
    )
    ws = Workspace(a)
    cut, lost = _single_losses(network, ws, cand, horizon)
    dependents, at_risk = _centrality(network, ws, cand)
    total = cut.sum(axis=1)
    ids = network.asset_ids[cand]
    order = np.lexsort((np.arange(cand.size), -at_risk, -lost, -total))
    assets = network.assets
    ranking = pd.DataFrame(
        {
            "rank": np.arange(1, cand.size + 1, dtype=np.int64),
            "type": assets["type"].to_numpy(dtype=object)[cand[order]],
            "service": assets["service"].to_numpy(dtype=object)[cand[order]],
            "population_cut": total[order],
            "assets_lost": lost[order],
            "dependents": dependents[order],
            "population_at_risk": at_risk[order],
        },
        index=pd.Index(ids[order], name="asset_id"),
    )
    by_service = pd.DataFrame(cut[order], index=ranking.index, columns=list(SERVICES))

    centrality_frame = pd.DataFrame(
        {"dependents": dependents, "population_at_risk": at_risk}, index=pd.Index(ids, name="asset_id")
    )
    if betweenness:
        scores = nx.betweenness_centrality(network.to_networkx())
        centrality_frame["betweenness"] = [float(scores[i]) for i in ids]

    top = order if pair_basis == "loss" else np.lexsort((np.arange(cand.size), -total, -at_risk))
    top = top[: min(pairs, cand.size)]
    rows = []
    for i, j in itertools.combinations(top.tolist(), 2):
        seeds = np.array([cand[i], cand[j]], dtype=np.int64)
        down, _ = propagate(ws, seeds, np.zeros(2), a.backup_hours, limit=horizon)
        both = float(population_by_service(network, down).sum())
        singles = float(total[i] + total[j])
        rows.append((ids[i], ids[j], both, singles, both - singles, down.size))
    pair_frame = pd.DataFrame(
        rows, columns=["first", "second", "population_cut", "sum_of_singles", "synergy", "assets_lost"]
    )
    pair_frame = pair_frame.astype(
        {
            "first": object,
            "second": object,
            "population_cut": float,
            "sum_of_singles": float,
            "synergy": float,
            "assets_lost": np.int64,
        }
    )
    pair_frame = pair_frame.sort_values(["synergy", "population_cut"], ascending=False, kind="stable")
    return CriticalityResult(
        ranking=ranking,
        by_service=by_service,
        pairs=pair_frame.reset_index(drop=True),
        centrality=centrality_frame,
        horizon_hours=horizon,
    )
