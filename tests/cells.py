"""Single pandas cells, typed: pandas-stubs types a cell (``frame.loc[row, column]``, ``frame.at[...]``, a field
of ``itertuples()``) as any scalar at all (a str, a date, an Interval, None...), so a test that does arithmetic
on a cell, or calls a str method on it, first says what the cell is. Each helper checks that at run time too.
"""

from __future__ import annotations

import numpy as np


def number(value: object) -> float:
    """``value`` as a float; fails the test when it is not a real number (NaN is one)."""
    assert isinstance(value, int | float | np.integer | np.floating), f"not a number: {value!r}"
    return float(value)


def text(value: object) -> str:
    """``value`` as a str; fails the test when it is not one."""
    assert isinstance(value, str), f"not a str: {value!r}"
    return value
