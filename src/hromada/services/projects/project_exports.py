"""Spreadsheet exports of a project ranking and a funding portfolio.

The typed ranking (:func:`~hromada.services.projects.project_results.ranking_view`) and a stored portfolio
run worded in the export's language (:func:`~hromada.services.projects.project_results.portfolio_run`) become
named tables, and the tables one file:

* **XLSX**: one workbook, one sheet per table, in the order of the tables (the main table first), with the
  header row frozen. This is the complete export.
* **CSV**: the main table only ("ranking" or "selected"), UTF-8 with a byte-order mark so that spreadsheet
  programs show Cyrillic titles correctly, comma-separated. A municipal user opening a ``.csv`` expects one
  table, not an archive; the other tables are in the XLSX export.

Money (UAH) is rounded to kopiykas; everything else is written as computed. The files are written by the one
export writer, :mod:`hromada.io.exports`, which neutralises any text a spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from hromada.io.exports import MEDIA_TYPES, ExportFormat, export_bytes, write_tables
from hromada.services.projects.eligibility import Gettext
from hromada.services.projects.project_results import (
    PortfolioResults,
    PortfolioRun,
    RankingView,
    portfolio_results,
)

__all__ = [
    "MEDIA_TYPES",
    "ExportFormat",
    "export_bytes",
    "portfolio_tables",
    "ranking_tables",
    "write_tables",
]

_METHODS = ("topsis", "weighted_sum", "promethee_ii")
_RANKING = ("key", "title", "rank", "score", *(f"{m}_rank" for m in _METHODS))
_CRITERIA = ("criterion", "weight", "direction")
_FAILURES = ("project", "gate", "reason")
_GATES = ("name", "rule", "column", "op", "value")
_STABILITY = (
    "key", "title", "base_rank", "base_score", "rank_mean", "rank_std", "rank_p5", "rank_p95", "p_first",
    "p_top_k",
)  # fmt: skip
_AGREEMENT = ("first", "second", "kendall_tau_b", "kendall_pvalue", "spearman", "spearman_pvalue")
_SELECTED_HEAD = ("project_id", "title", "priority", "cost")
_SELECTED_TAIL = ("own_share", "loan_share", "note")
_FUNDING = ("project_id", "source_id", "kind", "year", "amount")
_CASH_FLOW = ("year", "source_id", "kind", "available", "used", "remaining")
_GAP = ("project_id", "title", "priority", "cost", "reason")
_DEBT = (
    "year", "revenue", "limit", "existing", "new", "total", "debt_limit", "existing_debt", "new_debt",
    "total_debt",
)  # fmt: skip
_MONEY = {
    "cost", "amount", "available", "used", "remaining", "revenue", "limit", "existing", "new", "total",
    "debt_limit", "existing_debt", "new_debt", "total_debt",
}  # fmt: skip
_ABOUT = ("item", "value")


def _frame(rows: Sequence[Mapping[str, Any]] | None, columns: Sequence[str]) -> pd.DataFrame:
    """Rows as a table with ``columns`` first (in that order, empty where a row lacks one), then any others."""
    frame = pd.DataFrame([dict(r) for r in rows or []])
    extra = [c for c in map(str, frame.columns) if c not in columns]
    return frame.reindex(columns=[*columns, *extra])


def _round_money(frame: pd.DataFrame, money: set[str]) -> pd.DataFrame:
    for column in frame.columns:
        if column in money and pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].round(2)
    return frame


def _about(items: Sequence[tuple[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([{"item": k, "value": "" if v is None else v} for k, v in items], columns=_ABOUT)


def _values(value: Any) -> list[str]:
    """A gate's threshold as text: nothing for None, a list joined by commas."""
    if value is None:
        return []
    return [", ".join(map(str, value))] if isinstance(value, (list, tuple)) else [str(value)]


def _rows(items: Sequence[Any] | None) -> list[dict[str, Any]]:
    """Typed rows as dictionaries (absent optional fields left out, further fields kept)."""
    return [item.model_dump() for item in items or []]


