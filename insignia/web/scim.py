"""``/scim/v2``: SCIM 2.0 provisioning over HTTP (RFC 7644), one tenant per API key.

Thin: it authenticates (an API key with ``scim:provision``, sent as a bearer token; the key's
tenant is the tenant), reads the request, calls ``insignia.tenants.scim`` inside one transaction
and answers ``application/scim+json``. Every request is one transaction: committed before a
successful answer, rolled back on any error, so a refused request changes nothing. See the service
module for what is supported and why.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from insignia.infra.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from insignia.infra.http import bearer_credential
from insignia.infra.logging import request_id_var
from insignia.tenants.auth import AuthenticationError, Scope, authenticate
from insignia.tenants.scim import discovery
from insignia.tenants.scim.directory import Rendered, etag_matches
from insignia.tenants.scim.errors import ScimError
from insignia.tenants.scim.query import ListQuery, Projection, list_query, projection
from insignia.tenants.scim.schemas import ERROR_SCHEMA
from insignia.tenants.scim.service import MAX_BODY_BYTES, ScimService
from insignia.web import limits

logger = logging.getLogger("insignia.scim")

MEDIA_TYPE = "application/scim+json"
_JSON_TYPES = ("application/scim+json", "application/json")
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_UNIQUE_VIOLATION = "23505"

Action = Callable[[ScimService, Request], Awaitable[Response]]


def _scim_json(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def error_response(
    status: int, detail: str, scim_type: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """An RFC 7644 §3.12 error."""
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type is not None:
        body["scimType"] = scim_type
    return _scim_json(body, status, headers)


def _service_error(exc: ServiceError) -> Response:
    if isinstance(exc, ScimError):
        return error_response(exc.status, exc.message, exc.scim_type)
    if isinstance(exc, ConflictError):
        return error_response(409, exc.message, "uniqueness")
    if isinstance(exc, NotFoundError):
        return error_response(404, exc.message)
    if isinstance(exc, PermissionDeniedError):
        return error_response(403, exc.message)
    return error_response(400, exc.message, "invalidValue")


def _base_url(request: Request) -> str:
    return f"{request.app.state.settings.public_url.rstrip('/')}/scim/v2"


def _params(request: Request) -> dict[str, str]:
    # RFC 7644 names them in camelCase; accept any case, as clients vary.
    names = {"filter", "startIndex", "count", "sortBy", "sortOrder", "attributes", "excludedAttributes"}
    canonical = {n.lower(): n for n in names}
    return {canonical[k.lower()]: v for k, v in request.query_params.items() if k.lower() in canonical}


class _BadRequest(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


async def _body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in _JSON_TYPES:
        raise _BadRequest(error_response(415, f"Send {MEDIA_TYPE} (or application/json), not {content_type}."))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _BadRequest(error_response(413, f"The body is over {MAX_BODY_BYTES} bytes."))
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _BadRequest(error_response(400, "The body is not valid JSON.", "invalidSyntax")) from None


async def _run(request: Request, actions: dict[str, Action]) -> Response:  # noqa: PLR0911 - one answer per failure
    """Authenticate, run the action of the request's method in one tenant transaction, answer."""
    credential = bearer_credential(request)
    if credential is None:
        return error_response(401, "A bearer token is required.", headers={"WWW-Authenticate": 'Bearer realm="scim"'})
    settings = request.app.state.settings
    async with request.app.state.database.session() as session:
        try:
            principal = await authenticate(
                session, credential, secret_key=settings.secret_key, issuer=settings.token_issuer
            )
        except AuthenticationError as exc:
            return error_response(
                401, str(exc), headers={"WWW-Authenticate": 'Bearer realm="scim", error="invalid_token"'}
            )
        if principal.person is not None or not principal.has(Scope.SCIM_PROVISION):
            return error_response(403, "Use an API key with the scim:provision scope.")
        decision = await limits.take(request, principal)
        if not decision.allowed:
            return error_response(
                429, "Rate limit reached; retry after the Retry-After seconds.", headers=decision.headers()
            )
        action = actions.get(request.method)
        if action is None:
            allowed = ", ".join(sorted(actions))
            return error_response(405, f"{request.method} is not allowed here.", headers={"Allow": allowed})
        service = ScimService(session, principal.tenant_id, _base_url(request))
        try:
            response = await action(service, request)
        except _BadRequest as exc:
            await session.rollback()
            return exc.response
        except ServiceError as exc:
            await session.rollback()
            return _service_error(exc)
        except IntegrityError as exc:
            await session.rollback()
            if getattr(exc.orig, "sqlstate", None) == _UNIQUE_VIOLATION:
                # A concurrent request took the name or email between our check and the write.
                return error_response(409, "A resource with this name or email already exists.", "uniqueness")
            logger.exception("SCIM request failed")
            return error_response(500, f"Unexpected error (request {request_id_var.get()}).")
        except Exception:
            await session.rollback()
            logger.exception("SCIM request failed")
            return error_response(500, f"Unexpected error (request {request_id_var.get()}).")
        await session.commit()
    return limits.with_headers(response, decision)


def _resource(rendered: Rendered, status: int = 200) -> Response:
    headers = {"ETag": rendered.version}
    if status == 201:
        headers["Location"] = rendered.location
    return _scim_json(rendered.body, status, headers)


def _if_match(request: Request) -> str | None:
    return request.headers.get("if-match")


# Discovery


