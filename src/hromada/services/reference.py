"""Reference datasets: national panels kept as Parquet files under the data directory, registered in the
database with their checksum and provenance, and read back fast for analyses."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.data.synthetic import SyntheticPanel, read_panel_parquet
from hromada.db.models import ReferenceDataset
from hromada.errors import NotFoundError, ValidationError
from hromada.settings import Settings

__all__ = ["NATIONAL_PANEL", "load_reference_panel", "register_reference"]

#: The name of the national division-level panel every municipality's analyses compare against.
NATIONAL_PANEL = "national-panel-division"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def register_reference(
    session: Session, settings: Settings, name: str, path: Path, *, rows: int, provenance: dict[str, Any]
) -> ReferenceDataset:
    """Record (or refresh) a reference dataset file kept under the data directory."""
    digest = _sha256(path)
    relative = path.relative_to(settings.data_dir).as_posix()
    dataset = session.scalar(select(ReferenceDataset).where(ReferenceDataset.name == name))
    if dataset is None:
        dataset = ReferenceDataset(name=name, path=relative, sha256=digest, rows=rows, provenance=provenance)
        session.add(dataset)
    elif dataset.sha256 != digest or dataset.path != relative or dataset.provenance != provenance:
        dataset.path, dataset.sha256, dataset.rows, dataset.provenance = relative, digest, rows, provenance
    session.flush()
    return dataset


def load_reference_panel(
    session: Session, settings: Settings, name: str = NATIONAL_PANEL, *, verify: bool = True
) -> SyntheticPanel:
    """Read a registered panel; with ``verify`` its checksum must match the registered one.

    Raises
    ------
    NotFoundError
        When no dataset of that name is registered or its file is missing.
    ValidationError
        When the file changed since it was registered.
    """
    dataset = session.scalar(select(ReferenceDataset).where(ReferenceDataset.name == name))
    if dataset is None:
        raise NotFoundError(f"No reference dataset named {name!r}; load it with `hromada demo --no-serve`.")
    path = settings.data_dir / dataset.path
    if not path.exists():
        raise NotFoundError(f"The file of the reference dataset {name!r} is missing: {dataset.path}")
    if verify and _sha256(path) != dataset.sha256:
        raise ValidationError(
            f"The file of the reference dataset {name!r} changed since it was registered "
            f"(expected SHA-256 {dataset.sha256[:12]}…); reload it with `hromada demo --no-serve`."
        )
    return read_panel_parquet(path)
