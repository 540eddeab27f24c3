"""What the REST routers share: the documented error responses and the asked language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Header, Query

from hromada.api.schemas import ErrorOut
from hromada.i18n import negotiate, translator

__all__ = ["ERRORS", "AcceptLanguage", "Locale", "asked_gettext", "asked_locale"]

#: The error answers every municipality route can give, with the one error body of the API.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}

Locale = Annotated[
    Literal["uk", "en", "de"] | None,
    Query(description="Language of the explanations; default: from Accept-Language, else English."),
]
AcceptLanguage = Annotated[str | None, Header(include_in_schema=False)]


def asked_locale(locale: str | None, accept_language: str | None) -> str:
    """The asked language: the ``locale`` parameter, else Accept-Language, else English."""
    return locale or negotiate(accept_language, default="en")


def asked_gettext(locale: str | None, accept_language: str | None) -> Callable[..., str]:
    """The translation function for the asked language."""
    return translator(asked_locale(locale, accept_language)).gettext
