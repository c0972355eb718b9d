"""The public verification page in a real browser (Debian's chromium, driven by Playwright).

The app is served by uvicorn on 127.0.0.1 in this process; the browser reaches it as the tenant's
public origin ``http://badges.northwind.test`` (chromium's host resolver maps that name to the
server), so every URL on the page is fixed and the screenshots are deterministic. Awards in each
state (valid, expired, suspended, revoked) have fixed ids, names and dates; only the time of the
check changes, and it is masked. Screenshots at 1280 and 390 px wide (and one in print media)
are compared with the reference PNGs in tests/references/verification/: a missing reference, or
``INSIGNIA_UPDATE_REFERENCES=1``, writes it and fails, so nobody gets a silent pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from PIL import Image, ImageChops
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy import select

from insignia.app import create_app
from insignia.infra.db import Database, set_tenant
from insignia.infra.settings import Settings
from insignia.platform.branding.brand import Brand
from insignia.platform.credentials.issuing import STATUS_PURPOSE, allocate_status_indexes
from insignia.platform.credentials.models import Award, BadgeClass, BadgeClassSkill
from insignia.platform.learning.models import Skill
from insignia.platform.openbadges import sharing
from insignia.platform.openbadges.images import validate_image
from insignia.tenants.models import Audience, Person, TenantSettings
from insignia.tenants.tenant import create_tenant
from tests.support import free_port

pytestmark = pytest.mark.asyncio

CHROMIUM = "/usr/bin/chromium"
HOST = "badges.northwind.test"
PUBLIC_URL = f"http://{HOST}"
SLUG = "northwind-verify"
ROOT = Path(__file__).parent.parent
REFERENCES = Path(__file__).parent / "references" / "verification"
AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
# A pixel differs when one of its channels moves by more than this; a screenshot differs when
# more than MAX_CHANGED of its pixels do (font anti-aliasing wobbles, layouts do not).
CHANNEL_THRESHOLD = 24
MAX_CHANGED = 0.005

BADGE_ID = uuid.UUID("01959a5e-3c00-7000-8000-00000000b001")
LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">
<rect width="40" height="40" rx="9" fill="#0b7a75"/>
<path d="M11 30V10h4.6l9.2 12.3V10H29v20h-4.5L15.2 17.6V30z" fill="#ffffff"/></svg>"""
CRITERIA = """Candidates must:

1. Complete the **Forklift Safety** course and pass its exam with 80% or more.
2. Log *40 hours* of supervised driving in a live warehouse.
3. Pass a practical assessment with a certified assessor.

The [assessment handbook](https://northwind.example/handbook) lists what the assessor looks for."""


@dataclasses.dataclass(frozen=True)
class Seeded:
    state: str
    award_id: uuid.UUID
    person_id: uuid.UUID
    name: str
    public: bool
    issued: datetime
    expires: datetime | None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


AWARDS = {
    s.state: s
    for s in (
        Seeded(
            "valid",
            uuid.UUID("01959a5e-3c00-7000-8000-00000000a001"),
            uuid.UUID("01959a5e-3c00-7000-8000-00000000c001"),
            "Maya Okafor",
            True,
            _at("2025-03-14T09:30:00"),
            _at("2035-03-14T09:30:00"),
            {
                "evidence_url": "https://portfolio.northwind.example/maya/forklift-assessment",
                "evidence_narrative": "Practical assessment passed at the **Rotterdam** distribution centre.",
                "delegated_issuer": "Initech Training Partners",
            },
        ),
        Seeded(
            "expired",
            uuid.UUID("01959a5e-3c00-7000-8000-00000000a002"),
            uuid.UUID("01959a5e-3c00-7000-8000-00000000c002"),
            "Jonas Lindqvist",
            False,
            _at("2022-06-01T08:00:00"),
            _at("2024-06-01T08:00:00"),
            {"expired_at": _at("2024-06-01T08:05:00")},
        ),
        Seeded(
            "suspended",
            uuid.UUID("01959a5e-3c00-7000-8000-00000000a003"),
            uuid.UUID("01959a5e-3c00-7000-8000-00000000c003"),
            "Priya Raman",
            True,
            _at("2025-01-20T10:00:00"),
            _at("2030-01-20T10:00:00"),
            {
                "suspended_at": _at("2025-09-02T14:00:00"),
                "suspension_reason": "Under review: exam irregularity",
                "status_changed_at": _at("2025-09-02T14:00:00"),
            },
        ),
        Seeded(
            "revoked",
            uuid.UUID("01959a5e-3c00-7000-8000-00000000a004"),
            uuid.UUID("01959a5e-3c00-7000-8000-00000000c004"),
            "Tomás Ruiz",
            False,
            _at("2024-11-05T11:00:00"),
            _at("2029-11-05T11:00:00"),
            {
                "revoked_at": _at("2025-02-11T16:00:00"),
                "revocation_reason": "Issued in error",
                "status_changed_at": _at("2025-02-11T16:00:00"),
            },
        ),
    )
}


