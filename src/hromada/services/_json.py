"""Analysis results made JSON-safe for storage and the API."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, TypeVar, cast

import numpy as np

__all__ = ["json_safe"]

_T = TypeVar("_T")


def json_safe(value: _T) -> _T:
    """``value`` with every leaf made JSON-safe (see :func:`_convert`); containers keep their type."""
    return cast(_T, _convert(value))


def _convert(value: Any) -> Any:
    """NaN and infinities become None, numpy scalars plain Python, dates ISO text; containers recursively.

    PostgreSQL's JSON refuses NaN, and a result stored on SQLite must read back the same on PostgreSQL.
    """
    if isinstance(value, dict):
        return {str(k): _convert(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_convert(v) for v in value]
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value
