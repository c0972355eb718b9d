"""Sign-in endpoints for browser portals (the flow itself is ``insignia.tenants.signin``).

Per tenant (``/t/{slug}``) and connection:

- ``GET  /sso/{id}/login?return_to=&login_hint=``: redirect to the identity provider;
- ``GET  /sso/{id}/callback``: OIDC authorization response;
- ``POST /sso/{id}/saml/acs``: SAML Response (HTTP-POST binding);
- ``GET  /sso/{id}/saml/metadata``: our service-provider metadata for the IdP admin;
- ``GET  /sso/{id}/saml/slo``: the IdP's LogoutResponse after single logout.

After a sign-in the browser holds the ``insignia_session`` cookie (HTTP-only, SameSite=Lax,
Secure on https, scoped to ``/t/{slug}/``) and is sent to the return URL with a one-time
``insignia_code``. Then:

- ``POST /auth/token``: ``grant_type=authorization_code&code=`` (the hand-over code) or
  ``grant_type=refresh_token&refresh_token=`` answer a short-lived bearer token for ``/graphql``
  plus a rotating refresh token; ``grant_type=session`` answers a bearer token for the browser
  holding the cookie;
- ``POST /auth/logout`` (cookie, or ``refresh_token`` in the body) ends the session; ``GET
  /auth/logout?return_to=`` does the same for a browser, through the IdP's single logout when it
  is a SAML IdP that offers one.

Cross-origin calls are allowed from the tenant's registered portal origins only.
"""

from __future__ import annotations

import html
import json
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from insignia.infra.db import set_tenant
from insignia.infra.logging import request_id_var
from insignia.infra.metrics import record_sign_in
from insignia.tenants import saml, signin, sso
from insignia.tenants.models import Tenant
from insignia.tenants.tenant import portal_origin_allowed

logger = logging.getLogger("insignia.sso")

SESSION_COOKIE = "insignia_session"
STATE_COOKIE = "insignia_sso_state"
CONTINUE_FIELD = "insignia_continue"
MAX_FORM_BYTES = 512 * 1024


def _config(request: Request) -> signin.SignInConfig:
    config: signin.SignInConfig | None = getattr(request.app.state, "signin_config", None)
    if config is None:
        config = signin.SignInConfig.from_settings(request.app.state.settings)
        request.app.state.signin_config = config
    return config


def _secure(request: Request) -> bool:
    return str(request.app.state.settings.public_url).startswith("https://")


def _page(status: int, title: str, message: str) -> HTMLResponse:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">'
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>"
        f'<p style="color: #666; font-size: .85rem">Request {html.escape(request_id_var.get() or "-")}</p>'
        "</body></html>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _with_code(url: str, code: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("insignia_code", code)]
    return urlunsplit(parts._replace(query=urlencode(query)))


Handler = Callable[[AsyncSession, Tenant], Awaitable[Response]]


async def _in_tenant(request: Request, handler: Handler) -> Response:
    """Run ``handler`` in the tenant's transaction (the path's slug) and commit what it did,
    unless it refused: a refused sign-in changes nothing, except that its state is spent."""
    async with request.app.state.database.session() as session:
        tenant = await session.scalar(
            select(Tenant).where(Tenant.slug == request.path_params["slug"], Tenant.status == "active")
        )
        if tenant is None:
            return _page(404, "Not found", "There is no such organisation.")
        await set_tenant(session, tenant.id)
        try:
            response = await handler(session, tenant)
        except signin.ReusedRefreshToken as exc:
            await session.commit()  # the session's end stands
            return _token_error(exc)
        except signin.SignInError:
            await session.rollback()
            raise
        await session.commit()
        return response


def _connection_id(request: Request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.path_params["connection_id"])
    except ValueError:
        return None


def _refused(exc: signin.SignInError) -> Response:
    logger.info("sign-in refused: %s", exc.message)
    title = "Sign-in failed" if exc.status != 404 else "Not found"
    return _page(exc.status, title, exc.message)


