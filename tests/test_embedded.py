"""The default run (`make run`): embedded PostgreSQL, migrations, demo, API — in a real process."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support import free_port


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"server did not become ready:\n{log.read_text()}")


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: its root is 0700 and may be reset by another pytest session,
    # while the embedded server runs as its own system user and must traverse the path.
    path = Path(tempfile.mkdtemp(prefix="insignia-embedded-"))
    yield path / "data"
    shutil.rmtree(path, ignore_errors=True)


async def test_serve_with_embedded_postgres_and_demo(tmp_path: Path, data_dir: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "DATABASE_URL"))}
    env.update(INSIGNIA_ENV="development", INSIGNIA_DATA_DIR=str(data_dir))
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "insignia", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        output = log.read_text()
        assert f"GraphiQL: http://127.0.0.1:{port}/graphql" in output
        match = re.search(r"acme admin .*\n\s+(eyJ[\w.-]+)", output)
        assert match, output
        async with httpx.AsyncClient(base_url=base) as client:
            response = await client.post(
                "/graphql",
                json={
                    "query": "{ viewer { email } tenant { slug } audiences { kind } people(first: 50) { edges { node { email } } } }"
                },
                headers={"Authorization": f"Bearer {match.group(1)}"},
            )
            data = response.json()["data"]
            assert data["viewer"]["email"] == "admin@acme.example"
            learner = re.search(r"acme learner .*\n\s+(eyJ[\w.-]+)", output)
            assert learner, output
            mine = await client.post(
                "/graphql",
                json={
                    "query": "{ viewer { awards { edges { node { verificationUrl } } } progress { badgeClass { name } } } }"
                },
                headers={"Authorization": f"Bearer {learner.group(1)}"},
            )
            [award] = mine.json()["data"]["viewer"]["awards"]["edges"]
            # Links point at this server, and the public page answers there.
            assert award["node"]["verificationUrl"].startswith(base)
            assert (await client.get(award["node"]["verificationUrl"].removeprefix(base))).status_code == 200
            assert data["tenant"]["slug"] == "acme"
            assert {a["kind"] for a in data["audiences"]} == {"EMPLOYEE", "PARTNER", "CUSTOMER"}
            assert all(e["node"]["email"].endswith("@acme.example") for e in data["people"]["edges"])
            assert (await client.get("/healthz")).json() == {"status": "ok"}
            ide = await client.get("/graphql", headers={"Accept": "text/html"})
            assert "graphiql" in ide.text.lower()

        # The embedded database is set up like production: the API's role cannot bypass RLS.
        conn = await asyncpg.connect(host=str(data_dir / "pgdata"), user="insignia_app", database="insignia")
        try:
            role = await conn.fetchrow("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            assert role is not None and not role["rolsuper"] and not role["rolbypassrls"]
            assert await conn.fetchval("SELECT count(*) FROM people") == 0  # no tenant set: nothing
        finally:
            await conn.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    # Stopping the API stops its embedded server too.
    deadline = time.monotonic() + 15
    while (data_dir / "pgdata" / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (data_dir / "pgdata" / "postmaster.pid").exists()


async def test_serve_with_several_worker_processes(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "DATABASE_URL"))}
    env.update(INSIGNIA_ENV="development", INSIGNIA_DATA_DIR=str(data_dir))
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "insignia", "serve", "--demo", "--workers", "2", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        match = re.search(r"acme manager .*\n\s+(eyJ[\w.-]+)", log.read_text())
        assert match, log.read_text()
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(6):  # spread over both processes
                response = await client.post(
                    "/graphql",
                    json={"query": "{ people { edges { node { email } } } }"},
                    headers={"Authorization": f"Bearer {match.group(1)}"},
                )
                emails = {e["node"]["email"] for e in response.json()["data"]["people"]["edges"]}
                assert "lee.learner@acme.example" in emails
        assert log.read_text().count("Application startup complete") == 2
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
