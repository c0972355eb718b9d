"""Database engine, sessions and the per-transaction tenant context.

The application connects as a role that owns nothing and cannot bypass row-level security.
Every unit of work (a request, a job, a CLI command) is one transaction that first sets
``app.tenant_id`` with ``set_config(..., true)`` (transaction-local), so nothing
tenant-specific survives on a pooled connection once the transaction ends.
"""

from __future__ import annotations

import contextvars
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy import exc as exc_mod
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from insignia.infra import tracing

# Statements executed in the current context (a request or a job); read by metrics and by the
# tests that pin how many statements a nested query issues.
_statement_counter: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "insignia_statement_counter", default=None
)


def asyncpg_url(url: str | URL) -> URL:
    """Normalise a ``postgresql://`` URL to the asyncpg driver."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed


# A connection back in the pool within this many seconds is handed out again without a ping.
PING_AFTER_IDLE_SECONDS = 5.0


def create_engine(url: str | URL, *, pool_size: int = 10, pre_ping: bool = True) -> AsyncEngine:
    """An asyncpg engine. ``pre_ping`` checks a connection on checkout when it sat idle in the pool
    for more than PING_AFTER_IDLE_SECONDS (one more round trip; a busy server's connections were
    just used, so they skip it); job processing skips it, since a failed job is simply retried."""
    engine = create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
        # Transaction-local settings are the only per-tenant state; reset anything else anyway.
        pool_reset_on_return="rollback",
    )
    if pre_ping:
        dialect = engine.sync_engine.dialect
        event.listen(engine.sync_engine.pool, "checkin", _note_checkin)
        event.listen(
            engine.sync_engine.pool, "checkout", lambda conn, record, _proxy: _ping_if_idle(dialect, conn, record)
        )
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
    event.listen(engine.sync_engine, "before_cursor_execute", _start_timer)
    event.listen(engine.sync_engine, "after_cursor_execute", _stop_timer)
    tracing.instrument_engine(engine.sync_engine)
    return engine


def _note_checkin(_conn: Any, record: Any) -> None:
    if record is not None:
        record.info["insignia_checked_in"] = time.monotonic()


def _ping_if_idle(dialect: Any, conn: Any, record: Any) -> None:
    """SQLAlchemy's pre-ping, for connections that sat idle: a dead one is replaced by the pool."""
    checked_in = record.info.get("insignia_checked_in")
    if checked_in is not None and time.monotonic() - checked_in <= PING_AFTER_IDLE_SECONDS:
        return
    try:
        alive = dialect.do_ping(conn)
    except Exception as exc:
        raise exc_mod.DisconnectionError("connection failed its ping") from exc
    if not alive:
        raise exc_mod.DisconnectionError("connection failed its ping")


def _count_statement(*_args: Any, **_kwargs: Any) -> None:
    counter = _statement_counter.get()
    if counter is not None:
        counter[0] += 1


@dataclass
class SqlStats:
    """SQL statements executed, and the time spent in them, by one request (for metrics)."""

    statements: int = 0
    seconds: float = 0.0


_sql_stats: contextvars.ContextVar[SqlStats | None] = contextvars.ContextVar("insignia_sql_stats", default=None)


@contextmanager
def measure_sql() -> Iterator[SqlStats]:
    """Add up the statements executed inside the block and the time they took."""
    stats = SqlStats()
    token = _sql_stats.set(stats)
    try:
        yield stats
    finally:
        _sql_stats.reset(token)


def _start_timer(conn: Any, *_args: Any) -> None:
    if _sql_stats.get() is not None:
        # Statements on one connection run one after another: one start time at a time.
        conn.info["insignia_sql_started"] = time.perf_counter()


def _stop_timer(conn: Any, *_args: Any) -> None:
    stats = _sql_stats.get()
    started = conn.info.pop("insignia_sql_started", None)
    if stats is not None and started is not None:
        stats.statements += 1
        stats.seconds += time.perf_counter() - started


@asynccontextmanager
async def count_statements() -> AsyncIterator[list[int]]:
    """Count SQL statements executed inside the block (``counter[0]``); nested blocks add to outer ones."""
    outer = _statement_counter.get()
    counter = [0]
    token = _statement_counter.set(counter)
    try:
        yield counter
    finally:
        _statement_counter.reset(token)
        if outer is not None:
            outer[0] += counter[0]


async def set_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Bind the current transaction to one tenant; row-level security does the rest."""
    await session.execute(text("SELECT set_config('app.tenant_id', :tenant_id, true)"), {"tenant_id": str(tenant_id)})


class Database:
    """The application's connection pool and session factory."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction the caller commits; rolled back if it is not."""
        async with self.sessionmaker() as session:
            try:
                yield session
            finally:
                if session.in_transaction():
                    # Objects read here stay usable (detached, as loaded) after the rollback.
                    session.expunge_all()
                    await session.rollback()

    @asynccontextmanager
    async def tenant_transaction(self, tenant_id: uuid.UUID) -> AsyncIterator[AsyncSession]:
        """One transaction bound to ``tenant_id``: committed on success, rolled back on error."""
        async with self.session() as session:
            await set_tenant(session, tenant_id)
            yield session
            await session.commit()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