def _discovery(build: Callable[[Request], dict[str, Any]]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        async def get(_service: ScimService, request: Request) -> Response:
            if "filter" in _params(request):
                # RFC 7644 §4: filtering discovery endpoints is not supported, and must not look so.
                return error_response(403, "Discovery endpoints cannot be filtered.")
            return _scim_json(build(request))

        return await _run(request, {"GET": get})

    return endpoint


service_provider_config = _discovery(lambda r: discovery.service_provider_config(_base_url(r)))
resource_types = _discovery(lambda r: discovery.resource_types(_base_url(r)))
resource_type = _discovery(lambda r: discovery.resource_type(_base_url(r), r.path_params["name"]))
schemas = _discovery(lambda r: discovery.schemas(_base_url(r)))
schema = _discovery(lambda r: discovery.schema(_base_url(r), r.path_params["schema_id"]))


# Users and Groups: the same HTTP shape, served by the service's methods for each kind.


@dataclass(frozen=True)
class _Kind:
    list: Callable[[ScimService, ListQuery], Awaitable[dict[str, Any]]]
    get: Callable[[ScimService, str, Projection], Awaitable[Rendered]]
    create: Callable[[ScimService, Any, Projection], Awaitable[Rendered]]
    replace: Callable[[ScimService, str, Any, Projection, str | None], Awaitable[Rendered]]
    patch: Callable[[ScimService, str, Any, Projection, str | None], Awaitable[Rendered]]
    delete: Callable[[ScimService, str, str | None], Awaitable[None]]


_USERS = _Kind(
    ScimService.list_users,
    ScimService.get_user,
    ScimService.create_user,
    ScimService.replace_user,
    ScimService.patch_user,
    ScimService.delete_user,
)
_GROUPS = _Kind(
    ScimService.list_groups,
    ScimService.get_group,
    ScimService.create_group,
    ScimService.replace_group,
    ScimService.patch_group,
    ScimService.delete_group,
)


def _collection(kind: _Kind) -> Callable[[Request], Awaitable[Response]]:
    """``/Users`` or ``/Groups``: list (GET) and create (POST)."""

    async def endpoint(request: Request) -> Response:
        async def list_(service: ScimService, request: Request) -> Response:
            return _scim_json(await kind.list(service, list_query(_params(request))))

        async def create(service: ScimService, request: Request) -> Response:
            body = await _body(request)
            return _resource(await kind.create(service, body, projection(_params(request))), 201)

        return await _run(request, {"GET": list_, "POST": create})

    return endpoint


def _item(kind: _Kind) -> Callable[[Request], Awaitable[Response]]:
    """``/Users/{id}`` or ``/Groups/{id}``: read, replace, patch, delete (ETags on each)."""

    async def endpoint(request: Request) -> Response:
        resource_id = request.path_params["id"]

        async def get(service: ScimService, request: Request) -> Response:
            rendered = await kind.get(service, resource_id, projection(_params(request)))
            if etag_matches(request.headers.get("if-none-match"), rendered.version):
                return Response(status_code=304, headers={"ETag": rendered.version})
            return _resource(rendered)

        async def put(service: ScimService, request: Request) -> Response:
            body = await _body(request)
            chosen = projection(_params(request))
            return _resource(await kind.replace(service, resource_id, body, chosen, _if_match(request)))

        async def patch(service: ScimService, request: Request) -> Response:
            body = await _body(request)
            chosen = projection(_params(request))
            return _resource(await kind.patch(service, resource_id, body, chosen, _if_match(request)))

        async def delete(service: ScimService, request: Request) -> Response:
            await kind.delete(service, resource_id, _if_match(request))
            return Response(status_code=204)

        return await _run(request, {"GET": get, "PUT": put, "PATCH": patch, "DELETE": delete})

    return endpoint


def _search(kind: _Kind) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        async def search(service: ScimService, request: Request) -> Response:
            body = await _body(request)
            if not isinstance(body, dict):
                raise _BadRequest(error_response(400, "The body must be a SearchRequest object.", "invalidSyntax"))
            query = list_query(body)
            return _scim_json(await kind.list(service, query))

        return await _run(request, {"POST": search})

    return endpoint


async def _not_implemented(request: Request) -> Response:
    async def answer(_service: ScimService, request: Request) -> Response:
        return error_response(501, f"{request.url.path} is not supported by this service provider.")

    return await _run(request, dict.fromkeys(_METHODS, answer))


async def _unknown(request: Request) -> Response:
    async def answer(_service: ScimService, request: Request) -> Response:
        return error_response(404, f"No SCIM endpoint at {request.url.path}.")

    return await _run(request, dict.fromkeys(_METHODS, answer))


ROUTES = [
    Route("/scim/v2/ServiceProviderConfig", service_provider_config, methods=_METHODS),
    Route("/scim/v2/ResourceTypes", resource_types, methods=_METHODS),
    Route("/scim/v2/ResourceTypes/{name}", resource_type, methods=_METHODS),
    Route("/scim/v2/Schemas", schemas, methods=_METHODS),
    Route("/scim/v2/Schemas/{schema_id}", schema, methods=_METHODS),
    Route("/scim/v2/Users", _collection(_USERS), methods=_METHODS),
    Route("/scim/v2/Users/.search", _search(_USERS), methods=_METHODS),
    Route("/scim/v2/Users/{id}", _item(_USERS), methods=_METHODS),
    Route("/scim/v2/Groups", _collection(_GROUPS), methods=_METHODS),
    Route("/scim/v2/Groups/.search", _search(_GROUPS), methods=_METHODS),
    Route("/scim/v2/Groups/{id}", _item(_GROUPS), methods=_METHODS),
    # Searching every resource type at once, /Me and bulk are not offered (RFC 7644: 501).
    Route("/scim/v2/.search", _not_implemented, methods=_METHODS),
    Route("/scim/v2/Me", _not_implemented, methods=_METHODS),
    Route("/scim/v2/Bulk", _not_implemented, methods=_METHODS),
    Route("/scim/v2/{rest:path}", _unknown, methods=_METHODS),
    Route("/scim/v2", _unknown, methods=_METHODS),
]
