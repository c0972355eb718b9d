"""Public badge surfaces: Open Badges 2.0 hosted documents, the verification page, images.

The tenant comes from the slug in the path (custom domains later), and everything is read in
that tenant's RLS transaction. ``PRIVATE`` awards do not exist here (404); ``TENANT`` ones only
for a signed-in person or key of the tenant. Answers carry ETag and Last-Modified, and a
matching ``If-None-Match`` gets 304. Every answer passes through ``_secured``: a strict
Content-Security-Policy for the HTML pages (their style and script are files of ours, served
under ``static/``), a sandbox for documents and images, no framing, no sniffing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from insignia.infra import i18n
from insignia.infra.crypto import SecretBox
from insignia.infra.db import set_tenant
from insignia.infra.http import bearer_credential
from insignia.platform.branding import badges, text
from insignia.platform.branding import brand as branding
from insignia.platform.credentials import award as awards
from insignia.platform.credentials import badge_class as badge_classes
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.insights import counters
from insignia.platform.openbadges import baking, dataintegrity, links, ob2, ob3, sharing
from insignia.platform.openbadges.verification import verify_credential
from insignia.platform.pathways import pathway as pathway_service
from insignia.tenants import tenant as tenant_service
from insignia.tenants.auth import AuthenticationError, Principal, authenticate
from insignia.tenants.models import Person, Tenant

JSONLD = "application/ld+json"


def _not_found() -> Response:
    return JSONResponse({"error": "Not found"}, status_code=404)


# Documents and images from our origin must never run as a page; images keep inline styles (SVG).
_SANDBOX_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
_IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def page_csp(origin: str | None) -> str:
    """The HTML pages' policy: our own stylesheet and script only (no inline ones), images from
    this origin and the tenant's public origin (where the page's absolute image URLs point)."""
    images = " ".join(["'self'", "data:", *([origin] if origin else [])])
    return (
        f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {images}; font-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _secured(response: Response, origin: str | None = None) -> Response:
    """The security headers every public answer carries; a handler's own CSP (images) is kept."""
    media = response.headers.get("content-type", "")
    if "content-security-policy" not in response.headers:
        if media.startswith("text/html"):
            response.headers["Content-Security-Policy"] = page_csp(origin)
        elif media.startswith("image/"):
            response.headers["Content-Security-Policy"] = _IMAGE_CSP
        else:
            response.headers["Content-Security-Policy"] = _SANDBOX_CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _origin(urls: ob2.Urls) -> str:
    parts = urlsplit(urls.root)
    return f"{parts.scheme}://{parts.netloc}"


def _vary_language(response: Response) -> Response:
    """Pages come in the visitor's language (``Accept-Language``): caches keep one per language."""
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
    return response


def _cached(
    request: Request, body: bytes, media_type: str, *, public: bool, modified: datetime, status: int = 200
) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified.astimezone(UTC), usegmt=True),
        "Cache-Control": ("public" if public else "private") + ", max-age=60",
    }
    if not public:
        headers["Vary"] = "Authorization"
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def _json(
    request: Request, document: dict[str, Any], *, public: bool, modified: datetime, status: int = 200
) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return _cached(request, body, JSONLD, public=public, modified=modified, status=status)


class _Scope:
    """One public request: its tenant, session and URLs."""

    def __init__(self, request: Request, session: AsyncSession, tenant: Tenant) -> None:
        self.request = request
        self.session = session
        self.tenant = tenant
        settings = request.app.state.settings
        self.secret_key: str = settings.secret_key
        self.urls = ob2.Urls.for_tenant(settings.public_url, tenant)

    async def principal(self) -> Principal | None:
        """The caller, if they hold a valid credential of this tenant (for awards that are not public)."""
        credential = bearer_credential(self.request)
        if credential is None:
            return None
        settings = self.request.app.state.settings
        try:
            principal = await authenticate(
                self.session, credential, secret_key=settings.secret_key, issuer=settings.token_issuer
            )
        except AuthenticationError:
            await set_tenant(self.session, self.tenant.id)
            return None
        await set_tenant(self.session, self.tenant.id)
        return principal if principal.tenant_id == self.tenant.id else None

    async def brand(self, audience_id: uuid.UUID | None = None) -> branding.Brand:
        """The brand people of ``audience_id`` see: its overrides over the tenant's."""
        return await branding.resolve(self.session, self.urls, self.tenant.id, audience_id)

    @property
    def language(self) -> i18n.Language:
        """The visitor's language: the page's switch (``?lang=``), else their browser's."""
        chosen = i18n.normalise(self.request.query_params.get("lang"))
        return i18n.Language(chosen or i18n.negotiate(self.request.headers.get("accept-language")))

    async def public_badge(self, raw_id: str) -> BadgeClass | None:
        """A badge class that has been published (archived ones stay readable for old awards)."""
        try:
            badge_id = uuid.UUID(raw_id)
        except ValueError:
            return None
        badge = await self.session.scalar(select(BadgeClass).where(BadgeClass.id == badge_id))
        return None if badge is None or badge.status == "draft" else badge

    async def award(self, raw_id: str) -> tuple[Award, BadgeClass, Person] | None:
        try:
            award_id = uuid.UUID(raw_id)
        except ValueError:
            return None
        award = await self.session.scalar(select(Award).where(Award.id == award_id))
        if award is None:
            return None
        if not links.publicly_shown(award):
            # Not public (or not accepted yet): only for a caller of the tenant whom the visibility
            # policy lets see it, exactly as through GraphQL.
            principal = await self.principal()
            if principal is None:
                return None
            if award_id not in await awards.visible_awards_by_ids(self.session, principal, [award_id]):
                return None
        badge = await self.session.scalar(select(BadgeClass).where(BadgeClass.id == award.badge_class_id))
        person = await self.session.scalar(select(Person).where(Person.id == award.recipient_id))
        if badge is None or person is None:
            return None
        return award, badge, person


async def _with_tenant(request: Request, handler: Any) -> Response:
    """Run ``handler`` in the tenant's RLS transaction; the tenant is the path's slug or, on the
    prefix-less routes, the tenant whose own domain is the request's host."""
    slug = request.path_params.get("slug")
    async with request.app.state.database.session() as session:
        if slug is not None:
            stmt = select(Tenant).where(Tenant.slug == slug)
        else:
            host = request.headers.get("host", "").split(":", 1)[0].strip().lower()
            stmt = select(Tenant).where(Tenant.domain == host)
        tenant = await session.scalar(stmt.where(Tenant.status == "active"))
        if tenant is None:
            return _secured(_not_found())
        await set_tenant(session, tenant.id)
        scope = _Scope(request, session, tenant)
        response: Response = await handler(scope)
        await session.rollback()  # read-only
        return _secured(response, _origin(scope.urls))


async def issuer(request: Request) -> Response:
    async def handle(scope: _Scope) -> Response:
        brand = await scope.brand()
        document = ob2.issuer_document(scope.urls, scope.tenant, brand.logo_url)
        return _json(request, document, public=True, modified=scope.tenant.created_at)

    return await _with_tenant(request, handle)


_LOGO_VARIANTS = {"logo": "logo", "logo-light": "logo_light", "logo-dark": "logo_dark"}


async def brand_logo(request: Request) -> Response:
    """The tenant's logos (``brand/logo``, ``logo-light``, ``logo-dark``) and its audiences' own
    (``brand/audiences/<id>/logo``...), as uploaded (PNG or sanitised SVG)."""

    async def handle(scope: _Scope) -> Response:
        variant = _LOGO_VARIANTS.get(request.path_params.get("variant", "logo"))
        raw_audience = request.path_params.get("audience_id")
        try:
            audience_id = uuid.UUID(raw_audience) if raw_audience else None
        except ValueError:
            return _not_found()
        if variant is None:
            return _not_found()
        found = await branding.logo(scope.session, scope.tenant.id, variant, audience_id)
        if found is None:
            return _not_found()
        body, media, modified = found
        response = _cached(request, body, media, public=True, modified=modified)
        response.headers["Content-Security-Policy"] = _IMAGE_CSP
        return response

    return await _with_tenant(request, handle)


async def badge_class(request: Request) -> Response:
    async def handle(scope: _Scope) -> Response:
        badge = await scope.public_badge(request.path_params["badge_id"])
        if badge is None:
            return _not_found()
        skills = (await badge_classes.skills_by_badge_class(scope.session, [badge.id]))[badge.id]
        alignments = (await badge_classes.alignments_by_badge_class(scope.session, [badge.id]))[badge.id]
        document = ob2.badge_class_document(scope.urls, badge, skills, alignments)
        return _json(request, document, public=True, modified=badge.updated_at)

    return await _with_tenant(request, handle)


async def _badge_art(scope: _Scope, badge: BadgeClass, fmt: str, status: str = "active") -> tuple[bytes, str]:
    """The badge's image as drawn from its design (or the default design), or as uploaded: SVG or
    PNG (an uploaded image is served in its own format), grey with its status when not valid."""
    art = await badges.artwork(scope.session, scope.urls, badge)
    if art is not None:
        if fmt == "png":
            return await asyncio.to_thread(art.png_for, status), "image/png"
        return art.svg_for(status).encode(), "image/svg+xml"
    uploaded = await badge_classes.badge_image(scope.session, badge.id)
    if uploaded is not None and status == "active":
        return uploaded
    if fmt == "png":
        return baking.badge_png(status), "image/png"
    return baking.badge_svg(badge.name, status).encode(), "image/svg+xml"


async def badge_image(request: Request) -> Response:
    """The badge class's image (``image``: SVG for a design, else as uploaded; ``image.png``; ``og.png``:
    the 1200 x 630 card shared links unfurl to)."""

    async def handle(scope: _Scope) -> Response:
        badge = await scope.public_badge(request.path_params["badge_id"])
        kind = request.path_params.get("kind", "image")
        if badge is None or kind not in ("image", "image.png", "og.png"):
            return _not_found()
        if kind == "og.png":
            art = await badges.artwork(scope.session, scope.urls, badge)
            if art is None:
                return _not_found()
            body, media = await asyncio.to_thread(art.og_for, scope.tenant.name), "image/png"
        else:
            body, media = await _badge_art(scope, badge, "png" if kind == "image.png" else "svg")
        response = _cached(request, body, media, public=True, modified=badge.updated_at)
        # Served from our origin: never let a browser treat it as a document that can run code.
        response.headers["Content-Security-Policy"] = _IMAGE_CSP
        return response

    return await _with_tenant(request, handle)


async def assertion(request: Request) -> Response:
    async def handle(scope: _Scope) -> Response:
        found = await scope.award(request.path_params["award_id"])
        if found is None:
            return _not_found()
        award, _badge, person = found
        public = links.publicly_shown(award)
        if award.revoked_at is not None:
            return _json(
                request, ob2.revoked_document(scope.urls, award), public=public, modified=award.updated_at, status=410
            )
        document = ob2.assertion_document(scope.urls, award, person.email, scope.secret_key)
        return _json(request, document, public=public, modified=award.updated_at)

    return await _with_tenant(request, handle)


def _status(award: Award) -> str:
    return award.status(datetime.now(UTC))


def _box(request: Request) -> SecretBox:
    return SecretBox(request.app.state.settings.secret_key)


# The pages' stylesheet and script: package data of insignia.web, served at ``static/<name>`` under
# /t/<slug> and at the root of a tenant's own domain (the same bytes for every tenant).
_STATIC_TYPES = {"verify.css": "text/css; charset=utf-8", "verify.js": "text/javascript; charset=utf-8"}
_STATIC = {name: (resources.files("insignia.web") / "static" / name).read_bytes() for name in _STATIC_TYPES}


def _version(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def _assets(brand: branding.Brand) -> sharing.Assets:
    """Relative URLs, so they resolve on the page's own origin: the pages are one level under the
    tenant's root (``awards/<id>``, ``people/<id>``), on the platform's origin or the tenant's domain."""
    return sharing.Assets(
        stylesheet=f"../static/verify.css?v={_version(_STATIC['verify.css'])}",
        theme=f"../brand/theme.css?v={brand.version}" + (f"&a={brand.audience_id}" if brand.audience_id else ""),
        script=f"../static/verify.js?v={_version(_STATIC['verify.js'])}",
    )


async def static_file(request: Request) -> Response:
    """The pages' own stylesheet and script (the CSP allows no inline ones)."""
    name = request.path_params["name"]
    if name not in _STATIC:
        return _secured(_not_found())
    body = _STATIC[name]
    etag = f'"{_version(body)}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return _secured(Response(status_code=304, headers=headers))
    return _secured(Response(body, media_type=_STATIC_TYPES[name], headers=headers))


async def font_file(request: Request) -> Response:
    """The brand type families the pages use (the badge designer's own fonts, OFL 1.1)."""
    body = text.font_data(request.path_params["name"])
    if body is None:
        return _secured(_not_found())
    etag = f'"{_version(body)}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=604800, immutable"}
    if request.headers.get("if-none-match") == etag:
        return _secured(Response(status_code=304, headers=headers))
    return _secured(Response(body, media_type="font/ttf", headers=headers))


async def brand_theme(request: Request) -> Response:
    """The brand's colours and type for its pages, as CSS custom properties (AA-contrast variants
    included): the tenant's, or with ``?a=<audience id>`` that audience's."""

    async def handle(scope: _Scope) -> Response:
        settings = await tenant_service.get_settings(scope.session, scope.tenant.id)
        try:
            audience_id = uuid.UUID(request.query_params["a"]) if request.query_params.get("a") else None
        except ValueError:
            audience_id = None
        body = sharing.theme_css(await scope.brand(audience_id)).encode()
        modified = settings.updated_at or scope.tenant.created_at
        return _cached(request, body, "text/css; charset=utf-8", public=True, modified=modified)

    return await _with_tenant(request, handle)


async def did_document(request: Request) -> Response:
    """The tenant's ``did:web`` document: every signing key, current and retired."""

    async def handle(scope: _Scope) -> Response:
        did = ob3.did_for(scope.urls)
        all_keys = await ob3.keys(scope.session)
        if not all_keys:
            await ob3.key_for(scope.session, scope.tenant.id, _box(request), datetime.now(UTC))
            await scope.session.commit()
            await set_tenant(scope.session, scope.tenant.id)
            all_keys = await ob3.keys(scope.session)
        body = json.dumps(ob3.did_document(did, all_keys)).encode()
        return _cached(request, body, "application/did+ld+json", public=True, modified=all_keys[-1].created_at)

    return await _with_tenant(request, handle)


async def _credential(
    scope: _Scope, request: Request, award: Award, badge: BadgeClass, person: Person
) -> dict[str, Any]:
    skills = (await badge_classes.skills_by_badge_class(scope.session, [badge.id]))[badge.id]
    alignments = (await badge_classes.alignments_by_badge_class(scope.session, [badge.id]))[badge.id]
    did = ob3.did_for(scope.urls)
    document = ob3.credential_document(
        scope.urls, did, scope.tenant, award, badge=badge, person=person, skills=skills, alignments=alignments,
        secret_key=scope.secret_key,
    )  # fmt: skip
    signed = await ob3.signed_credential(scope.session, _box(request), did, award, document)
    await scope.session.commit()  # a first key may have been created
    await set_tenant(scope.session, scope.tenant.id)
    return signed


async def _verify(
    scope: _Scope,
    request: Request,
    award: Award,
    badge: BadgeClass,
    person: Person,
    *,
    now: datetime,
    lang: i18n.Language = sharing.ENGLISH,
) -> sharing.Verification:
    """What the verification page shows as checked: the award's OB 3.0 credential, signed exactly
    as ``credential`` serves it, put through our verifier as a relying party would. The key comes
    from the tenant's DID document and the status from its signed status list, both built here
    (the documents ``did.json`` and ``ob3/status/...`` serve) rather than fetched over HTTP."""
    signed = await _credential(scope, request, award, badge, person)
    did = ob3.did_for(scope.urls)
    published = {f"{did}#{k.public_key_multibase}": k.public_key_multibase for k in await ob3.keys(scope.session)}
    resolved: list[str] = []

    async def resolve_key(method: str) -> Ed25519PublicKey | None:
        if method not in published:
            return None
        resolved.append(method)
        return dataintegrity.public_key_from_multibase(published[method])

    lists: dict[str, dict[str, Any] | None] = {}
    prefix = f"{scope.urls.root}/ob3/status/"

    async def fetch(url: str) -> dict[str, Any] | None:
        if url not in lists:
            purpose, _, number = url.removeprefix(prefix).partition("/")
            lists[url] = None
            if url.startswith(prefix) and purpose in ob3.STATUS_SIZE and number.isdigit() and len(number) <= 6:
                lists[url] = await ob3.status_list_credential(
                    scope.session, _box(request), scope.urls, did, scope.tenant, purpose=purpose, number=int(number)
                )
        return lists[url]

    verdict = await verify_credential(signed, resolve_key, fetch, now)
    # Past its validity period the verifier stops at "expired"; the status then comes from the same
    # checks as of the credential's issue (signature and status list, not the dates).
    status_verdict = (
        await verify_credential(signed, resolve_key, fetch, award.issued_at)
        if verdict.problem == "expired"
        else verdict
    )
    status_problem = status_verdict.problem
    from_list = "credentialStatus" in signed
    if not from_list and status_problem is None:
        # A credential without a status entry: the issuer's records say.
        status_problem = {"revoked": "revoked", "suspended": "suspended"}.get(award.status(now))
    return sharing.verification_checks(
        scope.tenant, award, did=did, key_known=bool(resolved), problem=verdict.problem,
        status_problem=status_problem, status_from_list=from_list, now=now, lang=lang,
    )  # fmt: skip


async def credential(request: Request) -> Response:
    """The award's signed OpenBadgeCredential (Open Badges 3.0)."""

    async def handle(scope: _Scope) -> Response:
        found = await scope.award(request.path_params["award_id"])
        if found is None:
            return _not_found()
        award, badge, person = found
        if award.revoked_at is not None:
            return JSONResponse(
                {"error": "The credential has been revoked.", "revocationReason": award.revocation_reason},
                status_code=410,
            )
        signed = await _credential(scope, request, award, badge, person)
        return _json(request, signed, public=links.publicly_shown(award), modified=award.updated_at)

    return await _with_tenant(request, handle)


async def status_list(request: Request) -> Response:
    """The tenant's signed BitstringStatusListCredentials: ``message`` lists (two bits per award:
    valid, suspended, revoked) and, for awards issued before suspension existed, ``revocation``."""

    async def handle(scope: _Scope) -> Response:
        raw, purpose = request.path_params["number"], request.path_params["purpose"]
        if not raw.isdigit() or len(raw) > 6 or purpose not in ob3.STATUS_SIZE:
            return _not_found()
        did = ob3.did_for(scope.urls)
        signed = await ob3.status_list_credential(
            scope.session, _box(request), scope.urls, did, scope.tenant, purpose=purpose, number=int(raw)
        )
        await scope.session.commit()  # a first key may have been created
        response = _json(request, signed, public=True, modified=datetime.now(UTC))
        response.headers["Cache-Control"] = "public, max-age=30"
        return response

    return await _with_tenant(request, handle)


async def award_og(request: Request) -> Response:
    """The award's Open Graph card (1200 x 630): its badge, title and issuer; grey with its status
    when it no longer stands."""

    async def handle(scope: _Scope) -> Response:
        found = await scope.award(request.path_params["award_id"])
        if found is None:
            return _not_found()
        award, badge, _person = found
        art = await badges.artwork(scope.session, scope.urls, badge)
        if art is None:  # an uploaded image: the badge image itself
            body, media = await _badge_art(scope, badge, "png", _status(award))
        else:
            body, media = await asyncio.to_thread(art.og_for, scope.tenant.name, _status(award)), "image/png"
        response = _cached(request, body, media, public=links.publicly_shown(award), modified=award.updated_at)
        response.headers["Content-Security-Policy"] = _IMAGE_CSP
        return response

    return await _with_tenant(request, handle)


async def award_image(request: Request) -> Response:
    """The live image embeds and email signatures load: it shows expired or revoked as such."""

    async def handle(scope: _Scope) -> Response:
        found = await scope.award(request.path_params["award_id"])
        if found is None:
            return _not_found()
        award, badge, _person = found
        status = _status(award)
        fmt = request.path_params["fmt"]
        if fmt not in ("png", "svg"):
            return _not_found()
        body, media = await _badge_art(scope, badge, fmt, status)
        response = _cached(request, body, media, public=links.publicly_shown(award), modified=award.updated_at)
        response.headers["Content-Security-Policy"] = _IMAGE_CSP
        return response

    return await _with_tenant(request, handle)


async def baked(request: Request) -> Response:
    """The award's image with its credential baked in, to download: the OB 2.0 assertion (``ob2``) or
    the signed OB 3.0 credential (``ob3``), as PNG or SVG."""

    async def handle(scope: _Scope) -> Response:
        found = await scope.award(request.path_params["award_id"])
        if found is None:
            return _not_found()
        award, badge, person = found
        if request.path_params["fmt"] not in ("png", "svg") or request.path_params["version"] not in ("ob2", "ob3"):
            return _not_found()
        if award.revoked_at is not None:
            return JSONResponse({"error": "The award has been revoked."}, status_code=410)
        if award.suspended_at is not None:
            return JSONResponse({"error": "The award is suspended; it can be downloaded again once reinstated."}, 409)
        public = links.publicly_shown(award)
        fmt = request.path_params["fmt"]
        name = f"{badge.name}.{fmt}".replace('"', "")
        # The badge's own image, as drawn from its design or uploaded, carries the credential.
        art = await badges.artwork(scope.session, scope.urls, badge)
        uploaded = None if art is not None else await badge_classes.badge_image(scope.session, badge.id)
        if art is not None:
            base_png = await asyncio.to_thread(art.png_for) if fmt == "png" else b""
            base_svg = art.svg_for()
        else:
            base_png = uploaded[0] if uploaded and uploaded[1] == "image/png" else baking.badge_png()
            svg_upload = uploaded and uploaded[1] == "image/svg+xml"
            base_svg = uploaded[0].decode() if uploaded and svg_upload else baking.badge_svg(badge.name)
        if request.path_params["version"] == "ob3":
            signed = await _credential(scope, request, award, badge, person)
            if fmt == "png":
                body = baking.bake_png(base_png, json.dumps(signed), keyword="openbadgecredential")
            else:
                body = baking.bake_svg_credential(base_svg, signed).encode()
        else:
            document = ob2.assertion_document(scope.urls, award, person.email, scope.secret_key)
            url = scope.urls.assertion(award.id)
            body = baking.bake_png(base_png, url) if fmt == "png" else baking.bake_svg(base_svg, document, url).encode()
        media = "image/png" if fmt == "png" else "image/svg+xml"
        response = _cached(request, body, media, public=public, modified=award.updated_at)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    return await _with_tenant(request, handle)


async def _pathway_of(scope: _Scope, badge_id: uuid.UUID, portal_url: str | None) -> sharing.PathwayLink | None:
    found = await pathway_service.pathway_of_badge(scope.session, badge_id)
    if found is None:
        return None
    return sharing.PathwayLink(name=found.name, description=found.description, url=portal_url)


async def verification_page(request: Request) -> Response:
    """The public page a shared link opens: badge, issuer, recipient, dates and live status."""

    async def handle(scope: _Scope) -> Response:
        found = await scope.award(request.path_params["award_id"])
        if found is None:
            return HTMLResponse("<!doctype html><title>Not found</title><h1>Not found</h1>", status_code=404)
        award, badge, person = found
        now = datetime.now(UTC)
        skills = (await badge_classes.skills_by_badge_class(scope.session, [badge.id]))[badge.id]
        settings = await tenant_service.get_settings(scope.session, scope.tenant.id)
        brand = await scope.brand(person.audience_id)
        lang = scope.language
        checked = await _verify(scope, request, award, badge, person, now=now, lang=lang)
        html = sharing.verification_html(
            scope.urls, scope.tenant, award, badge, person=person, skills=skills, status=award.status(now),
            brand=brand, verification=checked, assets=_assets(brand),
            linkedin_organization_id=settings.linkedin_organization_id,
            pathway=await _pathway_of(scope, badge.id, settings.portal_url), lang=lang,
        )  # fmt: skip
        await _count(request, scope, award.id, share=False)
        return _vary_language(
            _cached(
                request,
                html.encode(),
                "text/html; charset=utf-8",
                public=links.publicly_shown(award),
                modified=award.updated_at,
            )
        )

    return await _with_tenant(request, handle)


async def _count(request: Request, scope: _Scope, award_id: uuid.UUID, *, share: bool) -> None:
    """Count a page view or share click for insights, in its own short transaction (the page's is
    read-only); nothing about the visitor is kept."""
    async with request.app.state.database.tenant_transaction(scope.tenant.id) as session:
        await counters.viewed(session, scope.tenant.id, award_id, share=share)


async def share(request: Request) -> Response:
    """A share button of the verification page: counted, then on to the network (or mail client)."""

    async def handle(scope: _Scope) -> Response:
        found = await scope.award(request.path_params["award_id"])
        if found is None or not links.publicly_shown(found[0]):
            return _not_found()
        award, badge, _person = found
        page = scope.urls.page(award.id)
        targets = {
            label.lower(): url for label, url in sharing.share_links(page, f"{badge.name} — {scope.tenant.name}")
        }
        if request.path_params["network"] == "linkedin-profile":
            settings = await tenant_service.get_settings(scope.session, scope.tenant.id)
            targets["linkedin-profile"] = sharing.linkedin_url(
                scope.urls, scope.tenant, award, badge, settings.linkedin_organization_id
            )
        target = targets.get(request.path_params["network"])
        if target is None or award.status(datetime.now(UTC)) not in ("active", "expired"):
            return _not_found()
        await _count(request, scope, award.id, share=True)
        return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})

    return await _with_tenant(request, handle)


async def profile(request: Request) -> Response:
    """A learner's public profile (only if they opted in): their public awards, neither revoked
    nor suspended."""

    async def handle(scope: _Scope) -> Response:
        try:
            person_id = uuid.UUID(request.path_params["person_id"])
        except ValueError:
            return _not_found()
        person = await scope.session.scalar(select(Person).where(Person.id == person_id))
        if person is None or not person.active or not person.profile_public:
            return HTMLResponse("<!doctype html><title>Not found</title><h1>Not found</h1>", status_code=404)
        rows = (
            await scope.session.execute(
                select(Award, BadgeClass)
                .join(BadgeClass, BadgeClass.id == Award.badge_class_id)
                .where(
                    Award.recipient_id == person.id,
                    Award.visibility == "public",
                    Award.acceptance == "accepted",
                    Award.revoked_at.is_(None),
                    Award.suspended_at.is_(None),
                    Award.superseded_at.is_(None),
                )
                .order_by(Award.issued_at.desc())
            )
        ).all()
        awards = [(award, badge, _status(award)) for award, badge in rows]
        brand = await scope.brand(person.audience_id)
        html = sharing.profile_html(
            scope.urls, scope.tenant, person, awards, brand, assets=_assets(brand), lang=scope.language
        )
        modified = max([a.updated_at for a, _b, _s in awards], default=person.updated_at)
        return _vary_language(
            _cached(request, html.encode(), "text/html; charset=utf-8", public=True, modified=modified)
        )

    return await _with_tenant(request, handle)


_PAGES = [
    ("/brand/logo", brand_logo),
    ("/brand/audiences/{audience_id}/{variant:str}", brand_logo),
    ("/awards/{award_id}/og.png", award_og),
    ("/brand/theme.css", brand_theme),
    ("/brand/{variant:str}", brand_logo),
    ("/people/{person_id}", profile),
    ("/ob2/issuer", issuer),
    ("/ob2/badges/{badge_id}", badge_class),
    ("/ob2/badges/{badge_id}/image", badge_image),
    ("/ob2/badges/{badge_id}/{kind:str}", badge_image),
    ("/ob2/assertions/{award_id}", assertion),
    ("/awards/{award_id}", verification_page),
    ("/awards/{award_id}/share/{network}", share),
    ("/awards/{award_id}/image.{fmt:str}", award_image),
    ("/awards/{award_id}/baked/{version}.{fmt:str}", baked),
    ("/ob3/credentials/{award_id}", credential),
    ("/ob3/status/{purpose}/{number}", status_list),
]
# Under /t/<slug> on the platform's origin, and at the root of a tenant's own domain (by Host).
ROUTES = [
    *(Route("/t/{slug}" + path, handler, methods=["GET"]) for path, handler in _PAGES),
    Route("/t/{slug}/did.json", did_document, methods=["GET"]),
    Route("/t/{slug}/static/{name}", static_file, methods=["GET"]),
    Route("/static/{name}", static_file, methods=["GET"]),
    Route("/t/{slug}/static/fonts/{name}", font_file, methods=["GET"]),
    Route("/static/fonts/{name}", font_file, methods=["GET"]),
    *(Route(path, handler, methods=["GET"]) for path, handler in _PAGES),
    Route("/.well-known/did.json", did_document, methods=["GET"]),
]
