"""Pydantic models of the REST API's responses."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MunicipalityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="KATOTTG code")
    name_uk: str
    name_en: str
    name_de: str | None
    oblast_code: str
    kind: str
    status: str
    population: int | None
    area_km2: float | None
    idp_share: float | None
    is_synthetic: bool
    employment: float | None = Field(default=None, description="Total employment in the latest year")
    employment_year: int | None = None
    n_values: int = 0


class StatisticOut(BaseModel):
    region_code: str
    year: int
    sector_code: str
    measure: str
    value: float
    unit: str
    source: str


class ImportIssueOut(BaseModel):
    file: str
    row: int | None
    column: str | None
    expected: str
    got: str


class ImportSummaryOut(BaseModel):
    filename: str
    layout: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    dry_run: bool
    measures: list[str]
    years: list[int]
    ignored_columns: list[str]
    import_id: int | None


class NaceOut(BaseModel):
    code: str
    level: str
    parent: str | None
    title: str


class ErrorBody(BaseModel):
    code: str
    message: str
    total: int | None = None
    issues: list[ImportIssueOut] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody
