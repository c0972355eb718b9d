"""GraphiQL for development (``INSIGNIA_ENV=development``), working offline.

Its assets ship in this package (``assets/``: React, GraphiQL and its explorer plugin, unchanged
builds from npm, stored gzip-compressed; ``LICENSES.txt`` has their licenses), so the page loads
nothing from another host. The page carries a token helper: pick a tenant and a person, and it
puts a bearer token for them in the headers editor. The helper's endpoints answer only in
development, only to a browser on this machine (a loopback address, a loopback ``Host``), and
the production build serves none of this.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
from datetime import timedelta
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from insignia.infra.db import Database, set_tenant
from insignia.infra.errors import ServiceError
from insignia.infra.settings import Settings
from insignia.tenants.auth import issue_token
from insignia.tenants.models import Person
from insignia.tenants.person import get_person_by_email
from insignia.tenants.tenant import get_tenant_by_slug, list_tenants

PREFIX = "/graphql/ide"
TOKEN_TTL = timedelta(hours=8)
# name -> (file in assets/, media type); the versions are in the names, so they are cached for good.
ASSETS: dict[str, tuple[str, str]] = {
    "react-18.2.0.min.js": ("react-18.2.0.min.js.gz", "text/javascript"),
    "react-dom-18.2.0.min.js": ("react-dom-18.2.0.min.js.gz", "text/javascript"),
    "graphiql-3.8.3.min.js": ("graphiql-3.8.3.min.js.gz", "text/javascript"),
    "graphiql-3.8.3.min.css": ("graphiql-3.8.3.min.css.gz", "text/css"),
    "plugin-explorer-1.0.2.umd.js": ("plugin-explorer-1.0.2.umd.js.gz", "text/javascript"),
    "plugin-explorer-1.0.2.css": ("plugin-explorer-1.0.2.css.gz", "text/css"),
    "ide.js": ("ide.js", "text/javascript"),
    "ide.css": ("ide.css", "text/css"),
    "LICENSES.txt": ("LICENSES.txt", "text/plain"),
}
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@cache
def _asset(file: str) -> bytes:
    return resources.files(__package__).joinpath("assets", file).read_bytes()


@cache
def _page() -> str:
    return resources.files(__package__).joinpath("assets", "index.html").read_text(encoding="utf-8")


def render_ide(_request: Request) -> Response:
    """The GraphiQL page (its queries go to ``/graphql`` with the headers the editor holds)."""
    return HTMLResponse(
        _page(),
        headers={
            "Content-Security-Policy": PAGE_CSP,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        },
    )


async def asset(request: Request) -> Response:
    found = ASSETS.get(request.path_params["name"])
    if found is None:
        return Response("Not found.", 404, media_type="text/plain")
    file, media_type = found
    body = _asset(file)
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}
    if file.endswith(".gz"):
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
        else:
            body = _unzipped(file)
    return Response(body, media_type=media_type, headers=headers)


@cache
def _unzipped(file: str) -> bytes:
    return gzip.decompress(_asset(file))


def _local(request: Request) -> bool:
    """A browser on this machine: a loopback peer that asked for a loopback host (so a page of
    another site that rebinds its name to 127.0.0.1 gets nothing)."""
    client = request.client.host if request.client else ""
    host = urlsplit(f"//{request.headers.get('host', '')}").hostname or ""
    return _loopback(client) and (host == "localhost" or _loopback(host))


def _loopback(value: str) -> bool:
    try:
        return ipaddress.ip_address(value).is_loopback
    except ValueError:
        return False


def _refused() -> Response:
    return JSONResponse({"error": "The token helper answers only a browser on this machine."}, 403)


async def tenants(request: Request) -> Response:
    """Slug and name of every tenant, for the helper's first list."""
    if not _local(request):
        return _refused()
    database: Database = request.app.state.database
    async with database.session() as session:
        found = [{"slug": t.slug, "name": t.name} for t in await list_tenants(session) if t.status == "active"]
    return JSONResponse(found)


async def people(request: Request) -> Response:
    """The first active people of a tenant (admins first), for the helper's second list."""
    if not _local(request):
        return _refused()
    database: Database = request.app.state.database
    async with database.session() as session:
        try:
            tenant = await get_tenant_by_slug(session, request.query_params.get("tenant", ""))
        except ServiceError as exc:
            return JSONResponse({"error": exc.message}, 404)
        await set_tenant(session, tenant.id)
        rows = (
            await session.scalars(select(Person).where(Person.active.is_(True)).order_by(Person.email).limit(200))
        ).all()
    ranked = sorted(rows, key=lambda p: (0 if "admin" in p.roles else 1 if "issuer" in p.roles else 2, p.email))
    return JSONResponse([{"email": p.email, "name": p.name, "roles": list(p.roles)} for p in ranked[:50]])


async def token(request: Request) -> Response:
    """``POST {"tenant": slug, "email": ...}``: a bearer token for that active person (8 hours)."""
    if not _local(request):
        return _refused()
    try:
        body = json.loads(await request.body())
        slug, email = str(body["tenant"]), str(body["email"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": 'Send {"tenant": "<slug>", "email": "<email>"}.'}, 400)
    settings: Settings = request.app.state.settings
    database: Database = request.app.state.database
    async with database.session() as session:
        try:
            tenant = await get_tenant_by_slug(session, slug)
            await set_tenant(session, tenant.id)
            person = await get_person_by_email(session, email)
        except ServiceError as exc:
            return JSONResponse({"error": exc.message}, 404)
        if not person.active:
            return JSONResponse({"error": f"{email} is deactivated."}, 404)
        value = issue_token(settings.secret_key, settings.token_issuer, person, TOKEN_TTL)
    return JSONResponse(
        {"token": value, "expiresIn": int(TOKEN_TTL.total_seconds())}, headers={"Cache-Control": "no-store"}
    )


ROUTES = [
    Route(f"{PREFIX}/tenants", tenants, methods=["GET"]),
    Route(f"{PREFIX}/people", people, methods=["GET"]),
    Route(f"{PREFIX}/token", token, methods=["POST"]),
    Route(f"{PREFIX}/{{name}}", asset, methods=["GET"]),
]
