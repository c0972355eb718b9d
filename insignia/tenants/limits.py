"""Each tenant's rate limits and GraphQL cost limit: the platform defaults, or what the operator
set for the tenant (``insignia tenant limits``).

Requests draw points from the bucket of their caller (a person or an API key) and from their
tenant's bucket, so one runaway script stops at its own limit, and one tenant's whole traffic at
the tenant's, long before it can crowd out other tenants. API processes keep each tenant's limits
for ``CACHE_SECONDS``: a change applies everywhere within that time (at once in the process
that made it, see ``LimitsCache.refresh``).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.db import Database
from insignia.infra.orm import Base
from insignia.infra.ratelimit import Bucket, Limit
from insignia.infra.settings import Settings

logger = logging.getLogger(__name__)
CACHE_SECONDS = 30.0


class TenantLimitsRow(Base):
    """The operator's overrides for one tenant; a NULL keeps the platform default."""

    __tablename__ = "tenant_limits"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    person_burst: Mapped[float | None]
    person_rate: Mapped[float | None]
    api_key_burst: Mapped[float | None]
    api_key_rate: Mapped[float | None]
    tenant_burst: Mapped[float | None]
    tenant_rate: Mapped[float | None]
    max_cost: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


@dataclass(frozen=True)
class TenantLimits:
    """The limits in force for one tenant; None means no limit."""

    person: Limit | None
    api_key: Limit | None
    tenant: Limit | None
    max_cost: int | None

    @classmethod
    def defaults(cls, settings: Settings) -> TenantLimits:
        return cls(
            person=settings.rate_limit_person,
            api_key=settings.rate_limit_api_key,
            tenant=settings.rate_limit_tenant,
            max_cost=settings.graphql_max_cost,
        )

    def overridden_by(self, row: TenantLimitsRow | None) -> TenantLimits:
        if row is None:
            return self

        def pick(burst: float | None, rate: float | None, default: Limit | None) -> Limit | None:
            if burst is None or rate is None:
                return default
            return None if burst == 0 else Limit(burst, rate)

        return TenantLimits(
            person=pick(row.person_burst, row.person_rate, self.person),
            api_key=pick(row.api_key_burst, row.api_key_rate, self.api_key),
            tenant=pick(row.tenant_burst, row.tenant_rate, self.tenant),
            max_cost=self.max_cost if row.max_cost is None else (row.max_cost or None),
        )

    def buckets(self, tenant_id: uuid.UUID, person_id: uuid.UUID | None, api_key_id: uuid.UUID | None) -> list[Bucket]:
        """The buckets a request of this caller draws from. The tenant leads every key (a hash
        tag for Redis cluster: all of a request's buckets live in one slot)."""
        tenant = f"{{{tenant_id}}}"
        found: list[Bucket] = []
        if person_id is not None and self.person is not None:
            found.append(Bucket("person", f"{tenant}:p:{person_id}", self.person))
        if api_key_id is not None and self.api_key is not None:
            found.append(Bucket("api_key", f"{tenant}:k:{api_key_id}", self.api_key))
        if self.tenant is not None:
            found.append(Bucket("tenant", f"{tenant}:t", self.tenant))
        return found


class LimitsCache:
    """Every tenant's limits in memory: the operator's overrides (a handful of rows) are read all
    at once, again every ``ttl`` seconds in the background, so a request never waits on them and
    never runs a statement for them."""

    def __init__(self, database: Database, defaults: TenantLimits, ttl: float = CACHE_SECONDS) -> None:
        self.database = database
        self.defaults = defaults
        self.ttl = ttl
        self.overrides: dict[uuid.UUID, TenantLimits] = {}
        self.loaded_at: float | None = None
        self.refreshing: asyncio.Task[None] | None = None

    async def get(self, tenant_id: uuid.UUID) -> TenantLimits:
        """The tenant's limits (its overrides over the platform defaults)."""
        now = time.monotonic()
        if self.loaded_at is None:
            await self._refresh_outside_request()
        elif now - self.loaded_at > self.ttl and (self.refreshing is None or self.refreshing.done()):
            self.refreshing = asyncio.create_task(self.refresh(), context=contextvars.Context())
        return self.overrides.get(tenant_id, self.defaults)

    async def _refresh_outside_request(self) -> None:
        # A fresh context: the read is not one of the request's statements (metrics, trace, budgets).
        await asyncio.create_task(self.refresh(), context=contextvars.Context())

    async def refresh(self) -> None:
        try:
            async with self.database.session() as session:
                rows = (await session.execute(select(TenantLimitsRow).from_statement(_ALL))).scalars().all()
        except Exception as exc:  # noqa: BLE001 - keep the limits known so far; retry at the next request
            logger.warning("cannot read tenant limits", extra={"error": repr(exc)})
            self.loaded_at = self.loaded_at if self.loaded_at is not None else time.monotonic() - self.ttl
            return
        self.overrides = {row.tenant_id: self.defaults.overridden_by(row) for row in rows}
        self.loaded_at = time.monotonic()


_ALL = text("SELECT * FROM insignia_tenant_limits()")


async def limits_for(session: AsyncSession, defaults: TenantLimits, tenant_id: uuid.UUID) -> TenantLimits:
    """The limits in force for the tenant ``session`` is bound to."""
    row = await session.scalar(select(TenantLimitsRow).where(TenantLimitsRow.tenant_id == tenant_id))
    return defaults.overridden_by(row)


# What `insignia tenant limits` accepts per scope: a limit, "off", or "default" (the platform's).
LimitChange = Limit | str | None


async def set_limits(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    person: LimitChange = None,
    api_key: LimitChange = None,
    tenant: LimitChange = None,
    max_cost: int | str | None = None,
) -> TenantLimitsRow:
    """Change the operator's overrides of one tenant (``session`` bound to it). Each argument is a
    ``Limit``, ``"off"``, ``"default"`` or None (unchanged)."""
    row = await session.scalar(select(TenantLimitsRow).where(TenantLimitsRow.tenant_id == tenant_id))
    if row is None:
        row = TenantLimitsRow(tenant_id=tenant_id)
        session.add(row)

    def apply(change: LimitChange, burst: str, rate: str) -> None:
        if change is None:
            return
        if change == "default":
            setattr(row, burst, None)
            setattr(row, rate, None)
        elif change == "off":
            setattr(row, burst, 0.0)
            setattr(row, rate, 1.0)
        elif isinstance(change, Limit):
            setattr(row, burst, change.burst)
            setattr(row, rate, change.per_second)

    apply(person, "person_burst", "person_rate")
    apply(api_key, "api_key_burst", "api_key_rate")
    apply(tenant, "tenant_burst", "tenant_rate")
    if max_cost == "default":
        row.max_cost = None
    elif max_cost == "off":
        row.max_cost = 0
    elif isinstance(max_cost, int):
        row.max_cost = max_cost
    await session.flush()
    return row
