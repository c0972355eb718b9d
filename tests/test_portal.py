"""The reference portal (portal/, served at /portal) in a real browser: Debian's chromium driven by
Playwright, the app served by uvicorn on 127.0.0.1 in this process, people signing in through a
real OpenID Connect provider (oidc-provider, run by node) with Insignia's hand-over code and PKCE.

One browser for the module. A learner earns a badge through an xAPI statement sent by the test and
sees it appear, makes it public and opens its verification page; a manager sees the team's skill
gap against a role and enrols a report in a pathway; an admin changes the branding and sees the
preview follow, and creates a pathway in the tree editor (a mistake first, shown on its step).
Main screens are compared at 1280 and 390 px with references in tests/references/portal/ (dates
masked); a missing reference, or ``INSIGNIA_UPDATE_REFERENCES=1``, writes it and fails. axe-core
finds no serious or critical violation on any of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from PIL import Image, ImageChops
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from insignia.app import create_app
from insignia.infra.db import Database, set_tenant
from insignia.infra.settings import Settings
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants.auth import issue_token, operator_principal
from insignia.tenants.tenant import create_tenant
from tests.conftest import SECRET, gid
from tests.idp import OidcProvider
from tests.support import free_port, run_jobs_until

pytestmark = pytest.mark.asyncio(loop_scope="session")

CHROMIUM = "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
ROOT = Path(__file__).parent.parent
DIST = ROOT / "portal" / "dist" / "index.html"
BUILT = DIST.exists()
REFERENCES = Path(__file__).parent / "references" / "portal"
AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
SLUG = "northwind-portal"
DOMAIN = "northwind-portal.example"
ACTIVITY = "https://lms.example/courses/safety-fundamentals"
CHANNEL_THRESHOLD = 24
MAX_CHANGED = 0.006
# What a browser logs for answers the portal expects: no session yet (401 from the token endpoint).
EXPECTED_CONSOLE = re.compile(r"Failed to load resource: the server responded with a status of 401")


@dataclasses.dataclass
class Portal:
    origin: str
    settings: Settings
    tenant_id: Any
    people: dict[str, Any]
    admin_token: str
    api_key: str
    ids: dict[str, str]
    idp: OidcProvider

    @property
    def url(self) -> str:
        return f"{self.origin}/portal/{SLUG}/"


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _gql(client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    payloads = [v for v in body["data"].values() if isinstance(v, dict) and "errors" in v]
    for payload in payloads:
        assert payload["errors"] == [], payload["errors"]
    return body["data"]


async def _seed(owner_db: Database) -> tuple[Any, dict[str, Any]]:
    async with owner_db.session() as s:
        tenant, admin = await create_tenant(
            s, slug=SLUG, name="Northwind Academy", admin_email=f"ada.admin@{DOMAIN}", admin_name="Ada Admin"
        )
        await set_tenant(s, tenant.id)
        op = operator_principal(tenant.id)
        employees = (await audience_service.list_audiences(s))[0].id
        people: dict[str, Any] = {"admin": admin}
        for key, name, roles, manager in (
            ("manager", "Maya Manager", ["manager", "learner"], None),
            ("learner", "Lee Learner", ["learner"], "manager"),
            ("report", "Rui Report", ["learner"], "manager"),
        ):
            people[key] = await person_service.invite_person(
                s,
                op,
                email=f"{name.split()[0].lower()}@{DOMAIN}",
                name=name,
                audience_id=employees,
                manager_id=people[manager].id if manager else None,
                roles=roles,
            )
        await s.commit()
    return tenant.id, people


async def _catalog(client: httpx.AsyncClient, token: str) -> dict[str, str]:
    """Skills, a course with an xAPI activity, two badges, a role and a pathway, through the API."""
    ids: dict[str, str] = {}
    for key, name in (("safety", "Warehouse safety"), ("forklift", "Forklift operation")):
        data = await _gql(
            client,
            token,
            "mutation($i: SkillCreateInput!) { skillCreate(input: $i) { skill { id } errors { message } } }",
            {"i": {"name": name}},
        )
        ids[key] = data["skillCreate"]["skill"]["id"]
    data = await _gql(
        client,
        token,
        "mutation($i: CourseCreateInput!) { courseCreate(input: $i) { course { id } errors { message } } }",
        {"i": {"title": "Safety Fundamentals course", "activityId": ACTIVITY, "skillIds": [ids["safety"]]}},
    )
    ids["course"] = data["courseCreate"]["course"]["id"]
    create = (
        "mutation($i: BadgeClassCreateInput!) { badgeClassCreate(input: $i) { badgeClass { id } errors { message } } }"
    )
    publish = "mutation($id: ID!) { badgeClassPublish(id: $id) { badgeClass { id } errors { message } } }"
    for key, name, criteria, skills in (
        (
            "safety_badge",
            "Safety Fundamentals",
            {"mode": "ALL_OF", "requirements": [{"courseId": ids["course"]}]},
            [{"skillId": ids["safety"], "level": 2}],
        ),
        ("forklift_badge", "Forklift Operator", None, [{"skillId": ids["forklift"], "level": 3}]),
    ):
        data = await _gql(
            client,
            token,
            create,
            {
                "i": {
                    "name": name,
                    "description": f"Awarded for {name.lower()} on the warehouse floor.",
                    "criteriaNarrative": "Complete the **Safety Fundamentals** course:\n\n1. Watch the modules.\n"
                    "2. Pass the final check.",
                    "criteria": criteria,
                    "skillLevels": skills,
                }
            },
        )
        ids[key] = data["badgeClassCreate"]["badgeClass"]["id"]
        await _gql(client, token, publish, {"id": ids[key]})
    data = await _gql(
        client,
        token,
        "mutation($i: RoleProfileCreateInput!) { roleProfileCreate(input: $i) { roleProfile { id } errors { message } } }",
        {
            "i": {
                "name": "Warehouse Lead",
                "skills": [{"skillId": ids["safety"], "level": 2}, {"skillId": ids["forklift"], "level": 3}],
            }
        },
    )
    ids["role"] = data["roleProfileCreate"]["roleProfile"]["id"]
    data = await _gql(
        client,
        token,
        "mutation($i: PathwayCreateInput!) { pathwayCreate(input: $i) { pathway { id } errors { field message } } }",
        {
            "i": {
                "name": "Warehouse Basics",
                "description": "Safety first, then the forklift.",
                "requirement": {
                    "allOf": [
                        {"title": "Safety first", "key": "safety", "badgeClassId": ids["safety_badge"]},
                        {
                            "title": "Drive the forklift",
                            "badgeClassId": ids["forklift_badge"],
                            "prerequisiteKeys": ["safety"],
                        },
                    ]
                },
            }
        },
    )
    ids["pathway"] = data["pathwayCreate"]["pathway"]["id"]
    await _gql(
        client,
        token,
        "mutation($id: ID!) { pathwayPublish(id: $id) { pathway { id } errors { message } } }",
        {"id": ids["pathway"]},
    )
    return ids


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    accounts = [
        {"sub": f"nw-{key}", "email": f"{key}@{DOMAIN}", "email_verified": True, "name": name, "groups": []}
        for key, name in (("ada.admin", "Ada Admin"), ("maya", "Maya Manager"), ("lee", "Lee Learner"))
    ]
    provider = OidcProvider(tmp_path_factory.mktemp("portal-oidc"), accounts)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
async def portal(settings: Settings, app_db: Database, owner_db: Database, idp: OidcProvider) -> AsyncIterator[Portal]:
    if not BUILT:
        pytest.fail("the portal is not built: run `make portal` (or `npm ci && npm run build` in portal/)")
    tenant_id, people = await _seed(owner_db)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    served = dataclasses.replace(settings, public_url=origin)
    app = create_app(served, app_db, dispose_on_shutdown=False)
    running = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(running.serve())
    for _ in range(500):
        if running.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert running.started, "uvicorn did not start"
    admin_token = issue_token(SECRET, "insignia", people["admin"], timedelta(hours=1))
    async with httpx.AsyncClient(base_url=origin, timeout=30) as client:
        ids = await _catalog(client, admin_token)
        data = await _gql(
            client,
            admin_token,
            "mutation($i: ApiKeyCreateInput!) { apiKeyCreate(input: $i) { secret errors { message } } }",
            {"i": {"name": "LMS", "scopes": ["LEARNING_RECORD"]}},
        )
        api_key = data["apiKeyCreate"]["secret"]
        audiences = await _gql(client, admin_token, "{ audiences { id } }")
        data = await _gql(
            client,
            admin_token,
            "mutation($i: SsoConnectionCreateInput!) { ssoConnectionCreate(input: $i) {"
            " ssoConnection { callbackUrl } errors { field message } } }",
            {
                "i": {
                    "name": "Northwind SSO",
                    "protocol": "OIDC",
                    "audienceId": audiences["audiences"][0]["id"],
                    "allowedDomains": [DOMAIN],
                    "oidc": {"issuer": idp.url, "clientId": "northwind-portal", "clientSecret": "s3cret-" + "x" * 24},
                }
            },
        )
        idp.set_client(
            "northwind-portal", "s3cret-" + "x" * 24, [data["ssoConnectionCreate"]["ssoConnection"]["callbackUrl"]]
        )
        await _gql(
            client,
            admin_token,
            "mutation($o: [String!]!) { portalOriginsSet(origins: $o) { portalOrigins errors { message } } }",
            {"o": [origin]},
        )
    ids["rui"] = gid("Person", people["report"].id)
    yield Portal(origin, served, tenant_id, people, admin_token, api_key, ids, idp)
    running.should_exit = True
    await asyncio.wait_for(task, 10)


@pytest.fixture(scope="module")
async def browser(portal: Portal) -> AsyncIterator[Browser]:
    if not HAVE_CHROMIUM:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--force-color-profile=srgb", "--font-render-hinting=none", "--hide-scrollbars"],
        )
        yield launched
        await launched.close()


@dataclasses.dataclass
class Session:
    context: BrowserContext
    page: Page
    problems: list[str]
    graphql: list[str]


@contextlib.asynccontextmanager
async def signed_in(browser: Browser, portal: Portal, email: str, width: int = 1280) -> AsyncIterator[Session]:
    """A fresh browser context signed in through the IdP: the portal's sign-in page, the login
    hint, the IdP's redirects, the hand-over code exchanged with the PKCE verifier."""
    mobile = width < 600
    context = await browser.new_context(
        viewport={"width": width, "height": 844 if mobile else 900},
        device_scale_factor=1,
        is_mobile=mobile,
        has_touch=mobile,
        locale="en-GB",
        timezone_id="UTC",
        reduced_motion="reduce",
    )
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal.origin)
    page = await context.new_page()
    session = Session(context, page, [], [])
    page.on(
        "console",
        lambda m: (
            session.problems.append(m.text) if m.type == "error" and not EXPECTED_CONSOLE.search(m.text) else None
        ),
    )
    page.on("pageerror", lambda e: session.problems.append(str(e)))
    page.on("request", lambda r: session.graphql.append(r.post_data or "") if r.url.endswith("/graphql") else None)
    try:
        response = await page.goto(portal.url)
        assert response is not None and response.status == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        await page.get_by_label("Work email (optional)").fill(email)
        await page.get_by_role("button", name="Sign in with Northwind SSO").click()
        await page.locator(".shell").wait_for(state="attached")
        assert "insignia_code" not in page.url, "the hand-over code stays out of the address bar"
        yield session
    finally:
        await context.close()


