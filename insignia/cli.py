"""The ``insignia`` command: run, migrate and administer the platform.

Every failure is one clear line on stderr and a non-zero exit, never a traceback
(set ``INSIGNIA_DEBUG=1`` to see one).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any, TypeVar

import click

from insignia.infra.bootstrap import (
    DatabaseTargets,
    migrate_targets,
    open_app_database,
    open_owner_database,
    redacted,
    resolve_targets,
)
from insignia.infra.db import Database
from insignia.infra.errors import ServiceError
from insignia.infra.logging import configure_logging
from insignia.infra.settings import ConfigurationError, Settings, load_settings

T = TypeVar("T")
_TTL_RE = re.compile(r"^(\d+)([smhd]?)$")
_TTL_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_TOKEN_TTL = timedelta(days=90)


class CommandError(Exception):
    """A failure to report as one line."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ServiceError | ConfigurationError | CommandError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"cannot reach the database or a file: {exc.strerror or exc}"
    name = exc.__class__.__name__
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{name}: {message}" if message else name


class InsigniaGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("INSIGNIA_DEBUG"):
                raise
            click.echo(f"error: {_describe(exc)}", err=True)
            sys.exit(1)


def parse_ttl(_ctx: click.Context | None, _param: click.Parameter | None, value: str) -> timedelta:
    match = _TTL_RE.match(value.strip().lower())
    if not match:
        raise click.BadParameter("use seconds or a number with s, m, h or d, e.g. 3600, 30m, 8h, 7d")
    ttl = timedelta(seconds=int(match.group(1)) * _TTL_UNITS[match.group(2)])
    if ttl <= timedelta(0) or ttl > MAX_TOKEN_TTL:
        raise click.BadParameter("must be more than 0 and at most 90d")
    return ttl


def _settings() -> Settings:
    settings = load_settings()
    configure_logging(settings.log_level if os.environ.get("INSIGNIA_LOG_LEVEL") else "WARNING")
    return settings


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def _with_databases(
    settings: Settings,
    targets: DatabaseTargets,
    work: Callable[[Database, Database], Awaitable[T]],
) -> T:
    owner_db = open_owner_database(targets)
    app_db = open_app_database(settings, targets)
    try:
        return await work(owner_db, app_db)
    finally:
        await owner_db.dispose()
        await app_db.dispose()


def _prepare(settings: Settings) -> DatabaseTargets:
    """Resolve the database; the embedded one is always migrated so it is ready to use."""
    targets = resolve_targets(settings)
    if targets.embedded is not None:
        _run(migrate_targets(settings, targets))
    return targets


@click.group(cls=InsigniaGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Insignia: micro-credentials and digital badges for many organisations.

    With no DATABASE_URL, commands use the embedded PostgreSQL in INSIGNIA_DATA_DIR (./.insignia).
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--demo", is_flag=True, help="Seed the demo first and print bearer tokens for demo people.")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="API processes (one per core)."
)
@click.option(
    "--metrics-address",
    default=None,
    metavar="HOST:PORT",
    help="Serve /metrics on this internal address too (default: INSIGNIA_METRICS_ADDRESS).",
)
def serve(host: str, port: int, demo: bool, workers: int, metrics_address: str | None) -> None:
    """Run the API (GraphQL at /graphql, health at /healthz and /readyz, metrics at /metrics).

    Ctrl-C (or SIGTERM) stops it gracefully: requests in flight finish, running jobs finish and
    claimed ones go back to the queue (within INSIGNIA_SHUTDOWN_GRACE_SECONDS); a second Ctrl-C
    stops at once.
    """
    import uvicorn

    from insignia.app import create_app
    from insignia.infra import tracing
    from insignia.web.nodelay import NoDelayH11Protocol

    settings = load_settings()
    if not os.environ.get("INSIGNIA_PUBLIC_URL"):
        # Links in documents and emails point at this very server unless told otherwise.
        settings = dataclasses.replace(settings, public_url=f"http://{host}:{port}")
    if metrics_address is not None:
        settings = dataclasses.replace(settings, metrics_address=_metrics_address(metrics_address))
    configure_logging(settings.log_level)
    lock = _serve_lock(settings, host, port) if settings.embedded else None
    targets = _prepare(settings)
    if demo:
        _run(_with_databases(settings, targets, lambda owner, _app: _print_demo(settings, owner, host, port)))
    inline = settings.broker_url is None
    jobs = "in this process" if inline else "by `insignia worker` processes via the broker"
    click.echo(f"Insignia API on http://{host}:{port}/graphql (database {redacted(targets.app_url)}; jobs run {jobs})")
    app_url = targets.app_url.render_as_string(hide_password=False)
    grace = max(1, int(settings.shutdown_grace_seconds))
    internal = None
    try:
        if workers > 1:
            settings = _prepare_worker_processes(settings, app_url)
            internal = _start_internal_metrics(settings, app_url)
            uvicorn.run(
                "insignia.app:app_from_settings",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                log_config=None,
                access_log=False,
                timeout_graceful_shutdown=grace,
                http=NoDelayH11Protocol,
            )
            return
        tracing.configure_tracing(settings.tracing_exporter)
        internal = _start_internal_metrics(settings, app_url)
        app = create_app(settings, open_app_database(settings, targets), inline_jobs=inline)
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=grace,
            http=NoDelayH11Protocol,
        )
    finally:
        if internal is not None:
            internal.stop()
        tracing.shutdown_tracing()
        if lock is not None:
            lock.close()


