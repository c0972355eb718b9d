"""Rate limits for the API-key surfaces outside GraphQL (xAPI statements, SCIM): each request
takes its points from the key's and the tenant's buckets, like a GraphQL request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from insignia.infra.metrics import record_rate_limited
from insignia.infra.ratelimit import ALLOW_ALL, Decision, RateLimiter
from insignia.tenants.auth import Principal
from insignia.tenants.limits import LimitsCache


async def take(request: Request, principal: Principal, points: int = 1) -> Decision:
    """Take ``points`` for this caller; the decision says whether the request may go on."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    cache: LimitsCache | None = getattr(request.app.state, "tenant_limits", None)
    if limiter is None or cache is None:
        return ALLOW_ALL
    limits = await cache.get(principal.tenant_id)
    person_id = principal.person.id if principal.person is not None else None
    decision = await limiter.take(limits.buckets(principal.tenant_id, person_id, principal.api_key_id), points)
    if not decision.allowed and decision.refused_by is not None:
        record_rate_limited(decision.refused_by.policy)
    return decision


def with_headers(response: Response, decision: Decision) -> Response:
    response.headers.update(decision.headers())
    return response
