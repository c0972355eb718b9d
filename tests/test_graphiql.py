"""GraphiQL in development, from assets the server ships (it works offline), with a token helper;
off in production. The last test opens it in a real browser that may reach no other host."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.async_api import async_playwright

from insignia.app import create_app
from insignia.infra.db import Database
from insignia.infra.settings import Settings
from tests.conftest import Seeder
from tests.support import free_port

pytestmark = pytest.mark.asyncio
CHROMIUM = "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
HTML = {"Accept": "text/html"}


@contextlib.asynccontextmanager
async def dev_client(settings: Settings, app_db: Database, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(settings, env="development"), app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as c:
        yield c
    await app.state.rate_limiter.close()


async def test_the_page_loads_every_asset_from_this_server(settings: Settings, app_db: Database) -> None:
    async with dev_client(settings, app_db, "http://testserver") as client:
        page = await client.get("/graphql", headers=HTML)
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "http://" not in page.text and "https://" not in page.text
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert len(assets) == 8
        for url in assets:
            assert url.startswith("/graphql/ide/"), url
            zipped = await client.get(url, headers={"Accept-Encoding": "gzip"})
            assert zipped.status_code == 200, url
            assert zipped.headers["content-type"].split(";")[0] in ("text/javascript", "text/css")
            plain = await client.get(url, headers={"Accept-Encoding": "identity"})
            assert plain.status_code == 200 and "content-encoding" not in plain.headers
            assert zipped.content == plain.content  # httpx undoes the gzip encoding
        script = (await client.get("/graphql/ide/graphiql-3.8.3.min.js", headers={"Accept-Encoding": "identity"})).text
        assert "GraphiQL" in script and len(script) > 1_000_000
        raw = await client.get("/graphql/ide/react-18.2.0.min.js", headers={"Accept-Encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip"
        assert b"React" in raw.content
        assert (await client.get("/graphql/ide/../../app.py")).status_code == 404
        assert (await client.get("/graphql/ide/nothing.js")).status_code == 404


async def test_production_has_no_ide(settings: Settings, app_db: Database) -> None:
    app = create_app(dataclasses.replace(settings, env="production"), app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        page = await client.get("/graphql", headers=HTML)
        assert page.status_code == 401
        assert "graphiql" not in page.text.lower()
        assert (await client.get("/graphql/ide/ide.js")).status_code == 404
        assert (await client.get("/graphql/ide/tenants")).status_code == 404
    await app.state.rate_limiter.close()


async def test_the_token_helper_answers_only_this_machine(seeder: Seeder, settings: Settings, app_db: Database) -> None:
    t = await seeder.tenant()
    async with dev_client(settings, app_db, "http://127.0.0.1:8000") as client:
        tenants = (await client.get("/graphql/ide/tenants")).json()
        assert {"slug": t.slug, "name": f"Org {t.slug}"} in tenants
        people = (await client.get("/graphql/ide/people", params={"tenant": t.slug})).json()
        assert people[0]["email"] == t.people["admin"].email  # admins first
        answer = (
            await client.post("/graphql/ide/token", json={"tenant": t.slug, "email": t.people["learner"].email})
        ).json()
        viewer = await client.post(
            "/graphql", json={"query": "{ viewer { email } }"}, headers={"Authorization": f"Bearer {answer['token']}"}
        )
        assert viewer.json()["data"]["viewer"]["email"] == t.people["learner"].email
        missing = await client.post("/graphql/ide/token", json={"tenant": t.slug, "email": "nobody@example.com"})
        assert missing.status_code == 404
    # A page of another site whose name points at this machine gets nothing.
    async with dev_client(settings, app_db, "http://evil.example:8000") as client:
        assert (await client.get("/graphql/ide/tenants")).status_code == 403
        assert (await client.post("/graphql/ide/token", json={"tenant": t.slug, "email": "x@y.z"})).status_code == 403


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def test_graphiql_works_offline_in_a_browser(seeder: Seeder, settings: Settings, app_db: Database) -> None:
    if not HAVE_CHROMIUM:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does")
    t = await seeder.tenant()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(
        dataclasses.replace(settings, env="development", public_url=base), app_db, dispose_on_shutdown=False
    )
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    elsewhere: list[str] = []
    problems: list[str] = []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM)
            page = await browser.new_page()

            async def only_this_server(route: object) -> None:
                request = route.request  # type: ignore[attr-defined]
                if request.url.startswith(base + "/") or request.url.startswith("data:"):
                    await route.continue_()  # type: ignore[attr-defined]
                else:
                    elsewhere.append(request.url)
                    await route.abort()  # type: ignore[attr-defined]

            await page.route("**/*", only_this_server)
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            await page.goto(f"{base}/graphql", wait_until="networkidle")
            await page.wait_for_selector(".graphiql-container .graphiql-query-editor", timeout=15_000)
            assert "Loading..." not in await page.inner_text("#graphiql")
            # The helper puts a token for the chosen person into the headers, and a query runs.
            learner = t.people["learner"].email
            await page.select_option("#helper-tenant", t.slug)
            await page.locator(f'#helper-person option[value="{learner}"]').wait_for(state="attached")
            await page.select_option("#helper-person", learner)
            await page.click("#helper-use")
            await page.locator("#helper-status", has_text="token").wait_for()
            await page.click(".graphiql-execute-button")
            await page.locator(".result-window", has_text=learner).wait_for(timeout=15_000)
            await browser.close()
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        await app.state.rate_limiter.close()
    assert elsewhere == []
    # Before a person is picked, loading the schema without a credential is refused (401).
    assert [p for p in problems if "401 (Unauthorized)" not in p] == []
