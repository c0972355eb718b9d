"""Where the databases are: the embedded default or the configured server.

Two URLs come out: the owner's (migrations, platform administration) and the application
role's (everything else).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url

from insignia.infra.db import Database, asyncpg_url, create_engine
from insignia.infra.embedded import EmbeddedDatabase, start_embedded
from insignia.infra.migrate import migrate
from insignia.infra.settings import Settings


@dataclass(frozen=True)
class DatabaseTargets:
    owner_url: URL
    app_url: URL
    embedded: EmbeddedDatabase | None = None


def resolve_targets(settings: Settings) -> DatabaseTargets:
    """Start the embedded server when no ``DATABASE_URL`` is set; otherwise derive the URLs."""
    if settings.database_url is None:
        embedded = start_embedded(settings.data_dir, settings.app_role)
        return DatabaseTargets(embedded.owner_url, embedded.app_url, embedded)
    owner = asyncpg_url(settings.database_url)
    if settings.app_database_url is not None:
        app = asyncpg_url(settings.app_database_url)
    else:
        app = owner.set(username=settings.app_role, password=settings.app_role_password)
    return DatabaseTargets(owner, app)


async def migrate_targets(settings: Settings, targets: DatabaseTargets) -> None:
    await migrate(targets.owner_url, app_role=settings.app_role, app_role_password=settings.app_role_password)


def open_app_database(settings: Settings, targets: DatabaseTargets) -> Database:
    return Database(create_engine(targets.app_url, pool_size=settings.db_pool_size))


def open_owner_database(targets: DatabaseTargets) -> Database:
    """The owner's connection, for platform administration only (it is still bound by forced RLS)."""
    return Database(create_engine(targets.owner_url, pool_size=2))


def redacted(url: URL | str) -> str:
    return (make_url(url) if isinstance(url, str) else url).render_as_string(hide_password=True)
