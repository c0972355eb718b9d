"""Side by side, in one run over one seeded database: Insignia, PostGraphile v4 and the floor.

    .venv/bin/python -m bench.compare [--scale 0.1] [--full] [--duration 10] [--connections 16] [--json out.json]

Seeds a throwaway database on the machine's PostgreSQL (10 tenants; by default 10,000 learners
in all with 5 awards each; ``--full`` for 100,000 learners and 5,000,000 awards; ``--scale``
multiplies the learners), loaded with COPY as the superuser (forced row-level security stays on
for everyone else). Then, one after the other against that data, it starts

1. Insignia's production server, ``insignia serve --workers 2``;
2. PostGraphile v4 (bench/postgraphile, ``npm ci`` from its lock file), two processes, tenant
   and person from the same bearer token through ``pgSettings``, as the application role;
3. the floor (bench/floor.py): starlette + asyncpg, one hand-written SQL statement;

and loads each with ``wrk`` (installed with apt-get when missing), bounded in time and
connections, every request as a random learner of a random tenant, for the learner's awards
query. SQL statements per request are counted by a small PostgreSQL wire-protocol proxy in
front of each server for a short probe. Prints req/s, p50, p99, statements per request and the
ratios; writes them as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench._common import ADMIN_URL, APP, SECRET, create_database, drop_database, worker_env
from insignia.infra.db import Database, create_engine
from insignia.infra.ids import uuid7
from insignia.tenants.auth import issue_token
from insignia.tenants.models import Audience, Person
from insignia.tenants.tenant import create_tenant

HERE = Path(__file__).resolve().parent
PG_DIR = HERE / "postgraphile"

INSIGNIA_QUERY = (
    "{ viewer { awards(first: 50) { edges { node { status issuedAt badgeClass { name skills { name } } } } } } }"
)
# The same shape in PostGraphile's generated schema: the viewer is a SQL function of the token's person.
POSTGRAPHILE_QUERY = (
    "{ benchViewer { awardsByTenantIdAndRecipientId(first: 50, orderBy: PRIMARY_KEY_ASC) { edges { node {"
    " revokedAt issuedAt badgeClassByTenantIdAndBadgeClassId { name"
    " badgeClassSkillsByTenantIdAndBadgeClassId { nodes { skillByTenantIdAndSkillId { name } } } } } } } } }"
)
VIEWER_FUNCTION = """
CREATE FUNCTION bench_viewer() RETURNS people LANGUAGE sql STABLE AS $$
  SELECT * FROM people WHERE id = nullif(current_setting('app.person_id', true), '')::uuid
