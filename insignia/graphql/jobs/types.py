"""GraphQL types of jobs (outbox events)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from insignia.graphql.ids import to_global_id
from insignia.graphql.node import Node
from insignia.infra.outbox import OutboxEvent


@strawberry.enum
class JobStatus(Enum):
    PENDING = "pending"
    DISPATCHED = "dispatched"
    DONE = "done"
    DEAD = "dead"


@strawberry.type(name="Job", description="A side effect of this organisation (email, webhook delivery, ...).")
class JobType(Node):
    kind: str
    status: JobStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    available_at: datetime
    done_at: datetime | None

    @classmethod
    def from_model(cls, event: OutboxEvent) -> JobType:
        return cls(
            id=to_global_id("Job", event.id),
            kind=event.kind,
            status=JobStatus(event.status),
            attempts=event.attempts,
            last_error=event.last_error,
            created_at=event.created_at,
            available_at=event.available_at,
            done_at=event.done_at,
        )
