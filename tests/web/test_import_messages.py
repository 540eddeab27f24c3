"""Import problems are shown in the interface language: every wording the reader produces is known."""

from __future__ import annotations

import pytest

from hromada.errors import ImportValidationError
from hromada.i18n import translator
from hromada.i18n.import_messages import localize_issue
from hromada.io import read_statistics

H = "region_code,year,sector_code,measure,value\n"
R = "UA63120000000012345"
BAD = {
    "missing.csv": "year,sector_code,value\n2023,10,5\n",
    "codes.csv": H + f"UA1,2023,10,employment,5\n{R},2023,1X,employment,5\n{R},2023,10,jobs,5\n",
    "values.csv": H + f"{R},2023,10,employment,x\n{R},2023,11,employment,-1\n{R},2023,12,employment,\n",
    "years.csv": H + f"{R},20x3,10,employment,5\n{R},1700,11,employment,5\n",
    "duplicate.csv": H + f"{R},2023,10,employment,5\n{R},2023,10,employment,6\n",
    "empty.csv": "",
    "header.csv": H,
}


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("locale", ["uk", "de"])
def test_every_expected_text_is_translated(name: str, locale: str) -> None:
    with pytest.raises(ImportValidationError) as info:
        read_statistics(BAD[name].encode(), filename=name)
    tr = translator(locale)
    for issue in info.value.issues:
        local = localize_issue(issue, tr)
        assert local.expected != issue.expected, f"untranslated: {issue.expected!r}"
        assert (local.file, local.row, local.column) == (issue.file, issue.row, issue.column)


def test_figures_are_kept() -> None:
    with pytest.raises(ImportValidationError) as info:
        read_statistics((H + f"{R},1700,11,employment,5\n").encode(), filename="y.csv")
    local = localize_issue(info.value.issues[0], translator("uk"))
    assert local.expected == "рік: ціле число від 1990 до 2100"
    assert local.got == info.value.issues[0].got
