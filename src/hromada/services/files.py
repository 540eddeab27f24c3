"""Names of files that come from outside (a browser's upload, an API client's multipart field).

A client's file name is a label, never a path: :func:`client_filename` keeps its last component, drops
control and path characters, and bounds its length, so it can be shown, stored as an import's source and used
as the name of a temporary file without leaving that file's folder.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["MAX_FILENAME", "client_filename"]

#: The longest file name kept (characters), extension included.
MAX_FILENAME: Final = 120
_UNSAFE = re.compile(r"[^\w.\-() ]+")


def client_filename(raw: str | None, default: str = "upload") -> str:
    """A safe label for a file name sent by a client.

    Examples
    --------
    >>> client_filename("../../etc/pwn1.csv")
    'pwn1.csv'
    >>> client_filename("C:\\\\Users\\\\Олена\\\\статистика 2025.xlsx")
    'статистика 2025.xlsx'
    >>> client_filename(".."), client_filename(None), client_filename("a" * 300 + ".csv")[-8:]
    ('upload', 'upload', 'aaaa.csv')
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _UNSAFE.sub("_", text).strip(" .")
    if not text:
        return default
    if len(text) > MAX_FILENAME:
        stem, dot, suffix = text.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            text = stem[: MAX_FILENAME - len(suffix) - 1] + "." + suffix
        else:
            text = text[:MAX_FILENAME]
    return text