async def _settled(page: Page) -> None:
    await page.wait_for_load_state("networkidle")
    await page.locator(".loading").first.wait_for(state="detached", timeout=10_000)
    await page.evaluate("document.fonts.ready.then(() => true)")


async def _axe(page: Page) -> None:
    if not await page.evaluate("typeof axe !== 'undefined'"):
        await page.evaluate(AXE.read_text())
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


def _compare(name: str, actual: bytes, out: Path) -> None:
    reference = REFERENCES / f"{name}.png"
    if os.environ.get("INSIGNIA_UPDATE_REFERENCES") == "1" or not reference.exists():
        reference.parent.mkdir(parents=True, exist_ok=True)
        reference.write_bytes(actual)
        pytest.fail(f"wrote {reference.relative_to(ROOT)}: look at it, commit it and run again")
    expected = Image.open(reference).convert("RGB")
    got = Image.open(io.BytesIO(actual)).convert("RGB")
    saved = out / f"{name}.actual.png"
    if got.size != expected.size:
        saved.write_bytes(actual)
        pytest.fail(f"{name}: {got.size} px, the reference is {expected.size} px; this run's is {saved}")
    bands = ImageChops.difference(expected, got).split()
    changed = bands[0].point(lambda v: 255 if v > CHANNEL_THRESHOLD else 0)
    for band in bands[1:]:
        changed = ImageChops.lighter(changed, band.point(lambda v: 255 if v > CHANNEL_THRESHOLD else 0))
    share = changed.histogram()[255] / (got.width * got.height)
    if share > MAX_CHANGED:
        saved.write_bytes(actual)
        changed.save(out / f"{name}.diff.png")
        pytest.fail(f"{name}: {share:.2%} of the pixels differ from the reference; this run's is {saved}")


async def _shoot(page: Page, name: str, tmp_path: Path) -> None:
    await _settled(page)
    shot = await page.screenshot(full_page=True, mask=[page.locator("[data-volatile]")], animations="disabled")
    _compare(name, shot, tmp_path)


async def _earn(portal: Portal, app_db: Database) -> str:
    """Lee completes the course, as the LMS reports by xAPI (idempotent); the award's id."""
    statement = {
        "actor": {"mbox": f"mailto:lee@{DOMAIN}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": ACTIVITY},
        "timestamp": "2026-11-29T10:00:00Z",
    }
    found: list[str] = []
    async with httpx.AsyncClient(base_url=portal.origin) as client:
        sent = await client.post(
            "/xapi/statements",
            json=statement,
            headers={"Authorization": f"Bearer {portal.api_key}", "X-Experience-API-Version": "1.0.3"},
        )
        assert sent.status_code == 200, sent.text

        async def awarded() -> bool:
            data = await _gql(
                client,
                portal.admin_token,
                "query($b: ID!) { awards(filter: {badgeClassId: $b}) { edges { node { id } } } }",
                {"b": portal.ids["safety_badge"]},
            )
            found[:] = [e["node"]["id"] for e in data["awards"]["edges"]]
            return bool(found)

        await run_jobs_until(portal.settings, app_db, awarded)
    return found[0]