$$
"""

TENANTS = 10


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- seeding -------------------------------------------------------------------------------------


async def seed(owner_url: str, database: str, learners: int, awards_each: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Tenants through the service (as in production), then people, badge classes, skills and
    awards by COPY. Returns (tenant, person) of every learner."""
    db = Database(create_engine(owner_url, pool_size=2))
    tenants: list[tuple[uuid.UUID, uuid.UUID]] = []
    try:
        for t in range(TENANTS):
            async with db.session() as s:
                tenant, _admin = await create_tenant(
                    s,
                    slug=f"bench-{t}-{uuid.uuid4().hex[:6]}",
                    name=f"Bench Org {t}",
                    admin_email="admin@bench.example",
                )
                await s.flush()
                audience = (await s.execute(Audience.__table__.select().where(Audience.tenant_id == tenant.id))).first()
                assert audience is not None
                tenants.append((tenant.id, audience.id))
                await s.commit()
    finally:
        await db.dispose()
    admin = make_url(ADMIN_URL).set(database=database)
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    learners_out: list[tuple[uuid.UUID, uuid.UUID]] = []
    per_tenant = max(1, learners // TENANTS)
    classes = max(20, awards_each)
    now = datetime.now(UTC)
    try:
        for tenant_id, audience_id in tenants:
            skills = [(tenant_id, uuid7(), f"Skill {i}") for i in range(classes * 3)]
            await conn.copy_records_to_table("skills", records=skills, columns=["tenant_id", "id", "name"])
            badges = [
                (tenant_id, uuid7(), f"Badge {i}", "A benchmark badge", "published", 1, now) for i in range(classes)
            ]
            await conn.copy_records_to_table(
                "badge_classes",
                records=badges,
                columns=["tenant_id", "id", "name", "description", "status", "criteria_version", "published_at"],
            )
            await conn.copy_records_to_table(
                "badge_class_skills",
                records=[(tenant_id, b[1], skills[i * 3 + k][1]) for i, b in enumerate(badges) for k in range(3)],
                columns=["tenant_id", "badge_class_id", "skill_id"],
            )
            index = 0
            for offset in range(0, per_tenant, 5000):
                people = [
                    (tenant_id, uuid7(), f"learner{i}@bench.example", f"Learner {i}", audience_id, ["learner"])
                    for i in range(offset, min(per_tenant, offset + 5000))
                ]
                await conn.copy_records_to_table(
                    "people", records=people, columns=["tenant_id", "id", "email", "name", "audience_id", "roles"]
                )
                learners_out.extend((tenant_id, p[1]) for p in people)
                awards = []
                for p in people:
                    for k in range(awards_each):
                        awards.append(
                            (
                                tenant_id,
                                uuid7(),
                                badges[k % classes][1],
                                p[1],
                                1,
                                now - timedelta(days=k),
                                now + timedelta(days=365),
                                "operator",
                                "tenant",
                                "message",
                                index,
                            )
                        )
                        index += 1
                await conn.copy_records_to_table(
                    "awards",
                    records=awards,
                    columns=[
                        "tenant_id",
                        "id",
                        "badge_class_id",
                        "recipient_id",
                        "criteria_version",
                        "issued_at",
                        "expires_at",
                        "issuer_kind",
                        "visibility",
                        "status_purpose",
                        "status_index",
                    ],
                )
            await conn.execute(
                "INSERT INTO status_lists (tenant_id, purpose, next_index) VALUES ($1, 'message', $2)"
                " ON CONFLICT (tenant_id, purpose) DO UPDATE SET next_index = excluded.next_index",
                tenant_id,
                index,
            )
        await conn.execute(VIEWER_FUNCTION)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return learners_out


# --- counting statements: a PostgreSQL wire-protocol proxy ---------------------------------------


class StatementCounter:
    """Forwards connections to PostgreSQL and counts the statements clients send (simple-query
    'Q' and extended-protocol 'E'xecute messages)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.count = 0
        self.port = 0
        # BENCH_TRACE_SQL=1: the statements prepared or sent, printed after the probe.
        self.trace: list[str] | None = [] if os.environ.get("BENCH_TRACE_SQL") else None
        self._prepared: dict[bytes, str] = {}
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def _trace(self, kind: bytes, body: bytes) -> None:
        assert self.trace is not None
        parts = body.split(b"\0")
        if kind == b"P":  # Parse: statement name, query
            self._prepared[parts[0]] = " ".join(parts[1].decode(errors="replace").split())[:110]
        elif kind == b"B":  # Bind: portal, statement name
            self.trace.append(self._prepared.get(parts[1], "?"))
        elif kind == b"Q":
            self.trace.append(" ".join(parts[0].decode(errors="replace").split())[:110])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        tasks: set[asyncio.Future[None]] = set()

        async def client_to_server() -> None:
            started = False
            try:
                while True:
                    if not started:
                        head = await reader.readexactly(8)
                        length, code = struct.unpack("!ii", head)
                        body = await reader.readexactly(length - 8)
                        up_writer.write(head + body)
                        if code == 80877103:  # SSLRequest: refused below, the startup message follows
                            ssl_answer = await up_reader.readexactly(1)
                            writer.write(ssl_answer)
                            continue
                        started = True
                        tasks.add(asyncio.ensure_future(server_to_client()))
                        continue
                    head = await reader.readexactly(5)
                    kind, length = head[:1], struct.unpack("!i", head[1:])[0]
                    body = await reader.readexactly(length - 4)
                    if kind in (b"Q", b"E"):
                        self.count += 1
                    if self.trace is not None:
                        self._trace(kind, body)
                    up_writer.write(head + body)
            except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
                up_writer.close()

        async def server_to_client() -> None:
            try:
                while data := await up_reader.read(65536):
                    writer.write(data)
            except (ConnectionError, asyncio.CancelledError):
                pass
            writer.close()

        await client_to_server()


# --- servers ------------------------------------------------------------------------------------


def _pg_port() -> int:
    return make_url(ADMIN_URL).port or 5432


def _app_url(database: str, port: int) -> str:
    return f"postgresql://{APP}@127.0.0.1:{port}/{database}?sslmode=disable"


def start_insignia(
    owner_url: str, port: int, db_port: int, log: Any, source: Path | None = None
) -> subprocess.Popen[bytes]:
    """``source``: another checkout's folder (``git archive REV insignia | tar -x -C DIR``) to
    run instead of this one, for before/after figures in the same run."""
    url = make_url(owner_url).set(port=db_port, query={"ssl": "disable"}).render_as_string(hide_password=False)
    env = worker_env(url, INSIGNIA_ENV="production", INSIGNIA_LOG_LEVEL="ERROR", BROKER_URL="redis://127.0.0.1:6379/0")
    return subprocess.Popen(
        [sys.executable, "-m", "insignia", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=log,
        cwd=source,
    )


def start_postgraphile(database: str, port: int, db_port: int, log: Any) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PORT=str(port), WORKERS="2", SECRET=SECRET, DATABASE_URL=_app_url(database, db_port))
    return subprocess.Popen(["node", str(PG_DIR / "server.js")], env=env, stdout=log, stderr=log)  # noqa: S607


def start_floor(database: str, port: int, db_port: int, log: Any) -> subprocess.Popen[bytes]:
    env = dict(os.environ, FLOOR_SECRET=SECRET, FLOOR_DATABASE_URL=_app_url(database, db_port))
    command = [sys.executable, "-m", "uvicorn", "bench.floor:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "2", "--no-access-log", "--log-level", "warning"]
    return subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=HERE.parent)


async def _wait_graphql(base: str, query: str, token: str) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        while True:
            try:
                r = await client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
                body = r.json()
                if r.status_code == 200 and "errors" not in body:
                    return
                if time.monotonic() > deadline:
                    raise SystemExit(f"{base}: {r.status_code} {r.text[:500]}")
            except (httpx.TransportError, ValueError):
                if time.monotonic() > deadline:
                    raise
            await asyncio.sleep(0.3)


async def _probe(base: str, query: str, tokens: list[str], requests: int) -> list[str]:
    bodies = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for token in tokens[:requests]:
            r = await client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
            bodies.append(r.text)
    return bodies


# --- load ---------------------------------------------------------------------------------------

WRK_SCRIPT = """
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local body = %(body)s
math.randomseed(%(seed)d)
request = function()
  local token = tokens[math.random(#tokens)]
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\\n") end
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%f, \\"p99\\": %%f, \\"errors\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it with apt-get", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)  # noqa: S607
    return shutil.which("wrk") or "wrk"


def ensure_postgraphile() -> None:
    if not (PG_DIR / "node_modules" / ".installed").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PG_DIR, check=True)  # noqa: S607
        (PG_DIR / "node_modules" / ".installed").touch()


def wrk(  # noqa: PLR0917
    base: str, query: str, tokens_file: Path, duration: int, connections: int, workdir: Path
) -> dict[str, float]:
    script = workdir / "load.lua"
    body = json.dumps(json.dumps({"query": query}))
    script.write_text(WRK_SCRIPT % {"tokens": tokens_file, "body": body, "seed": random.randrange(1 << 30)})  # noqa: S311
    out = subprocess.run(
        [
            ensure_wrk(),
            "-t",
            str(min(2, connections)),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    match = re.search(r"^JSON (.*)$", out.stdout, re.M)
    if match is None:
        raise SystemExit(out.stdout + out.stderr)
    result = json.loads(match.group(1))
    if result["errors"]:
        raise SystemExit(f"{base}: {result['errors']} failed requests\n{out.stderr[:2000]}")
    return {
        "requests_per_s": result["requests"] / result["seconds"],
        "p50_ms": result["p50"],
        "p99_ms": result["p99"],
        "requests": result["requests"],
    }


def measure(  # noqa: PLR0917
    name: str,
    starter: Any,
    query: str,
    tokens: list[str],
    tokens_file: Path,
    args: argparse.Namespace,
    workdir: Path,
) -> dict[str, Any]:
    # 1. statements per request, through the counting proxy (a short sequential probe).
    counter = StatementCounter(_pg_port())
    port = _port()
    base = f"http://127.0.0.1:{port}"
    log = (workdir / f"{name}.log").open("ab")

    async def probe() -> float:
        await counter.start()
        server = starter(port, counter.port, log)
        try:
            await _wait_graphql(base, query, tokens[0])
            await _probe(base, query, tokens, 20)  # warm-up: pools, caches
            before = counter.count
            if counter.trace is not None:
                counter.trace.clear()
                await _probe(base, query, tokens[20:], 1)
                print("\n".join(counter.trace), flush=True)
            await _probe(base, query, tokens[20:], 50)
            return (counter.count - before) / 50
        finally:
            server.terminate()
            await asyncio.to_thread(server.wait, 30)
            await counter.stop()

    statements = asyncio.run(probe())
    # 2. the load, straight to PostgreSQL.
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = starter(port, _pg_port(), log)
    try:
        asyncio.run(_wait_graphql(base, query, tokens[0]))
        wrk(base + "/graphql", query, tokens_file, 2, args.connections, workdir)  # warm-up
        figures = wrk(base + "/graphql", query, tokens_file, args.duration, args.connections, workdir)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures["sql_statements_per_request"] = statements
    print(
        f"{name:12} {figures['requests_per_s']:8,.0f} req/s   p50 {figures['p50_ms']:7.1f} ms   "
        f"p99 {figures['p99_ms']:7.1f} ms   {statements:4.1f} SQL statements/request",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the learners (default 10,000)")
    parser.add_argument("--full", action="store_true", help="100,000 learners and 5,000,000 awards")
    parser.add_argument("--awards-each", type=int, default=None)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default="insignia,postgraphile,floor", help="and baseline, with --baseline")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="a folder holding another revision's insignia package (git archive REV insignia | tar -x -C DIR): "
        "measured as 'baseline' in the same run",
    )
    parser.add_argument("--json", type=Path, default=Path(".insignia/bench-compare.json"))
    args = parser.parse_args()
    if args.baseline is not None and "baseline" not in args.only:
        args.only = "baseline," + args.only
    learners = int((100_000 if args.full else 10_000) * args.scale)
    awards_each = args.awards_each or (50 if args.full else 5)
    ensure_wrk()
    ensure_postgraphile()
    name = f"insignia_bench_{uuid.uuid4().hex[:8]}"
    owner_url = asyncio.run(create_database(name))
    results: dict[str, Any] = {
        "learners": learners,
        "awards": learners * awards_each,
        "tenants": TENANTS,
        "connections": args.connections,
        "duration_s": args.duration,
        "query": INSIGNIA_QUERY,
        "servers": {},
    }
    try:
        started = time.perf_counter()
        seeded = asyncio.run(seed(owner_url, name, learners, awards_each))
        print(
            f"seeded {learners:,} learners and {learners * awards_each:,} awards in {TENANTS} tenants "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        sample = random.sample(seeded, min(1000, len(seeded)))
        tokens = [
            issue_token(SECRET, "insignia", Person(id=p, tenant_id=t, session_version=1), timedelta(hours=2))
            for t, p in sample
        ]
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            tokens_file = workdir / "tokens.txt"
            tokens_file.write_text("\n".join(tokens) + "\n")
            servers = {
                "insignia": (lambda port, db, log: start_insignia(owner_url, port, db, log), INSIGNIA_QUERY),
                "postgraphile": (lambda port, db, log: start_postgraphile(name, port, db, log), POSTGRAPHILE_QUERY),
                "floor": (lambda port, db, log: start_floor(name, port, db, log), INSIGNIA_QUERY),
            }
            if args.baseline is not None:
                baseline = args.baseline.resolve()
                servers["baseline"] = (
                    lambda port, db, log: start_insignia(owner_url, port, db, log, baseline),
                    INSIGNIA_QUERY,
                )
            print(f"learner's awards query, {args.connections} connections, {args.duration} s each, wrk", flush=True)
            for server_name in args.only.split(","):
                starter, query = servers[server_name]
                try:
                    results["servers"][server_name] = measure(
                        server_name, starter, query, tokens, tokens_file, args, workdir
                    )
                except BaseException:
                    print((workdir / f"{server_name}.log").read_text(errors="replace")[-3000:], file=sys.stderr)
                    raise
    finally:
        asyncio.run(drop_database(name))
    got = results["servers"]
    ratios = {}
    if "insignia" in got:
        for peer in ("postgraphile", "floor", "baseline"):
            if peer in got:
                ratios[f"insignia/{peer}"] = got["insignia"]["requests_per_s"] / got[peer]["requests_per_s"]
    results["ratios"] = ratios
    for key, value in ratios.items():
        print(f"{key}: {value:.2f}x")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
