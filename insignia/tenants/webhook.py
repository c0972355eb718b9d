"""Webhooks: tenant admins register endpoints; domain events are delivered to them, signed.

Delivery is at least once. Each request carries the event id and a timestamp in headers and an
HMAC-SHA256 signature over ``"{timestamp}.{body}"`` with the endpoint's secret, so receivers can
verify it and drop duplicates. A delivery is retried with backoff for up to three days (as
configured); every attempt is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, metrics, outbound, validation
from insignia.infra.crypto import SecretBox
from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.grouping import group_by
from insignia.infra.ids import uuid7
from insignia.infra.outbox import Attempt, JobFailed, OutboxEvent, enqueue, new_event
from insignia.infra.pagination import Page, paginate
from insignia.infra.settings import Settings
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint

# Event types a webhook can subscribe to; later areas add theirs here.
EVENT_TYPES = (
    "person.created",
    "person.deactivated",
    "person.reactivated",
    "award.issued",
    "award.revoked",
    "award.suspended",
    "award.reinstated",
    "award.expired",
    "award.visibility_changed",
    "award.accepted",
    "award.declined",
    "pathway.completed",
    "goal.achieved",
    "person.level_reached",
)
PUBLISH_KIND = "event.publish"
DELIVER_KIND = "webhook.deliver"
MAX_ENDPOINTS = 50
SIGNATURE_HEADER = "Insignia-Signature"


@dataclass(frozen=True)
class WebhookConfig:
    """What delivery needs from settings."""

    secret_box: SecretBox
    allow_private: bool
    timeout_seconds: float
    max_age: timedelta
    max_attempts: int

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookConfig:
        return cls(
            secret_box=SecretBox(settings.secret_key),
            allow_private=settings.webhook_allow_private,
            timeout_seconds=settings.webhook_timeout_seconds,
            max_age=timedelta(seconds=settings.webhook_max_age_seconds),
            max_attempts=settings.webhook_max_attempts,
        )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``v1=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>``; receivers recompute and compare."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def _require_manage(principal: Principal) -> None:
    if not principal.has(Scope.WEBHOOKS_MANAGE):
        raise PermissionDeniedError("Only tenant admins can manage webhooks.")


def _event_types(values: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for value in values:
        if value not in EVENT_TYPES:
            raise ValidationError(f"Unknown event type {value!r}; known: {', '.join(EVENT_TYPES)}.", "eventTypes")
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise ValidationError("Subscribe to at least one event type.", "eventTypes")
    return chosen


async def _checked_url(url: str, config: WebhookConfig) -> str:
    url = validation.text(url, "url", max_length=2000)
    try:
        outbound.check_url(url, require_https=not config.allow_private)
        if not config.allow_private:
            from urllib.parse import urlsplit

            parts = urlsplit(url)
            await outbound.resolve_allowed(parts.hostname or "", parts.port or 443, allow_private=False)
    except outbound.OutboundRefused as exc:
        raise ValidationError(f"The URL is not allowed: {exc}.", "url") from None
    return url


def _secret_context(tenant_id: uuid.UUID, endpoint_id: uuid.UUID) -> bytes:
    return b"webhook:" + tenant_id.bytes + endpoint_id.bytes


def _audit_data(endpoint: WebhookEndpoint) -> dict[str, object]:
    """The endpoint as the audit log keeps it: never its signing secret."""
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "eventTypes": list(endpoint.event_types),
        "enabled": endpoint.enabled,
    }


async def create_endpoint(
    session: AsyncSession,
    principal: Principal,
    config: WebhookConfig,
    *,
    url: str,
    event_types: Sequence[str],
    description: str | None = None,
    secret: str | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret (shown once)."""
    _require_manage(principal)
    checked = await _checked_url(url, config)
    types = _event_types(event_types)
    description = validation.optional_text(description, "description", max_length=500)
    if secret is not None and not 24 <= len(secret) <= 200:
        raise ValidationError("A chosen secret must be 24 to 200 characters.", "secret")
    count = await session.scalar(select(func.count()).select_from(WebhookEndpoint))
    if count is not None and count >= MAX_ENDPOINTS:
        raise ValidationError(f"An organisation can have at most {MAX_ENDPOINTS} webhook endpoints.", "url")
    chosen = secret is not None
    secret = secret or "whsec_" + secrets.token_urlsafe(32)
    endpoint_id = uuid7()
    endpoint = WebhookEndpoint(
        tenant_id=principal.tenant_id,
        id=endpoint_id,
        url=checked,
        description=description,
        event_types=types,
        secret_encrypted=config.secret_box.seal(secret, _secret_context(principal.tenant_id, endpoint_id)),
    )
    session.add(endpoint)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="webhook_endpoint.created",
        subject_type="WebhookEndpoint", subject_id=endpoint.id,
        after={**_audit_data(endpoint), "secretSet": True, "secretChosen": chosen},
    )  # fmt: skip
    return endpoint, secret


