"""The ``projects`` domain: the recovery project pipeline and its funding sources.

Projects move through the OC4IDS stages; they link to goals, damaged assets and ledger needs. Funding
sources carry amounts per year, eligibility, a maximum share of a project's cost and loan terms. Ranking and
the funding portfolio are computed by :mod:`hromada.analysis.decide`; exports are OC4IDS JSON.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.analysis.decide import (
    check_debt,
    optimize_portfolio,
    pipeline_years,
    portfolio_inputs,
    promethee_ii,
    rank_agreement,
    sources_for_years,
    topsis,
    unfunded,
    weight_sensitivity,
    weighted_sum,
)
from hromada.data.rdna import sector_codes
from hromada.db.models import AnalysisRun, FundingSource, LedgerEntry, Municipality, Project
from hromada.errors import ImportIssue, ImportValidationError, NotFoundError, ValidationError
from hromada.io.oc4ids import PROJECT_STATUSES, project_package
from hromada.io.tables import read_table
from hromada.services import audit, runs
from hromada.services._json import json_safe
from hromada.services.access import Principal, require
from hromada.services.projects import eligibility, finance, portfolio_text
from hromada.services.projects.eligibility import LOCATION_STATUSES

__all__ = [
    "PROJECT_COLUMNS",
    "SOURCE_KINDS",
    "STAGES",
    "export_oc4ids",
    "import_projects",
    "import_sources",
    "project_frame",
    "save_projects",
    "save_sources",
    "set_stage",
    "source_frame",
]

logger = logging.getLogger(__name__)

STAGES = PROJECT_STATUSES
SOURCE_KINDS = ("own_budget", "state_subvention", "regional_fund", "ifi_loan", "grant", "donor", "ppp")
PROJECT_COLUMNS = (
    "key", "title", "description", "stage", "type", "sector", "cost", "currency", "cost_date", "start_year",
    "duration_years", "location", "location_status", "documents_ready", "strategy_aligned",
    "cofinancing_share", "goal_keys", "asset_keys", "need_ids", "depends_on", "excludes",
)  # fmt: skip
_LIST_COLUMNS = ("goal_keys", "asset_keys", "depends_on", "excludes")
_TRUE = {"true", "1", "yes", "так", "ja", "y"}
_FALSE = {"false", "0", "no", "ні", "nein", "n", ""}


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold() if value is not None and value == value else ""
    return True if text in _TRUE else False if text in _FALSE else None


def _text(value: Any) -> str:
    """A cell as stripped text; empty for None and NaN."""
    return "" if value is None or value != value else str(value).strip()


def _keys(value: Any) -> list[str]:
    """A list cell: a list, or text separated by ``;`` or ``,``; empty for None and NaN."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    if hasattr(value, "tolist"):
        return [str(v).strip() for v in value.tolist() if str(v).strip()]
    text = _text(value)
    return [v.strip() for v in text.replace(",", ";").split(";") if v.strip()]


def _check_links(
    session: Session, municipality: Municipality, frame: pd.DataFrame, filename: str
) -> list[ImportIssue]:
    """Links of imported projects: dependencies and alternatives name known projects (not themselves, not
    both), ledger ids name needs of this municipality."""
    issues: list[ImportIssue] = []
    known = set(session.scalars(select(Project.key).where(Project.municipality_id == municipality.id))) | {
        _text(k) for k in frame.get("key", pd.Series(dtype=str))
    }
    needs = set(
        session.scalars(
            select(LedgerEntry.id).where(
                LedgerEntry.municipality_id == municipality.id, LedgerEntry.kind == "need"
            )
        )
    )
    for i, row in enumerate(frame.to_dict(orient="records")):
        key = _text(row.get("key"))
        links = {c: _keys(row.get(c)) for c in ("depends_on", "excludes") if c in row}
        for column, values in links.items():
            for value in values:
                if value == key or value not in known:
                    expected = "keys of other projects (in this file or already imported), separated by ;"
                    issues.append(ImportIssue(filename, i + 2, column, expected, value))
        both = set(links.get("depends_on", [])) & set(links.get("excludes", []))
        for value in sorted(both):
            issues.append(ImportIssue(filename, i + 2, "excludes", "not a project it also depends on", value))
        for value in _keys(row.get("need_ids")) if "need_ids" in row else []:
            try:
                ok = float(value).is_integer() and int(float(value)) in needs
            except ValueError:
                ok = False
            if not ok:
                issues.append(
                    ImportIssue(
                        filename, i + 2, "need_ids", "ids of needs in this municipality's ledger", value
                    )
                )
    return issues