async def login(request: Request) -> Response:
    connection_id = _connection_id(request)
    if connection_id is None:
        return _page(404, "Not found", "No such sign-in connection.")

    async def handle(session: AsyncSession, tenant: Tenant) -> Response:
        target, state = await signin.begin(
            session,
            _config(request),
            tenant,
            connection_id,
            return_url=request.query_params.get("return_to"),
            login_hint=request.query_params.get("login_hint"),
            code_challenge=_challenge(request),
        )
        response = RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})
        response.set_cookie(
            STATE_COOKIE,
            state,
            max_age=int(signin.LOGIN_TTL.total_seconds()),
            path=f"/t/{tenant.slug}/sso/",
            secure=_secure(request),
            httponly=True,
            samesite="lax",
        )
        return response

    try:
        return await _in_tenant(request, handle)
    except signin.SignInError as exc:
        return _refused(exc)


def _challenge(request: Request) -> str | None:
    method = request.query_params.get("code_challenge_method", "S256")
    if method != "S256":
        raise signin.SignInError(400, "code_challenge_method must be S256.", signin.BAD_REQUEST)
    return request.query_params.get("code_challenge")


def _signed_in_response(request: Request, tenant: Tenant, result: signin.SignedIn) -> Response:
    response: Response
    if result.return_url:
        response = RedirectResponse(_with_code(result.return_url, result.handover_code), status_code=303)
    else:
        response = _page(200, "Signed in", f"You are signed in to {tenant.name} as {result.person.email}.")
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        SESSION_COOKIE,
        result.cookie,
        max_age=int(_config(request).session_ttl.total_seconds()),
        path=f"/t/{tenant.slug}/",
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(STATE_COOKIE, path=f"/t/{tenant.slug}/sso/")
    return response


async def _spend_state(request: Request, connection_id: uuid.UUID, state: str | None) -> None:
    """A refused sign-in still spends its state (its transaction was rolled back), so the same
    answer cannot be tried again."""

    async def spend(session: AsyncSession, tenant: Tenant) -> Response:
        await signin.spend_state(session, connection_id, state)
        return Response(status_code=204)

    await _in_tenant(request, spend)


Complete = Callable[[AsyncSession, Tenant, uuid.UUID], Awaitable[signin.SignedIn]]


async def _complete(
    request: Request, connection_id: uuid.UUID, state: str | None, complete: Complete, protocol: str
) -> Response:
    """Finish a sign-in: sign the person in and set the session, or show why not (and spend the state)."""

    async def handle(session: AsyncSession, tenant: Tenant) -> Response:
        result = await complete(session, tenant, connection_id)
        logger.info("signed in person %s through connection %s", result.person.id, connection_id)
        return _signed_in_response(request, tenant, result)

    try:
        response = await _in_tenant(request, handle)
    except signin.SignInError as exc:
        await _spend_state(request, connection_id, state)
        record_sign_in(protocol, exc.code)
        return _refused(exc)
    record_sign_in(protocol, "success" if response.status_code < 400 else "not_found")
    return response


async def oidc_callback(request: Request) -> Response:
    connection_id = _connection_id(request)
    if connection_id is None:
        return _page(404, "Not found", "No such sign-in connection.")
    params = dict(request.query_params)
    bound = request.cookies.get(STATE_COOKIE)
    config = _config(request)

    async def complete(session: AsyncSession, tenant: Tenant, connection: uuid.UUID) -> signin.SignedIn:
        return await signin.complete_oidc(session, config, tenant, connection, params, bound_state=bound)

    return await _complete(request, connection_id, params.get("state"), complete, "oidc")