def _metrics_address(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter("use HOST:PORT, e.g. 127.0.0.1:9100", param_hint="--metrics-address")
    return host.strip("[]"), int(port)


def _serve_lock(settings: Settings, host: str, port: int) -> Any:
    """One `insignia serve` per data folder: a second one says so and stops, before touching the
    embedded database the first one runs."""
    import fcntl

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "serve.lock"
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise CommandError(
            f"Insignia is already running on the data folder {settings.data_dir} ({holder}); stop it first "
            "(Ctrl-C in its terminal), or give this one its own folder: INSIGNIA_DATA_DIR=other make run"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"process {os.getpid()}, http://{host}:{port}")
    handle.flush()
    return handle


def _prepare_worker_processes(settings: Settings, app_url: str) -> Settings:
    """Hand `--workers` processes (which build the app from the environment) what they share:
    the resolved database and origin, one folder for their metrics, one store for rate limits."""
    import tempfile
    from pathlib import Path

    from insignia.infra.metrics import reset_multiprocess_dir

    os.environ["INSIGNIA_APP_DATABASE_URL"] = app_url
    os.environ["INSIGNIA_PUBLIC_URL"] = settings.public_url
    folder = settings.metrics_multiprocess_dir or tempfile.mkdtemp(prefix="insignia-metrics-")
    reset_multiprocess_dir(Path(folder))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    if settings.rate_limit_store == "memory":
        # Buckets in one process's memory would let N processes allow N times the limits.
        os.environ["INSIGNIA_RATE_LIMIT_STORE"] = "postgres"
        click.echo("Rate limits are shared by the API processes through PostgreSQL (INSIGNIA_RATE_LIMIT_STORE).")
    if settings.metrics_address is not None:
        address = settings.metrics_address
        os.environ["INSIGNIA_METRICS_ADDRESS"] = (
            f"[{address[0]}]:{address[1]}" if ":" in address[0] else f"{address[0]}:{address[1]}"
        )
    return dataclasses.replace(settings, metrics_multiprocess_dir=folder)


def _start_internal_metrics(settings: Settings, app_url: str) -> Any:
    if settings.metrics_address is None or not settings.metrics_enabled:
        return None
    from insignia.web.metrics import InternalMetricsServer

    server = InternalMetricsServer(settings, settings.metrics_address, app_url)
    server.start()
    click.echo(f"Metrics on http://{settings.metrics_address[0]}:{settings.metrics_address[1]}/metrics")
    return server


@main.command()
def migrate() -> None:
    """Apply database migrations (as the owner role) and refresh the application role's grants."""
    settings = _settings()
    targets = resolve_targets(settings)
    _run(migrate_targets(settings, targets))
    click.echo(f"migrated {redacted(targets.owner_url)}")


@main.command()
@click.option("--metrics-address", default=None, metavar="HOST:PORT", help="Serve this worker's /metrics there.")
def worker(metrics_address: str | None) -> None:
    """Run jobs: dramatiq workers on BROKER_URL plus the outbox relay and the scheduler.

    Without BROKER_URL the jobs run in this process (no broker needed).
    """
    from insignia.infra import tracing
    from insignia.workers.runtime import run_worker

    settings = load_settings()
    configure_logging(settings.log_level)
    tracing.configure_tracing(settings.tracing_exporter, service_name="insignia-worker")
    targets = _prepare(settings)
    click.echo(
        f"Insignia worker (broker {redacted(settings.broker_url) if settings.broker_url else 'none: in-process'})"
    )
    app_url = targets.app_url.render_as_string(hide_password=False)
    internal = None
    if metrics_address is not None:
        settings = dataclasses.replace(settings, metrics_address=_metrics_address(metrics_address))
        internal = _start_internal_metrics(settings, app_url)
    try:
        run_worker(settings, app_url)
    finally:
        if internal is not None:
            internal.stop()
        tracing.shutdown_tracing()


@main.group()
def jobs() -> None:
    """Inspect and retry side-effect jobs (outbox events) of every tenant."""


@jobs.command("list")
@click.option("--dead", is_flag=True, help="Only dead jobs (out of tries).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
def jobs_list(dead: bool, limit: int) -> None:
    """Id, tenant, kind, status, attempts and last error of recent jobs, newest first."""
    from sqlalchemy import select

    from insignia.infra.outbox import OutboxEvent
    from insignia.tenants.models import Tenant

    settings = _settings()
    targets = _prepare(settings)

    async def work(owner: Database, _app: Database) -> list[tuple[str, ...]]:
        # The owner role's policy on the outbox lets operators see every tenant's jobs.
        async with owner.session() as session:
            stmt = (
                select(OutboxEvent, Tenant.slug)
                .join(Tenant, Tenant.id == OutboxEvent.tenant_id)
                .order_by(OutboxEvent.id.desc())
                .limit(limit)
            )
            if dead:
                stmt = stmt.where(OutboxEvent.status == "dead")
            return [
                (str(e.id), slug, e.kind, e.status, str(e.attempts), (e.last_error or "").replace("\n", " ")[:200])
                for e, slug in (await session.execute(stmt)).all()
            ]

    rows = _run(_with_databases(settings, targets, work))
    if not rows:
        click.echo("no dead jobs" if dead else "no jobs", err=True)
    for row in rows:
        click.echo("\t".join(row))


@jobs.command("retry")
@click.argument("job_id")
def jobs_retry(job_id: str) -> None:
    """Retry a dead job now with a fresh set of tries (JOB_ID from `insignia jobs list`)."""
    import uuid as uuid_module

    from insignia.infra.outbox import retry_job

    try:
        event_id = uuid_module.UUID(job_id)
    except ValueError:
        raise click.BadParameter("not a job id (a UUID from `insignia jobs list`)", param_hint="JOB_ID") from None
    settings = _settings()
    targets = _prepare(settings)

    async def work(owner: Database, _app: Database) -> str:
        async with owner.session() as session:
            event = await retry_job(session, event_id)
            await session.commit()
            return f"retrying {event.kind} job {event.id}"

    click.echo(_run(_with_databases(settings, targets, work)))


@main.group()
def tenant() -> None:
    """Create and list tenants (organisations)."""


@tenant.command("create")
@click.option("--slug", required=True, help="Short unique name: lower-case letters, digits, hyphens.")
@click.option("--name", required=True, help="The organisation's display name.")
@click.option("--admin-email", required=True, help="Email of the first tenant admin.")
@click.option("--admin-name", default=None, help="Name of the first admin (default: from the email).")
def tenant_create(slug: str, name: str, admin_email: str, admin_name: str | None) -> None:
    """Create a tenant and its first admin; prints the tenant id."""
    from insignia.tenants.tenant import create_tenant

    settings = _settings()
    targets = _prepare(settings)

    async def work(owner: Database, _app: Database) -> str:
        async with owner.session() as session:
            created, _admin = await create_tenant(
                session, slug=slug, name=name, admin_email=admin_email, admin_name=admin_name
            )
            await session.commit()
            return str(created.id)

    click.echo(_run(_with_databases(settings, targets, work)))


@tenant.command("domain")
@click.option("--slug", required=True, help="The tenant's slug.")
@click.option("--domain", required=True, help="Its own host name, e.g. badges.example.com; empty to remove.")
def tenant_domain(slug: str, domain: str) -> None:
    """Serve a tenant's badge pages and documents at the root of its own https domain."""
    from insignia.tenants.tenant import set_domain

    settings = _settings()
    targets = _prepare(settings)

    async def work(owner: Database, _app: Database) -> str:
        async with owner.session() as session:
            changed = await set_domain(session, slug, domain)
            await session.commit()
            return f"{changed.slug}: {'https://' + changed.domain if changed.domain else 'no own domain'}"

    click.echo(_run(_with_databases(settings, targets, work)))


@tenant.command("limits")
@click.option("--slug", required=True, help="The tenant's slug.")
@click.option("--person", default=None, metavar="BURST/RATE", help="Each person's bucket: 200/20, off or default.")
@click.option("--api-key", default=None, metavar="BURST/RATE", help="Each API key's bucket: 2000/200, off or default.")
@click.option("--tenant", "tenant_limit", default=None, metavar="BURST/RATE", help="The whole tenant's bucket.")
@click.option("--max-cost", default=None, metavar="N", help="Largest GraphQL operation cost: a number, off or default.")
def tenant_limits(
    slug: str, person: str | None, api_key: str | None, tenant_limit: str | None, max_cost: str | None
) -> None:
    """Show or change a tenant's rate limits (points per second after a burst) and cost limit.

    Without options it shows them; API processes apply a change within 30 seconds.
    """
    from insignia.infra.db import set_tenant
    from insignia.tenants.limits import TenantLimits, limits_for, set_limits
    from insignia.tenants.tenant import get_tenant_by_slug

    changes = {
        "person": _limit_option(person, "--person"),
        "api_key": _limit_option(api_key, "--api-key"),
        "tenant": _limit_option(tenant_limit, "--tenant"),
    }
    cost = _cost_option(max_cost)
    settings = _settings()
    targets = _prepare(settings)
    defaults = TenantLimits.defaults(settings)

    async def work(owner: Database, _app: Database) -> TenantLimits:
        async with owner.session() as session:
            found = await get_tenant_by_slug(session, slug)
            await set_tenant(session, found.id)
            if any(v is not None for v in changes.values()) or cost is not None:
                await set_limits(session, found.id, max_cost=cost, **changes)
            limits = await limits_for(session, defaults, found.id)
            await session.commit()
            return limits

    limits = _run(_with_databases(settings, targets, work))

    def shown(value: object, default: object) -> str:
        text = "off" if value is None else str(value)
        return text + (" (platform default)" if value == default else "")

    click.echo(f"person:   {shown(limits.person, defaults.person)}")
    click.echo(f"api key:  {shown(limits.api_key, defaults.api_key)}")
    click.echo(f"tenant:   {shown(limits.tenant, defaults.tenant)}")
    click.echo(f"max cost: {shown(limits.max_cost, defaults.max_cost)}")


def _limit_option(value: str | None, name: str) -> Any:
    from insignia.infra.ratelimit import LimitFormatError, parse_limit

    if value is None:
        return None
    if value.strip().lower() in ("default", "off"):
        return value.strip().lower()
    try:
        return parse_limit(value)
    except LimitFormatError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


def _cost_option(value: str | None) -> int | str | None:
    if value is None:
        return None
    if value.strip().lower() in ("default", "off"):
        return value.strip().lower()
    if not value.strip().isdigit() or int(value) <= 0:
        raise click.BadParameter("a positive number, off or default", param_hint="--max-cost")
    return int(value)


@tenant.command("list")
def tenant_list() -> None:
    """Slug, name and id of every tenant."""
    from insignia.tenants.tenant import list_tenants

    settings = _settings()
    targets = _prepare(settings)

    async def work(_owner: Database, app: Database) -> list[tuple[str, str, str]]:
        async with app.session() as session:
            return [(t.slug, t.name, str(t.id)) for t in await list_tenants(session)]

    rows = _run(_with_databases(settings, targets, work))
    if not rows:
        click.echo("no tenants yet: create one with `insignia tenant create` or `insignia demo`", err=True)
    for slug, name, tenant_id in rows:
        click.echo(f"{slug}\t{name}\t{tenant_id}")


@main.command()
@click.option("--tenant", "tenant_slug", required=True, help="The tenant's slug.")
@click.option("--email", required=True, help="The person's email.")
@click.option(
    "--ttl", default="1h", show_default=True, callback=parse_ttl, help="Lifetime: seconds or 30m, 8h, 7d (at most 90d)."
)
def token(tenant_slug: str, email: str, ttl: timedelta) -> None:
    """Print a bearer token for an existing, active person (alone on the last line)."""
    lifetime = ttl
    settings = _settings()
    targets = _prepare(settings)

    async def work(_owner: Database, app: Database) -> str:
        return await _token_for(settings, app, tenant_slug, email, lifetime)

    value = _run(_with_databases(settings, targets, work))
    click.echo(f"token for {email} in {tenant_slug}, valid {lifetime}:", err=True)
    click.echo(value)


async def _token_for(settings: Settings, app: Database, tenant_slug: str, email: str, ttl: timedelta) -> str:
    from insignia.infra.db import set_tenant
    from insignia.tenants.auth import issue_token
    from insignia.tenants.person import get_person_by_email
    from insignia.tenants.tenant import get_tenant_by_slug

    async with app.session() as session:
        found = await get_tenant_by_slug(session, tenant_slug)
        await set_tenant(session, found.id)
        person = await get_person_by_email(session, email)
        if not person.active:
            raise CommandError(f"{email} is deactivated in {tenant_slug}")
        return issue_token(settings.secret_key, settings.token_issuer, person, ttl)


@main.group()
def schema() -> None:
    """The GraphQL contract."""


@schema.command("print")
@click.option("--output", "-o", default=None, type=click.Path(dir_okay=False), help="Write to this file.")
def schema_print(output: str | None) -> None:
    """Print the GraphQL schema as SDL (docs/schema.graphql is this, checked by the tests)."""
    from insignia.graphql.sdl import schema_sdl

    text = schema_sdl()
    if output is None:
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    click.echo(f"wrote {output}", err=True)


@main.command()
def demo() -> None:
    """Seed the demo tenants and people (idempotent) and print tokens for a few of them."""
    settings = _settings()
    targets = _prepare(settings)
    _run(_with_databases(settings, targets, lambda owner, _app: _print_demo(settings, owner, None, None)))


async def _print_demo(settings: Settings, owner: Database, host: str | None, port: int | None) -> None:
    from insignia.demo import seed_demo
    from insignia.tenants.auth import issue_token

    seeded = await seed_demo(owner)
    ttl = timedelta(hours=24)
    lines = [
        "",
        "Demo tenants: " + ", ".join(seeded),
        "Bearer tokens (valid 24 h; paste as 'Authorization: Bearer <token>'):",
    ]
    for slug, key in (
        ("acme", "admin"),
        ("acme", "manager"),
        ("acme", "learner"),
        ("acme", "partner"),
        ("acme", "partneradmin"),
        ("globex", "admin"),
    ):
        person = seeded[slug][key]
        lines.append(f"  {slug} {key:<12} {person.email}")
        lines.append(f"    {issue_token(settings.secret_key, settings.token_issuer, person, ttl)}")
    if host is not None:
        lines.append(
            f"GraphiQL: http://{host}:{port}/graphql"
            + ("" if settings.development else " (set INSIGNIA_ENV=development for the IDE)")
        )
    click.echo("\n".join(lines) + "\n")