async def _seed(owner_db: Database) -> None:
    """A tenant with its brand, one published badge with skills, and one award in each state."""
    async with owner_db.session() as s:
        tenant, _admin = await create_tenant(
            s, slug=SLUG, name="Northwind Logistics", admin_email="admin@northwind.example"
        )
        await set_tenant(s, tenant.id)
        logo, logo_type = validate_image(LOGO, "image/svg+xml")
        s.add(
            TenantSettings(tenant_id=tenant.id, brand_color="#0b7a75", brand_logo_data=logo, brand_logo_type=logo_type)
        )
        audience = await s.scalar(select(Audience.id).where(Audience.kind == "employee").limit(1))
        audience = audience or await s.scalar(select(Audience.id).limit(1))
        s.add(
            BadgeClass(
                tenant_id=tenant.id,
                id=BADGE_ID,
                name="Advanced Forklift Operation",
                description="Awarded to operators who run counterbalance and reach trucks safely in a live "
                "warehouse, plan lifts, and coach new drivers on site rules.",
                criteria_narrative=CRITERIA,
                status="published",
                criteria={"mode": "all_of", "requirements": []},
                criteria_version=1,
                criteria_refs=[],
                published_at=_at("2024-01-08T09:00:00"),
            )
        )
        skills = [uuid.UUID(f"01959a5e-3c00-7000-8000-00000000d00{n}") for n in range(1, 5)]
        for skill_id, name in zip(
            skills, ("Forklift operation", "Load planning", "Warehouse safety", "Coaching"), strict=True
        ):
            s.add(Skill(tenant_id=tenant.id, id=skill_id, name=name))
        await s.flush()  # no ORM relationships: rows go in the foreign keys' order
        s.add_all(BadgeClassSkill(tenant_id=tenant.id, badge_class_id=BADGE_ID, skill_id=i) for i in skills)
        for seeded in AWARDS.values():
            first, last = seeded.name.split(" ", 1)
            s.add(
                Person(
                    tenant_id=tenant.id,
                    id=seeded.person_id,
                    email=f"{first.lower()}@northwind.example",
                    name=seeded.name,
                    audience_id=audience,
                    roles=["learner"],
                    profile_public=seeded.public,
                    given_name=first,
                    family_name=last,
                )
            )
        await s.flush()
        indexes = await allocate_status_indexes(s, tenant.id, len(AWARDS))
        for seeded, index in zip(AWARDS.values(), indexes, strict=True):
            s.add(
                Award(
                    tenant_id=tenant.id,
                    id=seeded.award_id,
                    badge_class_id=BADGE_ID,
                    recipient_id=seeded.person_id,
                    criteria_version=1,
                    issued_at=seeded.issued,
                    expires_at=seeded.expires,
                    issuer_kind="operator",
                    visibility="public",
                    status_purpose=STATUS_PURPOSE,
                    status_index=index,
                    **seeded.extra,
                )
            )
        await s.commit()


