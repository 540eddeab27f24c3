"""Uploaded files as temporary files, within the upload size limit.

The client's file name is only a label (:func:`hromada.services.files.client_filename`): it never becomes a
path outside the private temporary folder, and what is stored as an import's source is the safe label.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Request, UploadFile

from hromada.errors import ValidationError
from hromada.services.files import client_filename
from hromada.settings import Settings

__all__ = ["saved_upload"]


@asynccontextmanager
async def saved_upload(request: Request, file: UploadFile) -> AsyncIterator[Path]:
    """Yield the upload saved under its own name in a private temporary folder; removed afterwards."""
    settings: Settings = request.app.state.settings
    content = await file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise ValidationError(f"files must be at most {settings.max_upload_bytes:,} bytes")
    name = client_filename(file.filename, default="upload.csv")
    with tempfile.TemporaryDirectory(prefix="hromada-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        yield path
