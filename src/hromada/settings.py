"""Typed settings read from ``HROMADA_*`` environment variables.

Nothing is read at import time: call :func:`get_settings` at an edge (CLI command, app factory, test) and
pass the result down.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hromada.errors import ConfigurationError

__all__ = ["PLACEHOLDER_SECRETS", "Settings", "get_settings"]

#: Values that must never be used as a secret key outside demo mode.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "demo", "placeholder"})

Locale = Literal["uk", "en", "de"]


class Settings(BaseSettings):
    """Hromada's configuration.

    Every field can be set with an environment variable named ``HROMADA_<FIELD>`` (for example
    ``HROMADA_DATABASE_URL``).
    """

    model_config = SettingsConfigDict(env_prefix="HROMADA_", extra="ignore", frozen=True)

    data_dir: Path = Field(default=Path("var"), description="Directory for the SQLite file and caches.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in data_dir."
    )
    secret_key: SecretStr = Field(default=SecretStr(""), description="Key that signs session cookies.")
    demo_mode: bool = Field(default=False, description="Allow a generated secret key and demo accounts.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    default_locale: Locale = "uk"
    session_max_age_s: int = Field(default=8 * 3600, ge=60)
    cookie_secure: bool = Field(default=False, description="Send cookies over HTTPS only.")
    max_upload_bytes: int = Field(default=1_000_000_000, ge=1, description="Largest file the web accepts.")
    sql_echo: bool = False

    @model_validator(mode="after")
    def _check_secret(self) -> Settings:
        key = self.secret_key.get_secret_value()
        if not self.demo_mode and (key.lower() in PLACEHOLDER_SECRETS or len(key) < 32):
            raise ConfigurationError(
                "HROMADA_SECRET_KEY must be a random string of at least 32 characters outside demo mode; "
                "got "
                + ("nothing" if not key else "a placeholder or too short value")
                + ". Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL in effect (a SQLite file under ``data_dir`` unless one was given)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hromada.sqlite3').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    def signing_key(self) -> str:
        """The key that signs cookies.

        In demo mode without a configured key, a random key is created once and kept in
        ``data_dir/secret_key`` so that sessions survive a restart.
        """
        key = self.secret_key.get_secret_value()
        if key and key.lower() not in PLACEHOLDER_SECRETS:
            return key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key


def get_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, with keyword overrides taking precedence.

    Raises
    ------
    hromada.errors.ConfigurationError
        When a value is invalid or the secret key is unsafe outside demo mode.
    """
    from pydantic import ValidationError as PydanticValidationError

    try:
        return Settings(**overrides)
    except PydanticValidationError as exc:
        cause = exc.errors()[0].get("ctx", {}).get("error")
        if isinstance(cause, ConfigurationError):
            raise cause from None
        raise ConfigurationError(f"Invalid settings: {exc}") from None