async def update_endpoint(
    session: AsyncSession,
    principal: Principal,
    config: WebhookConfig,
    endpoint_id: uuid.UUID,
    *,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    _require_manage(principal)
    endpoint = await get_endpoint(session, endpoint_id)
    before = _audit_data(endpoint)
    if url is not None:
        endpoint.url = await _checked_url(url, config)
    if event_types is not None:
        endpoint.event_types = _event_types(event_types)
    if description is not None:
        endpoint.description = validation.optional_text(description, "description", max_length=500)
    if enabled is not None:
        endpoint.enabled = enabled
    await session.flush()
    if (after := _audit_data(endpoint)) != before:
        await audit.record(
            session, principal.tenant_id, actor=principal.label, action="webhook_endpoint.updated",
            subject_type="WebhookEndpoint", subject_id=endpoint.id, before=before, after=after,
        )  # fmt: skip
    return endpoint


async def delete_endpoint(session: AsyncSession, principal: Principal, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    _require_manage(principal)
    endpoint = await get_endpoint(session, endpoint_id)
    before = _audit_data(endpoint)
    await session.delete(endpoint)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="webhook_endpoint.deleted",
        subject_type="WebhookEndpoint", subject_id=endpoint.id, before=before,
    )  # fmt: skip
    return endpoint


async def get_endpoint(session: AsyncSession, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))
    if endpoint is None:
        raise NotFoundError("No such webhook endpoint.", "id")
    return endpoint


async def list_endpoints(session: AsyncSession, principal: Principal) -> Sequence[WebhookEndpoint]:
    _require_manage(principal)
    return (await session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))).all()


async def endpoints_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, WebhookEndpoint]:
    if not principal.has(Scope.WEBHOOKS_MANAGE):
        return {}
    rows = await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.id.in_(ids)))
    return {e.id: e for e in rows}


async def list_deliveries(
    session: AsyncSession,
    principal: Principal,
    endpoint_id: uuid.UUID,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[WebhookDelivery]:
    _require_manage(principal)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    return await paginate(session, stmt, WebhookDelivery.id, first, after, last=last, before=before)


async def deliveries_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, WebhookDelivery]:
    if not principal.has(Scope.WEBHOOKS_MANAGE):
        return {}
    rows = await session.scalars(select(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
    return {d.id: d for d in rows}


async def attempts_by_delivery(
    session: AsyncSession, delivery_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[WebhookDeliveryAttempt]]:
    rows = await session.scalars(
        select(WebhookDeliveryAttempt)
        .where(WebhookDeliveryAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookDeliveryAttempt.id)
    )
    return group_by(delivery_ids, ((a.delivery_id, a) for a in rows))


def publish_event(tenant_id: uuid.UUID, event_type: str, data: dict[str, Any]) -> OutboxEvent:
    """The outbox event that publishes a domain event (for bulk paths that add many at once)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    payload = {"type": event_type, "data": data, "occurredAt": datetime.now(UTC).isoformat()}
    return new_event(tenant_id, PUBLISH_KIND, payload)


def publish_batch(tenant_id: uuid.UUID, event_type: str, items: Sequence[dict[str, Any]]) -> OutboxEvent:
    """One outbox job publishing many events of one type (bulk issue): each still gets its own
    event id and its own delivery per endpoint, but the fan-out is one job, not one per event."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    occurred = datetime.now(UTC).isoformat()
    batch = [{"id": str(uuid7()), "data": data, "occurredAt": occurred} for data in items]
    return new_event(tenant_id, PUBLISH_KIND, {"type": event_type, "items": batch})


async def publish(session: AsyncSession, tenant_id: uuid.UUID, event_type: str, data: dict[str, Any]) -> OutboxEvent:
    """Record a domain event in the current transaction; subscribed endpoints get it after commit."""
    event = publish_event(tenant_id, event_type, data)
    session.add(event)
    await session.flush()
    return event


async def fan_out(session: AsyncSession, event: OutboxEvent, _attempt: Attempt, config: WebhookConfig) -> None:
    """Handler of ``event.publish``: one delivery (and delivery job) per event and subscribed, enabled endpoint.

    The payload is one event (its id is the outbox event's) or, from bulk paths, a batch of
    ``items`` of one type, each with its own event id.
    """
    event_type = event.payload["type"]
    # Endpoints registered after the event happened do not receive it, even if it is processed later.
    endpoints = list(
        await session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.enabled,
                WebhookEndpoint.event_types.contains([event_type]),
                WebhookEndpoint.created_at <= event.created_at,
            )
        )
    )
    if not endpoints:
        return
    items = event.payload.get("items") or [
        {"id": str(event.id), "data": event.payload["data"], "occurredAt": event.payload["occurredAt"]}
    ]
    for item in items:
        body = {"id": item["id"], "type": event_type, "createdAt": item["occurredAt"], "data": item["data"]}
        for endpoint in endpoints:
            delivery_id = uuid7()
            inserted = await session.scalar(
                insert(WebhookDelivery)
                .values(
                    tenant_id=event.tenant_id,
                    id=delivery_id,
                    endpoint_id=endpoint.id,
                    event_id=uuid.UUID(item["id"]),
                    event_type=event_type,
                    payload=body,
                )
                .on_conflict_do_nothing(index_elements=["tenant_id", "endpoint_id", "event_id"])
                .returning(WebhookDelivery.id)
            )
            if inserted is not None:
                await _enqueue_delivery(session, event.tenant_id, delivery_id, config)


