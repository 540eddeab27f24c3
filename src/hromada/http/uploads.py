"""Uploaded files as temporary files with their original extension, within the upload size limit."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Request, UploadFile

from hromada.errors import ValidationError
from hromada.settings import Settings

__all__ = ["saved_upload"]


@asynccontextmanager
async def saved_upload(request: Request, file: UploadFile) -> AsyncIterator[Path]:
    """Yield the upload saved under its own name in a private temporary folder; removed afterwards."""
    settings: Settings = request.app.state.settings
    content = await file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise ValidationError(f"files must be at most {settings.max_upload_bytes:,} bytes")
    name = Path(file.filename or "upload.csv").name or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="hromada-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        yield path