def _validate_projects(frame: pd.DataFrame, filename: str) -> pd.DataFrame:
    """Check a project table; every problem is listed (file, row, column, expected, got)."""
    issues: list[ImportIssue] = []
    sectors = set(sector_codes())
    out = frame.copy()

    def issue(i: int, column: str, expected: str, got: Any) -> None:
        issues.append(ImportIssue(file=filename, row=i + 2, column=column, expected=expected, got=str(got)))

    for i, row in enumerate(frame.to_dict(orient="records")):
        if not _text(row.get("key")):
            issue(i, "key", "a project key such as P-01", row.get("key"))
        if not _text(row.get("title")):
            issue(i, "title", "a title", row.get("title"))
        stage = str(row.get("stage") or "identification")
        if stage not in STAGES:
            issue(i, "stage", f"one of {', '.join(STAGES)}", stage)
        if str(row.get("sector")) not in sectors:
            issue(i, "sector", "an RDNA sector code (see hromada.data.rdna)", row.get("sector"))
        try:
            cost = float(row.get("cost"))  # type: ignore[arg-type]
            if not math.isfinite(cost) or cost < 0:
                raise ValueError
        except (TypeError, ValueError):
            issue(i, "cost", "a non-negative amount", row.get("cost"))
        share = row.get("cofinancing_share", 0)
        try:
            if not 0 <= float(share if share == share and share is not None else 0) <= 1:
                raise ValueError
        except (TypeError, ValueError):
            issue(i, "cofinancing_share", "a share between 0 and 1 (0.1 for 10 %)", share)
        for column in ("documents_ready", "strategy_aligned"):
            if column in row and _bool(row[column]) is None:
                issue(i, column, "true or false", row[column])
        status = str(row.get("location_status") or "rear")
        if status not in LOCATION_STATUSES:
            issue(i, "location_status", f"one of {', '.join(LOCATION_STATUSES)}", status)
    keys = frame["key"].astype(str).str.strip() if "key" in frame else pd.Series([], dtype=str)
    for i in [int(p) for p in (keys[keys.duplicated()].index if len(keys) else [])]:
        issue(i, "key", "a key used once in the file", keys.iloc[i])
    if issues:
        raise ImportValidationError(issues[:200], total=len(issues))
    return out


def project_frame(session: Session, principal: Principal, municipality: Municipality) -> pd.DataFrame:
    """The pipeline as a table (one row per project, criteria columns prefixed ``c:``)."""
    require(principal, "read", municipality.id)
    rows = []
    for p in session.scalars(
        select(Project).where(Project.municipality_id == municipality.id).order_by(Project.key)
    ):
        record = {c: getattr(p, c) for c in PROJECT_COLUMNS}
        record.update({f"c:{k}": v for k, v in (p.criteria or {}).items()})
        rows.append(record)
    return pd.DataFrame(rows, columns=None if rows else list(PROJECT_COLUMNS))


