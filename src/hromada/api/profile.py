"""REST endpoints of the ``profile`` domain: municipalities and their statistics."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile

from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut, ImportSummaryOut, MunicipalityOut, NaceOut, StatisticOut
from hromada.data.nace import load_nace, nace_title
from hromada.services import profile
from hromada.web.deps import DbSession, import_upload

router = APIRouter(tags=["profile"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
}


def _out(overview: profile.MunicipalityOverview) -> MunicipalityOut:
    m = overview.municipality
    return MunicipalityOut(
        code=m.code,
        name_uk=m.name_uk,
        name_en=m.name_en,
        name_de=m.name_de,
        oblast_code=m.oblast_code,
        kind=m.kind,
        status=m.status.value,
        population=m.population,
        area_km2=m.area_km2,
        idp_share=m.idp_share,
        is_synthetic=m.is_synthetic,
        employment=overview.employment,
        employment_year=overview.employment_year,
        n_values=overview.n_values,
    )


@router.get("/municipalities", responses=_ERRORS)
def list_municipalities(db: DbSession, principal: ApiPrincipal) -> list[MunicipalityOut]:
    """The municipalities you may see, with key figures."""
    return [_out(o) for o in profile.list_municipalities(db, principal)]


@router.get("/municipalities/{code}", responses=_ERRORS)
def get_municipality(db: DbSession, principal: ApiPrincipal, code: str) -> MunicipalityOut:
    """One municipality's profile."""
    municipality = profile.get_municipality(db, principal, code)
    (overview,) = profile.list_municipalities(db, principal, only=municipality)
    return _out(overview)


@router.get("/municipalities/{code}/statistics", responses=_ERRORS)
def get_statistics(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    measure: str | None = None,
    region_code: str | None = None,
) -> list[StatisticOut]:
    """The statistics stored in a municipality's workspace (long format)."""
    municipality = profile.get_municipality(db, principal, code)
    frame = profile.statistics_frame(db, principal, municipality, measure=measure, region_code=region_code)
    return [StatisticOut.model_validate(row) for row in frame.to_dict(orient="records")]


@router.post(
    "/municipalities/{code}/statistics/import",
    responses={**_ERRORS, 422: {"model": ErrorOut, "description": "The file was rejected; nothing written"}},
)
async def import_statistics(
    request: Request,
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX, long or wide layout")],
    dry_run: Annotated[bool, Query(description="Validate only; write nothing")] = False,
) -> ImportSummaryOut:
    """Import a statistics file into the workspace (editors and admins). All or nothing."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    try:
        summary = await import_upload(request, db, principal, municipality, file, dry_run=dry_run)
    except Exception:
        db.rollback()
        raise
    db.commit()
    return ImportSummaryOut(**summary.to_dict())


@router.get("/classifications/nace")
def nace(
    principal: ApiPrincipal,
    level: Literal["section", "division", "group", "class"] | None = None,
    locale: Annotated[Literal["uk", "en", "de"], Query()] = "uk",
) -> list[NaceOut]:
    """The NACE Rev. 2 classification (KVED-2010 is harmonised with it), with titles in one language."""
    table = load_nace()
    if level is not None:
        table = table[table["level"] == level]
    return [
        NaceOut(
            code=row.code,
            level=row.level,
            parent=row.parent if isinstance(row.parent, str) and row.parent else None,
            title=nace_title(str(row.code), locale),
        )
        for row in table.itertuples(index=False)
    ]
