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
    session_max_age_s: int = Field(
        default=8 * 3600, ge=60, description="Lifetime of a sign-in (the cookie and its server-side record)."
    )
    session_touch_interval_s: int = Field(
        default=60, ge=0, description="A session's last activity is written at most this often."
    )
    sign_in_account_limit: int = Field(
        default=5, ge=1, description="Failed sign-ins for one account within the window before a back-off."
    )
    sign_in_address_limit: int = Field(
        default=20,
        ge=0,
        description="Failed sign-ins from one client address within the window (any accounts); 0: no limit. "
        "The address is the connection's peer: behind a reverse proxy that is the proxy for every client.",
    )
    sign_in_window_s: int = Field(
        default=15 * 60, ge=1, description="The window failed sign-ins are counted in."
    )
    sign_in_backoff_s: int = Field(
        default=15 * 60, ge=1, description="How long sign-ins are refused once a limit is reached."
    )
    cookie_secure: bool = Field(default=False, description="Send cookies over HTTPS only.")
    max_upload_bytes: int = Field(default=1_000_000_000, ge=1, description="Largest file the web accepts.")
    sync_import_bytes: int = Field(
        default=5_000_000,
        ge=0,
        description="Imports of files up to this size run in the request; larger ones run as background jobs.",
    )
    job_workers: int = Field(
        default=1,
        ge=0,
        le=16,
        description="Background job worker threads started with each web app process (0: none; queued jobs "
        "then wait for a worker of another process).",
    )
    job_stale_after_s: int = Field(
        default=300,
        ge=10,
        description="A running job without a heartbeat for this long is taken for dead and marked failed.",
    )
    db_pool_size: int = Field(
        default=24,
        ge=2,
        le=200,
        description="Database connections each server process keeps (requests use at most "
        "hromada.http.deps.REQUEST_DB_CONCURRENCY of them at once; the rest serve sign-in and background jobs). "
        "With PostgreSQL, workers x pool size must stay below the server's max_connections.",
    )
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