def save_projects(
    session: Session, municipality: Municipality, projects: pd.DataFrame, *, synthetic: bool = False
) -> int:
    """Upsert validated projects by key (criteria from ``c:<name>`` columns)."""
    existing = {
        p.key: p for p in session.scalars(select(Project).where(Project.municipality_id == municipality.id))
    }
    for row in projects.to_dict(orient="records"):
        key = str(row["key"]).strip()
        project = existing.get(key)
        if project is None:
            project = Project(municipality_id=municipality.id, key=key, is_synthetic=synthetic)
            session.add(project)
            existing[key] = project
        project.title = str(row["title"]).strip()
        project.description = (
            str(row.get("description") or "") if row.get("description") == row.get("description") else ""
        )
        project.stage = str(row.get("stage") or "identification")
        project.type = str(row.get("type") or "rehabilitation")
        project.sector = str(row["sector"])
        project.cost = float(row["cost"])
        project.currency = str(row.get("currency") or "UAH")
        cost_date = row.get("cost_date")
        project.cost_date = (
            pd.Timestamp(cost_date).date()
            if cost_date is not None and cost_date == cost_date and cost_date != ""
            else None
        )
        start = row.get("start_year")
        project.start_year = int(start) if start is not None and start == start and start != "" else None
        duration = row.get("duration_years")
        project.duration_years = (
            int(duration) if duration is not None and duration == duration and duration != "" else 1
        )
        location = row.get("location")
        project.location = str(location) if location is not None and location == location else ""
        project.location_status = str(row.get("location_status") or "rear")
        project.documents_ready = bool(_bool(row.get("documents_ready", False)))
        project.strategy_aligned = bool(_bool(row.get("strategy_aligned", False)))
        share = row.get("cofinancing_share")
        project.cofinancing_share = (
            float(share) if share is not None and share == share and share != "" else 0.0
        )
        for column in _LIST_COLUMNS:
            if column in row:
                setattr(project, column, _keys(row[column]))
        if "need_ids" in row:
            project.need_ids = [int(float(v)) for v in _keys(row["need_ids"])]
        project.criteria = {
            k[2:]: float(v)
            for k, v in row.items()
            if isinstance(k, str) and k.startswith("c:") and v is not None and v == v
        }
    session.flush()
    return len(projects)


def import_projects(session: Session, principal: Principal, municipality: Municipality, path: Path) -> int:
    """Import projects from CSV/XLSX/Parquet (editors and admins): all problems listed, all or nothing."""
    require(principal, "write", municipality.id)
    frame = read_table(
        path,
        required=("key", "title", "sector", "cost"),
        text_columns=(
            "key",
            "sector",
            "stage",
            "type",
            "location_status",
            "depends_on",
            "excludes",
            "need_ids",
        ),
    )
    _validate_projects(frame, path.name)
    problems = _check_links(session, municipality, frame, path.name)
    if problems:
        raise ImportValidationError(problems[:200], total=len(problems))
    written = save_projects(session, municipality, frame)
    audit.record(
        session,
        principal,
        "import",
        "project",
        municipality_id=municipality.id,
        details={"file": path.name, "rows": written},
    )
    return written


def set_stage(
    session: Session, principal: Principal, municipality: Municipality, key: str, stage: str
) -> Project:
    """Move a project to another OC4IDS stage (editors and admins)."""
    require(principal, "write", municipality.id)
    if stage not in STAGES:
        raise ValidationError(f"`stage` must be one of {', '.join(STAGES)}; got {stage!r}")
    project = session.scalar(
        select(Project).where(Project.municipality_id == municipality.id, Project.key == key)
    )
    if project is None:
        raise NotFoundError(f"No project {key!r} in this municipality.")
    previous, project.stage = project.stage, stage
    audit.record(
        session,
        principal,
        "stage",
        "project",
        entity_id=key,
        municipality_id=municipality.id,
        details={"from": previous, "to": stage},
    )
    return project


def source_frame(session: Session, principal: Principal, municipality: Municipality) -> pd.DataFrame:
    """The funding sources, one column ``amount_<year>`` per year."""
    require(principal, "read", municipality.id)
    rows = []
    for s in session.scalars(
        select(FundingSource)
        .where(FundingSource.municipality_id == municipality.id)
        .order_by(FundingSource.key)
    ):
        record: dict[str, Any] = {
            "source_id": s.key, "name": s.name, "kind": s.kind, "eligible_sectors": s.eligible_sectors,
            "eligible_types": s.eligible_types, "max_share": s.max_share, "interest_rate": s.interest_rate,
            "tenor_years": s.tenor_years, "grace_years": s.grace_years,
        }  # fmt: skip
        record.update({f"amount_{year}": float(v) for year, v in sorted((s.amounts or {}).items())})
        rows.append(record)
    return pd.DataFrame(rows)


