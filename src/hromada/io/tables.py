"""Plain tables in and out by file extension: CSV, XLSX and Parquet.

Reading checks the columns a caller needs and keeps code columns (regions, NACE codes) as text, so that
``01`` stays ``01``. Writing takes an iterator of frames (for example one per year) and writes them one after
another, so a national result never needs to exist as one long table; the file appears only when it is
complete (written beside the target, then renamed), so a failure or a kill leaves no half-written output.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from hromada.errors import NotFoundError, ValidationError

__all__ = ["FORMATS", "check_format", "read_table", "write_frames"]

FORMATS = (".csv", ".xlsx", ".parquet")
_XLSX_MAX_ROWS = 1_048_575


def check_format(path: Path) -> str:
    """Return the lower-case extension of ``path`` if it is a supported table format; raise otherwise."""
    return _format(Path(path))


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            f"{path.name}: the file type must be one of {', '.join(FORMATS)}; got {suffix or 'none'!r}"
        )
    return suffix


def read_table(path: Path, *, required: Sequence[str], text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV (UTF-8, comma), XLSX (first sheet) or Parquet file and check its columns.

    Column names are matched case-insensitively after trimming; ``text_columns`` are read as text.

    Raises
    ------
    NotFoundError
        The file does not exist.
    ValidationError
        Unknown extension, unreadable file, or a required column is missing (all named).
    """
    path = Path(path)
    kind = _format(path)
    if not path.exists():
        raise NotFoundError(f"{path.name}: no such file")
    text = {name: str for name in text_columns}
    try:
        if kind == ".csv":
            header = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
            dtypes = {c: str for c in header.columns if c.strip().lower() in text}
            frame = pd.read_csv(path, dtype=dtypes, encoding="utf-8-sig", keep_default_na=True)
        elif kind == ".xlsx":
            frame = pd.read_excel(path, engine="openpyxl", dtype=object)
        else:
            frame = pd.read_parquet(path)
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{path.name}: the file must be UTF-8 text; byte {error.start} is not"
        ) from None
    except (ValueError, OSError, ImportError) as error:
        raise ValidationError(f"{path.name}: cannot read the file as {kind[1:].upper()} ({error})") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"{path.name}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns)) or 'none'}"
        )
    for column in text_columns:
        if column in frame.columns:
            values = frame[column]
            frame[column] = values.where(values.isna(), values.astype(str).str.strip())
    return frame


def write_frames(
    path: Path,
    frames: Iterable[pd.DataFrame],
    *,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the frames, one after another, as one table at ``path``; return the number of rows written."""
    path = Path(path)
    kind = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    rows = 0
    try:
        if kind == ".csv":
            with temporary.open("w", encoding="utf-8", newline="") as out:
                for k, frame in enumerate(frames):
                    frame.to_csv(out, header=k == 0, index=False, lineterminator="\n")
                    rows += len(frame)
                    if progress is not None:
                        progress(k + 1, total or 0)
        elif kind == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            writer: pq.ParquetWriter | None = None
            try:
                for k, frame in enumerate(frames):
                    table = pa.Table.from_pandas(_plain(frame), preserve_index=False)
                    if writer is None:
                        writer = pq.ParquetWriter(temporary, table.schema)
                    writer.write_table(table)
                    rows += len(frame)
                    if progress is not None:
                        progress(k + 1, total or 0)
            finally:
                if writer is not None:
                    writer.close()
        else:
            parts = []
            for k, frame in enumerate(frames):
                rows += len(frame)
                if rows > _XLSX_MAX_ROWS:
                    raise ValidationError(
                        f"{path.name}: the result has more than {_XLSX_MAX_ROWS:,} rows, the most a spreadsheet "
                        "holds; write .parquet or .csv instead"
                    )
                parts.append(_plain(frame))
                if progress is not None:
                    progress(k + 1, total or 0)
            combined = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
            combined.to_excel(temporary, index=False, engine="openpyxl")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return rows


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical label columns as plain text (stable schemas across the written parts)."""
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype({c: str for c in categorical}) if categorical else frame
