"""Configuration from the environment.

Every setting is read once, here, from ``INSIGNIA_*`` variables (plus ``DATABASE_URL`` and
``BROKER_URL``, the names operators expect). Nothing else in the package reads ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

Environment = Literal["development", "test", "production"]
_ENVIRONMENTS: tuple[Environment, ...] = ("development", "test", "production")


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    env: Environment = "production"
    # The owner URL: migrations and role management. ``None`` means the embedded PostgreSQL.
    database_url: str | None = None
    # The application role's URL. ``None`` derives it from ``database_url`` (user ``app_role``).
    app_database_url: str | None = None
    app_role: str = "insignia_app"
    app_role_password: str | None = None
    data_dir: Path = field(default_factory=lambda: Path(".insignia"))
    secret_key: str = ""
    token_issuer: str = "insignia"  # noqa: S105 - the JWT "iss" claim, not a secret
    token_ttl_seconds: int = 3600
    db_pool_size: int = 10
    # Room for a 10 MB CSV import in a GraphQL request (JSON escaping adds a little).
    max_body_bytes: int = 16_000_000
    graphql_max_depth: int = 12
    graphql_max_aliases: int = 30
    graphql_max_tokens: int = 2_000
    graphql_max_directives: int = 20
    log_level: str = "INFO"
    public_url: str = "http://127.0.0.1:8000"
    # Jobs: no BROKER_URL runs them in-process (the embedded default); redis:// or amqp:// otherwise.
    broker_url: str | None = None
    queue_name: str = "insignia"
    job_max_attempts: int = 8
    job_retry_base_seconds: float = 5.0
    job_retry_max_seconds: float = 3600.0
    job_visibility_seconds: float = 60.0
    relay_batch: int = 200
    relay_poll_seconds: float = 0.5
    worker_threads: int = 8
    # Webhooks: retried with backoff for up to this long, and refused on private addresses in production.
    webhook_max_age_seconds: float = 3 * 24 * 3600
    webhook_timeout_seconds: float = 10.0
    webhook_allow_private: bool = False
    webhook_max_attempts: int = 100
    # Email: SMTP when INSIGNIA_SMTP_URL is set, otherwise .eml files in email_dir.
    smtp_url: str | None = None
    email_from: str = "Insignia <no-reply@insignia.localhost>"
    email_dir: Path | None = None
    # Awards: how often the scheduler looks for expiring awards, and reminder offsets in days.
    expiry_sweep_seconds: float = 300.0
    expiry_reminder_days: tuple[int, ...] = (30, 7)
    # Sign-in (SSO): browser sessions, the short-lived bearer tokens portals get from them, and
    # whether identity providers may live on private addresses (refused in production by default).
    session_ttl_seconds: int = 12 * 3600
    access_token_ttl_seconds: int = 900
    sso_allow_private: bool = False
    sso_timeout_seconds: float = 10.0
    sso_clock_skew_seconds: int = 120

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def public_origin(self) -> str:
        """Scheme, host and port of ``public_url``: what browsers send as ``Origin`` from our pages."""
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def embedded(self) -> bool:
        return self.database_url is None


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value}")
    return value


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value}")
    return value


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be true or false, got {raw!r}")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read settings from the environment (or ``environ``), validating each one."""
    env = dict(os.environ if environ is None else environ)
    mode = env.get("INSIGNIA_ENV", "production")
    if mode not in _ENVIRONMENTS:
        raise ConfigurationError(f"INSIGNIA_ENV must be one of {', '.join(_ENVIRONMENTS)}, got {mode!r}")
    database_url = env.get("DATABASE_URL") or None
    data_dir = Path(env.get("INSIGNIA_DATA_DIR") or ".insignia")
    secret_key = env.get("INSIGNIA_SECRET_KEY", "")
    if not secret_key:
        if database_url is not None and mode == "production":
            raise ConfigurationError("INSIGNIA_SECRET_KEY is required in production (32+ random characters)")
        secret_key = _data_dir_secret(data_dir)
    if len(secret_key) < 32:
        raise ConfigurationError("INSIGNIA_SECRET_KEY must be at least 32 characters")
    return Settings(
        env=mode,
        database_url=database_url,
        app_database_url=env.get("INSIGNIA_APP_DATABASE_URL") or None,
        app_role=env.get("INSIGNIA_APP_ROLE", "insignia_app"),
        app_role_password=env.get("INSIGNIA_APP_ROLE_PASSWORD") or None,
        data_dir=data_dir,
        secret_key=secret_key,
        token_ttl_seconds=_int(env, "INSIGNIA_TOKEN_TTL_SECONDS", 3600),
        db_pool_size=_int(env, "INSIGNIA_DB_POOL_SIZE", 10),
        max_body_bytes=_int(env, "INSIGNIA_MAX_BODY_BYTES", 16_000_000),
        log_level=env.get("INSIGNIA_LOG_LEVEL", "INFO").upper(),
        public_url=env.get("INSIGNIA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        broker_url=_broker_url(env.get("BROKER_URL") or None),
        queue_name=env.get("INSIGNIA_QUEUE", "insignia"),
        job_max_attempts=_int(env, "INSIGNIA_JOB_MAX_ATTEMPTS", 8),
        job_retry_base_seconds=_float(env, "INSIGNIA_JOB_RETRY_BASE_SECONDS", 5.0),
        job_retry_max_seconds=_float(env, "INSIGNIA_JOB_RETRY_MAX_SECONDS", 3600.0),
        job_visibility_seconds=_float(env, "INSIGNIA_JOB_VISIBILITY_SECONDS", 60.0),
        relay_batch=_int(env, "INSIGNIA_RELAY_BATCH", 200),
        relay_poll_seconds=_float(env, "INSIGNIA_RELAY_POLL_SECONDS", 0.5),
        worker_threads=_int(env, "INSIGNIA_WORKER_THREADS", 8),
        webhook_max_age_seconds=_float(env, "INSIGNIA_WEBHOOK_MAX_AGE_SECONDS", 3 * 24 * 3600),
        webhook_timeout_seconds=_float(env, "INSIGNIA_WEBHOOK_TIMEOUT_SECONDS", 10.0),
        webhook_max_attempts=_int(env, "INSIGNIA_WEBHOOK_MAX_ATTEMPTS", 100),
        webhook_allow_private=_bool(env, "INSIGNIA_WEBHOOK_ALLOW_PRIVATE", mode != "production"),
        smtp_url=env.get("INSIGNIA_SMTP_URL") or None,
        email_from=env.get("INSIGNIA_EMAIL_FROM", "Insignia <no-reply@insignia.localhost>"),
        email_dir=Path(env["INSIGNIA_EMAIL_DIR"]) if env.get("INSIGNIA_EMAIL_DIR") else None,
        expiry_sweep_seconds=_float(env, "INSIGNIA_EXPIRY_SWEEP_SECONDS", 300.0),
        expiry_reminder_days=_days(env.get("INSIGNIA_EXPIRY_REMINDER_DAYS", "30,7")),
        session_ttl_seconds=_int(env, "INSIGNIA_SESSION_TTL_SECONDS", 12 * 3600),
        access_token_ttl_seconds=_int(env, "INSIGNIA_ACCESS_TOKEN_TTL_SECONDS", 900),
        sso_allow_private=_bool(env, "INSIGNIA_SSO_ALLOW_PRIVATE", mode != "production"),
        sso_timeout_seconds=_float(env, "INSIGNIA_SSO_TIMEOUT_SECONDS", 10.0),
        sso_clock_skew_seconds=_int(env, "INSIGNIA_SSO_CLOCK_SKEW_SECONDS", 120),
    )


def _days(raw: str) -> tuple[int, ...]:
    try:
        days = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True))
    except ValueError:
        raise ConfigurationError(
            f"INSIGNIA_EXPIRY_REMINDER_DAYS must be days separated by commas, got {raw!r}"
        ) from None
    if any(d <= 0 or d > 3650 for d in days):
        raise ConfigurationError("INSIGNIA_EXPIRY_REMINDER_DAYS must be between 1 and 3650 days")
    return days


def _broker_url(value: str | None) -> str | None:
    if value is not None and not value.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
        raise ConfigurationError("BROKER_URL must start with redis://, rediss://, amqp:// or amqps://")
    return value


def _data_dir_secret(data_dir: Path) -> str:
    """The embedded default's platform secret: generated once, kept in the data folder."""
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once agree on the first secret written.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value
