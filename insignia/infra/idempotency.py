"""``Idempotency-Key``: the same key with the same request replays the first result.

The key is claimed by inserting its row in the request's own transaction, before the operation
runs; a concurrent request with the same key waits on that row until the first commits, then
replays its stored answer. The same key with a different body is refused. Keys expire after 24 h
(the scheduler's housekeeping removes them).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra.errors import ServiceError, ValidationError
from insignia.infra.orm import Base

TTL = timedelta(hours=24)
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    principal: Mapped[str] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(primary_key=True)
    request_hash: Mapped[bytes]
    status_code: Mapped[int | None]
    response: Mapped[bytes | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]


class IdempotencyKeyReused(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            "IDEMPOTENCY_KEY_REUSED",
            "This Idempotency-Key was already used with a different request.",
            "Idempotency-Key",
        )


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: bytes


def request_hash(body: bytes) -> bytes:
    return hashlib.sha256(body).digest()


async def claim(
    session: AsyncSession, tenant_id: uuid.UUID, principal: str, key: str, body_hash: bytes
) -> StoredResponse | None:
    """Claim ``key`` for this request; returns the stored response if it was answered before."""
    if not _KEY_RE.match(key):
        raise ValidationError("Idempotency-Key must be 1-255 visible ASCII characters.", "Idempotency-Key")
    now = datetime.now(UTC)
    values = {"tenant_id": tenant_id, "principal": principal, "key": key, "request_hash": body_hash}
    inserted = await session.scalar(
        insert(IdempotencyKey)
        .values(**values, expires_at=now + TTL)
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.key)
    )
    if inserted is not None:
        return None
    existing = (
        await session.scalars(
            select(IdempotencyKey)
            .where(IdempotencyKey.principal == principal, IdempotencyKey.key == key)
            .with_for_update()
        )
    ).one()
    if existing.expires_at <= now:
        existing.request_hash, existing.status_code, existing.response = body_hash, None, None
        existing.expires_at = now + TTL
        await session.flush()
        return None
    if existing.request_hash != body_hash:
        raise IdempotencyKeyReused
    if existing.status_code is None or existing.response is None:
        return None  # claimed but never answered (cannot normally happen: both commit together)
    return StoredResponse(existing.status_code, existing.response)


async def complete(session: AsyncSession, principal: str, key: str, status_code: int, body: bytes) -> None:
    """Store the answer in the same transaction as the operation's writes."""
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.principal == principal, IdempotencyKey.key == key)
        .values(status_code=status_code, response=body)
    )
