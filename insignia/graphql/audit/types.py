"""GraphQL types of the audit log (one ``AuditEvent`` type for the tenant log and ``Award.auditTrail``)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from insignia.graphql.ids import to_global_id
from insignia.graphql.node import Node
from insignia.infra.audit import AuditEvent


@strawberry.type(name="AuditEvent", description="One administrative change: who, when, what, before and after.")
class AuditEventType(Node):
    actor: str = strawberry.field(
        description="Who acted: person:<id>, api_key:<id>, directory (SCIM), sso_connection:<id> (sign-in), "
        "operator (command line), scheduler or rule."
    )
    action: str = strawberry.field(description="What happened, such as person.invited or api_key.revoked.")
    created_at: datetime
    subject_type: str = strawberry.field(description="The type of the changed object, such as Person.")
    subject_id: strawberry.ID = strawberry.field(description="The global id of the changed object.")
    request_id: str | None = strawberry.field(
        description="The X-Request-ID of the request that made the change; null for jobs and the scheduler."
    )
    before: JSON | None = strawberry.field(description="The changed object's state before (never secrets).")
    after: JSON | None = strawberry.field(description="The changed object's state after (never secrets).")

    @classmethod
    def from_model(cls, e: AuditEvent) -> AuditEventType:
        return cls(
            id=to_global_id("AuditEvent", e.id),
            actor=e.actor,
            action=e.action,
            created_at=e.created_at,
            subject_type=e.subject_type,
            subject_id=to_global_id(e.subject_type, e.subject_id),
            request_id=e.request_id,
            before=cast(JSON, e.before),
            after=cast(JSON, e.after),
        )


@strawberry.input(description="Which audit events; every given condition must hold.")
class AuditEventFilter:
    action: str | None = strawberry.field(default=None, description="An action or its prefix, such as person.")
    actor: str | None = strawberry.field(
        default=None,
        description="An actor as shown (person:<id>, directory, ...) or a Person, ApiKey or SsoConnection id.",
    )
    subject_type: str | None = strawberry.field(default=None, description="Such as Person or ApiKey.")
    subject_id: strawberry.ID | None = strawberry.field(default=None, description="The global id of one object.")
    from_: datetime | None = strawberry.field(default=None, name="from", description="At or after this time.")
    to: datetime | None = strawberry.field(default=None, description="Before this time.")
