"""Analysis results made JSON-safe for storage and the API, and the base of the services' typed results."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, TypeVar, cast

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["OpenModel", "ServiceModel", "json_safe"]

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


class ServiceModel(BaseModel):
    """Base of the services' typed results (and of the REST API's responses built from them).

    Immutable; the input is made JSON-safe first, with the rules of :func:`json_safe`: NaN and infinities
    become None (null in JSON), numpy scalars plain Python numbers. A float that can come from a computation
    is therefore typed ``float | None``: None where the figure is undefined.
    """

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _json_safe_input(cls, data: Any) -> Any:
        return _convert(data) if isinstance(data, dict) else data


class OpenModel(ServiceModel):
    """A stored table row or section of an analysis result: the documented fields are typed, and any further
    field (a column a later version adds) is kept and returned as it was stored."""

    model_config = ConfigDict(frozen=True, extra="allow")
