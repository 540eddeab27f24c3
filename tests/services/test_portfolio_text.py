"""The funding portfolio's reasons, notes, notices and status in Ukrainian, English and German."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from hromada.analysis.decide import notice_text as analysis_notice_text
from hromada.analysis.decide import optimize_portfolio
from hromada.analysis.decide import reason_text as analysis_reason_text
from hromada.i18n import translator
from hromada.services.projects import portfolio_text, project_exports

RULES: list[dict[str, Any]] = [
    {"rule": "no_source", "sector": "culture", "type": "construction"},
    {"rule": "budget", "short": [{"year": 2026, "available": 25e6, "cost": 100e6}]},
    {"rule": "max_share", "cover": 0.8},
    {"rule": "cofinancing", "share": 0.6},
    {"rule": "eligibility", "sector": "health", "type": "construction"},
    {"rule": "debt"},
    {"rule": "several"},
]
WHYS: list[dict[str, Any]] = [
    {"code": "alone", "rules": RULES},
    {"code": "needs", "projects": ["P-01", "P-02"]},
    {"code": "needs_unfundable", "projects": ["P-01"]},
    {"code": "excludes", "projects": ["P-06"]},
    {"code": "runs_past", "until": 2029, "first": 2026, "last": 2028},
    {"code": "outranked", "full": [["eu", 2026], ["eib", 2027]]},
    {"code": "outranked", "full": []},
]
NOTICES: list[dict[str, Any]] = [
    {"code": "time_limit", "seconds": 10.0, "gap": 0.00042},
    {"code": "required_infeasible", "projects": ["school"]},
    {"code": "required_alone", "project": "school", "rules": RULES[:2]},
    {"code": "blocking", "family": "budget"},
    {"code": "no_single_family", "families": ["budget", "debt"], "together": True},
    {"code": "no_single_family", "families": ["budget", "debt"], "together": False},
    {"code": "nothing_fundable"},
    {"code": "relaxing_allows", "family": "cofinancing", "count": 3},
    {"code": "solver_stopped", "message": "Time limit reached"},
]


@pytest.mark.parametrize("locale", ["en", "uk", "de"])
def test_every_reason_and_notice_is_worded_in_every_language(locale: str) -> None:
    gettext = translator(locale).gettext
    texts = [portfolio_text.reason_text(w, gettext) for w in WHYS]
    texts += [portfolio_text.notice_text(n, gettext) for n in NOTICES]
    texts += [portfolio_text.note_text({"code": "moved_start", "start": 2025, "first": 2026}, gettext)]
    texts += [
        portfolio_text.status_label(s, gettext) for s in ("optimal", "time_limit", "infeasible", "error")
    ]
    for text in texts:
        assert text and "%(" not in text and "{" not in text, text
    assert len(set(texts)) == len(texts)  # no two different reasons read the same
    english = [portfolio_text.reason_text(w) for w in WHYS] + [portfolio_text.notice_text(n) for n in NOTICES]
    if locale != "en":
        # every sentence differs from the English one (the project and source ids stay as they are)
        assert all(a != b for a, b in zip(texts, english, strict=False))


def test_the_words_carry_the_values() -> None:
    uk = translator("uk").gettext
    de = translator("de").gettext
    alone = portfolio_text.reason_text({"code": "alone", "rules": RULES[1:4]})
    assert alone == (
        "cannot be funded even on its own: its eligible sources do not have enough money (2026: 25.00 million "
        "UAH available for 100.00); its eligible sources may together cover at most 80% of its cost; it needs "
        "60% co-financing from the own budget, which the own budget cannot provide"
    )
    assert "2026: доступно 25.00 млн грн на потрібні 100.00" in portfolio_text.reason_text(WHYS[0], uk)
    assert portfolio_text.reason_text(WHYS[5], de) == (
        "verdrängt: das Geld, das es nutzen könnte, finanziert Projekte mit höherer Gesamtpriorität "
        "(ausgeschöpft: eu 2026, eib 2027)"
    )
    assert portfolio_text.notice_text(NOTICES[0], uk).startswith("Розв’язувач досяг ліміту часу 10 с.")
    assert "щонайбільше на 0.04% нижчий" in portfolio_text.notice_text(NOTICES[0], uk)
    assert portfolio_text.notice_text(NOTICES[3], de) == (
        "Blockierende Regel: die Jahresbudgets der Quellen. Wird nur sie gelockert, ist ein Portfolio möglich."
    )
    assert portfolio_text.status_label("time_limit", uk) == "найкращий знайдений у межах ліміту часу"
    assert portfolio_text.status_label("unknown", uk) == "unknown"


def _gap_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    projects = pd.DataFrame(
        {
            "project_id": ["a", "b", "c", "d", "e"],
            "sector": ["education"] * 4 + ["culture"],
            "type": "rehabilitation",
            "score": [2.0, 0.8, 0.7, 0.6, 0.5],
            "cost_2026": [10.0, 10.0, 10.0, 10.0, 10.0],
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": ["city", "eu", "eib"],
            "kind": ["own_budget", "grant", "ifi_loan"],
            "amount_2026": [0.0, 10.0, 30.0],
            "eligible_sectors": ["*", "education", "education"],
        }
    )
    return projects, sources


def test_the_analysis_keeps_each_reason_as_data_beside_its_english_text() -> None:
    projects, sources = _gap_case()
    result = optimize_portfolio(
        projects, sources, years=[2026], exclusions=[("a", "b")], dependencies=[("d", "b")]
    )
    whys = result.gap["why"].to_dict()
    assert whys["b"] == {"code": "excludes", "projects": ["a"]}
    assert whys["d"] == {"code": "needs", "projects": ["b"]}
    assert whys["e"]["code"] == "alone" and whys["e"]["rules"][0]["rule"] in ("budget", "eligibility")
    for project, why in whys.items():
        assert isinstance(project, str)  # the gap table is indexed by project key
        assert result.gap.loc[project, "reason"] == analysis_reason_text(why)
    assert result.notices == () and result.explanation == ()

    failed = optimize_portfolio(projects, sources, years=[2026], required=["e"])
    assert failed.status == "infeasible"
    assert [n["code"] for n in failed.notices][:2] == ["required_infeasible", "required_alone"]
    assert failed.explanation == tuple(map(analysis_notice_text, failed.notices))
    # the interface words the same data in its language
    uk = [portfolio_text.notice_text(n, translator("uk").gettext) for n in failed.notices]
    assert uk[0] == "Жоден портфель за цими правилами не фінансує всі обов’язкові проєкти (e)."


def test_stored_runs_are_worded_and_old_runs_keep_their_english() -> None:
    results: dict[str, Any] = {
        "status": "time_limit",
        "years": [2026],
        "selected": [
            {
                "project_id": "a",
                "title": "A",
                "priority": 1.0,
                "cost": 10.0,
                "eu": 10.0,
                "own_share": 0.0,
                "loan_share": 0.0,
                "note": "planned to start in 2025; its cost is scheduled from 2026",
                "note_why": {"code": "moved_start", "start": 2025, "first": 2026},
            },
        ],
        "gap": [
            {
                "project_id": "b",
                "title": "B",
                "priority": 0.5,
                "cost": 10.0,
                "reason": "excludes funded project(s) 'a'",
                "why": {"code": "excludes", "projects": ["a"]},
            },
        ],
        "explanation": ["The solver reached the time limit of 10 s; ..."],
        "notices": [{"code": "time_limit", "seconds": 10.0, "gap": 0.001}],
    }
    de = translator("de").gettext
    selected, gap, explanation = portfolio_text.worded(results, de)
    assert selected[0]["note"] == "Beginn war 2025 geplant; die Kosten sind ab 2026 eingeplant"
    assert "note_why" not in selected[0] and "why" not in gap[0]
    assert gap[0]["reason"] == "schließt finanzierte Projekte aus: a"
    assert explanation[0].startswith("Der Solver hat sein Zeitlimit von 10 s erreicht.")
    # the rest of a stored run (objective, funding, cash flow, …) from the export tests' portfolio
    from tests.services.test_project_exports import RESULTS

    tables = project_exports.portfolio_tables({**RESULTS, **results}, de)
    assert list(tables["selected"].columns) == [
        "project_id", "title", "priority", "cost", "eu", "own_share", "loan_share", "note"
    ]  # fmt: skip
    assert tables["gap"]["reason"].tolist() == ["schließt finanzierte Projekte aus: a"]
    assert "why" not in tables["gap"].columns
    about = dict(zip(tables["about"]["item"], tables["about"]["value"], strict=False))
    assert str(about["explanation"]).startswith("Der Solver")
    # a run stored before reasons were kept as data is shown with its English sentences
    old = {k: v for k, v in results.items() if k != "notices"}
    old["gap"] = [{k: v for k, v in results["gap"][0].items() if k != "why"}]
    old["selected"] = [{k: v for k, v in results["selected"][0].items() if k != "note_why"}]
    selected, gap, explanation = portfolio_text.worded(old, de)
    assert gap[0]["reason"] == "excludes funded project(s) 'a'"
    assert selected[0]["note"].startswith("planned to start in 2025")
    assert explanation == results["explanation"]