async def saml_acs(request: Request) -> Response:
    """The IdP's POST arrives cross-site, so the browser sends no SameSite=Lax cookie with it and
    we cannot tell whose browser it is. We answer with a page that posts the same response again
    from our own origin: that request carries the sign-in state cookie, which must match the
    RelayState (a response an attacker makes a victim's browser post completes nothing)."""
    connection_id = _connection_id(request)
    if connection_id is None:
        return _page(404, "Not found", "No such sign-in connection.")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return _page(413, "Sign-in failed", "The SAML response is too large.")
    form = dict(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
    if form.get(CONTINUE_FIELD) != "1":
        return _repost(request.url.path, form)
    bound = request.cookies.get(STATE_COOKIE)
    config = _config(request)

    async def complete(session: AsyncSession, tenant: Tenant, connection: uuid.UUID) -> signin.SignedIn:
        return await signin.complete_saml(session, config, tenant, connection, form, bound_state=bound)

    return await _complete(request, connection_id, form.get("RelayState"), complete, "saml")


def _repost(action: str, form: dict[str, str]) -> Response:
    fields = {k: v for k, v in form.items() if k in ("SAMLResponse", "RelayState")} | {CONTINUE_FIELD: "1"}
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items()
    )
    nonce = secrets.token_urlsafe(16)
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing in</title></head><body>'
        f'<form id="continue" method="post" action="{html.escape(action)}">{inputs}'
        '<noscript><button type="submit">Continue signing in</button></noscript></form>'
        f'<script nonce="{nonce}">document.getElementById("continue").submit();</script>'
        "</body></html>"
    )
    return HTMLResponse(
        body,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'; form-action 'self'",
            "Referrer-Policy": "no-referrer",
        },
    )


async def saml_metadata(request: Request) -> Response:
    connection_id = _connection_id(request)
    if connection_id is None:
        return _page(404, "Not found", "No such sign-in connection.")

    async def handle(session: AsyncSession, tenant: Tenant) -> Response:
        connection = await sso.find_connection(session, connection_id)
        if connection is None or connection.protocol != "saml":
            raise signin.SignInError(404, "No such SAML connection.", "not_found")
        urls = sso.ConnectionUrls.build(_config(request).public_url, tenant, connection.id)
        xml = saml.sp_metadata(entity_id=urls.sp_entity_id, acs_url=urls.acs, slo_url=urls.slo)
        return Response(xml, media_type="application/samlmetadata+xml")

    try:
        return await _in_tenant(request, handle)
    except signin.SignInError as exc:
        return _refused(exc)


async def saml_slo(request: Request) -> Response:
    connection_id = _connection_id(request)
    if connection_id is None:
        return _page(404, "Not found", "No such sign-in connection.")

    async def handle(session: AsyncSession, tenant: Tenant) -> Response:
        back = await signin.finish_saml_logout(
            session,
            tenant,
            connection_id,
            request.query_params.get("SAMLResponse"),
            request.query_params.get("RelayState"),
        )
        if back:
            return RedirectResponse(back, status_code=303)
        return _page(200, "Signed out", f"You are signed out of {tenant.name}.")

    try:
        return await _in_tenant(request, handle)
    except signin.SignInError as exc:
        return _refused(exc)


# --- tokens and logout (called by portals, possibly cross-origin) -----------------------------


def _token_error(exc: signin.SignInError) -> Response:
    status = 401 if exc.status == 401 else 400
    return JSONResponse(
        {"error": exc.code, "error_description": exc.message}, status_code=status, headers={"Cache-Control": "no-store"}
    )


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > 16 * 1024:
        raise signin.SignInError(400, "The request is too large.", "invalid_request")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            raise signin.SignInError(400, "The body is not JSON.", "invalid_request") from None
        if not isinstance(data, dict):
            raise signin.SignInError(400, "The body must be a JSON object.", "invalid_request")
        return {k: v for k, v in data.items() if isinstance(v, str)}
    return dict(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))


async def _cors(request: Request, session: AsyncSession, tenant: Tenant) -> dict[str, str] | None:
    """CORS headers for a portal origin of this tenant; None when the origin is someone else's."""
    origin = request.headers.get("origin")
    if origin is None or origin == request.app.state.settings.public_origin:
        return {}
    if not await portal_origin_allowed(session, tenant.id, origin):
        return None
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}


def _origin_refused() -> Response:
    return JSONResponse(
        {"error": "invalid_origin", "error_description": "This origin is not a registered portal of the organisation."},
        status_code=403,
    )


