"""Uploaded files as temporary files, within the upload size limit.

The client's file name is only a label (:func:`hromada.services.files.client_filename`): it never becomes a
path outside the private temporary folder, and what is stored as an import's source is the safe label.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request, UploadFile

from hromada.errors import ValidationError
from hromada.services.files import client_filename
from hromada.settings import Settings

__all__ = ["saved_upload"]

_CHUNK = 1 << 20


@contextmanager
def saved_upload(request: Request, file: UploadFile) -> Iterator[Path]:
    """Yield the upload saved under its safe label in a private temporary folder; removed afterwards.

    For plain (``def``) routes, which FastAPI runs in its thread pool: the file is copied in chunks of 1 MiB
    from the spooled upload, so neither the event loop nor memory holds it; a file over ``max_upload_bytes``
    is refused (naming the limit) without being read further.
    """
    settings: Settings = request.app.state.settings
    limit = settings.max_upload_bytes
    name = client_filename(file.filename, default="upload.csv")
    file.file.seek(0)
    with tempfile.TemporaryDirectory(prefix="hromada-upload-") as folder:
        path = Path(folder) / name
        size = 0
        with path.open("xb") as out:
            while chunk := file.file.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationError(f"files must be at most {limit:,} bytes; {name} is larger")
                out.write(chunk)
        yield path
