"""API keys: a tenant's machine credentials (portal back ends), shown once and stored hashed."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import NotFoundError, ValidationError
from insignia.infra.ids import uuid7
from insignia.infra.pagination import Page, paginate
from insignia.tenants.auth import (
    API_KEY_SCOPES,
    Principal,
    Scope,
    format_api_key,
    hash_secret,
    require_person_with,
)
from insignia.tenants.models import ApiKey


def _require_manage(principal: Principal) -> None:
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can manage API keys.")


def _audit_data(key: ApiKey) -> dict[str, object]:
    """The key as the audit log keeps it: never its secret or the secret's hash."""
    return {"name": key.name, "scopes": list(key.scopes), "revokedAt": key.revoked_at}


async def create_api_key(
    session: AsyncSession, principal: Principal, *, name: str, scopes: Sequence[str]
) -> tuple[ApiKey, str]:
    """Create a key; returns it with the plaintext credential, which is never shown again."""
    _require_manage(principal)
    name = validation.text(name, "name")
    chosen: list[str] = []
    for value in scopes:
        if value not in API_KEY_SCOPES:
            raise ValidationError(f"Unknown or non-grantable scope {value!r}.", "scopes")
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise ValidationError("An API key needs at least one scope.", "scopes")
    secret = secrets.token_hex(32)
    key = ApiKey(
        tenant_id=principal.tenant_id,
        id=uuid7(),
        name=name,
        secret_hash=hash_secret(secret),
        scopes=chosen,
        created_by_id=principal.person.id if principal.person else None,
    )
    session.add(key)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="api_key.created",
        subject_type="ApiKey", subject_id=key.id, after=_audit_data(key),
    )  # fmt: skip
    return key, format_api_key(principal.tenant_id, key.id, secret)


async def revoke_api_key(session: AsyncSession, principal: Principal, key_id: uuid.UUID) -> ApiKey:
    """Revoke a key; requests carrying it are refused from the next one on."""
    _require_manage(principal)
    key = await session.scalar(select(ApiKey).where(ApiKey.id == key_id))
    if key is None:
        raise NotFoundError("No such API key.", "id")
    if key.revoked_at is None:
        before = _audit_data(key)
        key.revoked_at = datetime.now(UTC)
        await session.flush()
        await audit.record(
            session, principal.tenant_id, actor=principal.label, action="api_key.revoked",
            subject_type="ApiKey", subject_id=key.id, before=before, after=_audit_data(key),
        )  # fmt: skip
    return key


async def list_api_keys(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[ApiKey]:
    _require_manage(principal)
    return await paginate(session, select(ApiKey), ApiKey.id, first, after, last=last, before=before)


async def api_keys_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ApiKey]:
    if not principal.person_with(Scope.API_KEYS_MANAGE):
        return {}
    return {k.id: k for k in await session.scalars(select(ApiKey).where(ApiKey.id.in_(ids)))}