async def token(request: Request) -> Response:
    async def handle(session: AsyncSession, tenant: Tenant) -> Response:
        cors = await _cors(request, session, tenant)
        if cors is None:
            return _origin_refused()
        form = await _form(request)
        config = _config(request)
        grant = form.get("grant_type")
        try:
            if grant == "authorization_code":
                tokens = await signin.token_from_code(session, config, form.get("code"), form.get("code_verifier"))
            elif grant == "refresh_token":
                tokens = await signin.token_from_refresh(session, config, form.get("refresh_token"))
            elif grant == "session":
                tokens = await signin.token_from_cookie(session, config, request.cookies.get(SESSION_COOKIE))
            else:
                raise signin.SignInError(
                    400, "grant_type must be authorization_code, refresh_token or session.", "unsupported_grant_type"
                )
        except signin.ReusedRefreshToken:
            raise
        except signin.SignInError as exc:
            response = _token_error(exc)
            response.headers.update(cors)
            return response
        return JSONResponse(tokens.as_json(), headers={"Cache-Control": "no-store", "Pragma": "no-cache", **cors})

    try:
        return await _in_tenant(request, handle)
    except signin.SignInError as exc:
        return _token_error(exc)


async def logout(request: Request) -> Response:
    browser = request.method == "GET"

    async def handle(session: AsyncSession, tenant: Tenant) -> Response:
        config = _config(request)
        cors: dict[str, str] | None = {}
        if not browser:
            cors = await _cors(request, session, tenant)
            if cors is None:
                return _origin_refused()
        form = {} if browser else await _form(request)
        return_url = await signin.check_return_url(session, config, tenant, request.query_params.get("return_to"))
        signed_out = await signin.end_session(session, request.cookies.get(SESSION_COOKIE))
        if form.get("refresh_token"):
            signed_out = await signin.end_session(session, form["refresh_token"]) or signed_out
        idp_logout = (
            await signin.saml_logout_url(session, config, tenant, signed_out, return_url) if signed_out else None
        )
        response: Response
        if browser:
            if idp_logout:
                response = RedirectResponse(idp_logout, status_code=303)
            elif return_url:
                response = RedirectResponse(return_url, status_code=303)
            else:
                response = _page(200, "Signed out", f"You are signed out of {tenant.name}.")
        else:
            response = JSONResponse(
                {"signedOut": signed_out is not None, "identityProviderLogoutUrl": idp_logout}, headers=cors
            )
        response.headers["Cache-Control"] = "no-store"
        response.delete_cookie(SESSION_COOKIE, path=f"/t/{tenant.slug}/", secure=_secure(request), httponly=True)
        return response

    try:
        return await _in_tenant(request, handle)
    except signin.SignInError as exc:
        return _refused(exc) if browser else _token_error(exc)


async def preflight(request: Request) -> Response:
    """CORS preflight for the token and logout endpoints: this tenant's portal origins only."""

    async def handle(session: AsyncSession, tenant: Tenant) -> Response:
        cors = await _cors(request, session, tenant)
        if not cors:
            return Response(status_code=403)
        return Response(
            status_code=204,
            headers={
                **cors,
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "content-type",
                "Access-Control-Max-Age": "600",
            },
        )

    return await _in_tenant(request, handle)


ROUTES = [
    Route("/t/{slug}/sso/{connection_id}/login", login, methods=["GET"]),
    Route("/t/{slug}/sso/{connection_id}/callback", oidc_callback, methods=["GET"]),
    Route("/t/{slug}/sso/{connection_id}/saml/acs", saml_acs, methods=["POST"]),
    Route("/t/{slug}/sso/{connection_id}/saml/metadata", saml_metadata, methods=["GET"]),
    Route("/t/{slug}/sso/{connection_id}/saml/slo", saml_slo, methods=["GET"]),
    Route("/t/{slug}/auth/token", token, methods=["POST"]),
    Route("/t/{slug}/auth/token", preflight, methods=["OPTIONS"]),
    Route("/t/{slug}/auth/logout", logout, methods=["GET", "POST"]),
    Route("/t/{slug}/auth/logout", preflight, methods=["OPTIONS"]),
]