def save_sources(session: Session, municipality: Municipality, sources: pd.DataFrame) -> int:
    """Upsert funding sources by ``source_id`` (amounts from ``amount_<year>`` columns)."""
    existing = {
        s.key: s
        for s in session.scalars(
            select(FundingSource).where(FundingSource.municipality_id == municipality.id)
        )
    }
    for row in sources.to_dict(orient="records"):
        key = str(row["source_id"]).strip()
        kind = str(row["kind"])
        if kind not in SOURCE_KINDS:
            raise ValidationError(
                f"source {key!r}: `kind` must be one of {', '.join(SOURCE_KINDS)}; got {kind!r}"
            )
        source = existing.get(key)
        if source is None:
            source = FundingSource(municipality_id=municipality.id, key=key)
            session.add(source)
            existing[key] = source
        source.name = str(row.get("name") or key)
        source.kind = kind
        source.amounts = {
            str(c).removeprefix("amount_"): float(v)
            for c, v in row.items()
            if str(c).startswith("amount_") and v == v and v is not None
        }
        source.eligible_sectors = str(row.get("eligible_sectors") or "*")
        source.eligible_types = str(row.get("eligible_types") or "*")
        share = row.get("max_share")
        source.max_share = float(share) if share is not None and share == share else 1.0
        for column in ("interest_rate", "tenor_years", "grace_years"):
            value = row.get(column)
            number = None if value is None or value != value or value == "" else value
            setattr(
                source,
                column,
                None if number is None else (float(number) if column == "interest_rate" else int(number)),
            )
    session.flush()
    return len(sources)


def import_sources(session: Session, principal: Principal, municipality: Municipality, path: Path) -> int:
    """Import funding sources (editors and admins)."""
    require(principal, "write", municipality.id)
    frame = read_table(
        path,
        required=("source_id", "kind"),
        text_columns=("source_id", "kind", "eligible_sectors", "eligible_types"),
    )
    try:
        written = save_sources(session, municipality, frame)
    except ValidationError as error:
        raise ValidationError(f"{path.name}: {error.message}") from None
    audit.record(
        session,
        principal,
        "import",
        "funding_source",
        municipality_id=municipality.id,
        details={"file": path.name, "rows": written},
    )
    return written


