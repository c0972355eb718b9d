"""Webhook endpoints: validation, secrets shown once and stored encrypted, SSRF refusal."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from insignia.infra import outbound
from insignia.infra.db import Database, set_tenant
from insignia.infra.settings import Settings
from insignia.tenants import webhook as webhook_service
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import WebhookEndpoint
from tests.conftest import GraphQLClient, Seeder

pytestmark = pytest.mark.asyncio

CREATE = "mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id url eventTypes enabled } secret errors { code field message } } }"


async def test_endpoint_lifecycle_and_secret_storage(seeder: Seeder, gql: GraphQLClient, owner_db: Database) -> None:
    t = await seeder.tenant()
    created = (
        await gql(
            t.tokens["admin"],
            CREATE,
            {"input": {"url": "http://127.0.0.1:9/hook", "eventTypes": ["person.created", "person.created"]}},
        )
    )["webhookEndpointCreate"]
    assert created["errors"] == []
    assert created["webhookEndpoint"]["eventTypes"] == ["person.created"]
    secret = created["secret"]
    assert secret.startswith("whsec_")
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        stored = (await s.scalars(select(WebhookEndpoint))).one().secret_encrypted
    assert secret.encode() not in stored
    listed = await gql(t.tokens["admin"], "{ webhookEndpoints { id url enabled } }")
    assert secret not in str(listed)
    endpoint_id = created["webhookEndpoint"]["id"]
    updated = await gql(
        t.tokens["admin"],
        'mutation($id: ID!) { webhookEndpointUpdate(input: {id: $id, enabled: false, eventTypes: ["person.deactivated"]}) { webhookEndpoint { enabled eventTypes } errors { code } } }',
        {"id": endpoint_id},
    )
    assert updated["webhookEndpointUpdate"] == {
        "webhookEndpoint": {"enabled": False, "eventTypes": ["person.deactivated"]},
        "errors": [],
    }
    deleted = await gql(
        t.tokens["admin"],
        "mutation($id: ID!) { webhookEndpointDelete(id: $id) { errors { code } } }",
        {"id": endpoint_id},
    )
    assert deleted["webhookEndpointDelete"]["errors"] == []
    assert (await gql(t.tokens["admin"], "{ webhookEndpoints { id } }"))["webhookEndpoints"] == []


@pytest.mark.parametrize(
    ("input_", "field", "fragment"),
    [
        ({"url": "ftp://example.com/x", "eventTypes": ["person.created"]}, "url", "must use http or https"),
        ({"url": "https://user:pw@example.com/x", "eventTypes": ["person.created"]}, "url", "credentials"),
        ({"url": "https://example.com/x", "eventTypes": ["award.exploded"]}, "eventTypes", "Unknown event type"),
        ({"url": "https://example.com/x", "eventTypes": []}, "eventTypes", "at least one event type"),
        ({"url": "https://example.com/x", "eventTypes": ["person.created"], "secret": "short"}, "secret", "24 to 200"),
        ({"url": "https://example.com/" + "x" * 2100, "eventTypes": ["person.created"]}, "url", "at most 2000"),
    ],
)
async def test_invalid_endpoints_are_refused(
    seeder: Seeder, gql: GraphQLClient, input_: dict[str, object], field: str, fragment: str
) -> None:
    t = await seeder.tenant()
    payload = (await gql(t.tokens["admin"], CREATE, {"input": input_}))["webhookEndpointCreate"]
    assert payload["webhookEndpoint"] is None and payload["secret"] is None
    [error] = payload["errors"]
    assert error["field"] == field and fragment in error["message"]
    assert (await gql(t.tokens["admin"], "{ webhookEndpoints { id } }"))["webhookEndpoints"] == []


async def test_private_addresses_are_refused_in_production(
    settings: Settings, seeder: Seeder, app_db: Database
) -> None:
    t = await seeder.tenant()
    production = webhook_service.WebhookConfig.from_settings(replace(settings, webhook_allow_private=False))
    principal = Principal(tenant_id=t.id, scopes=frozenset({Scope.WEBHOOKS_MANAGE}))
    for url in (
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
        "http://example.com/hook",
        "https://localhost/hook",
    ):
        async with app_db.session() as s:
            await set_tenant(s, t.id)
            with pytest.raises(webhook_service.ValidationError, match="not allowed"):
                await webhook_service.create_endpoint(s, principal, production, url=url, event_types=["person.created"])
    # And at delivery time, whatever the URL resolved to when it was registered.
    with pytest.raises(outbound.OutboundRefused, match="non-public"):
        await outbound.post("https://127.0.0.1:9/hook", b"{}", {}, timeout=1, allow_private=False)
