"""`insignia serve` as a real process: one per data folder, metrics added up over `--workers`,
and stopping: Ctrl-C lets a request in flight finish, a second Ctrl-C stops at once, and neither
leaves an error traceback."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from insignia.infra.db import Database
from insignia.infra.outbox import ClaimedEvent, OutboxEvent, Processor, RetryPolicy, enqueue
from insignia.tenants.auth import issue_token
from insignia.workers.dispatch import InlineDispatcher
from insignia.workers.runtime import stop_jobs
from tests.conftest import APP_ROLE, SECRET, DatabaseInfo, Seeder
from tests.support import free_port

INSIGNIA = [sys.executable, "-m", "insignia"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "DATABASE_URL", "BROKER_URL"))}
    env.update(extra)
    return env


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early:\n{log.read_text()}")
        if "Application startup complete" in log.read_text():
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
        time.sleep(0.2)
    pytest.fail(f"server did not become ready:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="insignia-serve-"))
    path.chmod(0o755)  # the embedded server runs as its own user and must traverse the path
    yield path / "data"
    shutil.rmtree(path, ignore_errors=True)


def test_one_serve_per_data_folder_and_metrics_over_worker_processes(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = _env(INSIGNIA_ENV="development", INSIGNIA_DATA_DIR=str(data_dir))
    with log.open("wb") as out:
        # A new session, like a terminal's foreground job: Ctrl-C reaches the whole group.
        process = subprocess.Popen(
            [*INSIGNIA, "serve", "--demo", "--workers", "2", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        output = log.read_text()
        assert "shared by the API processes through PostgreSQL" in output
        second = subprocess.run(
            [*INSIGNIA, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True, timeout=60,
            check=False,
        )  # fmt: skip
        assert second.returncode == 1
        assert f"Insignia is already running on the data folder {data_dir}" in second.stderr
        assert f"http://127.0.0.1:{port}" in second.stderr

        token = re.search(r"acme admin .*\n\s+(eyJ[\w.-]+)", output)
        assert token, output
        for _ in range(8):  # spread over both processes
            answer = httpx.post(
                f"{base}/graphql",
                json={"query": "query Spread { viewer { email } }"},
                headers={"Authorization": f"Bearer {token.group(1)}"},
                timeout=10,
            )
            assert answer.status_code == 200
        scraped = httpx.get(f"{base}/metrics", timeout=10).text
        counted = 0.0
        for family in text_string_to_metric_families(scraped):
            for sample in family.samples:
                if sample.name == "insignia_graphql_operations_total" and sample.labels.get("operation") == "Spread":
                    counted += sample.value
        assert counted == 8  # the processes' counts add up
        assert "insignia_outbox_events" in scraped
    finally:
        _stop(process)
    assert process.returncode == 0, log.read_text()[-2000:]
    assert "Traceback" not in log.read_text()


def _in_flight_request(port: int, token: str, pgid: int, ctrl_c: int) -> str:
    """Start a request, press Ctrl-C ``ctrl_c`` times while its body is still arriving, finish it."""
    body = json.dumps({"query": "{ viewer { email } }"}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        head = (
            f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        s.sendall(head.encode() + body[:10])
        time.sleep(0.3)
        for _ in range(ctrl_c):
            os.killpg(pgid, signal.SIGINT)
            time.sleep(0.4)
        try:
            s.sendall(body[10:])
            # Headers and body may come in separate segments (TCP_NODELAY): read the whole answer.
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
                head_end = answer.find(b"\r\n\r\n")
                length = re.search(rb"content-length: *(\d+)", answer[:head_end], re.IGNORECASE)
                if head_end >= 0 and (length is None or len(answer) >= head_end + 4 + int(length.group(1))):
                    break
            return answer.decode(errors="replace")
        except OSError as exc:
            return f"closed: {exc}"


@pytest.mark.asyncio
async def test_stopping_finishes_requests_in_flight_and_a_forced_stop_is_quiet(
    seeder: Seeder, database_info: DatabaseInfo, tmp_path: Path
) -> None:
    t = await seeder.tenant()
    token = issue_token(SECRET, "insignia", t.people["admin"], timedelta(hours=1))
    env = _env(
        DATABASE_URL=database_info.owner_url.set(drivername="postgresql").render_as_string(hide_password=False),
        INSIGNIA_APP_ROLE=APP_ROLE,
        INSIGNIA_SECRET_KEY=SECRET,
        INSIGNIA_ENV="test",
        # Jobs by workers (none here): this server leaves other tests' jobs alone.
        BROKER_URL="redis://127.0.0.1:6379/0",
    )
    for presses, expected in ((1, "HTTP/1.1 200 OK"), (2, "HTTP/1.1 503")):
        port = free_port()
        log = tmp_path / f"serve-{presses}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: ASYNC220 - a server that runs while the test talks to it
                [*INSIGNIA, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            await asyncio.to_thread(_wait_until_up, f"http://127.0.0.1:{port}", process, log)
            answer = await asyncio.to_thread(_in_flight_request, port, token, process.pid, presses)
            assert answer.startswith(expected), (answer, log.read_text()[-3000:])
            if presses == 1:
                assert t.people["admin"].email in answer
            await asyncio.to_thread(process.wait, 30)
        finally:
            _stop(process)
        text = log.read_text()
        assert process.returncode == 0, text[-3000:]
        assert "Traceback" not in text and '"level": "error"' not in text, text[-3000:]
        if presses == 2:
            assert "request cut short by a forced stop" in text


@pytest.mark.asyncio
async def test_a_stopping_process_finishes_running_jobs_and_hands_claimed_ones_back(
    seeder: Seeder, app_db: Database
) -> None:
    t = await seeder.tenant()
    async with app_db.tenant_transaction(t.id) as session:
        events = [await enqueue(session, t.id, "test.slow", {"n": n}) for n in range(3)]
        # As the relay leaves them: claimed, hidden for a visibility timeout.
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_([e.id for e in events]))
            .values(status="dispatched", available_at=datetime.now(UTC) + timedelta(minutes=5))
        )
    started = asyncio.Event()

    async def slow(_session: Any, _event: OutboxEvent, _attempt: Any) -> None:
        started.set()
        await asyncio.sleep(0.3)

    processor = Processor(app_db, {"test.slow": slow}, RetryPolicy(max_attempts=3, base_seconds=0.1, max_seconds=0.2))
    dispatcher = InlineDispatcher(processor, concurrency=1)
    claimed = [ClaimedEvent(t.id, e.id, e.kind) for e in events]
    dispatching = asyncio.create_task(dispatcher.dispatch(claimed))
    await started.wait()
    await stop_jobs(app_db, dispatcher, asyncio.Event(), dispatching, grace_seconds=5)

    async with app_db.tenant_transaction(t.id) as session:
        rows = {
            e.id: (e.status, e.available_at)
            for e in await session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_([e.id for e in events])))
        }
    assert rows[events[0].id][0] == "done"  # the running job finished
    for event in events[1:]:
        status, available_at = rows[event.id]
        assert status == "pending"  # handed back, due now rather than after the visibility timeout
        assert available_at <= datetime.now(UTC)
