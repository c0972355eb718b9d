"""Audiences: the populations of a tenant (employees, partners, customers)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.orm import ensure_unused
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Audience

KINDS = ("employee", "partner", "customer")


def _require_write(principal: Principal) -> None:
    if not principal.has(Scope.AUDIENCES_WRITE):
        raise PermissionDeniedError("Only tenant admins can manage audiences.")


async def _check_name_free(session: AsyncSession, name: str, exclude: uuid.UUID | None = None) -> None:
    await ensure_unused(
        session,
        Audience.name,
        name,
        exclude=exclude,
        message=f"An audience named {name!r} already exists.",
        field="name",
    )


def _partner_company(kind: str, value: str | None) -> str | None:
    """The company a partner or customer audience stands for (people of one company see each other
    by default; see ``insignia.tenants.visibility``). Employees have no company."""
    company = validation.optional_text(value, "partnerCompany")
    if company is not None and kind == "employee":
        raise ValidationError("Only partner and customer audiences name a company.", "partnerCompany")
    return company


def _audit_data(audience: Audience) -> dict[str, object]:
    return {"kind": audience.kind, "name": audience.name, "partnerCompany": audience.partner_company}


async def create_audience(
    session: AsyncSession, principal: Principal, *, kind: str, name: str, partner_company: str | None = None
) -> Audience:
    """Create an audience of the principal's tenant."""
    _require_write(principal)
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", "kind")
    name = validation.text(name, "name")
    company = _partner_company(kind, partner_company)
    await _check_name_free(session, name)
    audience = Audience(tenant_id=principal.tenant_id, kind=kind, name=name, partner_company=company)
    session.add(audience)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="audience.created",
        subject_type="Audience", subject_id=audience.id, after=_audit_data(audience),
    )  # fmt: skip
    return audience


async def update_audience(
    session: AsyncSession,
    principal: Principal,
    audience_id: uuid.UUID,
    *,
    name: str | None = None,
    partner_company: str | None = None,
    clear_partner_company: bool = False,
) -> Audience:
    """Rename an audience or change its partner company; the kind is fixed once people join."""
    _require_write(principal)
    audience = await get_audience(session, audience_id)
    before = _audit_data(audience)
    if name is not None:
        name = validation.text(name, "name")
        await _check_name_free(session, name, exclude=audience.id)
        audience.name = name
    if clear_partner_company:
        audience.partner_company = None
    elif partner_company is not None:
        audience.partner_company = _partner_company(audience.kind, partner_company)
    await session.flush()
    if (after := _audit_data(audience)) != before:
        await audit.record(
            session, principal.tenant_id, actor=principal.label, action="audience.updated",
            subject_type="Audience", subject_id=audience.id, before=before, after=after,
        )  # fmt: skip
    return audience


async def get_audience(session: AsyncSession, audience_id: uuid.UUID, field: str = "id") -> Audience:
    audience = await session.scalar(select(Audience).where(Audience.id == audience_id))
    if audience is None:
        raise NotFoundError("No such audience.", field)
    return audience


async def list_audiences(session: AsyncSession) -> Sequence[Audience]:
    return (await session.scalars(select(Audience).order_by(Audience.kind, Audience.name))).all()


async def audiences_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Audience]:
    rows = await session.scalars(select(Audience).where(Audience.id.in_(ids)))
    return {a.id: a for a in rows}
