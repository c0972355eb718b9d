"""The per-request GraphQL context: session, principal, lock and DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from insignia.infra.settings import Settings
from insignia.tenants.auth import Principal
from insignia.tenants.webhook import WebhookConfig

T = TypeVar("T")


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

    async def run(self, operation: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run a read on the request's session, serialised with every other database call."""
        async with self.lock:
            return await operation(self.session)

    def loader(self, name: str, factory: Callable[[Context], Any]) -> Any:
        existing = self.loaders.get(name)
        if existing is None:
            existing = self.loaders[name] = factory(self)
        return existing