async def _as_after_the_flows(portal: Portal, app_db: Database) -> None:
    """What the three flows leave behind, so the screenshots are the same run alone or after them."""
    award = await _earn(portal, app_db)
    async with httpx.AsyncClient(base_url=portal.origin) as client:
        token = portal.admin_token
        await _gql(
            client,
            token,
            "mutation($i: AwardVisibilitySetInput!) { awardVisibilitySet(input: $i) { errors { message } } }",
            {"i": {"id": award, "visibility": "PUBLIC"}},
        )
        await _gql(
            client,
            token,
            "mutation($i: TenantBrandingUpdateInput!) { tenantBrandingUpdate(input: $i) { errors { message } } }",
            {"i": {"color": "#0b7a75"}},
        )
        enrolled = await _gql(
            client,
            token,
            "query($id: ID!) { node(id: $id) { ... on Person { enrolments { edges { node { id } } } } } }",
            {"id": portal.ids["rui"]},
        )
        if not enrolled["node"]["enrolments"]["edges"]:
            await _gql(
                client,
                token,
                "mutation($i: PathwayEnrolInput!) { pathwayEnrol(input: $i) { errors { message } } }",
                {"i": {"pathwayId": portal.ids["pathway"], "personIds": [portal.ids["rui"]]}},
            )
        pathways = await _gql(client, token, "{ pathways(first: 100) { edges { node { name } } } }")
        if "Forklift Track" not in [e["node"]["name"] for e in pathways["pathways"]["edges"]]:
            data = await _gql(
                client,
                token,
                "mutation($i: PathwayCreateInput!) { pathwayCreate(input: $i) { pathway { id } errors { message } } }",
                {
                    "i": {
                        "name": "Forklift Track",
                        "requirement": {
                            "allOf": [
                                {"badgeClassId": portal.ids["safety_badge"]},
                                {"badgeClassId": portal.ids["forklift_badge"]},
                            ]
                        },
                    }
                },
            )
            await _gql(
                client,
                token,
                "mutation($id: ID!) { pathwayPublish(id: $id) { errors { message } } }",
                {"id": data["pathwayCreate"]["pathway"]["id"]},
            )