async def _enqueue_delivery(
    session: AsyncSession, tenant_id: uuid.UUID, delivery_id: uuid.UUID, config: WebhookConfig
) -> OutboxEvent:
    return await enqueue(
        session,
        tenant_id,
        DELIVER_KIND,
        {"deliveryId": str(delivery_id)},
        max_attempts=config.max_attempts,
        give_up_after=config.max_age,
    )


async def deliver(session: AsyncSession, event: OutboxEvent, attempt: Attempt, config: WebhookConfig) -> None:
    """Handler of ``webhook.deliver``: POST the signed event and record the attempt.

    Raises ``JobFailed`` (keeping the attempt record) when the endpoint does not answer 2xx.
    """
    delivery = await session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == uuid.UUID(event.payload["deliveryId"]))
    )
    if delivery is None:
        return  # the endpoint was deleted with its deliveries
    endpoint = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == delivery.endpoint_id))
    if endpoint is None or not endpoint.enabled:
        delivery.status = "failed"
        delivery.last_error = "endpoint disabled"
        metrics.record_webhook_delivery("disabled")
        return
    secret = config.secret_box.open(endpoint.secret_encrypted, _secret_context(endpoint.tenant_id, endpoint.id))
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Insignia-Webhooks/1",
        "Insignia-Event-Id": str(delivery.event_id),
        "Insignia-Event-Type": delivery.event_type,
        "Insignia-Delivery-Id": str(delivery.id),
        "Insignia-Timestamp": timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    status: int | None = None
    error: str | None = None
    started = time.perf_counter()
    try:
        result = await outbound.post(
            endpoint.url, body, headers, timeout=config.timeout_seconds, allow_private=config.allow_private
        )
        status, latency = result.status, result.latency_ms
        if not 200 <= status < 300:
            error = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
    except outbound.OutboundRefused as exc:
        latency, error = int((time.perf_counter() - started) * 1000), f"refused: {exc}"
        metrics.record_webhook_delivery("refused")
    except Exception as exc:  # noqa: BLE001 - network failures are recorded and retried
        latency, error = int((time.perf_counter() - started) * 1000), f"{exc.__class__.__name__}: {exc}"[:500]
    session.add(
        WebhookDeliveryAttempt(
            tenant_id=delivery.tenant_id,
            delivery_id=delivery.id,
            response_status=status,
            latency_ms=latency,
            error=error,
        )
    )
    delivery.attempts += 1
    delivery.response_status = status
    delivery.latency_ms = latency
    delivery.last_error = error
    if error is None:
        delivery.status = "succeeded"
        delivery.delivered_at = datetime.now(UTC)
        metrics.record_webhook_delivery("delivered")
        return
    delivery.status = "failed" if attempt.is_last else "pending"
    metrics.record_webhook_delivery("gave_up" if attempt.is_last else "failed")
    raise JobFailed(f"webhook delivery failed: {error}")


async def replay_delivery(
    session: AsyncSession, principal: Principal, config: WebhookConfig, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """Send a delivery again (same event id, so receivers can tell it is the same event)."""
    _require_manage(principal)
    delivery = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))
    if delivery is None:
        raise NotFoundError("No such webhook delivery.", "id")
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status = "pending"
    await _enqueue_delivery(session, delivery.tenant_id, delivery.id, config)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="webhook_delivery.replayed",
        subject_type="WebhookDelivery", subject_id=delivery.id, before=before,
        after={"status": delivery.status, "endpointId": delivery.endpoint_id, "eventId": delivery.event_id},
    )  # fmt: skip
    return delivery
