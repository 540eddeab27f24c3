"""The funding portfolio's reasons and notices in the interface language.

:func:`~hromada.analysis.decide.optimize_portfolio` gives every reason as data (``{"code": ...}``, see
:data:`~hromada.analysis.decide.Why`) beside its English sentence; :func:`plan_portfolio
<hromada.services.projects.plan_portfolio>` adds the reasons found before solving (a dependency that cannot
be funded, a schedule past the plan). This module words them in Ukrainian, English or German, with a
``gettext`` that takes ``%(name)s`` values as keywords (:meth:`hromada.i18n.Translator.gettext`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hromada.services.projects.eligibility import N_, Gettext

STATUS_LABELS: dict[str, str] = {
    "optimal": N_("optimal (proven)"),
    "time_limit": N_("best found within the time limit"),
    "infeasible": N_("no portfolio possible"),
    "error": N_("solver error"),
}
FAMILY_LABELS: dict[str, str] = {
    "budget": N_("the sources' budgets per year"),
    "max_share": N_("the largest share of a project's cost a source may cover"),
    "cofinancing": N_("the minimum own-budget co-financing"),
    "eligibility": N_("the sectors and types the sources accept"),
    "debt": N_("the debt sustainability rule"),
    "dependencies": N_("the project dependencies"),
    "exclusions": N_("the mutually exclusive projects"),
}


def _english(message: str, **values: Any) -> str:
    return message % values if values else message


def _number(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", " ")


def _million(amount: float) -> str:
    return _number(float(amount) / 1e6, 2)


def _ids(projects: Sequence[str]) -> str:
    return ", ".join(map(str, projects))


def status_label(status: str, gettext: Gettext | None = None) -> str:
    """The portfolio status in words: "optimal (proven)", "best found within the time limit" ..."""
    _ = gettext or _english
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def family_label(family: str, gettext: Gettext | None = None) -> str:
    """A constraint family (``budget``, ``debt`` ...) in words."""
    _ = gettext or _english
    return _(FAMILY_LABELS[family]) if family in FAMILY_LABELS else family


def rule_text(rule: Mapping[str, Any], gettext: Gettext | None = None) -> str:
    """Why a project cannot be funded even on its own: one rule it breaks."""
    _ = gettext or _english
    kind = rule.get("rule")
    if kind == "no_source":
        return _(
            "no source accepts sector %(sector)s and type %(type)s", sector=rule["sector"], type=rule["type"]
        )
    if kind == "budget":
        text = _("its eligible sources do not have enough money")
        short = [
            _(
                "%(year)s: %(available)s million UAH available for %(cost)s",
                year=s["year"],
                available=_million(s["available"]),
                cost=_million(s["cost"]),
            )
            for s in rule.get("short") or []
        ]
        return f"{text} ({'; '.join(short)})" if short else text
    if kind == "max_share":
        return _(
            "its eligible sources may together cover at most %(share)s%% of its cost",
            share=_number(float(rule["cover"]) * 100, 0),
        )
    if kind == "cofinancing":
        return _(
            "it needs %(share)s%% co-financing from the own budget, which the own budget cannot provide",
            share=_number(float(rule["share"]) * 100, 0),
        )
    if kind == "eligibility":
        return _(
            "the sources with money do not accept sector %(sector)s or type %(type)s",
            sector=rule["sector"], type=rule["type"],
        )  # fmt: skip
    if kind == "debt":
        return _("the loans it would need break the debt sustainability rule")
    return _("it breaks several rules at once (no single rule relaxed makes it fundable)")


def _rules(rules: Sequence[Mapping[str, Any]], gettext: Gettext | None) -> str:
    return "; ".join(rule_text(r, gettext) for r in rules)


def reason_text(why: Mapping[str, Any], gettext: Gettext | None = None) -> str:
    """Why a project is not funded, in the interface language."""
    _ = gettext or _english
    code = why.get("code")
    if code == "alone":
        return _("cannot be funded even on its own: %(rules)s", rules=_rules(why["rules"], gettext))
    if code == "needs":
        return _("needs project(s) %(projects)s, which are not funded", projects=_ids(why["projects"]))
    if code == "needs_unfundable":
        return _(
            "needs project(s) %(projects)s, which cannot be funded in this plan",
            projects=_ids(why["projects"]),
        )
    if code == "excludes":
        return _("excludes funded project(s) %(projects)s", projects=_ids(why["projects"]))
    if code == "runs_past":
        return _(
            "runs until %(until)s, after the planning years %(first)s–%(last)s",
            until=why["until"], first=why["first"], last=why["last"],
        )  # fmt: skip
    if code == "outranked":
        full = why.get("full") or []
        if not full:
            return _("outranked: the money it could use funds projects of higher total priority")
        return _(
            "outranked: the money it could use funds projects of higher total priority (fully used: %(sources)s)",
            sources=", ".join(f"{source} {year}" for source, year in full),
        )
    return str(why)


def note_text(why: Mapping[str, Any], gettext: Gettext | None = None) -> str:
    """A note on a funded project (its schedule was moved into the plan)."""
    _ = gettext or _english
    if why.get("code") == "moved_start":
        return _(
            "planned to start in %(start)s; its cost is scheduled from %(first)s",
            start=why["start"], first=why["first"],
        )  # fmt: skip
    return str(why)


def notice_text(notice: Mapping[str, Any], gettext: Gettext | None = None) -> str:
    """A sentence explaining a portfolio stopped by the time limit, infeasible or empty."""
    _ = gettext or _english
    code = notice.get("code")
    if code == "time_limit":
        return _(
            "The solver reached its time limit of %(seconds)s s. The portfolio meets every rule and its total "
            "priority is at most %(gap)s%% below the best possible, but that it is the best is not proven.",
            seconds=_number(float(notice["seconds"]), 0), gap=_number(float(notice["gap"]) * 100, 2),
        )  # fmt: skip
    if code == "required_infeasible":
        return _(
            "No portfolio funds every required project (%(projects)s) under the rules.",
            projects=_ids(notice["projects"]),
        )
    if code == "required_alone":
        return _(
            "Required project %(project)s cannot be funded even on its own: %(rules)s.",
            project=notice["project"], rules=_rules(notice["rules"], gettext),
        )  # fmt: skip
    if code == "blocking":
        return _(
            "Blocking rule: %(family)s. Relaxing it alone makes a portfolio possible.",
            family=family_label(notice["family"], gettext),
        )
    if code == "no_single_family":
        families = "; ".join(family_label(f, gettext) for f in notice["families"])
        if notice.get("together"):
            return _(
                "No single rule relaxed alone makes a portfolio possible; relaxing all of them together does: "
                "%(families)s.",
                families=families,
            )
        return _(
            "No rule relaxed alone makes a portfolio possible, and relaxing all of them together does not "
            "either: %(families)s.",
            families=families,
        )
    if code == "nothing_fundable":
        return _("Nothing can be funded; the list of projects not funded gives each one's reason.")
    if code == "relaxing_allows":
        return _(
            "Relaxing %(family)s would allow %(count)s project(s) to be funded.",
            family=family_label(notice["family"], gettext), count=notice["count"],
        )  # fmt: skip
    if code == "solver_stopped":
        return _("The solver stopped without a portfolio: %(detail)s", detail=notice.get("message", ""))
    return str(notice)


def worded(
    results: Mapping[str, Any], gettext: Gettext | None = None, *, keep_data: bool = False
) -> tuple[list[Any], list[Any], list[str]]:
    """A stored portfolio's selected and gap rows and its explanation, with the notes, reasons and notices
    worded in the interface language (runs stored before the reasons were kept as data keep their English
    sentences). The data keys ``note_why`` and ``why`` are left out unless `keep_data`."""
    selected = []
    for row in results.get("selected") or []:
        row_ = {k: v for k, v in row.items() if keep_data or k != "note_why"}
        if row.get("note_why"):
            row_["note"] = note_text(row["note_why"], gettext)
        selected.append(row_)
    gap = []
    for row in results.get("gap") or []:
        row_ = {k: v for k, v in row.items() if keep_data or k != "why"}
        if row.get("why"):
            row_["reason"] = reason_text(row["why"], gettext)
        gap.append(row_)
    notices = results.get("notices")
    explanation = (
        [notice_text(n, gettext) for n in notices]
        if notices is not None
        else [str(line) for line in results.get("explanation") or []]
    )
    return selected, gap, explanation