async def test_learner_earns_a_badge_by_xapi_sees_it_and_shares_it(
    browser: Browser, portal: Portal, app_db: Database, tmp_path: Path
) -> None:
    async with signed_in(browser, portal, f"lee@{DOMAIN}") as s:
        page = s.page
        await page.get_by_role("heading", name="No badges yet").wait_for()
        await _settled(page)
        # The learner's first screen (shell, badges, pathways, suggestions) is one GraphQL request,
        # sent with its persisted-query hash.
        assert len(s.graphql) == 1, s.graphql
        first = json.loads(s.graphql[0])
        assert re.fullmatch(r"[0-9a-f]{64}", first["extensions"]["persistedQuery"]["sha256Hash"])
        assert "query LearnerHome" in first["query"]

        # The LMS reports the completed course; the rule engine awards the badge.
        await _earn(portal, app_db)

        await page.reload()
        card = page.get_by_role("link", name="Safety Fundamentals")
        await card.wait_for()
        await _axe(page)
        await card.click()
        await page.get_by_role("heading", name="Safety Fundamentals", level=1).wait_for()
        await page.get_by_text("Watch the modules.").wait_for()  # the criteria, as Markdown
        await _axe(page)

        # Sharing needs the badge public: choose so, then copy the link and open the public page.
        await page.get_by_role("radio", name=re.compile("^Public")).check()
        await page.get_by_role("status").filter(has_text="Now visible to: Public").wait_for()
        await page.get_by_role("button", name="Copy link").click()
        await page.get_by_role("status").filter(has_text="Link copied").wait_for()
        copied = await page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith(f"{portal.origin}/t/{SLUG}/awards/")
        linkedin = await page.get_by_role("link", name="Add to LinkedIn").get_attribute("href")
        assert linkedin and linkedin.startswith("https://www.linkedin.com/")
        async with s.context.expect_page() as opened:
            await page.get_by_role("link", name="Open public page").click()
        public = await opened.value
        await public.wait_for_load_state()
        assert public.url == copied
        assert await public.locator("h1").first.inner_text() == "Safety Fundamentals"
        assert "Valid" in await public.locator("#status").inner_text()
        await public.close()
        assert s.problems == []


async def test_manager_sees_the_team_gap_and_enrols_a_report(browser: Browser, portal: Portal) -> None:
    async with signed_in(browser, portal, f"maya@{DOMAIN}") as s:
        page = s.page
        await page.get_by_role("link", name="My team").click()
        await page.get_by_role("heading", name="Biggest gaps").wait_for()
        gaps = page.get_by_role("list", name="People missing each skill")
        await gaps.get_by_text("Forklift operation (level 3)").wait_for()
        matrix = page.locator("table.matrix")
        assert await matrix.get_by_role("rowheader").all_inner_texts() == ["Lee Learner", "Rui Report"]
        await _axe(page)

        enrol = page.get_by_role("region", name="Enrol in a pathway")
        await enrol.get_by_label("Pathway").select_option(label="Warehouse Basics")
        await enrol.get_by_role("checkbox", name="Rui Report").check()
        await enrol.get_by_role("button", name="Enrol").click()
        await page.get_by_role("status").filter(has_text="1 person enrolled").wait_for()
        await page.get_by_role("progressbar", name="Rui Report: Warehouse Basics").wait_for()
        assert s.problems == []


