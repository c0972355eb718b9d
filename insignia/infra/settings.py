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

from insignia.infra.ratelimit import Limit, LimitFormatError, parse_limit

Environment = Literal["development", "test", "production"]
_ENVIRONMENTS: tuple[Environment, ...] = ("development", "test", "production")


# Rate limits in points (one per request, more for costly GraphQL operations): a burst and a rate
# a portal never meets in normal use and a runaway script soon does.
DEFAULT_PERSON_LIMIT = Limit(100, 10)
DEFAULT_API_KEY_LIMIT = Limit(1000, 100)
DEFAULT_TENANT_LIMIT = Limit(5000, 500)
DEFAULT_IP_LIMIT = Limit(300, 30)


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
    # Custom domains: where DNS TXT records are looked up (host[:port]; empty: the system's resolvers),
    # and how often the scheduler checks domains awaiting verification.
    dns_nameservers: tuple[str, ...] = ()
    domain_check_seconds: float = 600.0
    # Operations (docs/operator.md): the GraphQL cost limit (None: no cost analysis), token-bucket
    # rate limits in points (None: off), where buckets live (memory, postgres or a redis:// URL),
    # Prometheus metrics, OpenTelemetry tracing (from the standard OTEL_* variables) and how long
    # a stopping process waits for in-flight requests and jobs.
    graphql_max_cost: int | None = 25_000
    # Persisted queries (insignia.graphql.persisted): automatic, or allow-list with its manifest.
    persisted_queries: str = "automatic"
    persisted_queries_file: Path | None = None
    rate_limit_store: str = "memory"
    rate_limit_person: Limit | None = DEFAULT_PERSON_LIMIT
    rate_limit_api_key: Limit | None = DEFAULT_API_KEY_LIMIT
    rate_limit_tenant: Limit | None = DEFAULT_TENANT_LIMIT
    rate_limit_ip: Limit | None = DEFAULT_IP_LIMIT
    metrics_enabled: bool = True
    metrics_token: str | None = None
    metrics_address: tuple[str, int] | None = None
    metrics_multiprocess_dir: str | None = None
    tracing_exporter: str | None = None
    shutdown_grace_seconds: float = 30.0

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
        dns_nameservers=tuple(n.strip() for n in env.get("INSIGNIA_DNS_NAMESERVERS", "").split(",") if n.strip()),
        domain_check_seconds=_float(env, "INSIGNIA_DOMAIN_CHECK_SECONDS", 600.0),
        graphql_max_cost=_optional_int(env, "INSIGNIA_GRAPHQL_MAX_COST", 25_000),
        persisted_queries=env.get("INSIGNIA_PERSISTED_QUERIES") or "automatic",
        persisted_queries_file=(
            Path(env["INSIGNIA_PERSISTED_QUERIES_FILE"]) if env.get("INSIGNIA_PERSISTED_QUERIES_FILE") else None
        ),
        rate_limit_store=_rate_limit_store(env.get("INSIGNIA_RATE_LIMIT_STORE") or "memory"),
        rate_limit_person=_limit(env, "INSIGNIA_RATE_LIMIT_PERSON", DEFAULT_PERSON_LIMIT),
        rate_limit_api_key=_limit(env, "INSIGNIA_RATE_LIMIT_API_KEY", DEFAULT_API_KEY_LIMIT),
        rate_limit_tenant=_limit(env, "INSIGNIA_RATE_LIMIT_TENANT", DEFAULT_TENANT_LIMIT),
        rate_limit_ip=_limit(env, "INSIGNIA_RATE_LIMIT_IP", DEFAULT_IP_LIMIT),
        metrics_enabled=_bool(env, "INSIGNIA_METRICS", True),
        metrics_token=env.get("INSIGNIA_METRICS_TOKEN") or None,
        metrics_address=_address(env.get("INSIGNIA_METRICS_ADDRESS") or None, "INSIGNIA_METRICS_ADDRESS"),
        metrics_multiprocess_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
        tracing_exporter=_tracing_exporter(env),
        shutdown_grace_seconds=_float(env, "INSIGNIA_SHUTDOWN_GRACE_SECONDS", 30.0),
    )


def _optional_int(env: dict[str, str], name: str, default: int) -> int | None:
    """A positive integer, or ``off``."""
    if env.get(name, "").strip().lower() == "off":
        return None
    return _int(env, name, default)


def _limit(env: dict[str, str], name: str, default: Limit) -> Limit | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse_limit(raw)
    except LimitFormatError as exc:
        raise ConfigurationError(f"{name}: {exc}") from None


def _rate_limit_store(value: str) -> str:
    if value in ("memory", "postgres") or value.startswith(("redis://", "rediss://", "unix://")):
        return value
    raise ConfigurationError("INSIGNIA_RATE_LIMIT_STORE must be memory, postgres or a redis:// URL")


def _address(value: str | None, name: str) -> tuple[str, int] | None:
    """``host:port`` (``[::1]:9100`` for IPv6)."""
    if value is None:
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigurationError(f"{name} must be HOST:PORT, e.g. 127.0.0.1:9100; got {value!r}")
    return host.strip("[]"), int(port)


def _tracing_exporter(env: dict[str, str]) -> str | None:
    """Tracing is on when the standard OpenTelemetry variables ask for an exporter: ``otlp``
    (also implied by an OTLP endpoint) or ``console``; ``OTEL_SDK_DISABLED=true`` turns it off."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter in ("", "none"):
        if exporter == "" and (env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
            return "otlp"
        return None
    if exporter not in ("otlp", "console"):
        raise ConfigurationError(f"OTEL_TRACES_EXPORTER must be otlp, console or none, got {exporter!r}")
    return exporter


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