class _Server(uvicorn.Server):
    """uvicorn in this event loop, leaving pytest's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest.fixture(scope="module")
async def server(settings: Settings, app_db: Database, owner_db: Database) -> AsyncIterator[str]:
    """The app on a real socket, its public URL the tenant-facing origin the browser uses."""
    await _seed(owner_db)
    app = create_app(dataclasses.replace(settings, public_url=PUBLIC_URL), app_db, dispose_on_shutdown=False)
    port = free_port()
    running = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(running.serve())
    for _ in range(500):
        if running.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert running.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    await asyncio.wait_for(task, 10)


@pytest.fixture(scope="module")
async def browser(server: str) -> AsyncIterator[Browser]:
    if not HAVE_CHROMIUM:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does")
    port = server.rsplit(":", 1)[1]
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                f"--host-resolver-rules=MAP {HOST} 127.0.0.1:{port}",
                "--force-color-profile=srgb",
                "--font-render-hinting=none",
                "--hide-scrollbars",
            ],
        )
        yield launched
        await launched.close()


def _page_url(state: str) -> str:
    return f"{PUBLIC_URL}/t/{SLUG}/awards/{AWARDS[state].award_id}"


@contextlib.asynccontextmanager
async def _open(browser: Browser, state: str, width: int) -> AsyncIterator[tuple[Page, list[str]]]:
    """The page of ``state`` at ``width`` px, and what the browser complained about (console errors,
    CSP violations, script errors)."""
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
    try:
        page = await context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        response = await page.goto(_page_url(state), wait_until="networkidle")
        assert response is not None and response.status == 200
        await page.evaluate("document.fonts.ready.then(() => true)")
        yield page, problems
    finally:
        await context.close()


def _compare(name: str, actual: bytes, out: Path) -> None:
    reference = REFERENCES / f"{name}.png"
    if os.environ.get("INSIGNIA_UPDATE_REFERENCES") == "1" or not reference.exists():
        reference.parent.mkdir(parents=True, exist_ok=True)
        reference.write_bytes(actual)
        pytest.fail(
            f"wrote the reference screenshot {reference.relative_to(ROOT)}: look at it, commit it and run "
            "again (a run that writes references does not pass)"
        )
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
        pytest.fail(
            f"{name}: {share:.2%} of the pixels differ from {reference.relative_to(ROOT)} (at most {MAX_CHANGED:.1%}); "
            f"this run's screenshot is {saved}, the difference {out / f'{name}.diff.png'}"
        )


PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: http://badges.northwind.test; "
    "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _assert_hardened(response: httpx.Response, csp: str | None = None) -> None:
    assert response.headers["x-frame-options"] == "DENY", response.url
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin", response.url
    assert response.headers["x-content-type-options"] == "nosniff", response.url
    policy = response.headers["content-security-policy"]
    if csp is not None:
        assert policy == csp, response.url
    else:
        assert "default-src 'none'" in policy and "sandbox" in policy, (response.url, policy)


async def test_markdown_and_colours_are_safe() -> None:
    html = sharing.markdown_html(
        "**Bold** <script>alert(1)</script> <b onclick=x>b</b> [ok](https://a.example/x) [mail](mailto:a@b.example) "
        "[js](javascript:alert(1)) [JS](JaVaScRiPt:alert(1)) [data](data:text/html,x) [rel](/admin) "
        "[proto](//evil.example) <javascript:alert(1)> ![pic](https://tracker.example/p.png)"
    )
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "<b " not in html and "&lt;script&gt;" in html
    assert '<a href="https://a.example/x" rel="nofollow ugc noopener">ok</a>' in html
    assert '<a href="mailto:a@b.example" rel="nofollow ugc noopener">mail</a>' in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://a.example/x", "mailto:a@b.example"], hrefs
    assert "<img" not in html and "tracker.example" not in html and "pic" in html
    # Any brand colour gives links and buttons an AA contrast on the pages' backgrounds.
    for colour in ("#1f6feb", "#ffdd00", "#00ffff", "#ffffff", "#0b7a75", "#000000"):
        css = sharing.theme_css(Brand(color=colour, logo_url=None))
        ink = re.search(r"--brand-ink: (#[0-9a-f]{6})", css)
        soft = re.search(r"--brand-soft: (#[0-9a-f]{6})", css)
        assert ink and soft
        for background in ("#ffffff", "#f5f7fa", soft.group(1)):
            assert sharing.contrast(ink.group(1), background) >= 4.5, (colour, background)


async def test_security_headers_and_no_inline_code(server: str) -> None:
    base = f"/t/{SLUG}"
    valid = AWARDS["valid"].award_id
    async with httpx.AsyncClient(base_url=server) as client:
        for state, seeded in AWARDS.items():
            page = await client.get(f"{base}/awards/{seeded.award_id}")
            assert page.status_code == 200
            _assert_hardened(page, PAGE_CSP)
            html = page.text
            assert not re.search(r"<script(?![^>]*\ssrc=)", html), state  # no inline script
            assert "<style" not in html and not re.search(r"\sstyle=", html), state  # no inline style
            assert not re.search(r"\son[a-z]+=", html), state  # no event handler attributes
            assert re.search(r'<script src="\.\./static/verify\.js\?v=[0-9a-f]+" defer></script>', html)
            assert 'id="checked-at"' in html and '<meta property="og:title"' in html
            assert seeded.name in html if seeded.public else "The recipient (name not public)" in html
        pages = {state: (await client.get(f"{base}/awards/{s.award_id}")).text for state, s in AWARDS.items()}
        assert '<p class="status" id="status">Valid</p>' in pages["valid"]
        assert "Issued through <strong>Initech Training Partners</strong> on behalf of" in pages["valid"]
        assert "<ol>" in pages["valid"] and "<strong>Forklift Safety</strong>" in pages["valid"]
        assert 'href="https://portfolio.northwind.example/maya/forklift-assessment"' in pages["valid"]
        assert pages["valid"].count('class="check pass"') == 4 and "<span>Verified</span>" in pages["valid"]
        assert "Add to LinkedIn profile" in pages["valid"]
        assert "Expired on 1 June 2024." in pages["expired"] and "<span>Expired</span>" in pages["expired"]
        assert pages["expired"].count('class="check pass"') == 3  # issuer, signature, status
        assert "Suspended by the issuer, according to the issuer&#x27;s signed status list." in pages["suspended"]
        assert "irregularity" not in pages["suspended"]
        assert '<p class="status" id="status">Revoked: Issued in error</p>' in pages["revoked"]
        assert "Revoked by the issuer, according to the issuer&#x27;s signed status list." in pages["revoked"]
        assert (
            "downloads are not available for a revoked badge" in pages["revoked"] and "LinkedIn" not in pages["revoked"]
        )

        # Every other public answer: documents, images, the profile, the page's own files, a 404.
        documents = [
            f"{base}/ob2/assertions/{valid}",
            f"{base}/ob2/badges/{BADGE_ID}",
            f"{base}/ob2/issuer",
            f"{base}/ob3/credentials/{valid}",
            f"{base}/did.json",
            f"{base}/ob3/status/message/0",
            f"{base}/ob2/assertions/{AWARDS['revoked'].award_id}",  # 410
            f"{base}/brand/theme.css",
            f"{base}/static/verify.js",
            f"{base}/static/verify.css",
            f"{base}/static/nothing.js",
            f"{base}/awards/not-an-id/image.png",
            "/t/no-such-tenant/ob2/issuer",
        ]
        for url in documents:
            _assert_hardened(await client.get(url))
        for url in (
            f"{base}/awards/{valid}/image.svg",
            f"{base}/awards/{valid}/image.png",
            f"{base}/awards/{valid}/baked/ob2.png",
            f"{base}/ob2/badges/{BADGE_ID}/image",
            f"{base}/brand/logo",
        ):
            image = await client.get(url)
            assert image.status_code == 200 and image.headers["content-type"].startswith("image/"), url
            _assert_hardened(image, "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        profile = await client.get(f"{base}/people/{AWARDS['valid'].person_id}")
        assert profile.status_code == 200 and "<h1>Maya Okafor</h1>" in profile.text
        _assert_hardened(profile, PAGE_CSP)
        assert "<style" not in profile.text and not re.search(r"\sstyle=", profile.text)
        missing = await client.get(f"{base}/awards/00000000-0000-7000-8000-000000000000")
        assert missing.status_code == 404
        _assert_hardened(missing, PAGE_CSP)
        script = await client.get(f"{base}/static/verify.js")
        assert script.headers["content-type"].startswith("text/javascript")
        cached = await client.get(f"{base}/static/verify.js", headers={"If-None-Match": script.headers["etag"]})
        assert cached.status_code == 304
        theme = (await client.get(f"{base}/brand/theme.css")).text
        assert "--brand: #0b7a75;" in theme and ":root {" in theme
        font = re.search(r'url\("\.\./(static/fonts/[^"]+)"\)', theme)
        assert font is not None  # the brand's type family, served with the page
        served = await client.get(f"{base}/{font.group(1)}")
        assert served.status_code == 200 and served.headers["content-type"] == "font/ttf"


SHOTS = [(state, width) for state in AWARDS for width in (1280, 390)]


@pytest.mark.parametrize(("state", "width"), SHOTS, ids=[f"{s}-{w}" for s, w in SHOTS])
async def test_screenshot(browser: Browser, state: str, width: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    async with _open(browser, state, width) as (page, problems):
        shot = await page.screenshot(
            full_page=True, mask=[page.locator("#checked-at")], animations="disabled", caret="hide"
        )
        assert problems == []
    _compare(f"{state}-{width}", shot, tmp_path_factory.mktemp("screenshots"))


async def test_print_stylesheet(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> None:
    async with _open(browser, "valid", 800) as (page, _problems):
        await page.emulate_media(media="print")
        assert not await page.locator(".actions").is_visible()
        assert await page.locator(".verify").is_visible() and await page.locator(".print-only").is_visible()
        shot = await page.screenshot(full_page=True, mask=[page.locator("#checked-at")], animations="disabled")
    _compare("valid-print", shot, tmp_path_factory.mktemp("screenshots"))


@pytest.mark.parametrize("state", list(AWARDS))
async def test_in_the_browser(browser: Browser, state: str) -> None:
    """Under the strict CSP the page loads everything it needs, without a complaint; axe finds
    nothing serious; "copy link" and "print" work (their script is ours, not inline)."""
    async with _open(browser, state, 1280) as (page, problems):
        broken = await page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        assert broken == []
        assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(245, 247, 250)"
        checked = await page.locator("#checked-at").get_attribute("datetime")
        assert checked and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", checked)
        await page.evaluate(AXE.read_text())
        result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        await page.evaluate("window.print = () => { window.__printed = true; }")
        await page.get_by_role("button", name="Print").click()
        assert await page.evaluate("window.__printed === true")
        if state in ("valid", "expired"):
            await page.get_by_role("button", name="Copy link").click()
            await page.get_by_text("Link copied.").wait_for()
        assert problems == []
