"""Economic complexity and relatedness over a whole year x region x industry panel.

One call computes, for every year at once: revealed comparative advantage (or the population-based RPOP),
the presence matrix, diversity and ubiquity, the proximity between industries, the relatedness density of
every region-industry pair, the economic complexity index (ECI) of regions, the product complexity index (PCI)
of industries, the complexity outlook index (COI) and the complexity outlook gain (COG).

The work is matrix algebra on dense arrays (two symmetric rank-k products, one partial symmetric eigenproblem
on the smaller side of the presence matrix and one general matrix product per year), so a national panel of
1,470 municipalities x 615 NACE classes x 10 years takes about a second on one core.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.linalg
import scipy.sparse.linalg

from hromada._version import __version__
from hromada.analysis.economy._memory import plain_zeros
from hromada.analysis.economy.panel import Panel, to_panel
from hromada.analysis.economy.presets import ComplexityPreset, get_preset
from hromada.errors import ValidationError

__all__ = [
    "OUTPUT_COLUMNS",
    "ComplexityResult",
    "complexity",
    "external_proximity",
    "proximity_matrix",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

OUTPUT_COLUMNS: tuple[str, ...] = (
    "year",
    "region",
    "industry",
    "value",
    "rca",
    "mcp",
    "diversity",
    "ubiquity",
    "eci",
    "pci",
    "density",
    "coi",
    "cog",
)
REFERENCES: tuple[str, ...] = (
    "B. Balassa (1965), Trade liberalisation and revealed comparative advantage, The Manchester School 33(2)",
    "C. A. Hidalgo, B. Klinger, A.-L. Barabasi, R. Hausmann (2007), The product space conditions the "
    "development of nations, Science 317(5837)",
    "C. A. Hidalgo, R. Hausmann (2009), The building blocks of economic complexity, PNAS 106(26)",
    "R. Hausmann, C. A. Hidalgo et al. (2014), The Atlas of Economic Complexity, MIT Press",
    "Harvard Growth Lab, ecomplexity 0.5.3 (Python package), conventions of the 'ecomplexity' preset",
)


@dataclass(frozen=True, eq=False)
class ComplexityResult:
    """Complexity and relatedness of every region and industry in every year of a panel.

    Arrays are indexed ``[year, region, industry]`` in the order of ``years``, ``regions`` and ``industries``.
    A region or industry with no value in a year is *inactive* there: its cells are NaN (``mcp`` 0) and it is
    listed in ``excluded``; it never turns the rest of the year into NaN.

    Attributes
    ----------
    panel
        The validated input.
    preset
        The conventions used.
    presence
        ``"rca"`` or ``"rpop"``.
    score
        RCA (or RPOP when ``presence="rpop"``), NaN where inactive.
    rca
        Balassa's RCA (always computed), NaN where inactive.
    mcp
        The presence matrix (1 present, 0 not).
    diversity, eci, coi
        ``(years, regions)``.
    ubiquity, pci
        ``(years, industries)``.
    density, cog
        ``(years, regions, industries)``.
    proximity
        ``(years, industries, industries)``; rows and columns of inactive industries are NaN.
    active_regions, active_industries
        Masks of the regions and industries that have a value in each year.
    diagnostics
        One row per year: active and excluded counts, the second eigenvalue of the industry-industry
        transition matrix (1 minus it is the spectral gap; a gap near 0 means the presence network falls
        apart into disconnected groups and ECI is not meaningful), and whether proximity was supplied.
    excluded
        Long table ``year, kind, label, reason`` of the regions and industries left out of a year or out of
        the ECI/PCI eigenproblem.
    parameters
        Method, version, preset, options, shape and references (see :attr:`provenance`).
    """

    panel: Panel
    preset: ComplexityPreset
    presence: Literal["rca", "rpop"]
    score: FloatArray
    rca: FloatArray
    mcp: npt.NDArray[np.uint8]
    diversity: FloatArray
    ubiquity: FloatArray
    eci: FloatArray
    pci: FloatArray
    density: FloatArray
    coi: FloatArray
    cog: FloatArray
    proximity: FloatArray
    active_regions: BoolArray
    active_industries: BoolArray
    diagnostics: pd.DataFrame
    excluded: pd.DataFrame
    parameters: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def provenance(self) -> dict[str, Any]:
        """Data hash (SHA-256 of the panel), preset, parameters, version and references.

        Enough to reproduce and explain the result; the hash is computed on first use.
        """
        return {**self.parameters, "data_hash": self.panel.data_hash}

    @property
    def years(self) -> pd.Index:
        """The years, ascending."""
        return self.panel.years

    @property
    def regions(self) -> pd.Index:
        """The region labels."""
        return self.panel.regions

    @property
    def industries(self) -> pd.Index:
        """The industry labels."""
        return self.panel.industries

    def year_frame(self, year: int) -> pd.DataFrame:
        """Return one year as a long table with :data:`OUTPUT_COLUMNS` (plus ``rpop`` under RPOP).

        One row per region x industry, regions then industries in sorted order; inactive cells have NaN.
        """
        t = self.panel.year_position(year)
        n_r, n_i = len(self.regions), len(self.industries)
        active = self.active_regions[t][:, None] & self.active_industries[t][None, :]
        mcp = np.where(active, self.mcp[t], np.nan).ravel()
        columns: dict[str, Any] = {
            "year": np.full(n_r * n_i, int(self.years[t]), dtype=np.int64),
            "region": pd.Categorical.from_codes(np.repeat(np.arange(n_r), n_i), categories=self.regions),
            "industry": pd.Categorical.from_codes(np.tile(np.arange(n_i), n_r), categories=self.industries),
            "value": self.panel.values[t].ravel(),
            "rca": self.rca[t].ravel(),
            "mcp": mcp,
            "diversity": np.repeat(self.diversity[t], n_i),
            "ubiquity": np.tile(self.ubiquity[t], n_r),
            "eci": np.repeat(self.eci[t], n_i),
            "pci": np.tile(self.pci[t], n_r),
            "density": self.density[t].ravel(),
            "coi": np.repeat(self.coi[t], n_i),
            "cog": self.cog[t].ravel(),
        }
        if self.presence == "rpop":
            columns["rpop"] = self.score[t].ravel()
        return pd.DataFrame(columns)

    def iter_frames(self) -> Iterator[pd.DataFrame]:
        """Yield :meth:`year_frame` for every year (for writing large results year by year)."""
        for year in self.years:
            yield self.year_frame(int(year))

    def to_frame(self) -> pd.DataFrame:
        """Return all years as one long table (large: prefer :meth:`iter_frames` for national panels)."""
        return pd.concat(list(self.iter_frames()), ignore_index=True)

    def region_frame(self) -> pd.DataFrame:
        """Return ``year, region, diversity, eci, coi`` for the active regions."""
        t_idx, r_idx = np.nonzero(self.active_regions)
        return pd.DataFrame(
            {
                "year": self.years.to_numpy()[t_idx],
                "region": self.regions.to_numpy()[r_idx],
                "diversity": self.diversity[t_idx, r_idx],
                "eci": self.eci[t_idx, r_idx],
                "coi": self.coi[t_idx, r_idx],
            }
        )

    def industry_frame(self) -> pd.DataFrame:
        """Return ``year, industry, ubiquity, pci`` for the active industries."""
        t_idx, i_idx = np.nonzero(self.active_industries)
        return pd.DataFrame(
            {
                "year": self.years.to_numpy()[t_idx],
                "industry": self.industries.to_numpy()[i_idx],
                "ubiquity": self.ubiquity[t_idx, i_idx],
                "pci": self.pci[t_idx, i_idx],
            }
        )

    def proximity_frame(self, year: int) -> pd.DataFrame:
        """Return the proximity of one year as an industry x industry frame (axes ``industry_1``, ``industry_2``)."""
        t = self.panel.year_position(year)
        keep = self.active_industries[t]
        labels = self.industries[keep]
        return pd.DataFrame(
            self.proximity[t][np.ix_(keep, keep)],
            index=labels.rename("industry_1"),
            columns=labels.rename("industry_2"),
        )


def _cooccurrence_proximity(
    presence: npt.NDArray[np.bool_],
    ubiquity: FloatArray,
    measure: str,
    diagonal: float,
    out: FloatArray | None = None,
) -> FloatArray:
    """Proximity of industries from the boolean presence matrix (``regions x industries``)."""
    # Co-occurrence counts are whole numbers below 2**24, so single precision computes them exactly (and twice
    # as fast as double precision).
    ones = presence.astype(np.float32)
    counts = (ones.T @ ones).astype(np.float64)
    u_row = ubiquity[:, None]
    u_col = ubiquity[None, :]
    phi = np.empty_like(counts) if out is None else out
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "min_conditional":
            np.divide(counts, np.maximum(u_row, u_col), out=phi)
        elif measure == "jaccard":
            np.divide(counts, u_row + u_col - counts, out=phi)
        else:
            np.divide(counts, np.sqrt(u_row * u_col), out=phi)
    phi[~np.isfinite(phi)] = 0.0
    np.fill_diagonal(phi, diagonal)
    return phi


def proximity_matrix(
    mcp: pd.DataFrame,
    *,
    measure: Literal["min_conditional", "jaccard", "cosine"] = "min_conditional",
    diagonal: float = 1.0,
) -> pd.DataFrame:
    """Return the proximity between industries from a region x industry presence matrix.

    Parameters
    ----------
    mcp
        Regions as rows, industries as columns, 1 where the industry is present.
    measure
        ``"min_conditional"``, ``"jaccard"`` or ``"cosine"``.
    diagonal
        The proximity of an industry to itself.

    Notes
    -----
    With :math:`C_{pq} = \\sum_c M_{cp} M_{cq}` the number of regions where both industries are present and
    :math:`u_p = C_{pp}` the ubiquity:

    * minimum conditional probability (Hidalgo et al. 2007):
      :math:`\\phi_{pq} = C_{pq} / \\max(u_p, u_q) = \\min(P(p \\mid q), P(q \\mid p))`;
    * Jaccard: :math:`C_{pq} / (u_p + u_q - C_{pq})`;
    * cosine (Salton): :math:`C_{pq} / \\sqrt{u_p u_q}`.

    All lie in [0, 1] and are symmetric. An industry present nowhere has proximity 0 to every other.
    """
    values = mcp.to_numpy(dtype=np.float64)
    phi = _cooccurrence_proximity(values > 0, (values > 0).sum(axis=0).astype(np.float64), measure, diagonal)
    return pd.DataFrame(phi, index=mcp.columns, columns=mcp.columns)


def external_proximity(proximity: pd.DataFrame, industries: pd.Index) -> FloatArray:
    """Validate a user-supplied proximity and align it to ``industries``.

    ``proximity`` is either a square frame labelled by industry on both axes, or an edge list with the columns
    ``industry_1, industry_2, proximity`` (pairs not listed are 0). Values must lie in [0, 1]; every industry
    of the data must be covered.
    """
    frame = proximity
    if {"industry_1", "industry_2", "proximity"} <= set(map(str, frame.columns)):
        edges = frame[["industry_1", "industry_2", "proximity"]].copy()
        edges["industry_1"] = edges["industry_1"].astype(str)
        edges["industry_2"] = edges["industry_2"].astype(str)
        if edges.duplicated(["industry_1", "industry_2"]).any():
            raise ValidationError("`proximity` must list each industry pair once; some pairs repeat")
        frame = edges.pivot(index="industry_1", columns="industry_2", values="proximity")
        labels = frame.index.union(frame.columns)
        frame = frame.reindex(index=labels, columns=labels).fillna(0.0)
    frame = frame.copy()
    frame.index = frame.index.astype(str)
    frame.columns = frame.columns.astype(str)
    missing = industries.difference(frame.index).union(industries.difference(frame.columns))
    if len(missing):
        shown = ", ".join(map(str, missing[:10]))
        raise ValidationError(
            f"`proximity` must cover every industry of the data; {len(missing)} missing, such as {shown}"
        )
    values: FloatArray = (
        frame.loc[industries, industries].apply(pd.to_numeric, errors="coerce").to_numpy(np.float64)
    )
    off_diagonal = ~np.eye(len(industries), dtype=bool)
    if np.isnan(values[off_diagonal]).any():
        raise ValidationError("`proximity` must be a number for every industry pair; some are missing (NaN)")
    if (values[off_diagonal] < 0).any() or (values[off_diagonal] > 1).any():
        raise ValidationError("`proximity` values must lie between 0 and 1")
    return values


def _take(source: FloatArray, rows: BoolArray, cols: BoolArray) -> FloatArray:
    """Return the active rows and columns of ``source`` (a view when nothing is left out)."""
    all_rows, all_cols = bool(rows.all()), bool(cols.all())
    if all_rows and all_cols:
        return source
    if all_rows:
        return source[:, cols]
    return source[np.ix_(rows, cols)]


def _population_vector(population: pd.DataFrame | pd.Series, panel: Panel) -> FloatArray:
    """Population per ``[year, region]`` from a Series (region -> people) or a long frame."""
    if isinstance(population, pd.Series):
        series = population.copy()
        series.index = series.index.astype(str)
        aligned = series.reindex(panel.regions)
        result = np.tile(aligned.to_numpy(np.float64), (len(panel.years), 1))
    else:
        needed = {"year", "region", "population"}
        if not needed <= set(population.columns):
            raise ValidationError(
                f"`population` must have the columns year, region, population; got {list(population.columns)}"
            )
        frame = population.assign(region=population["region"].astype(str))
        wide = frame.pivot_table(index="year", columns="region", values="population", aggfunc="sum")
        result = wide.reindex(index=panel.years, columns=panel.regions).to_numpy(np.float64)
    return result


def _second_eigenpair(gram: FloatArray, top: FloatArray) -> tuple[FloatArray, float]:
    """Eigenvector and eigenvalue of the second largest eigenvalue of a symmetric PSD ``gram`` matrix.

    ``top`` is the known unit eigenvector of the largest eigenvalue (1). For larger matrices the problem is
    deflated (``gram - top top^T``) and its largest eigenpair found by Lanczos iteration (ARPACK, started from
    a fixed vector, to machine precision), several times faster than a dense decomposition; small matrices,
    or an iteration that does not converge, use the dense symmetric solver.
    """
    n = gram.shape[0]
    if n > 64:
        operator = scipy.sparse.linalg.LinearOperator(
            (n, n), matvec=lambda z: gram @ z - top * (top @ z), dtype=np.float64
        )
        try:
            values, vectors = scipy.sparse.linalg.eigsh(operator, k=1, which="LA", v0=np.ones(n), tol=0)
            return vectors[:, 0], float(values[0])
        except scipy.sparse.linalg.ArpackError:
            pass
    values, vectors = scipy.linalg.eigh(gram, subset_by_index=[n - 2, n - 1], check_finite=False)
    return vectors[:, 0], float(values[0])


def _second_eigenvector(
    matrix: FloatArray, diversity: FloatArray, ubiquity: FloatArray
) -> tuple[FloatArray, float]:
    """Return the unit-length second eigenvector of the industry transition matrix and its eigenvalue.

    The industry transition matrix :math:`\\tilde M^{(p)} = D_p^{-1} M^T D_c^{-1} M` is similar to the
    symmetric :math:`S = A^T A` with :math:`A = D_c^{-1/2} M D_p^{-1/2}`; its eigenvectors are
    :math:`D_p^{-1/2} v` for the eigenvectors :math:`v` of :math:`S`. The eigenproblem is solved on the
    smaller of :math:`A^T A` and :math:`A A^T` (the same non-zero spectrum, linked by :math:`v = A^T u/\\sigma`).
    The largest eigenvalue is 1 with eigenvector :math:`\\propto \\sqrt{k_p}` (or :math:`\\sqrt{k_c}`).
    """
    inv_sqrt_c = 1.0 / np.sqrt(diversity)
    inv_sqrt_p = 1.0 / np.sqrt(ubiquity)
    scaled = matrix * inv_sqrt_c[:, None]
    scaled *= inv_sqrt_p[None, :]
    n_r, n_i = scaled.shape
    if n_i <= n_r:
        top = np.sqrt(ubiquity) / np.linalg.norm(np.sqrt(ubiquity))
        v, value = _second_eigenpair(scaled.T @ scaled, top)
    else:
        top = np.sqrt(diversity) / np.linalg.norm(np.sqrt(diversity))
        u, value = _second_eigenpair(scaled @ scaled.T, top)
        v = scaled.T @ u
    kp = v * inv_sqrt_p
    return kp / np.linalg.norm(kp), value


def _sign(diversity: FloatArray, kc: FloatArray, ubiquity: FloatArray, kp: FloatArray) -> float:
    """Orient ECI so that it grows with diversity (with falling ubiquity as the tie-breaker)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.corrcoef(diversity, kc)[0, 1] if diversity.size > 1 else np.nan
        if np.isfinite(first) and first != 0:
            return float(np.sign(first))
        second = np.corrcoef(ubiquity, kp)[0, 1] if ubiquity.size > 1 else np.nan
    if np.isfinite(second) and second != 0:
        return float(-np.sign(second))
    return 1.0