async def test_admin_changes_the_branding_and_creates_a_pathway(browser: Browser, portal: Portal) -> None:
    async with signed_in(browser, portal, f"ada.admin@{DOMAIN}") as s:
        page = s.page
        await page.get_by_role("link", name="Branding").click()
        preview = page.get_by_test_id("branding-preview")
        await preview.wait_for()
        button = preview.locator(".preview-button").first
        before = await button.evaluate("e => getComputedStyle(e).backgroundColor")
        colour = page.get_by_role("textbox", name="Colour", exact=True)
        await colour.fill("#0b7a75")
        assert await button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 122, 117)" != before
        await _axe(page)
        await page.get_by_role("button", name="Save branding").click()
        await page.get_by_role("status").filter(has_text="Branding saved").wait_for()
        # The portal itself now wears the new colour.
        await page.reload()
        await page.get_by_role("button", name="Save branding").wait_for()
        brand = await page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()")
        assert brand == "#0b7a75"

        # A pathway in the tree editor: first a step without its badge (the API's error appears on
        # that step), then fixed.
        await page.get_by_role("link", name="Pathways").nth(1).click()
        await page.get_by_role("link", name="New pathway").click()
        await page.get_by_label("Name", exact=True).fill("Forklift Track")
        tree = page.get_by_role("list", name="Requirement tree")
        await tree.get_by_role("button", name="Add a step").first.click()
        steps = tree.get_by_role("group", name="Earn a badge")
        await steps.nth(0).get_by_label("Badge", exact=True).select_option(label="Safety Fundamentals")
        await page.get_by_role("button", name="Create pathway").click()
        invalid = tree.locator(".tree-node.invalid")
        await invalid.wait_for()
        assert await invalid.locator(".field-error").count() >= 1
        await invalid.get_by_label("Badge", exact=True).select_option(label="Forklift Operator")
        await page.get_by_role("button", name="Create pathway").click()
        await page.get_by_role("status").filter(has_text="Pathway created as a draft").wait_for()
        row = page.get_by_role("row").filter(has_text="Forklift Track")
        await row.get_by_text("Draft").wait_for()
        await row.get_by_role("button", name="Publish").click()
        await row.get_by_text("Published").wait_for()
        assert s.problems == []


@pytest.mark.parametrize("width", [1280, 390])
async def test_main_screens_look_as_designed(
    browser: Browser, portal: Portal, app_db: Database, width: int, tmp_path: Path
) -> None:
    await _as_after_the_flows(portal, app_db)
    async with signed_in(browser, portal, f"lee@{DOMAIN}", width) as s:
        await s.page.get_by_role("link", name="Safety Fundamentals").wait_for()
        await _shoot(s.page, f"learner-home-{width}", tmp_path)
        await _axe(s.page)
        await s.page.goto(f"{portal.url}pathways")
        await s.page.get_by_role("heading", name="My pathways").wait_for()
        await _shoot(s.page, f"learner-pathways-{width}", tmp_path)
        await _axe(s.page)
    async with signed_in(browser, portal, f"maya@{DOMAIN}", width) as s:
        await s.page.goto(f"{portal.url}team")
        await s.page.get_by_role("heading", name="Biggest gaps").wait_for()
        await _shoot(s.page, f"manager-team-{width}", tmp_path)
    async with signed_in(browser, portal, f"ada.admin@{DOMAIN}", width) as s:
        await s.page.goto(f"{portal.url}admin/branding")
        await s.page.get_by_test_id("branding-preview").wait_for()
        await _shoot(s.page, f"admin-branding-{width}", tmp_path)
        if width < 600:
            await s.page.get_by_role("button", name="Menu").click()
            await s.page.get_by_role("navigation", name="Main").get_by_role("link", name="People").wait_for()
            await _axe(s.page)
