"""The ``projects`` domain's use cases: the project pipeline and funding sources (:mod:`.pipeline`), the
finance plan with published criteria and AHP weights (:mod:`.finance`), eligibility gates
(:mod:`.eligibility`), the ranking and the funding portfolio (:mod:`.pipeline`), their wording in the reader's
language (:mod:`.portfolio_text`), typed results for the API and pages (:mod:`.project_results`),
spreadsheet exports (:mod:`.project_exports`) and the plan's input files (:mod:`.inputs`).

The pipeline's use cases are re-exported here, so ``projects.rank_projects(...)`` reads as the domain's verb.
"""

from __future__ import annotations

from hromada.services.projects.pipeline import (
    PROJECT_COLUMNS,
    RANK_METHODS,
    SOURCE_KINDS,
    STAGES,
    export_oc4ids,
    import_projects,
    import_sources,
    latest_portfolio,
    plan_portfolio,
    portfolio_years,
    project_frame,
    rank_projects,
    save_projects,
    save_sources,
    set_stage,
    source_frame,
)

__all__ = [
    "PROJECT_COLUMNS",
    "RANK_METHODS",
    "SOURCE_KINDS",
    "STAGES",
    "export_oc4ids",
    "import_projects",
    "import_sources",
    "latest_portfolio",
    "plan_portfolio",
    "portfolio_years",
    "project_frame",
    "rank_projects",
    "save_projects",
    "save_sources",
    "set_stage",
    "source_frame",
]
