"""Branded badges: the badge designer (previews, saved designs, images, baking, reference renders),
brands per tenant and per audience (contrast, overrides, previews, redraw jobs), custom domains
verified through a local DNS server, and emails and pages in the reader's language."""

from __future__ import annotations

import base64
import dataclasses
import email
import email.policy
import io
import os
import re
from collections.abc import AsyncIterator
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from lxml import etree
from PIL import Image, ImageChops
from sqlalchemy import select

from insignia.app import create_app
from insignia.infra.db import Database, set_tenant
from insignia.infra.settings import Settings
from insignia.platform.branding.domain import DnsResolver
from insignia.platform.branding.models import BadgeDesignRow, TenantDomain
from insignia.platform.openbadges.baking import chunks, unbake_png
from insignia.workers.scheduler import check_pending_domains
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.dnsserver import LocalDns
from tests.support import run_jobs_until
from tests.test_credentials import ISSUE, Catalog, ok

pytestmark = pytest.mark.asyncio

ROOT = Path(__file__).parent.parent
REFERENCES = Path(__file__).parent / "references" / "badges"
CHANNEL_THRESHOLD = 24
MAX_CHANGED = 0.003

PREVIEW = "query($input: BadgeDesignInput!) { badgeDesignPreview(input: $input) }"
PREVIEW_PNG = "query($input: BadgeDesignInput!, $og: Boolean) { badgeDesignPreviewPng(input: $input, openGraph: $og) }"
UPDATE = (
    "mutation($input: BadgeClassUpdateInput!) { badgeClassUpdate(input: $input) { badgeClass { id imageUrl "
    "imagePngUrl design { shape title subtitle level icon customIcon primaryColor followsBrand } } "
    "errors { code field message } } }"
)
TENANT_BRANDING = (
    "mutation($input: TenantBrandingUpdateInput!) { tenantBrandingUpdate(input: $input) { branding { color "
    "accentColor textColor backgroundColor typography emailSenderName footerText supportUrl } "
    "errors { code field message } } }"
)
AUDIENCE_BRANDING = (
    "mutation($input: AudienceBrandingUpdateInput!) { audienceBrandingUpdate(input: $input) { audience { id name "
    "branding { color accentColor typography footerText emailSenderName audienceId overriddenFields } } "
    "errors { code field message } } }"
)
BRANDING_PREVIEW = (
    "query($a: ID) { brandingPreview(audienceId: $a) { color accentColor textColor typography logoUrl "
    "emailSenderName footerText supportUrl audienceId overriddenFields } }"
)
DOMAIN_ADD = (
    "mutation($d: String!) { tenantDomainAdd(domain: $d) { domain { id domain status txtRecordName txtRecordValue "
    "lastError } errors { code field message } } }"
)
DOMAIN_VERIFY = (
    "mutation($id: ID!) { tenantDomainVerify(id: $id) { domain { id domain status verifiedAt lastError } "
    "errors { code field message } } }"
)
ICON_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#ffd166"/><stop offset="1" stop-color="#ef476f"/></linearGradient></defs>
<path d="M16 2l4.2 8.6 9.4 1.4-6.8 6.6 1.6 9.4L16 23.6 7.6 28l1.6-9.4L2.4 12l9.4-1.4z" fill="url(#g)"/></svg>"""


def _png(data_url: str) -> bytes:
    assert data_url.startswith("data:image/png;base64,")
    return base64.b64decode(data_url.split(",", 1)[1])


def _compare(name: str, actual: bytes, out: Path) -> str | None:
    """The rendered PNG against tests/references/badges/<name>.png, by a pixel tolerance; what is
    wrong, or None. A missing reference, or INSIGNIA_UPDATE_REFERENCES=1, writes it and counts as a
    failure (look at it, commit it, run again), so nobody gets a silent pass."""
    reference = REFERENCES / f"{name}.png"
    if os.environ.get("INSIGNIA_UPDATE_REFERENCES") == "1" or not reference.exists():
        reference.parent.mkdir(parents=True, exist_ok=True)
        reference.write_bytes(actual)
        return f"wrote {reference.relative_to(ROOT)}: look at it, commit it and run again"
    expected = Image.open(reference).convert("RGBA")
    got = Image.open(io.BytesIO(actual)).convert("RGBA")
    assert got.size == expected.size, (name, got.size, expected.size)
    bands = ImageChops.difference(expected, got).split()
    changed = bands[0].point(lambda v: 255 if v > CHANNEL_THRESHOLD else 0)
    for band in bands[1:]:
        changed = ImageChops.lighter(changed, band.point(lambda v: 255 if v > CHANNEL_THRESHOLD else 0))
    share = changed.histogram()[255] / (got.width * got.height)
    if share > MAX_CHANGED:
        (out / f"{name}.png").write_bytes(actual)
        changed.save(out / f"{name}.diff.png")
        return f"{name}: {share:.2%} of the pixels differ from {reference.relative_to(ROOT)} (see {out})"
    return None


def _assert_clean_svg(svg: str) -> None:
    """No script, no event handler, no reference to anything outside the document, no text left to
    a font (titles are outlines)."""
    root = etree.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        assert local not in {"script", "foreignObject", "image", "a", "text", "style", "iframe"}, local
        for attribute, value in element.attrib.items():
            name = etree.QName(attribute).localname
            assert not name.lower().startswith("on"), name
            if name == "href":
                assert value.startswith("#"), value
            for target in re.findall(r"url\(\s*['\"]?([^)'\"]*)", value):
                assert target.startswith("#"), value
    assert "javascript:" not in svg.lower() and "http://" not in svg.replace("http://www.w3.org/", "")


DESIGNS: dict[str, dict[str, Any]] = {
    "circle-level": {
        "shape": "CIRCLE", "title": "Safety Champion", "subtitle": "Warehouse operations", "level": "Level 2",
        "icon": "shield-check", "primaryColor": "#0b7a75", "accentColor": "#f2a900",
    },
    "shield-long-title": {
        "shape": "SHIELD", "title": "Advanced Occupational Health and Safety Leadership for Distribution Centres",
        "icon": "trophy", "primaryColor": "#1f3a93", "accentColor": "#e0b84c",
    },
    "hexagon-greek": {
        "shape": "HEXAGON", "title": "Ασφάλεια Εργασίας", "subtitle": "Πιστοποίηση", "icon": "chart",
        "primaryColor": "#6b2fa3", "accentColor": "#ffcc4d", "typography": "SOURCE_SANS_3",
    },
    "ribbon-cyrillic": {
        "shape": "RIBBON", "title": "Безопасность на складе", "level": "Уровень 1", "icon": "star",
        "primaryColor": "#b3261e", "accentColor": "#1d4e89", "typography": "IBM_PLEX_SANS",
    },
    "square-custom-icon": {
        "shape": "ROUNDED_SQUARE", "title": "Arbeitssicherheitsbeauftragter", "subtitle": "Zertifiziert",
        "iconSvgBase64": base64.b64encode(ICON_SVG).decode(), "primaryColor": "#14213d", "accentColor": "#fca311",
    },
}  # fmt: skip


async def test_previews_match_the_reference_renders_and_stay_clean(
    seeder: Seeder, gql: GraphQLClient, tmp_path: Path
) -> None:
    t = await seeder.tenant()
    problems: list[str | None] = []
    for name, design in DESIGNS.items():
        svg = (await gql(t.tokens["issuer"], PREVIEW, {"input": design}))["badgeDesignPreview"]
        _assert_clean_svg(svg)
        assert design["title"] in svg  # in <title> and aria-label: the outlines are not readable text
        png = _png((await gql(t.tokens["issuer"], PREVIEW_PNG, {"input": design}))["badgeDesignPreviewPng"])
        assert Image.open(io.BytesIO(png)).size == (600, 600)
        problems.append(_compare(name, png, tmp_path))
    og = _png(
        (await gql(t.tokens["issuer"], PREVIEW_PNG, {"input": DESIGNS["circle-level"], "og": True}))[
            "badgeDesignPreviewPng"
        ]
    )
    assert Image.open(io.BytesIO(og)).size == (1200, 630)
    problems.append(_compare("og-card", og, tmp_path))
    assert not [p for p in problems if p], problems
    # A learner may not use the designer.
    denied = await gql.raw(t.tokens["learner"], PREVIEW, {"input": DESIGNS["circle-level"]})
    assert denied.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def _badge(gql: GraphQLClient, t: SeededTenant, name: str = "Forklift Pro") -> str:
    created = await ok(
        gql,
        t.tokens["issuer"],
        'mutation($n: String!) { badgeClassCreate(input: {name: $n, description: "Drives safely."}) '
        "{ badgeClass { id } errors { code field message } } }",
        {"n": name},
    )
    badge: str = created["badgeClass"]["id"]
    await ok(
        gql, t.tokens["issuer"], "mutation($id: ID!) { badgeClassPublish(id: $id) { errors { code } } }", {"id": badge}
    )
    return badge


def _path(url: str) -> str:
    return urlsplit(url).path


async def test_a_saved_design_is_the_badge_image_everywhere(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    badge = await _badge(gql, t)
    design = {"shape": "HEXAGON", "title": "Forklift Pro", "level": "Gold", "icon": "bolt", "primaryColor": "#204e4a"}
    saved = await ok(gql, t.tokens["issuer"], UPDATE, {"input": {"id": badge, "design": design}})
    assert saved["badgeClass"]["design"] == {
        "shape": "HEXAGON", "title": "Forklift Pro", "subtitle": None, "level": "Gold", "icon": "bolt",
        "customIcon": False, "primaryColor": "#204e4a", "followsBrand": True,
    }  # fmt: skip
    image = await client.get(_path(saved["badgeClass"]["imageUrl"]))
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/svg+xml")
    _assert_clean_svg(image.text)
    assert image.headers["content-security-policy"].endswith("sandbox")
    png = await client.get(_path(saved["badgeClass"]["imagePngUrl"]))
    assert Image.open(io.BytesIO(png.content)).size == (600, 600)
    og = await client.get(_path(saved["badgeClass"]["imageUrl"]).replace("/image", "/og.png"))
    assert Image.open(io.BytesIO(og.content)).size == (1200, 630)

    learner = gid("Person", t.people["learner"].id)
    award = (
        await ok(
            gql,
            t.tokens["issuer"],
            ISSUE,
            {"input": {"badgeClassId": badge, "recipientId": learner, "visibility": "PUBLIC"}},
        )
    )["award"]["id"]
    links = (
        await gql(
            t.tokens["issuer"],
            "query($id: ID!) { node(id: $id) { ... on Award { verificationUrl openBadge2Url "
            "png: bakedImageUrl(format: PNG, version: V2) v3: bakedImageUrl(format: PNG, version: V3) } } }",
            {"id": award},
        )
    )["node"]
    baked = (await client.get(_path(links["png"]))).content
    assert unbake_png(baked) == links["openBadge2Url"]
    # The baked badge is the rendered design: a 600 x 600 image, not the old plain disc.
    header = next(data for kind, data in chunks(baked) if kind == b"IHDR")
    assert int.from_bytes(header[:4], "big") == 600
    assert png.content[:-12] in baked or Image.open(io.BytesIO(baked)).size == (600, 600)
    assert unbake_png((await client.get(_path(links["v3"]))).content, keyword="openbadgecredential")
    page = (await client.get(_path(links["verificationUrl"]))).text
    og_url = re.search(r'<meta property="og:image" content="([^"]+)">', page)
    assert og_url is not None and og_url.group(1).endswith("/og.png")
    card = await client.get(_path(og_url.group(1)))
    assert card.status_code == 200 and Image.open(io.BytesIO(card.content)).size == (1200, 630)
    # Images drawn on request (the default design of a badge class without one; a status variant)
    # are rasterised off the event loop, in worker threads.
    plain = await _badge(gql, t, "Plain Badge")
    other = (
        await ok(
            gql,
            t.tokens["issuer"],
            ISSUE,
            {"input": {"badgeClassId": plain, "recipientId": learner, "visibility": "PUBLIC"}},
        )
    )["award"]["id"]
    live = links["verificationUrl"].replace(award_uuid(award), award_uuid(other)) + "/image.png"
    drawn = await client.get(_path(live))
    assert drawn.status_code == 200 and Image.open(io.BytesIO(drawn.content)).size == (600, 600)
    revoke = 'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Test"}) { errors { code } } }'
    await ok(gql, t.tokens["issuer"], revoke, {"id": award})
    grey = await client.get(_path(links["verificationUrl"] + "/image.png"))
    assert grey.status_code == 200 and grey.content != png.content
    assert (await client.get(_path(links["verificationUrl"] + "/og.png"))).status_code == 200
    # Uploading an image replaces the design.
    upload = (
        "mutation($id: ID!, $b: String!) { badgeClassImageSet(id: $id, imageBase64: $b, format: SVG) "
        "{ badgeClass { design { shape } imagePngUrl } errors { code } } }"
    )
    svg = base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>'
    )
    replaced = await ok(gql, t.tokens["issuer"], upload, {"id": badge, "b": svg.decode()})
    assert replaced["badgeClass"] == {"design": None, "imagePngUrl": None}


async def test_bad_designs_are_refused_and_nothing_is_written(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    t = await seeder.tenant()
    badge = await _badge(gql, t, "Untouched")
    base = {"shape": "CIRCLE", "title": "Fine"}
    script_icon = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="4"/></svg>'
    handler_icon = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" onload="alert(1)"/></svg>'
    external_icon = b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/x)"/></svg>'
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({**base, "icon": "dragon"}, "design.icon", "Unknown icon"),
        ({**base, "title": "x" * 10_000}, "design.title", "at most 80"),
        ({**base, "title": "徽章"}, "design.title", "Latin, Greek and Cyrillic"),
        ({**base, "iconSvgBase64": base64.b64encode(script_icon).decode()}, "design.iconSvgBase64", "<script>"),
        ({**base, "iconSvgBase64": base64.b64encode(handler_icon).decode()}, "design.iconSvgBase64", "event handler"),
        ({**base, "iconSvgBase64": base64.b64encode(external_icon).decode()}, "design.iconSvgBase64", "outside"),
        ({**base, "primaryColor": "#ffffff", "textColor": "#eeeeee"}, "design.textColor", "contrast of 1.1"),
        ({**base, "primaryColor": "blue"}, "design.primaryColor", "hex colour"),
    ]
    for design, field, words in cases:
        data = await gql(t.tokens["issuer"], UPDATE, {"input": {"id": badge, "name": "Renamed", "design": design}})
        errors = data["badgeClassUpdate"]["errors"]
        assert [e["field"] for e in errors] == [field], (design, errors)
        assert words in errors[0]["message"], errors
    # Every mistake of one design at once, each under the field as sent.
    many = {**base, "icon": "dragon", "title": "x" * 10_000, "accentColor": "nope"}
    data = await gql(t.tokens["issuer"], UPDATE, {"input": {"id": badge, "design": many}})
    assert {e["field"] for e in data["badgeClassUpdate"]["errors"]} == {
        "design.icon",
        "design.title",
        "design.accentColor",
    }
    # An unknown shape is refused by the schema itself.
    shape = await gql.raw(t.tokens["issuer"], UPDATE, {"input": {"id": badge, "design": {**base, "shape": "STAR"}}})
    assert "STAR" in shape.json()["errors"][0]["message"]
    preview = await gql.raw(t.tokens["issuer"], PREVIEW, {"input": {**base, "title": "x" * 10_000}})
    assert preview.json()["errors"][0]["extensions"] == {"code": "INVALID", "field": "title"}
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        assert (await s.scalars(select(BadgeDesignRow))).all() == []
    names = await gql(t.tokens["issuer"], "{ badgeClasses { edges { node { name } } } }")
    assert [e["node"]["name"] for e in names["badgeClasses"]["edges"]] == ["Untouched"]


async def test_brand_contrast_and_input_are_checked_all_at_once(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    data = await gql(
        t.tokens["admin"],
        TENANT_BRANDING,
        {
            "input": {
                "textColor": "#777777",
                "backgroundColor": "#ffffff",
                "supportUrl": "ftp://x",
                "emailReplyTo": "no",
            }
        },
    )
    errors = {e["field"]: e["message"] for e in data["tenantBrandingUpdate"]["errors"]}
    assert set(errors) == {"supportUrl", "emailReplyTo"}  # the contrast is checked once the values are valid
    data = await gql(t.tokens["admin"], TENANT_BRANDING, {"input": {"textColor": "#777777"}})
    [error] = data["tenantBrandingUpdate"]["errors"]
    assert error["field"] == "textColor"
    assert "textColor #777777 on backgroundColor #ffffff has a contrast of 4.48:1" in error["message"]
    assert "4.5:1" in error["message"]
    unchanged = (await gql(t.tokens["admin"], BRANDING_PREVIEW))["brandingPreview"]
    assert unchanged["textColor"] == "#1f2933"
    dark = await gql(t.tokens["admin"], TENANT_BRANDING, {"input": {"backgroundColor": "#333333"}})
    assert dark["tenantBrandingUpdate"]["errors"][0]["field"] == "backgroundColor"
    assert (await gql(t.tokens["learner"], TENANT_BRANDING, {"input": {"color": "#123456"}}))["tenantBrandingUpdate"][
        "errors"
    ] == [{"code": "FORBIDDEN", "field": None, "message": "Only tenant admins can change the organisation's branding."}]


async def test_audience_brand_overrides_the_tenants_everywhere(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, settings: Settings, app_db: Database
) -> None:
    t = await seeder.tenant()
    await ok(
        gql,
        t.tokens["admin"],
        TENANT_BRANDING,
        {"input": {"color": "#0b7a75", "footerText": "Acme Academy", "supportUrl": "https://help.acme.example"}},
    )
    partners = gid("Audience", t.audiences["partners"])
    updated = await ok(
        gql,
        t.tokens["admin"],
        AUDIENCE_BRANDING,
        {"input": {"audienceId": partners, "color": "#7a1fa2", "typography": "IBM_PLEX_SANS",
                   "emailSenderName": "Initech Partner Academy", "footerText": "Initech · Partner programme"}},
    )  # fmt: skip
    assert updated["audience"]["branding"] == {
        "color": "#7a1fa2", "accentColor": "#f2a900", "typography": "IBM_PLEX_SANS",
        "footerText": "Initech · Partner programme", "emailSenderName": "Initech Partner Academy",
        "audienceId": partners, "overriddenFields": ["color", "typography", "emailSenderName", "footerText"],
    }  # fmt: skip
    preview = (await gql(t.tokens["admin"], BRANDING_PREVIEW, {"a": partners}))["brandingPreview"]
    assert preview["color"] == "#7a1fa2" and preview["supportUrl"] == "https://help.acme.example"  # the tenant's
    tenant_only = await gql(t.tokens["admin"], BRANDING_PREVIEW, {"a": gid("Audience", t.audiences["customers"])})
    assert tenant_only["brandingPreview"]["color"] == "#0b7a75" and tenant_only["brandingPreview"]["audienceId"] is None
    assert (await gql.raw(t.tokens["learner"], BRANDING_PREVIEW)).json()["errors"][0]["extensions"][
        "code"
    ] == "FORBIDDEN"
    # An override below contrast is refused, naming the pair.
    bad = await gql(t.tokens["admin"], AUDIENCE_BRANDING, {"input": {"audienceId": partners, "textColor": "#aaaaaa"}})
    assert bad["audienceBrandingUpdate"]["errors"][0]["field"] == "textColor"

    badge = await _badge(gql, t, "Partner Seller")
    issued = {}
    for who in ("partner", "learner"):
        person = gid("Person", t.people[who].id)
        issued[who] = (
            await ok(
                gql,
                t.tokens["issuer"],
                ISSUE,
                {"input": {"badgeClassId": badge, "recipientId": person, "visibility": "PUBLIC"}},
            )
        )["award"]["id"]
    pages = {}
    for who, award in issued.items():
        url = (
            await gql(
                t.tokens["issuer"],
                "query($id: ID!) { node(id: $id) { ... on Award { verificationUrl } } }",
                {"id": award},
            )
        )["node"]["verificationUrl"]
        pages[who] = (await client.get(_path(url))).text
    theme = re.search(r'href="\.\./(brand/theme\.css\?[^"]+)"', pages["partner"])
    assert theme is not None and "a=" in theme.group(1)
    css = (await client.get(f"/t/{t.slug}/{theme.group(1).replace('&amp;', '&')}")).text
    assert "--brand: #7a1fa2" in css and '"IBM Plex Sans"' in css
    assert "Initech · Partner programme" in pages["partner"] and "Acme Academy" in pages["learner"]
    assert "Initech" not in pages["learner"]

    async def mailed() -> bool:
        return all(_mails(settings, f"{who}@{t.slug}.example", "Partner Seller") for who in issued)

    await run_jobs_until(settings, app_db, mailed)
    [to_partner] = _mails(settings, f"partner@{t.slug}.example", "Partner Seller")
    [to_learner] = _mails(settings, f"learner@{t.slug}.example", "Partner Seller")
    assert to_partner["From"].startswith("Initech Partner Academy <") and "#7a1fa2" in _html(to_partner)
    assert "#0b7a75" in _html(to_learner) and "#7a1fa2" not in _html(to_learner)
    assert "Help and support" in _html(to_partner) and "https://help.acme.example" in _text(to_partner)


def _mails(settings: Settings, address: str, subject_part: str) -> list[EmailMessage]:
    assert settings.email_dir is not None
    found = []
    for path in settings.email_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["to"] == address and subject_part in message["subject"]:
            found.append(message)
    return found  # type: ignore[return-value]


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Checker(HTMLParser):
    """A basic check of an email's HTML with a real parser: every element closed in order, images listed."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.images: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")
            if not dict(attrs).get("alt"):
                self.problems.append("an image without alt text")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1] if self.open else 'nothing'}")
        else:
            self.open.pop()