def complexity(
    data: pd.DataFrame | Panel,
    *,
    preset: str | ComplexityPreset = "ecomplexity",
    presence: Literal["rca", "rpop"] = "rca",
    population: pd.DataFrame | pd.Series | None = None,
    proximity: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    duplicates: Literal["raise", "sum"] = "raise",
    missing: Literal["raise", "zero"] = "raise",
) -> ComplexityResult:
    """Compute complexity and relatedness for every year of a panel.

    Parameters
    ----------
    data
        A long table with ``year, region, industry, value`` (see :func:`~hromada.analysis.economy.to_panel`
        for ``columns``, ``duplicates`` and ``missing``), or a :class:`Panel`.
    preset
        The conventions (:data:`~hromada.analysis.economy.PRESETS`): ``"ecomplexity"`` (default), ``"atlas"``,
        ``"jaccard"``, or a :class:`ComplexityPreset`.
    presence
        ``"rca"`` (Balassa) or ``"rpop"`` (value per person relative to the national value per person).
    population
        Required for ``presence="rpop"``: a Series region -> people, or a frame ``year, region, population``.
    proximity
        An external proximity (for example a national industry space) used instead of the one computed from
        the data: for small samples, where co-occurrence among a few regions says little. Square frame or edge
        list, see :func:`external_proximity`.

    Returns
    -------
    ComplexityResult

    Notes
    -----
    For year :math:`t`, value :math:`X_{cp}` of region :math:`c` in industry :math:`p`:

    * RCA (Balassa 1965): :math:`RCA_{cp} = (X_{cp} / \\sum_p X_{cp}) / (\\sum_c X_{cp} / \\sum_{cp} X_{cp})`;
      RPOP: :math:`(X_{cp} / N_c) / (\\sum_c X_{cp} / \\sum_c N_c)` with population :math:`N_c`.
    * Presence :math:`M_{cp} = [RCA_{cp} \\ge 1]` (``>`` under strict presets); diversity
      :math:`k_c = \\sum_p M_{cp}`, ubiquity :math:`k_p = \\sum_c M_{cp}`.
    * ECI and PCI (Hidalgo & Hausmann 2009; eigenvector form of the Atlas 2014): :math:`K_p` is the
      eigenvector of the second largest eigenvalue of
      :math:`\\tilde M_{pp'} = \\sum_c M_{cp} M_{cp'} / (k_c k_p)`, of unit length, and
      :math:`K_c = \\sum_p M_{cp} K_p / k_c`; both signed so that :math:`K_c` correlates positively with
      diversity. :math:`ECI = (K_c - \\bar K_c)/s(K_c)` and :math:`PCI = (K_p - \\bar K_c)/s(K_c)`
      (population standard deviation), which keeps ECI equal to the mean PCI of a region's present
      industries. Regions with no present industry and industries present nowhere are left out of the
      eigenproblem and get NaN.
    * Proximity: see :func:`proximity_matrix`; diagonal as the preset says.
    * Density (Hidalgo et al. 2007): :math:`\\omega_{cp} = \\sum_{p'} M_{cp'} \\phi_{pp'} / \\sum_{p'} \\phi_{pp'}`,
      in [0, 1].
    * COI: :math:`\\sum_p \\omega_{cp} (1 - M_{cp}) K_p`, then standardised over the active regions.
    * COG: :math:`(1 - M_{cp}) \\sum_{p'} (1 - M_{cp'}) \\phi_{p'p} K_{p'} / \\sum_{p''} \\phi_{p'p''}`, divided
      by :math:`s(K_c)`. Industries present nowhere add 0 to COI and COG.

    These are the formulas of ``ecomplexity`` 0.5.3 (the ``ecomplexity`` preset reproduces it to 1e-9), except
    that an excluded region or industry there turns the whole year into NaN and here only itself.
    """
    spec = get_preset(preset)
    if presence not in ("rca", "rpop"):
        raise ValidationError(f"`presence` must be 'rca' or 'rpop'; got {presence!r}")
    panel = (
        data
        if isinstance(data, Panel)
        else to_panel(data, columns=columns, duplicates=duplicates, missing=missing)
    )
    n_t, n_r, n_i = panel.shape
    people: FloatArray | None = None
    if presence == "rpop":
        if population is None:
            raise ValidationError("`population` is required when presence='rpop'")
        people = _population_vector(population, panel)
    external = external_proximity(proximity, panel.industries) if proximity is not None else None
    if external is not None:
        external = external.copy()
        np.fill_diagonal(external, spec.proximity_diagonal)

    shape3 = (n_t, n_r, n_i)
    # Results are written year by year into these; every cell exactly once.
    score = plain_zeros(shape3)
    rca = plain_zeros(shape3) if presence == "rpop" else score
    mcp = plain_zeros(shape3, np.uint8)
    density = plain_zeros(shape3)
    cog = plain_zeros(shape3)
    proximity_all = plain_zeros((n_t, n_i, n_i))
    diversity = np.full((n_t, n_r), np.nan)
    eci = np.full((n_t, n_r), np.nan)
    coi = np.full((n_t, n_r), np.nan)
    ubiquity = np.full((n_t, n_i), np.nan)
    pci = np.full((n_t, n_i), np.nan)
    active_r = np.zeros((n_t, n_r), dtype=bool)
    active_i = np.zeros((n_t, n_i), dtype=bool)
    diagnostics: list[dict[str, Any]] = []
    excluded: list[tuple[int, str, str, str]] = []
    rule = f"{presence.upper()} {spec.presence_rule}"
    # Work buffers reused every year (no allocation in the loop for the large arrays).
    ones = np.empty((n_r, n_i))
    work = np.empty((n_r, n_i))
    weights = np.empty((n_i, n_i))

    # Undefined quantities (a constant ECI, an empty row) become NaN by design, without warnings.
    with np.errstate(divide="ignore", invalid="ignore"):
        for t in range(n_t):
            year = int(panel.years[t])
            x = panel.values[t]
            row_total = x.sum(axis=1)
            col_total = x.sum(axis=0)
            r_keep = row_total > 0
            i_keep = col_total > 0
            active_r[t], active_i[t] = r_keep, i_keep
            excluded += [(year, "region", str(r), "no value in this year") for r in panel.regions[~r_keep]]
            excluded += [
                (year, "industry", str(i), "no value in this year") for i in panel.industries[~i_keep]
            ]

            # RCA (and RPOP); inactive rows and columns come out NaN (0/0) and are never present.
            np.divide(x, row_total[:, None], out=work)
            np.divide(work, (col_total / col_total.sum())[None, :], out=rca[t])
            if people is not None:
                pop = people[t]
                bad = r_keep & ~(np.isfinite(pop) & (pop > 0))
                if bad.any():
                    raise ValidationError(
                        f"`population` must be positive for every region with values in {year}; "
                        f"missing or not positive for {', '.join(map(str, panel.regions[bad][:10]))}"
                    )
                np.divide(x, pop[:, None], out=work)
                np.divide(work, (col_total / pop[r_keep].sum())[None, :], out=score[t])
            present = (score[t] > spec.threshold) if spec.strict else (score[t] >= spec.threshold)
            mcp[t] = present
            ones[...] = present
            div = ones.sum(axis=1)
            ubi = ones.sum(axis=0)
            diversity[t] = np.where(r_keep, div, np.nan)
            ubiquity[t] = np.where(i_keep, ubi, np.nan)
            valid_r = div > 0
            valid_i = ubi > 0
            excluded += [
                (year, "region", str(r), f"no industry with {rule}") for r in panel.regions[r_keep & ~valid_r]
            ]
            excluded += [
                (year, "industry", str(i), f"no region with {rule}")
                for i in panel.industries[i_keep & ~valid_i]
            ]

            # ECI and PCI from the second eigenvector.
            kp_full = np.zeros(n_i)
            kc_full = np.full(n_r, np.nan)
            eigenvalue = np.nan
            if valid_r.sum() >= 2 and valid_i.sum() >= 2:
                m_valid = _take(ones, valid_r, valid_i)
                kp, eigenvalue = _second_eigenvector(m_valid, div[valid_r], ubi[valid_i])
                kc = (m_valid @ kp) / div[valid_r]
                sign = _sign(div[valid_r], kc, ubi[valid_i], kp)
                kp_full[valid_i] = sign * kp
                kc_full[valid_r] = sign * kc
            kc_valid = kc_full[valid_r]
            mean_c = float(kc_valid.mean()) if kc_valid.size else np.nan
            sd_c = float(kc_valid.std()) if kc_valid.size else np.nan
            eci[t] = np.where(r_keep, (kc_full - mean_c) / sd_c, np.nan)
            pci[t] = np.where(valid_i, (kp_full - mean_c) / sd_c, np.nan)

            # Proximity, density, COI and COG.
            phi = proximity_all[t]
            if external is not None:
                phi[...] = external
            else:
                _cooccurrence_proximity(present, ubi, spec.proximity, spec.proximity_diagonal, out=phi)
            row_sum = phi.sum(axis=1)
            safe = np.where(row_sum > 0, row_sum, 1.0)
            # density[c, p] = sum_k M[c, k] phi[p, k] / sum_k phi[p, k]
            np.divide(phi.T, safe[None, :], out=weights)
            np.matmul(ones, weights, out=density[t])
            # COG[c, p] = (1 - M[c, p]) sum_k (1 - M[c, k]) V[k, p], V = phi * K_p / rowsum, as colsum(V) - M V.
            np.multiply(phi, (kp_full / safe)[:, None], out=weights)
            cog_t = cog[t]
            np.matmul(ones, weights, out=cog_t)
            np.subtract(weights.sum(axis=0)[None, :], cog_t, out=cog_t)
            np.subtract(1.0, ones, out=work)
            cog_t *= work
            cog_t /= sd_c
            np.multiply(density[t], work, out=work)
            coi_raw = work @ kp_full
            coi_active = coi_raw[r_keep]
            coi[t] = np.where(r_keep, (coi_raw - coi_active.mean()) / coi_active.std(), np.nan)
            # Inactive regions and industries: NaN, not numbers computed from nothing.
            for array in (density[t], cog_t):
                if not r_keep.all():
                    array[~r_keep] = np.nan
                if not i_keep.all():
                    array[:, ~i_keep] = np.nan
            if not i_keep.all():
                phi[~i_keep] = np.nan
                phi[:, ~i_keep] = np.nan

            diagnostics.append(
                {
                    "year": year,
                    "regions": int(r_keep.sum()),
                    "industries": int(i_keep.sum()),
                    "regions_without_presence": int((r_keep & ~valid_r).sum()),
                    "industries_without_presence": int((i_keep & ~valid_i).sum()),
                    "second_eigenvalue": eigenvalue,
                    "external_proximity": external is not None,
                }
            )

    parameters = {
        "method": "hromada.analysis.economy.complexity",
        "version": __version__,
        "preset": spec.to_dict(),
        "parameters": {"presence": presence, "external_proximity": external is not None},
        "shape": {"years": n_t, "regions": n_r, "industries": n_i},
        "references": list(REFERENCES),
    }
    return ComplexityResult(
        panel=panel,
        preset=spec,
        presence=presence,
        score=score,
        rca=rca,
        mcp=mcp,
        diversity=diversity,
        ubiquity=ubiquity,
        eci=eci,
        pci=pci,
        density=density,
        coi=coi,
        cog=cog,
        proximity=proximity_all,
        active_regions=active_r,
        active_industries=active_i,
        diagnostics=pd.DataFrame(diagnostics).set_index("year"),
        excluded=pd.DataFrame(excluded, columns=["year", "kind", "label", "reason"]),
        parameters=parameters,
    )
