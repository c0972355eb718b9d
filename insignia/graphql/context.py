"""The per-request GraphQL context: session, principal, lock and DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from strawberry.dataloader import DataLoader

from insignia.infra.ratelimit import Bucket, RateLimiter
from insignia.infra.settings import Settings
from insignia.tenants.auth import Principal
from insignia.tenants.limits import TenantLimits
from insignia.tenants.webhook import WebhookConfig

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class Context:
    request: Request
    response: Any
    session: AsyncSession
    principal: Principal
    settings: Settings
    request_id: str
    webhook_config: WebhookConfig
    # strawberry resolves sibling fields concurrently, and one AsyncSession is not safe for
    # concurrent use: every database call of the request holds this lock.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Loaders are built per request, so one tenant's cache can never serve another.
    loaders: dict[str, Any] = field(default_factory=dict)
    # The tenant's limits and the rate-limit buckets this request draws from (insignia.graphql.operations).
    limits: TenantLimits | None = None
    limiter: RateLimiter | None = None
    rate_buckets: list[Bucket] = field(default_factory=list)

    async def run(self, operation: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run a read on the request's session, serialised with every other database call."""
        async with self.lock:
            return await operation(self.session)

    def loader(
        self,
        name: str,
        fetch: Callable[[AsyncSession, list[K]], Awaitable[Mapping[K, V]]],
        missing: Callable[[], V],
    ) -> DataLoader[K, V]:
        """The request's DataLoader ``name``: batches keys into one ``fetch`` (serialised on the
        session like every other call); keys not found get ``missing()``."""
        existing = self.loaders.get(name)
        if existing is None:

            async def load(keys: Sequence[K]) -> list[V]:
                found = await self.run(lambda s: fetch(s, list(keys)))
                return [found[k] if k in found else missing() for k in keys]

            existing = self.loaders[name] = DataLoader(load_fn=load)
        return cast("DataLoader[K, V]", existing)


def none() -> None:
    """``missing`` for loaders of optional objects."""
    return None
