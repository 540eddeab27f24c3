"""Pydantic models of the REST API's own responses: the error body.

The domain responses are the services' typed results (for example
:class:`hromada.services.profile.MunicipalityProfile`), used as the routes' return types.
"""

from __future__ import annotations

from pydantic import BaseModel


class ImportIssueOut(BaseModel):
    file: str
    row: int | None
    column: str | None
    expected: str
    got: str


class ErrorBody(BaseModel):
    code: str
    message: str
    total: int | None = None
    issues: list[ImportIssueOut] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody
