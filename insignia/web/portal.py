"""The reference portal at ``/portal``: its built files (``portal/dist``, made by ``npm run build``
in ``portal/``), and the little a browser needs before anyone signs in.

- ``GET /portal/<slug>/...``: the portal's page (one HTML file; the portal routes in the browser);
- ``GET /portal/assets/...``: its scripts and styles, named by content hash (cached for a year);
- ``GET /portal/<slug>/config.json``: the organisation's name, brand colour and logo, and its
  enabled sign-in connections (name and ``loginUrl``: public anyway, since anyone may start a
  sign-in); a portal hosted elsewhere ships the same file;
- ``POST /portal/<slug>/dev-login`` (``INSIGNIA_ENV=development`` only): a bearer token for an
  active person by email, so the demo can be explored without an identity provider.

Everything else the portal does goes through ``/graphql`` and the sign-in endpoints. Where the
portal is not built (no Node.js), these routes say so and the API runs as usual.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from insignia.infra.errors import ServiceError
from insignia.tenants.auth import issue_token
from insignia.tenants.models import SsoConnection
from insignia.tenants.person import get_person_by_email
from insignia.tenants.sso import ConnectionUrls
from insignia.web.openbadges import _Scope, _with_tenant

logger = logging.getLogger("insignia.portal")

DEV_TOKEN_TTL = timedelta(hours=8)
_SECURITY = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
}


def portal_dir() -> Path:
    """Where the built portal is: ``INSIGNIA_PORTAL_DIR``, else ``portal/dist`` of this checkout."""
    configured = os.environ.get("INSIGNIA_PORTAL_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "portal" / "dist"


@cache
def _index(directory: Path, modified: float) -> bytes:
    return (directory / "index.html").read_bytes()


def _csp(request: Request) -> str:
    # Badge images and logos come from the public origin, which may differ from the one serving
    # the portal (a proxy, a custom domain).
    public = request.app.state.settings.public_origin
    images = f"'self' data: {public}" if public else "'self' data:"
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; connect-src 'self'; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _not_built() -> Response:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal not built</title></head>'
        "<body><h1>The portal is not built</h1><p>Build it with <code>make portal</code> (Node.js 20.19 or "
        "later and npm), or <code>npm ci &amp;&amp; npm run build</code> in <code>portal/</code>. The API "
        "at <a href='/graphql'>/graphql</a> works without it.</p></body></html>"
    )
    return Response(body, 503, media_type="text/html", headers={**_SECURITY, "Cache-Control": "no-store"})


async def page(request: Request) -> Response:
    """The portal's HTML for any path under ``/portal/``: the browser picks the screen."""
    directory = portal_dir()
    index = directory / "index.html"
    if not index.is_file():
        return _not_built()
    body = _index(directory, index.stat().st_mtime)
    headers = {**_SECURITY, "Content-Security-Policy": _csp(request), "Cache-Control": "no-cache"}
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


async def root(request: Request) -> Response:
    return RedirectResponse("/portal/", status_code=308)


async def asset(request: Request) -> Response:
    """A built file by its hashed name; never anything outside ``dist/assets``."""
    base = (portal_dir() / "assets").resolve()
    wanted = (base / request.path_params["path"]).resolve()
    if not wanted.is_relative_to(base) or not wanted.is_file():
        return Response("Not found.", 404, headers=_SECURITY)
    headers = {**_SECURITY, "Cache-Control": "public, max-age=31536000, immutable"}
    return FileResponse(wanted, headers=headers)


async def config(request: Request) -> Response:
    """What the portal needs before sign-in: the organisation, its brand, its sign-in connections."""

    async def handle(scope: _Scope) -> Response:
        settings = request.app.state.settings
        rows = await scope.session.scalars(
            select(SsoConnection).where(SsoConnection.enabled.is_(True)).order_by(SsoConnection.name)
        )
        brand = await scope.brand()
        body = {
            "slug": scope.tenant.slug,
            "tenantName": scope.tenant.name,
            "connections": [
                {
                    "id": str(c.id),
                    "name": c.name,
                    "protocol": c.protocol.upper(),
                    "loginUrl": ConnectionUrls.build(settings.public_url, scope.tenant, c.id).login,
                }
                for c in rows
            ],
            "devLogin": settings.development,
            "brand": {"color": brand.color, "logoUrl": brand.logo_url},
        }
        return JSONResponse(body, headers={**_SECURITY, "Cache-Control": "no-cache"})

    return await _with_tenant(request, handle)


async def dev_login(request: Request) -> Response:
    """Development mode only: a token for an active person of the tenant, by email."""
    settings = request.app.state.settings
    if not settings.development:
        return JSONResponse({"error": "not_found"}, 404, headers=_SECURITY)
    try:
        email = str(json.loads(await request.body() or b"{}").get("email", "")).strip()
    except (ValueError, AttributeError):
        email = ""

    async def handle(scope: _Scope) -> Response:
        try:
            person = await get_person_by_email(scope.session, email)
        except ServiceError:
            person = None
        if person is None or not person.active:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "No active person with that email here."},
                400,
                headers=_SECURITY,
            )
        token = issue_token(settings.secret_key, settings.token_issuer, person, DEV_TOKEN_TTL)
        logger.warning("development login as %s in %s", person.id, scope.tenant.slug)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": int(DEV_TOKEN_TTL.total_seconds())}
        return JSONResponse(body, headers={**_SECURITY, "Cache-Control": "no-store"})

    return await _with_tenant(request, handle)


ROUTES = [
    Route("/portal", root, methods=["GET"]),
    Route("/portal/", page, methods=["GET"]),
    Route("/portal/assets/{path:path}", asset, methods=["GET"]),
    Route("/portal/{slug}/config.json", config, methods=["GET"]),
    Route("/portal/{slug}/dev-login", dev_login, methods=["POST"]),
    Route("/portal/{slug}", page, methods=["GET"]),
    Route("/portal/{slug}/{rest:path}", page, methods=["GET"]),
]
