"""Webhook endpoints and deliveries: types, queries, mutations, loaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id, to_global_id
from insignia.graphql.node import Node, node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.infra.errors import ValidationError
from insignia.tenants import webhook as webhook_service
from insignia.tenants.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint

MAX_EVENT_TYPES = 20


@strawberry.enum
class WebhookDeliveryStatus(Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@strawberry.type
class WebhookDeliveryAttemptType:
    attempted_at: datetime
    response_status: int | None
    latency_ms: int
    error: str | None


def _attempts_loader(ctx: Context) -> DataLoader[uuid.UUID, list[WebhookDeliveryAttempt]]:
    return ctx.loader("WebhookDeliveryAttemptsByDeliveryIdLoader", webhook_service.attempts_by_delivery, list)


@strawberry.type(name="WebhookDelivery")
class WebhookDeliveryType(Node):
    model: strawberry.Private[WebhookDelivery]
    event_id: str = strawberry.field(description="Same for every delivery of one event: receivers deduplicate on it.")
    event_type: str
    status: WebhookDeliveryStatus
    attempts: int
    response_status: int | None
    latency_ms: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None

    @strawberry.field(description="Every attempt, oldest first.")
    async def attempt_log(self, info: Info[Context, None]) -> list[WebhookDeliveryAttemptType]:
        rows = await _attempts_loader(info.context).load(self.model.id)
        return [
            WebhookDeliveryAttemptType(
                attempted_at=a.attempted_at, response_status=a.response_status, latency_ms=a.latency_ms, error=a.error
            )
            for a in rows
        ]

    @classmethod
    def from_model(cls, d: WebhookDelivery) -> WebhookDeliveryType:
        return cls(
            id=to_global_id("WebhookDelivery", d.id),
            model=d,
            event_id=str(d.event_id),
            event_type=d.event_type,
            status=WebhookDeliveryStatus(d.status),
            attempts=d.attempts,
            response_status=d.response_status,
            latency_ms=d.latency_ms,
            last_error=d.last_error,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
        )


@strawberry.type(name="WebhookEndpoint")
class WebhookEndpointType(Node):
    model: strawberry.Private[WebhookEndpoint]
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    created_at: datetime

    @strawberry.field
    async def deliveries(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[WebhookDeliveryType]:
        ctx = info.context
        page = await ctx.run(
            lambda s: webhook_service.list_deliveries(
                s, ctx.principal, self.model.id, first=first, after=after, last=last, before=before
            )
        )
        return build_connection(page, WebhookDeliveryType.from_model)

    @classmethod
    def from_model(cls, e: WebhookEndpoint) -> WebhookEndpointType:
        return cls(
            id=to_global_id("WebhookEndpoint", e.id),
            model=e,
            url=e.url,
            description=e.description,
            event_types=list(e.event_types),
            enabled=e.enabled,
            created_at=e.created_at,
        )


@strawberry.input
class WebhookEndpointCreateInput:
    url: str
    event_types: list[str] = strawberry.field(description="For example person.created, award.issued.")
    description: str | None = None
    secret: str | None = strawberry.field(default=None, description="Your own signing secret; generated if omitted.")


@strawberry.input
class WebhookEndpointUpdateInput:
    id: strawberry.ID
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


@strawberry.type
class WebhookEndpointPayload:
    webhook_endpoint: WebhookEndpointType | None
    errors: list[UserError]


@strawberry.type
class WebhookEndpointCreatePayload:
    webhook_endpoint: WebhookEndpointType | None
    secret: str | None = strawberry.field(description="The signing secret; shown this once.")
    errors: list[UserError]


@strawberry.type
class WebhookDeliveryPayload:
    webhook_delivery: WebhookDeliveryType | None
    errors: list[UserError]


def _event_types(values: list[str]) -> list[str]:
    if len(values) > MAX_EVENT_TYPES:
        raise ValidationError(f"eventTypes takes at most {MAX_EVENT_TYPES} values", "eventTypes")
    return values


def _endpoint_payload(endpoint: WebhookEndpoint | None, errors: list[UserError]) -> WebhookEndpointPayload:
    return WebhookEndpointPayload(
        webhook_endpoint=WebhookEndpointType.from_model(endpoint) if endpoint else None, errors=errors
    )


@strawberry.type
class WebhookQueries:
    @strawberry.field
    async def webhook_endpoints(self, info: Info[Context, None]) -> list[WebhookEndpointType]:
        ctx = info.context
        rows = await ctx.run(lambda s: webhook_service.list_endpoints(s, ctx.principal))
        return [WebhookEndpointType.from_model(e) for e in rows]


@strawberry.type
class WebhookMutations:
    @strawberry.mutation
    async def webhook_endpoint_create(
        self, info: Info[Context, None], input: WebhookEndpointCreateInput
    ) -> WebhookEndpointCreatePayload:
        ctx = info.context

        async def op(s: AsyncSession) -> tuple[WebhookEndpoint, str]:
            return await webhook_service.create_endpoint(
                s,
                ctx.principal,
                ctx.webhook_config,
                url=input.url,
                event_types=_event_types(input.event_types),
                description=input.description,
                secret=input.secret,
            )

        result, errors = await run_mutation(ctx, op)
        if result is None:
            return WebhookEndpointCreatePayload(webhook_endpoint=None, secret=None, errors=errors)
        endpoint, secret = result
        return WebhookEndpointCreatePayload(
            webhook_endpoint=WebhookEndpointType.from_model(endpoint), secret=secret, errors=[]
        )

    @strawberry.mutation
    async def webhook_endpoint_update(
        self, info: Info[Context, None], input: WebhookEndpointUpdateInput
    ) -> WebhookEndpointPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> WebhookEndpoint:
            return await webhook_service.update_endpoint(
                s,
                ctx.principal,
                ctx.webhook_config,
                expect_id(input.id, "WebhookEndpoint"),
                url=input.url,
                event_types=_event_types(input.event_types) if input.event_types is not None else None,
                description=input.description,
                enabled=input.enabled,
            )

        return _endpoint_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def webhook_endpoint_delete(self, info: Info[Context, None], id: strawberry.ID) -> WebhookEndpointPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> WebhookEndpoint:
            return await webhook_service.delete_endpoint(s, ctx.principal, expect_id(id, "WebhookEndpoint"))

        return _endpoint_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Deliver again, with the same event id so receivers can deduplicate.")
    async def webhook_delivery_replay(self, info: Info[Context, None], id: strawberry.ID) -> WebhookDeliveryPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> WebhookDelivery:
            return await webhook_service.replay_delivery(
                s, ctx.principal, ctx.webhook_config, expect_id(id, "WebhookDelivery")
            )

        delivery, errors = await run_mutation(ctx, op)
        return WebhookDeliveryPayload(
            webhook_delivery=WebhookDeliveryType.from_model(delivery) if delivery else None, errors=errors
        )


@node_resolver("WebhookEndpoint")
async def _endpoint_node(ctx: Context, value: uuid.UUID) -> WebhookEndpointType | None:
    found = await ctx.run(lambda s: webhook_service.endpoints_by_ids(s, ctx.principal, [value]))
    return WebhookEndpointType.from_model(found[value]) if value in found else None


@node_resolver("WebhookDelivery")
async def _delivery_node(ctx: Context, value: uuid.UUID) -> WebhookDeliveryType | None:
    found = await ctx.run(lambda s: webhook_service.deliveries_by_ids(s, ctx.principal, [value]))
    return WebhookDeliveryType.from_model(found[value]) if value in found else None
