"""``/graphql``: authenticate, run the operation in one tenant transaction, commit, answer.

The transaction is committed after execution and *before* the response is sent, so a client
never sees a success that was not saved. Each mutation runs in its own savepoint
(``run_mutation``), so the commit keeps exactly what the payloads report as done.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from insignia.graphql.context import Context
from insignia.graphql.ide import render_ide
from insignia.graphql.persisted import PersistedQueries, PersistedQueryError, load_manifest
from insignia.graphql.schema import build_schema
from insignia.infra import idempotency, metrics, tracing
from insignia.infra.db import Database, count_statements
from insignia.infra.errors import ServiceError
from insignia.infra.http import bearer_credential
from insignia.infra.logging import principal_var, request_id_var, tenant_var
from insignia.infra.ratelimit import Bucket, RateLimiter, too_many_requests_body
from insignia.infra.settings import Settings
from insignia.tenants.auth import AuthenticationError, Principal, authenticate, token_caller
from insignia.tenants.limits import LimitsCache, TenantLimits
from insignia.tenants.tenant import portal_origin_allowed, portal_origin_known
from insignia.tenants.webhook import WebhookConfig

logger = logging.getLogger("insignia.graphql")

_STATE_KEY = "insignia_graphql"


def _error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status, headers=headers)


class GraphQLEndpoint(GraphQL[Context, None]):
    def __init__(
        self,
        settings: Settings,
        database: Database,
        limiter: RateLimiter | None = None,
        limits: LimitsCache | None = None,
    ) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.development else None,
            allow_queries_via_get=True,
        )
        self.settings = settings
        self.database = database
        self.webhook_config = WebhookConfig.from_settings(settings)
        self.limiter = limiter
        self.limits = limits or LimitsCache(database, TenantLimits.defaults(settings))
        manifest = load_manifest(settings.persisted_queries_file) if settings.persisted_queries_file else {}
        if settings.persisted_queries == "allow-list" and not manifest:
            raise ValueError("INSIGNIA_PERSISTED_QUERIES=allow-list needs INSIGNIA_PERSISTED_QUERIES_FILE (a manifest)")
        self.persisted = PersistedQueries(settings.persisted_queries, manifest)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, list):
            return [self.persisted.resolve(item) for item in data]
        return self.persisted.resolve(data)

    async def get_context(self, request: Any, response: Any) -> Context:
        session, principal, limits, buckets = request.scope[_STATE_KEY]
        return Context(
            request=request,
            response=response,
            session=session,
            principal=principal,
            settings=self.settings,
            request_id=request_id_var.get() or "",
            webhook_config=self.webhook_config,
            limits=limits,
            limiter=self.limiter,
            rate_buckets=buckets,
        )

    def encode_json(self, data: object) -> bytes:
        # orjson: the response body is most of a read's serialisation cost.
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Development only: GraphiQL from assets shipped in the package (no CDN), with a token helper.
        return render_ide(request)

    async def _over_limit(self, credential: str) -> Response | None:
        """A person whose bucket is empty is refused before any database work (their token's
        signature names them); API keys are checked once authenticated."""
        if self.limiter is None:
            return None
        caller = token_caller(credential, secret_key=self.settings.secret_key, issuer=self.settings.token_issuer)
        if caller is None:
            return None
        limits = await self.limits.get(caller.tenant_id)
        decision = await self.limiter.peek(limits.buckets(caller.tenant_id, caller.person_id, None))
        if decision.allowed:
            return None
        policy = decision.refused_by.policy if decision.refused_by else "tenant"
        metrics.record_rate_limited(policy)
        headers = decision.headers()
        whose = "person" if policy == "person" else "organisation"
        message = f"Rate limit of this {whose} reached; retry after {headers['Retry-After']} s."
        return Response(too_many_requests_body(decision, message), 429, media_type="application/json", headers=headers)

    def _wants_ide(self, request: Request) -> bool:
        return (
            self.graphql_ide is not None
            and request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await _error_response(404, "NOT_FOUND", "Not found.")(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "OPTIONS":
            await (await self._preflight(request))(scope, receive, send)
            return
        if self._wants_ide(request):
            # The IDE page itself needs no credential; its queries carry one (headers editor).
            await (await self.render_graphql_ide(request))(scope, receive, send)
            return
        credential = bearer_credential(request)
        refused = (
            _error_response(
                401,
                "UNAUTHENTICATED",
                "Send a bearer token or API key in the Authorization header.",
                {"WWW-Authenticate": "Bearer"},
            )
            if credential is None
            else await self._over_limit(credential)
        )
        if refused is not None or credential is None:
            assert refused is not None
            await refused(scope, receive, send)
            return
        async with self.database.session() as session, count_statements() as statements:
            try:
                principal = await authenticate(
                    session, credential, secret_key=self.settings.secret_key, issuer=self.settings.token_issuer
                )
            except AuthenticationError as exc:
                await session.rollback()
                response = _error_response(401, "UNAUTHENTICATED", str(exc), {"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
            origin = request.headers.get("origin")
            cross_origin = origin is not None and origin != self.settings.public_origin
            if cross_origin and not await portal_origin_allowed(session, principal.tenant_id, origin or ""):
                await session.rollback()
                response = _error_response(
                    403, "ORIGIN_NOT_ALLOWED", "This origin is not a registered portal of the organisation."
                )
                response.headers["Vary"] = "Origin"
                await response(scope, receive, send)
                return
            response = await self._execute(request, session, principal)
            scope["insignia_sql_statements"] = statements[0]
        if cross_origin and origin is not None:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        await response(scope, receive, send)

    async def _preflight(self, request: Request) -> Response:
        """CORS preflight: it carries no credential, so it is allowed for an origin that some tenant
        registered as a portal; the request itself is then checked against the caller's tenant."""
        origin = request.headers.get("origin")
        if origin is None or request.headers.get("access-control-request-method") is None:
            return _error_response(405, "METHOD_NOT_ALLOWED", "OPTIONS is only for CORS preflight requests.")
        async with self.database.session() as session:
            known = await portal_origin_known(session, origin)
            await session.rollback()
        if not known:
            return Response(status_code=403, headers={"Vary": "Origin"})
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": "GET, POST",
                "Access-Control-Allow-Headers": "authorization, content-type, idempotency-key",
                "Access-Control-Expose-Headers": "x-request-id, idempotent-replayed",
                "Access-Control-Max-Age": "600",
                "Vary": "Origin",
            },
        )

    async def _execute(self, request: Request, session: Any, principal: Principal) -> Response:
        limits = await self.limits.get(principal.tenant_id)
        buckets: list[Bucket] = (
            limits.buckets(principal.tenant_id, principal.person.id if principal.person else None, principal.api_key_id)
            if self.limiter is not None
            else []
        )
        request.scope[_STATE_KEY] = (session, principal, limits, buckets)
        tenant_token = tenant_var.set(str(principal.tenant_id))
        principal_token = principal_var.set(principal.label)
        tracing.annotate({"insignia.tenant_id": str(principal.tenant_id), "insignia.principal": principal.label})
        idempotency_key = request.headers.get("idempotency-key") if request.method == "POST" else None
        try:
            if idempotency_key is not None:
                try:
                    stored = await idempotency.claim(
                        session,
                        principal.tenant_id,
                        principal.label,
                        idempotency_key,
                        idempotency.request_hash(await request.body()),
                    )
                except ServiceError as exc:
                    await session.rollback()
                    status = 422 if isinstance(exc, idempotency.IdempotencyKeyReused) else 400
                    return _error_response(status, exc.code, exc.message)
                if stored is not None:
                    await session.rollback()
                    return Response(
                        stored.body,
                        stored.status_code,
                        media_type="application/json",
                        headers={"Idempotent-Replayed": "true"},
                    )
            try:
                response = await self.run(request)
            except (PersistedQueryError, HTTPException) as exc:
                await session.rollback()
                return _refusal(exc)
            if response.status_code >= 400:
                await session.rollback()
                return _clarify(response)
            if idempotency_key is not None:
                await idempotency.complete(
                    session, principal.label, idempotency_key, response.status_code, bytes(response.body)
                )
            await session.commit()
            return response
        except Exception:
            logger.exception("GraphQL request failed")
            await session.rollback()
            return _error_response(500, "INTERNAL_SERVER_ERROR", f"Unexpected error (request {request_id_var.get()}).")
        finally:
            tenant_var.reset(tenant_token)
            principal_var.reset(principal_token)


def _refusal(exc: PersistedQueryError | HTTPException) -> Response:
    if isinstance(exc, PersistedQueryError):
        return _error_response(exc.status, exc.code, exc.message)
    code = "METHOD_NOT_ALLOWED" if exc.status_code == 405 else "BAD_REQUEST"
    return _error_response(exc.status_code, code, exc.reason)


def _clarify(response: Response) -> Response:
    """strawberry answers transport errors (bad JSON, a mutation over GET) in plain text; give JSON."""
    if response.media_type == "application/json":
        return response
    body = bytes(response.body).decode(errors="replace").strip() or "Bad request."
    try:
        json.loads(body)
        return response
    except ValueError:
        pass
    code = "METHOD_NOT_ALLOWED" if response.status_code == 405 else "BAD_REQUEST"
    return _error_response(response.status_code, code, body)
