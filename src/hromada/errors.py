"""The exception hierarchy shared by every layer.

Each class carries a stable machine-readable ``code``, the HTTP status the web layer answers with, and the
exit code the command line ends with. Library code raises these; the edges (web, API, CLI) translate them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "HromadaError",
    "ImportIssue",
    "ImportValidationError",
    "NotFoundError",
    "PermissionDeniedError",
    "ValidationError",
]


class HromadaError(Exception):
    """Base of every error Hromada raises on purpose.

    Parameters
    ----------
    message
        A sentence a user can act on: what was expected and what was found.
    """

    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready description of the error."""
        return {"code": self.code, "message": self.message}


class ConfigurationError(HromadaError):
    """Settings are missing or unsafe (for example a placeholder secret key outside demo mode)."""

    code = "configuration"
    exit_code = 78  # EX_CONFIG


class ValidationError(HromadaError):
    """A parameter or input value does not have the expected form."""

    code = "invalid"
    http_status = 422
    exit_code = 65  # EX_DATAERR


class NotFoundError(HromadaError):
    """The requested object does not exist, or the caller may not know that it exists."""

    code = "not_found"
    http_status = 404
    exit_code = 66  # EX_NOINPUT


class AuthenticationError(HromadaError):
    """The caller is not logged in, or the credentials are wrong."""

    code = "unauthenticated"
    http_status = 401
    exit_code = 77  # EX_NOPERM


class PermissionDeniedError(HromadaError):
    """The caller is known but their role does not allow the action."""

    code = "forbidden"
    http_status = 403
    exit_code = 77  # EX_NOPERM


class ConflictError(HromadaError):
    """The change conflicts with existing data (for example a duplicate name)."""

    code = "conflict"
    http_status = 409
    exit_code = 75  # EX_TEMPFAIL


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem found in an imported file.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it (the header is row 1), or
    ``None`` when the problem concerns the whole file; ``column`` is the column's header, or ``None``.
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    got: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: expected {self.expected}; got {self.got}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "expected": self.expected,
            "got": self.got,
        }


@dataclass(eq=False)
class ImportValidationError(ValidationError):
    """An imported file was rejected; nothing was written.

    ``issues`` lists the problems (at most ``limit`` of them are kept; ``total`` counts all).
    """

    issues: list[ImportIssue]
    total: int = -1
    limit: int = field(default=200, repr=False)

    code: ClassVar[str] = "import_invalid"

    def __post_init__(self) -> None:
        if self.total < 0:
            self.total = len(self.issues)
        self.issues = self.issues[: self.limit]
        first = str(self.issues[0]) if self.issues else "no details"
        more = f" (and {self.total - 1} more problems)" if self.total > 1 else ""
        ValidationError.__init__(self, f"The file was rejected and nothing was written: {first}{more}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "total": self.total,
            "issues": [issue.to_dict() for issue in self.issues],
        }