def ranking_tables(ranking: RankingView | Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """The tables of a project ranking, the main table first.

    Parameters
    ----------
    ranking
        The typed ranking (:func:`~hromada.services.projects.project_results.ranking_view`); a mapping (what
        :func:`hromada.services.projects.rank_projects` returns) is read as one.

    Returns
    -------
    dict
        ``ranking`` (key, title, rank and score by the chosen method, and the rank by each of the three
        methods), ``criteria`` (criterion, weight, direction), ``gates`` (the published eligibility rules: name, the
        rule in words, column, op, value), ``eligibility`` (one row per gate a project
        fails: project, gate, reason), ``stability`` (the rank distribution under perturbed weights, per
        eligible project), ``agreement`` (Kendall's tau-b and Spearman's rho between each pair of methods)
        and ``about`` (method, where the weights come from, the AHP consistency ratio, the
        number of draws, whether the gates are the default or the municipality's). Tables keep their columns when they have no rows.
    """
    view = ranking if isinstance(ranking, RankingView) else RankingView.model_validate(ranking)
    rows = [{**row, **{f"{m}_rank": row.get(m) for m in _METHODS}} for row in _rows(view.ranking)]
    table = _frame(rows, _RANKING)[list(_RANKING)]
    titles = {str(r["key"]): r.get("title", "") for r in rows}
    stability = _frame(_rows(view.stability), _STABILITY)
    stability["title"] = [titles.get(str(k), "") for k in stability["key"]]
    gates = _frame(
        [
            {"name": g.name, "rule": g.description, "column": g.column, "op": g.op,
             "value": "; ".join(_values(g.value))}
            for g in view.gates
        ],
        _GATES,
    )  # fmt: skip
    about = _about(
        [
            ("method", view.method),
            ("weights_from", view.weights_from),
            ("consistency_ratio", view.consistency_ratio),
            ("eligible_projects", len(view.eligible)),
            ("draws", view.draws),
            ("top_k_unchanged", view.top_k_unchanged),
            ("gates_from", view.gates_from),
        ]
    )
    return {
        "ranking": table,
        "criteria": _frame(_rows(view.criteria), _CRITERIA),
        "gates": gates[list(_GATES)],
        "eligibility": _frame(_rows(view.failures), _FAILURES),
        "stability": stability,
        "agreement": _frame(_rows(view.agreement), _AGREEMENT),
        "about": about,
    }


def portfolio_tables(
    portfolio: PortfolioRun | PortfolioResults | Mapping[str, Any], gettext: Gettext | None = None
) -> dict[str, pd.DataFrame]:
    """The tables of a funding portfolio, the main table first.

    Parameters
    ----------
    portfolio
        A stored portfolio run worded in the export's language
        (:func:`~hromada.services.projects.project_results.portfolio_run`), or its results; a mapping (the
        stored ``results`` of a run) is worded with ``gettext`` first
        (:func:`~hromada.services.projects.project_results.portfolio_results`).
    gettext
        Words the reasons, notes and explanation of a mapping in the interface language (default English);
        a typed portfolio is already worded.

    Returns
    -------
    dict
        ``selected`` (the funded projects: priority, cost, one column per funding source, own and loan
        share, a note where the schedule was moved), ``funding`` (project x source x year amounts),
        ``cash_flow`` (per year and source: available, used, remaining), ``gap`` (the projects left
        unfunded, with the reason), ``debt_service`` (per year: revenue, the limit, existing and new debt
        service, and outstanding debt where a debt ratio is set) and ``about`` (status, years, funding gap,
        the debt check, the ranking method and criteria, the solver's explanation). Money is rounded to
        kopiykas.
    """
    if isinstance(portfolio, PortfolioRun):
        results = portfolio.results
    elif isinstance(portfolio, PortfolioResults):
        results = portfolio
    else:
        results = portfolio_results(portfolio, gettext)
    # the reasons as data (why, note_why) stay out of the sheets: the words are beside them
    selected_rows = [{k: v for k, v in row.items() if k != "note_why"} for row in _rows(results.selected)]
    gap_rows = [{k: v for k, v in row.items() if k != "why"} for row in _rows(results.gap)]
    fixed = {*_SELECTED_HEAD, *_SELECTED_TAIL}
    sources = list(dict.fromkeys(str(k) for row in selected_rows for k in row if str(k) not in fixed))
    selected = _frame(selected_rows, _SELECTED_HEAD)
    selected = selected.reindex(columns=[*_SELECTED_HEAD, *sources, *_SELECTED_TAIL])
    if selected["note"].isna().all():
        selected = selected.drop(columns="note")
    debt = _frame(_rows(results.debt_service), _DEBT)
    debt = debt.drop(columns=[c for c in _DEBT[6:] if debt[c].isna().all()])
    check = results.debt_check.model_dump() if results.debt_check is not None else {}
    criteria = "; ".join(
        f"{c.criterion} {float(c.weight or 0):.3f} ({c.direction})" for c in results.criteria or []
    )
    years = [int(y) for y in results.years or []]
    about = _about(
        [
            ("status", results.status),
            ("years", f"{years[0]}-{years[-1]}" if years else ""),
            ("objective", results.objective),
            ("mip_gap", results.mip_gap),
            ("funding_gap", results.funding_gap),
            *((f"debt_check.{k}", v) for k, v in check.items()),
            ("ranking_method", results.ranking_method),
            ("weights_from", results.weights_from),
            ("criteria", criteria),
            ("dependencies", "; ".join(f"{a} needs {b}" for a, b in results.dependencies or [])),
            ("exclusions", "; ".join(f"{a} or {b}" for a, b in results.exclusions or [])),
            *(("explanation", line) for line in results.explanation),
        ]
    )
    money = _MONEY | set(sources)
    return {
        "selected": _round_money(selected, money),
        "funding": _round_money(_frame(_rows(results.funding), _FUNDING), money),
        "cash_flow": _round_money(_frame(_rows(results.cash_flow), _CASH_FLOW), money),
        "gap": _round_money(_frame(gap_rows, _GAP), money),
        "debt_service": _round_money(debt, money),
        "about": about,
    }