def export_oc4ids(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    base_url: str = "http://127.0.0.1:8000",
    published: dt.datetime | None = None,
) -> dict[str, Any]:
    """The pipeline as an OC4IDS project package (no restricted data)."""
    frame = project_frame(session, principal, municipality)
    records: list[Mapping[str, Any]] = [
        {str(k): (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
        for r in frame.to_dict(orient="records")
    ]
    return project_package(
        records,
        publisher=municipality.name_en or municipality.name_uk,
        uri=f"{base_url}/api/v1/municipalities/{municipality.code}/projects/oc4ids",
        id_prefix=f"hromada-{municipality.code}",
        published=published,
    )


# --------------------------------------------------------------------------------------------------------
# Ranking and portfolio

RANK_METHODS = ("topsis", "weighted_sum", "promethee_ii")
PORTFOLIO_DOMAIN = "projects-portfolio"
_SEED = 20220224


def rank_projects(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    method: str = "topsis",
    criteria: Mapping[str, tuple[float, str]] | None = None,
    draws: int = 2000,
    gettext: Callable[..., str] | None = None,
) -> dict[str, Any]:
    """Gate, rank and stress-test the pipeline (readers and up; nothing stored).

    Returns the published criteria and weights, the published eligibility gates (the municipality's, or the
    default ones) and the reasons every failing project fails them (in the interface language when
    ``gettext`` is given),
    the ranking of the eligible ones by ``method`` with the full computation trace, the agreement between the
    three methods (Kendall and Spearman) and the rank stability under seeded weight perturbation.
    """
    if method not in RANK_METHODS:
        raise ValidationError(f"`method` must be one of {', '.join(RANK_METHODS)}; got {method!r}")
    plan = finance.get_plan(session, principal, municipality)
    spec = dict(criteria or finance.criteria_of(plan))
    frame = project_frame(session, principal, municipality)
    if frame.empty:
        raise NotFoundError("This municipality has no projects yet; import them first.")
    active = frame[~frame["stage"].isin(["completed", "cancelled"])].reset_index(drop=True)
    specs = eligibility.gate_specs(plan)
    passed, failures = eligibility.check_projects(active, specs, gettext=gettext)
    missing = [c for c in spec if f"c:{c}" not in active.columns]
    if missing:
        raise ValidationError(
            f"every project needs a score for the criteria {', '.join(missing)} (columns c:<criterion>)"
        )
    eligible = active[passed.to_numpy()].set_index("key")
    matrix = eligible[[f"c:{c}" for c in spec]].rename(columns=lambda c: c[2:]).astype(float)
    criteria_frame = pd.DataFrame(
        {"weight": [w for w, _ in spec.values()], "direction": [d for _, d in spec.values()]},
        index=list(spec),
    )
    result: dict[str, Any] = {
        "method": method,
        "criteria": criteria_frame.reset_index(names="criterion").to_dict(orient="records"),
        "weights_from": "ahp"
        if plan is not None and plan.ahp and criteria is None
        else ("typed" if plan is not None and plan.criteria and criteria is None else "default"),
        "consistency_ratio": plan.ahp.get("consistency_ratio") if plan is not None and plan.ahp else None,
        "gates": [{**s, "description": eligibility.describe(s, gettext)} for s in specs],
        "gates_from": "default" if plan is None or plan.gates is None else "municipality",
        "failures": failures.to_dict(orient="records"),
        "eligible": [str(k) for k in eligible.index],
    }
    if len(eligible) < 2:  # nothing to compare: a single eligible project comes first by every method
        result.update(
            ranking=[
                {"key": str(key), "title": title, "rank": 1, "score": 1.0,
                 **{m: 1 for m in RANK_METHODS}}
                for key, title in eligible["title"].items()
            ],
            agreement=[], stability=[],
        )  # fmt: skip
        return json_safe(result)
    rankings = {
        "topsis": topsis(matrix, criteria_frame),
        "weighted_sum": weighted_sum(matrix, criteria_frame),
        "promethee_ii": promethee_ii(matrix, criteria_frame),
    }
    chosen = rankings[method]
    sensitivity = weight_sensitivity(matrix, criteria_frame, method=method, draws=draws, seed=_SEED)  # type: ignore[arg-type]
    titles = eligible["title"].to_dict()
    result["ranking"] = [
        {"key": key, "title": titles[key], "rank": int(chosen.ranks[key]), "score": float(chosen.scores[key]),
         **{m: int(r.ranks[key]) for m, r in rankings.items()}}
        for key in chosen.ranks.sort_values().index
    ]  # fmt: skip
    result["agreement"] = rank_agreement(list(rankings.values())).reset_index().to_dict(orient="records")
    result["stability"] = sensitivity.summary.reset_index().to_dict(orient="records")
    result["top_k_unchanged"] = sensitivity.top_k_unchanged
    result["draws"] = draws
    result["trace"] = {
        name: table.reset_index().to_dict(orient="records")
        for name, table in chosen.trace.items()
        if len(table) <= 500
    }
    return json_safe(result)


def portfolio_years(plan: Any, frame: pd.DataFrame) -> tuple[int, ...]:
    """The plan's years; without a plan, the years the candidate projects run (at most ten)."""
    if plan is not None:
        return finance.planning_years(plan)
    return pipeline_years(frame) or finance.planning_years(None)


def plan_portfolio(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    method: str = "topsis",
    years: Sequence[int] | None = None,
    time_limit: float = 30.0,
) -> AnalysisRun:
    """Choose and fund the eligible projects from the sources; stored as a run (editors and admins).

    Priority is the ranking score by ``method`` under the published criteria. The finance plan gives the
    planning years (``years`` overrides them) and the borrowing rule; the projects' dependencies and
    alternatives become constraints. A project that starts before the first planning year has its cost
    moved into the plan; one that runs past the last year, or needs a project that cannot be funded, is
    left out with the reason (the rules: :func:`~hromada.analysis.decide.portfolio_inputs`).
    """
    require(principal, "write", municipality.id)
    plan = finance.get_plan(session, principal, municipality)
    ranking = rank_projects(session, principal, municipality, method=method, draws=200)
    scores = {row["key"]: row["score"] for row in ranking["ranking"]}
    frame = project_frame(session, principal, municipality)
    candidates = frame[frame["key"].isin(list(scores))]
    if candidates.empty:
        raise ValidationError("No eligible project to fund: check the eligibility gates in the ranking.")
    inputs = portfolio_inputs(
        frame, scores, tuple(int(y) for y in years) if years else portfolio_years(plan, candidates)
    )
    plan_years, projects, blocked = inputs.years, inputs.projects, inputs.blocked
    sources = source_frame(session, principal, municipality)
    if sources.empty:
        raise ValidationError("No funding sources yet; import them first.")
    if projects.empty:
        raise ValidationError(
            "No eligible project fits the plan: "
            + "; ".join(f"{k} {portfolio_text.reason_text(v)}" for k, v in sorted(blocked.items()))
        )
    sources = sources_for_years(sources, plan_years)
    debt = finance.debt_rule(plan)
    if debt is not None:
        missing = [y for y in plan_years if y not in debt.revenue]
        if missing:
            raise ValidationError(
                f"the borrowing rule needs a revenue forecast for {', '.join(map(str, missing))}; set it in the finance plan"
            )
    result = optimize_portfolio(
        projects, sources, years=plan_years, dependencies=inputs.dependencies, exclusions=inputs.exclusions,
        debt=debt, time_limit=time_limit,
    )  # fmt: skip
    titles = dict(zip(frame["key"].astype(str), frame["title"].astype(str), strict=True))
    cost_of = dict(zip(frame["key"].astype(str), frame["cost"].astype(float), strict=True))
    left_out = unfunded(result.gap, blocked, scores, cost_of)
    # Reasons, notes and the explanation are stored as data only (``why``, ``note_why``, ``notices``); every
    # edge words them in its reader's language (portfolio_text, through project_results.portfolio_run).
    gap: list[dict[str, Any]] = [
        {"project_id": key, "priority": row["priority"], "cost": row["cost"], "why": row["why"],
         "title": titles.get(key, "")}
        for key, row in zip(map(str, left_out.index), left_out.to_dict(orient="records"), strict=True)
    ]  # fmt: skip
    selected = [
        {str(k): v for k, v in row.items()} for row in result.selected.reset_index().to_dict(orient="records")
    ]
    for row in selected:
        row["title"] = titles.get(str(row["project_id"]), "")
        if str(row["project_id"]) in inputs.moved:
            row["note_why"] = inputs.moved[str(row["project_id"])]
    debt_rows = [
        {str(k): v for k, v in row.items()}
        for row in result.debt_service.reset_index().to_dict(orient="records")
    ]
    results = {
        "status": result.status,
        "objective": result.objective,
        "mip_gap": result.mip_gap,
        "years": list(plan_years),
        "selected": selected,
        "funding": result.funding.to_dict(orient="records"),
        "cash_flow": result.cash_flow.reset_index().to_dict(orient="records"),
        "gap": gap,
        "funding_gap": float(sum(float(row["cost"]) for row in gap)),
        "debt_service": debt_rows,
        "debt_check": check_debt(result.debt_service, debt).as_dict(),
        "dependencies": [list(p) for p in inputs.dependencies],
        "exclusions": [list(p) for p in inputs.exclusions],
        "notices": list(result.notices),
        "seconds": result.seconds,
        "ranking_method": method,
        "criteria": ranking["criteria"],
        "weights_from": ranking["weights_from"],
        "gates": ranking["gates"],
        "ineligible": ranking["failures"],
    }
    return runs.store(
        session, principal, municipality, domain=PORTFOLIO_DOMAIN, preset=method,
        parameters={"years": list(plan_years), "criteria": ranking["criteria"], "gates": ranking["gates"],
                    "debt_service_share": plan.debt_service_share if plan is not None else None,
                    "max_debt_ratio": plan.max_debt_ratio if plan is not None else None},
        results=results,
        data_hash=runs.content_hash(
            {"projects": projects.to_dict(orient="records"), "sources": sources.to_dict(orient="records"),
             "dependencies": inputs.dependencies, "exclusions": inputs.exclusions,
             "debt": None if debt is None else repr(debt)}
        ),
    )  # fmt: skip


def latest_portfolio(
    session: Session, principal: Principal, municipality: Municipality
) -> AnalysisRun | None:
    """The latest stored funding portfolio (readers and up), or None."""
    require(principal, "read", municipality.id)
    return runs.latest(session, municipality, PORTFOLIO_DOMAIN)
