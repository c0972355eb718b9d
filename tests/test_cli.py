"""The ``insignia`` command, run as a real process against the test database."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from insignia.infra.db import Database
from insignia.infra.settings import Settings
from tests.conftest import APP_ROLE, SECRET, DatabaseInfo, GraphQLClient, Seeder
from tests.support import run_jobs_until

INSIGNIA = [sys.executable, "-m", "insignia"]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*INSIGNIA, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def cli_env(database_info: DatabaseInfo) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGNIA_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_info.owner_url.set(drivername="postgresql").render_as_string(hide_password=False),
        INSIGNIA_APP_ROLE=APP_ROLE,
        INSIGNIA_SECRET_KEY=SECRET,
        INSIGNIA_ENV="test",
    )
    return env


def test_every_command_has_help(cli_env: dict[str, str]) -> None:
    commands = [
        [],
        ["serve"],
        ["worker"],
        ["migrate"],
        ["tenant"],
        ["tenant", "create"],
        ["tenant", "list"],
        ["token"],
        ["demo"],
    ]
    for args in [*commands, ["jobs"], ["jobs", "list"], ["jobs", "retry"], ["tenant", "domain"]]:
        result = run(cli_env, *args, "--help")
        assert result.returncode == 0, result.stderr
        assert "Usage:" in result.stdout


def test_migrate_is_idempotent(cli_env: dict[str, str]) -> None:
    result = run(cli_env, "migrate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("migrated postgresql+asyncpg://")


async def test_tenant_create_list_and_token(cli_env: dict[str, str], gql: GraphQLClient) -> None:
    slug = f"cli-{uuid.uuid4().hex[:6]}"
    created = run(
        cli_env, "tenant", "create", "--slug", slug, "--name", "CLI Org", "--admin-email", f"Boss@{slug}.example"
    )
    assert created.returncode == 0, created.stderr
    tenant_id = uuid.UUID(created.stdout.strip())

    listed = run(cli_env, "tenant", "list")
    assert f"{slug}\tCLI Org\t{tenant_id}" in listed.stdout.splitlines()

    issued = run(cli_env, "token", "--tenant", slug, "--email", f"boss@{slug}.example", "--ttl", "10m")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip().splitlines()[-1]
    data = await gql(token, "{ viewer { email roles } tenant { slug } }")
    assert data == {
        "viewer": {"email": f"boss@{slug}.example", "roles": ["ADMIN", "LEARNER"]},
        "tenant": {"slug": slug},
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tenant", "create", "--slug", "Bad Slug", "--name", "X", "--admin-email", "a@b.example"], "slug must be"),
        (
            ["tenant", "create", "--slug", "ok-slug", "--name", "X", "--admin-email", "nope"],
            "admin_email is not a valid email",
        ),
        (["token", "--tenant", "no-such-tenant", "--email", "a@b.example"], "No tenant with slug 'no-such-tenant'."),
        (["token", "--tenant", "x", "--email", "a@b.example", "--ttl", "forever"], "Invalid value for '--ttl'"),
    ],
)
def test_errors_are_one_line_without_traceback(cli_env: dict[str, str], args: list[str], message: str) -> None:
    result = run(cli_env, *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 1:
        assert len(result.stderr.strip().splitlines()) == 1


def test_duplicate_slug_and_unknown_person(cli_env: dict[str, str]) -> None:
    slug = f"dup-{uuid.uuid4().hex[:6]}"
    assert (
        run(cli_env, "tenant", "create", "--slug", slug, "--name", "A", "--admin-email", "a@a.example").returncode == 0
    )
    again = run(cli_env, "tenant", "create", "--slug", slug, "--name", "B", "--admin-email", "b@b.example")
    assert again.returncode == 1
    assert again.stderr.strip() == f"error: A tenant with slug '{slug}' already exists."
    unknown = run(cli_env, "token", "--tenant", slug, "--email", "ghost@a.example")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: No person with email ghost@a.example in this organisation."


def test_unreachable_database_is_one_clear_line(cli_env: dict[str, str]) -> None:
    env = dict(cli_env, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    result = run(env, "tenant", "list")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: ")


def test_demo_is_idempotent(cli_env: dict[str, str]) -> None:
    first = run(cli_env, "demo")
    assert first.returncode == 0, first.stderr
    second = run(cli_env, "demo")
    assert second.returncode == 0, second.stderr
    tokens = re.findall(r"^\s+(eyJ[\w.-]+)$", second.stdout, re.M)
    assert len(tokens) == 6
    listed = run(cli_env, "tenant", "list").stdout
    assert listed.count("acme\t") == 1 and listed.count("globex\t") == 1


def test_production_requires_a_secret(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in cli_env.items() if k != "INSIGNIA_SECRET_KEY"}
    env["INSIGNIA_ENV"] = "production"
    result = run(env, "tenant", "list")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: INSIGNIA_SECRET_KEY is required in production (32+ random characters)"


async def test_jobs_list_dead_and_retry(
    cli_env: dict[str, str], seeder: Seeder, gql: GraphQLClient, app_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant("jobs")
    await gql(
        t.tokens["admin"],
        'mutation { webhookEndpointCreate(input: {url: "http://127.0.0.1:1/nothing-here", eventTypes: ["person.created"]}) { errors { code } } }',
    )
    audience = base64.b64encode(f"Audience:{t.audiences['employees']}".encode()).decode()
    await gql(
        t.tokens["admin"],
        'mutation($a: ID!) { personInvite(input: {email: "dead-letter@example.com", name: "D", audienceId: $a}) { errors { code } } }',
        {"a": audience},
    )
    dead_q = "{ jobs(filter: {status: DEAD}) { edges { node { id } } } }"

    async def dead() -> bool:
        return bool((await gql(t.tokens["admin"], dead_q))["jobs"]["edges"])

    await run_jobs_until(settings, app_db, dead)
    listed = run(cli_env, "jobs", "list", "--dead")
    assert listed.returncode == 0, listed.stderr
    [line] = [row for row in listed.stdout.splitlines() if f"\t{t.slug}\t" in row]
    job_id, slug, kind, status, attempts, error = line.split("\t")
    assert (slug, kind, status, attempts) == (t.slug, "webhook.deliver", "dead", str(settings.webhook_max_attempts))
    assert "ConnectError" in error

    retried = run(cli_env, "jobs", "retry", job_id)
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.strip() == f"retrying webhook.deliver job {job_id}"
    assert (await gql(t.tokens["admin"], dead_q))["jobs"]["edges"] == []
    assert f"\t{t.slug}\t" not in run(cli_env, "jobs", "list", "--dead").stdout

    again = run(cli_env, "jobs", "retry", job_id)
    assert again.returncode == 1
    assert again.stderr.strip() == "error: Only dead jobs can be retried; this one is pending."
    missing = run(cli_env, "jobs", "retry", str(uuid.uuid4()))
    assert missing.stderr.strip() == "error: No such job."
    assert run(cli_env, "jobs", "retry", "nope").returncode == 2


def test_tenant_domain(cli_env: dict[str, str]) -> None:
    slug = f"dom-{uuid.uuid4().hex[:6]}"
    assert (
        run(cli_env, "tenant", "create", "--slug", slug, "--name", "D", "--admin-email", "a@d.example").returncode == 0
    )
    done = run(cli_env, "tenant", "domain", "--slug", slug, "--domain", f"Badges.{slug}.example")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{slug}: https://badges.{slug}.example"
    bad = run(cli_env, "tenant", "domain", "--slug", slug, "--domain", "http://x")
    assert bad.returncode == 1 and bad.stderr.strip() == "error: domain must be a host name such as badges.example.com"
    other = f"dom-{uuid.uuid4().hex[:6]}"
    assert (
        run(cli_env, "tenant", "create", "--slug", other, "--name", "E", "--admin-email", "a@e.example").returncode == 0
    )
    taken = run(cli_env, "tenant", "domain", "--slug", other, "--domain", f"badges.{slug}.example")
    assert taken.returncode == 1 and f"already used by tenant '{slug}'" in taken.stderr
    cleared = run(cli_env, "tenant", "domain", "--slug", slug, "--domain", "")
    assert cleared.stdout.strip() == f"{slug}: no own domain"
