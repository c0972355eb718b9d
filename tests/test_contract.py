"""What the repository promises about itself: the GraphQL contract in docs/schema.graphql is the
running schema, the documents link only to files of a clone, and the database schema keeps the
rules that let it be distributed by tenant_id on Citus (docs/scaling.md)."""

from __future__ import annotations

import asyncio
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from insignia.graphql.sdl import schema_sdl
from insignia.infra.db import Database

pytestmark = pytest.mark.asyncio
ROOT = Path(__file__).parent.parent
SCHEMA = ROOT / "docs" / "schema.graphql"
# Tables without tenant_id: Citus reference tables (copied to every node) or coordinator-local
# state. A new global table must be added here on purpose, with docs/scaling.md saying which.
GLOBAL_TABLES = {
    "tenants": "reference table: every tenant table's foreign key to it stays local on each node",
    "alembic_version": "coordinator-local: the migration revision",
    "rate_limit_buckets": "coordinator-local (or Redis): rate-limit buckets, reached through a function",
}


async def test_docs_schema_is_the_running_schema() -> None:
    running = schema_sdl()
    written = SCHEMA.read_text(encoding="utf-8")
    if written != running:
        diff = "".join(
            list(difflib.unified_diff(written.splitlines(True), running.splitlines(True), "docs", "running"))[:60]
        )
        pytest.fail(
            "docs/schema.graphql is not the running schema: after changing the schema, run\n"
            "  .venv/bin/insignia schema print -o docs/schema.graphql\n"
            f"and commit it (first differences below).\n{diff}"
        )


async def test_schema_print_prints_the_running_schema(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "DATABASE_URL"))}
    printed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "insignia", "schema", "print"], env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == schema_sdl()
    target = tmp_path / "schema.graphql"
    written = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "insignia", "schema", "print", "-o", str(target)], env=env, capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert target.read_text(encoding="utf-8") == schema_sdl()


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


async def test_documents_link_only_to_files_in_the_repository() -> None:
    for document in _documents():
        content = document.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", content):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            path = (document.parent / target.split("#", 1)[0]).resolve()
            assert path.exists(), f"{document.relative_to(ROOT)} links to {target}, which is not in the repository"
            assert ROOT in path.parents or path == ROOT, (
                f"{document.relative_to(ROOT)} links outside the clone: {target}"
            )


async def test_nothing_refers_to_files_outside_the_clone() -> None:
    checked = [*_documents(), ROOT / "Makefile", ROOT / "pyproject.toml", ROOT / ".ci" / "run"]
    for folder in ("insignia", "tests", "bench"):
        checked += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".md", ".txt", ".html", ".toml")]
    for path in checked:
        if path.exists() and path != Path(__file__):
            assert "../shared" not in path.read_text(encoding="utf-8", errors="replace"), path


async def test_the_schema_keeps_citus_colocation_rules(owner_db: Database) -> None:
    async with owner_db.session() as s:
        tables = {
            r.relname: r.has_tenant
            for r in await s.execute(
                text(
                    """
                    SELECT c.relname,
                           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                                     AND NOT a.attisdropped) AS has_tenant
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                    """
                )
            )
        }
        tenant_tables = {name for name, has in tables.items() if has}
        unexpected = {name for name, has in tables.items() if not has} - set(GLOBAL_TABLES)
        assert not unexpected, f"tables without tenant_id that are not known reference/local tables: {unexpected}"

        # Distributed by tenant_id: it is never null, and every table can be found by it alone.
        nullable = await s.scalars(
            text(
                "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND a.attname = 'tenant_id' AND NOT a.attnotnull AND c.relkind IN ('r', 'p')"
            )
        )
        assert list(nullable) == []

        # Every primary key, unique constraint and unique index of a tenant table includes tenant_id
        # (Citus enforces uniqueness per shard only).
        indexes = await s.execute(
            text(
                """
                SELECT c.relname AS tbl, i.relname AS idx, x.indisprimary AS primary_key,
                       ARRAY(SELECT a.attname FROM unnest(x.indkey) k JOIN pg_attribute a
                               ON a.attrelid = c.oid AND a.attnum = k)::text[] AS cols,
                       (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = x.indkey[0])
                           AS first_col
                  FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND x.indisunique
                """
            )
        )
        primary = set()
        for row in indexes:
            if row.tbl not in tenant_tables:
                continue
            assert "tenant_id" in row.cols, f"{row.tbl}.{row.idx} is unique without tenant_id: {row.cols}"
            if row.primary_key:
                primary.add(row.tbl)
                assert row.first_col == "tenant_id", f"{row.tbl}: primary key does not lead with tenant_id"
        assert primary == tenant_tables, f"tenant tables without a primary key: {tenant_tables - primary}"

        # Every foreign key between tenant tables joins tenant_id to tenant_id (co-located joins);
        # global tables never point into tenant tables.
        fks = await s.execute(
            text(
                """
                SELECT con.conname, src.relname AS src, dst.relname AS dst,
                       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o)::text[]
                           AS src_cols,
                       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)::text[]
                           AS dst_cols
                  FROM pg_constraint con
                  JOIN pg_class src ON src.oid = con.conrelid JOIN pg_class dst ON dst.oid = con.confrelid
                 WHERE con.contype = 'f'
                """
            )
        )
        for fk in fks:
            if fk.src not in tenant_tables:
                assert fk.dst not in tenant_tables, f"{fk.conname}: global {fk.src} points into tenant table {fk.dst}"
                continue
            if fk.dst in tenant_tables:
                pairs = set(zip(fk.src_cols, fk.dst_cols, strict=True))
                assert ("tenant_id", "tenant_id") in pairs, f"{fk.conname} ({fk.src} -> {fk.dst}) skips tenant_id"
            else:
                assert fk.dst in GLOBAL_TABLES, fk.conname