async def _check_email(message: EmailMessage, client: httpx.AsyncClient) -> None:
    assert message.is_multipart() and _text(message).strip()
    checker = _Checker()
    checker.feed(_html(message))
    checker.close()
    assert checker.doctype and not checker.problems and not checker.open, (checker.problems, checker.open)
    for src in checker.images:
        image = await client.get(_path(src), params=dict(httpx.URL(src).params))
        assert image.status_code == 200 and image.headers["content-type"].startswith("image/"), src


async def test_emails_speak_the_recipients_language(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, settings: Settings, app_db: Database
) -> None:
    t = await seeder.tenant()
    logo = base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
    )
    await ok(gql, t.tokens["admin"], TENANT_BRANDING, {"input": {"logoBase64": logo.decode(), "logoFormat": "SVG"}})
    set_locale = (
        "mutation($l: String) { viewerProfileUpdate(locale: $l) { person { locale } errors { code field message } } }"
    )
    unknown = await gql(t.tokens["learner"], set_locale, {"l": "klingon"})
    assert unknown["viewerProfileUpdate"]["errors"][0]["field"] == "locale"
    assert "en, de, fr, es" in unknown["viewerProfileUpdate"]["errors"][0]["message"]
    assert (await ok(gql, t.tokens["learner"], set_locale, {"l": "de-CH"}))["person"] == {"locale": "de"}
    update = "mutation($id: ID!, $l: String) { personUpdate(input: {id: $id, locale: $l}) { person { locale } errors { code } } }"
    assert (await ok(gql, t.tokens["admin"], update, {"id": gid("Person", t.people["report"].id), "l": "fr"}))[
        "person"
    ] == {"locale": "fr"}
    settings_update = 'mutation { tenantSettingsUpdate(input: {defaultLocale: "es"}) { settings { defaultLocale } errors { code field } } }'
    assert (await ok(gql, t.tokens["admin"], settings_update))["settings"] == {"defaultLocale": "es"}
    bad_default = 'mutation { tenantSettingsUpdate(input: {defaultLocale: "xx"}) { errors { code field } } }'
    assert (await gql(t.tokens["admin"], bad_default))["tenantSettingsUpdate"]["errors"] == [
        {"code": "INVALID", "field": "defaultLocale"}
    ]

    c = await Catalog(t).build(gql, validity_days=30)
    for who in ("learner", "report", "customer"):
        await ok(
            gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": gid("Person", t.people[who].id)}}
        )

    def got(who: str) -> list[EmailMessage]:
        return _mails(settings, f"{who}@{t.slug}.example", "Certified Forklift Operator")

    async def mailed() -> bool:
        return all(got(who) for who in ("learner", "report", "customer"))

    await run_jobs_until(settings, app_db, mailed)
    [german], [french], [spanish] = got("learner"), got("report"), got("customer")
    assert german["Subject"] == "Sie haben das Badge „Certified Forklift Operator“ erhalten"
    assert "Herzlichen Glückwunsch" in _text(german) and "Es ist gültig bis" in _text(german)
    assert re.search(r"gültig bis \d{1,2}\. \w+ 20\d\d", _text(german))  # 4. Januar 2027
    assert 'lang="de"' in _html(german)
    assert french["Subject"] == "Vous avez obtenu le badge « Certified Forklift Operator »"  # the catalogue's quotes
    assert "Félicitations" in _text(french) and "«\u202fCertified Forklift Operator\u202f»" in _text(french)
    assert spanish["Subject"] == "Has obtenido la insignia «Certified Forklift Operator»"  # the tenant default
    for message in (german, french, spanish):
        await _check_email(message, client)
    # The directory sets the language too (SCIM preferredLanguage).
    key = (
        await ok(
            gql,
            t.tokens["admin"],
            'mutation { apiKeyCreate(input: {name: "scim", scopes: [SCIM_PROVISION]}) { secret errors { code } } }',
        )
    )["secret"]
    created = await client.post(
        "/scim/v2/Users",
        json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": f"new@{t.slug}.example",
              "emails": [{"value": f"new@{t.slug}.example", "primary": True}], "preferredLanguage": "fr-CA"},
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/scim+json"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    person = created.json()["id"]
    seen = await gql(
        t.tokens["admin"],
        "query($id: ID!) { node(id: $id) { ... on Person { locale } } }",
        {"id": gid("Person", person)},
    )
    assert seen["node"] == {"locale": "fr"}


async def test_the_verification_page_speaks_the_visitors_language(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    badge = await _badge(gql, t, "Polyglot")
    award = (
        await ok(
            gql,
            t.tokens["issuer"],
            ISSUE,
            {
                "input": {
                    "badgeClassId": badge,
                    "recipientId": gid("Person", t.people["learner"].id),
                    "visibility": "PUBLIC",
                }
            },
        )
    )["award"]["id"]
    url = (
        await gql(
            t.tokens["issuer"], "query($id: ID!) { node(id: $id) { ... on Award { verificationUrl } } }", {"id": award}
        )
    )["node"]["verificationUrl"]
    german = await client.get(_path(url), headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in german.text and "Verifiziert" in german.text and "Verliehen an" in german.text
    assert '<p class="status" id="status">Gültig</p>' in german.text
    assert "Accept-Language" in german.headers["vary"]
    assert 'href="?lang=fr"' in german.text and 'aria-current="true">Deutsch' in german.text
    french = await client.get(_path(url) + "?lang=fr", headers={"Accept-Language": "de"})
    assert '<html lang="fr">' in french.text and "Vérifié" in french.text
    spanish = await client.get(_path(url), headers={"Accept-Language": "es-MX"})
    assert "Verificada" in spanish.text
    fallback = await client.get(_path(url), headers={"Accept-Language": "ja,zh;q=0.8"})
    assert '<html lang="en">' in fallback.text and "<span>Verified</span>" in fallback.text


@pytest.fixture
async def dns() -> AsyncIterator[LocalDns]:
    server = LocalDns().start()
    yield server
    server.stop()


async def test_custom_domains_are_verified_by_dns_before_anything_is_served(
    seeder: Seeder, settings: Settings, app_db: Database, owner_db: Database, dns: LocalDns
) -> None:
    with_dns = dataclasses.replace(settings, dns_nameservers=(dns.nameserver,))
    app = create_app(with_dns, app_db, dispose_on_shutdown=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        gql = GraphQLClient(client)
        a, b = await seeder.tenant("dom"), await seeder.tenant("dom")
        domain = f"badges.{a.slug}.com"
        for bad in ("https://x.com/path", "not a domain", "10.0.0.1", "badges.example", "localhost", "a" * 300):
            data = await gql(a.tokens["admin"], DOMAIN_ADD, {"d": bad})
            assert data["tenantDomainAdd"]["errors"][0]["code"] == "INVALID", bad
            assert data["tenantDomainAdd"]["errors"][0]["field"] == "domain"
        assert (await gql(a.tokens["learner"], DOMAIN_ADD, {"d": domain}))["tenantDomainAdd"]["errors"][0][
            "code"
        ] == "FORBIDDEN"
        added = (await ok(gql, a.tokens["admin"], DOMAIN_ADD, {"d": domain.upper() + "."}))["domain"]
        assert added["domain"] == domain and added["status"] == "PENDING"
        assert added["txtRecordName"] == f"_insignia-challenge.{domain}"
        assert added["txtRecordValue"].startswith("insignia-domain-verification=")
        # B may add it as well (nobody can block a domain by adding it), but not verify it.
        b_added = (await ok(gql, b.tokens["admin"], DOMAIN_ADD, {"d": domain}))["domain"]

        badge = await _badge(gql, a, "Domain Badge")
        award = (
            await ok(
                gql,
                a.tokens["issuer"],
                ISSUE,
                {
                    "input": {
                        "badgeClassId": badge,
                        "recipientId": gid("Person", a.people["learner"].id),
                        "visibility": "PUBLIC",
                    }
                },
            )
        )["award"]["id"]
        raw = award_uuid(award)
        assert (await client.get(f"/awards/{raw}", headers={"Host": domain})).status_code == 404
        not_yet = (await ok(gql, a.tokens["admin"], DOMAIN_VERIFY, {"id": added["id"]}))["domain"]
        assert not_yet["status"] == "PENDING" and "No TXT record" in not_yet["lastError"]
        assert (await client.get(f"/awards/{raw}", headers={"Host": domain})).status_code == 404

        dns.set_txt(added["txtRecordName"], "v=spf1 -all", added["txtRecordValue"])
        verified = (await ok(gql, a.tokens["admin"], DOMAIN_VERIFY, {"id": added["id"]}))["domain"]
        assert verified["status"] == "ACTIVE" and verified["verifiedAt"] and verified["lastError"] is None
        page = await client.get(f"/awards/{raw}", headers={"Host": domain})
        assert page.status_code == 200 and f"https://{domain}/ob2/assertions/{raw}" in page.text
        did = await client.get("/.well-known/did.json", headers={"Host": domain})
        assert did.json()["id"] == f"did:web:{domain}"
        urls = await gql(
            a.tokens["issuer"],
            "query($id: ID!) { node(id: $id) { ... on Award { verificationUrl openBadge3Url } } }",
            {"id": award},
        )
        assert urls["node"]["verificationUrl"] == f"https://{domain}/awards/{raw}"

        # Another tenant: its copy stays pending with a clear reason; adding it again is refused.
        dns.set_txt(f"_insignia-challenge.{domain}", added["txtRecordValue"], b_added["txtRecordValue"])
        b_try = (await ok(gql, b.tokens["admin"], DOMAIN_VERIFY, {"id": b_added["id"]}))["domain"]
        assert b_try["status"] == "PENDING" and "another organisation" in b_try["lastError"]
        c = await seeder.tenant("dom")
        taken = (await gql(c.tokens["admin"], DOMAIN_ADD, {"d": domain}))["tenantDomainAdd"]
        assert taken["domain"] is None and taken["errors"][0]["code"] == "DUPLICATE"
        assert "another organisation" in taken["errors"][0]["message"]

        dns.set_txt(f"_insignia-challenge.{domain}", added["txtRecordValue"])  # B's record goes away again

        # The scheduler verifies what is pending by itself.
        other = f"learn.{a.slug}.com"
        pending = (await ok(gql, a.tokens["admin"], DOMAIN_ADD, {"d": other}))["domain"]
        dns.set_txt(pending["txtRecordName"], pending["txtRecordValue"])
        await check_pending_domains(app_db, DnsResolver([dns.nameserver]))
        listed = await gql(a.tokens["admin"], "{ tenantDomains { domain status } }")
        assert {d["domain"]: d["status"] for d in listed["tenantDomains"]} == {domain: "INACTIVE", other: "ACTIVE"}
        assert (await client.get(f"/awards/{raw}", headers={"Host": other})).status_code == 200
        assert (await client.get(f"/awards/{raw}", headers={"Host": domain})).status_code == 404
        async with owner_db.session() as s:
            await set_tenant(s, b.id)
            rows = await s.scalars(select(TenantDomain).where(TenantDomain.tenant_id == b.id))
            assert [d.status for d in rows] == ["pending"]


def award_uuid(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


async def test_a_brand_change_redraws_the_designs_that_follow_it(
    seeder: Seeder,
    gql: GraphQLClient,
    client: httpx.AsyncClient,
    settings: Settings,
    app_db: Database,
    owner_db: Database,
) -> None:
    t = await seeder.tenant()
    follows, fixed = await _badge(gql, t, "Follows"), await _badge(gql, t, "Fixed")
    await ok(
        gql, t.tokens["issuer"], UPDATE, {"input": {"id": follows, "design": {"shape": "CIRCLE", "title": "Follows"}}}
    )
    await ok(
        gql,
        t.tokens["issuer"],
        UPDATE,
        {
            "input": {
                "id": fixed,
                "design": {
                    "shape": "SHIELD",
                    "title": "Fixed",
                    "primaryColor": "#333333",
                    "accentColor": "#999999",
                    "typography": "OPEN_SANS",
                },
            }
        },
    )

    async def drawn() -> dict[str, bytes]:
        async with owner_db.session() as s:
            await set_tenant(s, t.id)
            rows = (await s.execute(select(BadgeDesignRow.badge_class_id, BadgeDesignRow.png))).all()
            return {gid("BadgeClass", r[0]): bytes(r[1]) for r in rows}

    before = await drawn()
    await ok(gql, t.tokens["admin"], TENANT_BRANDING, {"input": {"color": "#c2185b"}})

    async def redrawn() -> bool:
        return (await drawn())[follows] != before[follows]

    await run_jobs_until(settings, app_db, redrawn)
    after = await drawn()
    assert after[fixed] == before[fixed]
    pixel = Image.open(io.BytesIO(after[follows])).convert("RGB").getpixel((300, 40))
    assert pixel[0] > pixel[2]  # pink now, where it was blue


async def test_the_demo_has_designed_badges_and_a_partner_academy_brand(owner_db: Database, gql: GraphQLClient) -> None:
    from datetime import timedelta

    from insignia.demo import seed_demo
    from insignia.tenants.auth import issue_token
    from tests.conftest import SECRET

    await seed_demo(owner_db)
    people = await seed_demo(owner_db)  # idempotent: nothing is designed or branded twice
    admin = issue_token(SECRET, "insignia", people["acme"]["admin"], timedelta(minutes=5))
    badges = await gql(admin, "{ badgeClasses(first: 50) { edges { node { name design { shape followsBrand } } } } }")
    designs = {e["node"]["name"]: e["node"]["design"] for e in badges["badgeClasses"]["edges"]}
    assert designs["Certified Partner"] == {"shape": "RIBBON", "followsBrand": True}
    assert all(designs.values()), designs
    audiences = await gql(admin, "{ audiences { id kind name } }")
    partners = next(a["id"] for a in audiences["audiences"] if a["kind"] == "PARTNER")
    brand = (await gql(admin, BRANDING_PREVIEW, {"a": partners}))["brandingPreview"]
    assert brand["color"] == "#5b2a86" and brand["typography"] == "IBM_PLEX_SANS"
    assert brand["emailSenderName"] == "Initech Partner Academy" and brand["supportUrl"] == "https://help.acme.example"
