"""The audit log: who did what to which object, with the state before and after, and the request.

Every administrative change appends an event in the transaction of the change (so an event exists
exactly when the change committed). The application role may only read and append
(``insignia.infra.migrate.APPEND_ONLY_TABLES``). ``actor`` names who acted: ``person:<id>``,
``api_key:<id>``, ``directory`` (SCIM provisioning), ``sso_connection:<id>`` (sign-in provisioning),
``operator`` (the command line), ``scheduler`` or ``rule``. ``before``/``after`` hold what changed,
never a secret: a secret is recorded as set or rotated, and values under secret-looking keys are
redacted here as a last line of defence.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from hashlib import sha256
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.ids import uuid7
from insignia.infra.logging import current_request_id
from insignia.infra.orm import Base
from insignia.infra.pagination import Page, paginate


class AuditEvent(Base):
    __tablename__ = "audit_events"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    actor: Mapped[str]
    action: Mapped[str]
    subject_type: Mapped[str]
    subject_id: Mapped[uuid.UUID]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Also filled for events built directly (bulk paths), from the request being served.
    request_id: Mapped[str | None] = mapped_column(default=current_request_id)


# Actors that are not the principal of a request (see the module docstring).
OPERATOR = "operator"
DIRECTORY = "directory"


def connection_actor(connection_id: uuid.UUID) -> str:
    """The actor of changes made by sign-in through an SSO connection (just-in-time provisioning,
    group mappings applied from its claims)."""
    return f"sso_connection:{connection_id}"


# Keys whose values are never written to the log (booleans such as ``clientSecretSet`` are kept).
_SECRET_KEY = re.compile(r"secret|password|private.?key|token", re.IGNORECASE)
REDACTED = "[redacted]"


def binary_summary(data: bytes | None) -> dict[str, Any] | None:
    """How a binary value (a logo, an image) appears in the log: its size and digest, not its bytes."""
    return None if data is None else {"bytes": len(data), "sha256": sha256(data).hexdigest()}


def jsonable(value: Any, key: str = "") -> Any:  # noqa: PLR0911 - one return per kind of value
    """``value`` as JSON for ``before``/``after``: ids and times as strings, bytes summarised,
    secret-looking keys redacted."""
    if key and _SECRET_KEY.search(key) and not isinstance(value, bool) and value is not None:
        return REDACTED
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (bytes, bytearray, memoryview)):
        return binary_summary(bytes(value))
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    return value


def new_event(
    tenant_id: uuid.UUID,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """An audit event to ``session.add`` (bulk paths flush many at once); see ``record``."""
    return AuditEvent(
        tenant_id=tenant_id,
        id=uuid7(),
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        request_id=current_request_id(),
    )


async def record(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event in the current transaction (it exists only if the change commits),
    with the id of the request being served, if any."""
    event = new_event(
        tenant_id,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=before,
        after=after,
    )
    session.add(event)
    await session.flush()
    return event


async def trail(
    session: AsyncSession, subject_type: str, subject_id: uuid.UUID, *, first: int | None, after: str | None
) -> Page[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
    return await paginate(session, stmt, AuditEvent.id, first, after)
