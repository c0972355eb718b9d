"""A realistic demo: two organisations with employees, partners and customers.

Idempotent: running it again finds what exists and adds only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.db import Database, set_tenant
from insignia.infra.errors import NotFoundError
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants import tenant as tenant_service
from insignia.tenants.auth import operator_principal
from insignia.tenants.models import Audience, Person


@dataclass(frozen=True)
class DemoPerson:
    key: str
    email_local: str
    name: str
    audience: str
    roles: tuple[str, ...]
    manager: str | None = None


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    domain: str
    partner_company: str
    people: tuple[DemoPerson, ...]


def _people(partner: str) -> tuple[DemoPerson, ...]:
    return (
        DemoPerson("manager", "morgan.manager", "Morgan Manager", "Employees", ("manager", "learner")),
        DemoPerson("issuer", "ida.issuer", "Ida Issuer", "Employees", ("issuer", "learner")),
        DemoPerson("learner", "lee.learner", "Lee Learner", "Employees", ("learner",), "manager"),
        DemoPerson("learner2", "kim.keen", "Kim Keen", "Employees", ("learner",), "manager"),
        DemoPerson("lead", "tara.teamlead", "Tara Teamlead", "Employees", ("manager", "learner"), "manager"),
        DemoPerson("learner3", "sam.junior", "Sam Junior", "Employees", ("learner",), "lead"),
        DemoPerson("partner", "pat.partner", f"Pat Partner ({partner})", f"Partners: {partner}", ("learner",)),
        DemoPerson("customer", "cory.customer", "Cory Customer", "Customers", ("learner",)),
    )


DEMO_TENANTS = (
    DemoTenant("acme", "Acme Corporation", "acme.example", "Initech", _people("Initech")),
    DemoTenant("globex", "Globex Learning", "globex.example", "Umbrella Partners", _people("Umbrella Partners")),
)


async def _ensure_audience(
    session: AsyncSession, tenant_id: object, kind: str, name: str, company: str | None
) -> Audience:
    existing = await session.scalar(select(Audience).where(Audience.name == name))
    if existing is not None:
        return existing
    principal = operator_principal(tenant_id)  # type: ignore[arg-type]
    return await audience_service.create_audience(session, principal, kind=kind, name=name, partner_company=company)


async def seed_demo(owner_db: Database) -> dict[str, dict[str, Person]]:
    """Create (or complete) the demo tenants; returns their people by tenant slug and role key."""
    seeded: dict[str, dict[str, Person]] = {}
    for spec in DEMO_TENANTS:
        async with owner_db.session() as session:
            try:
                tenant = await tenant_service.get_tenant_by_slug(session, spec.slug)
                await set_tenant(session, tenant.id)
                admin = await person_service.get_person_by_email(session, f"admin@{spec.domain}")
            except NotFoundError:
                tenant, admin = await tenant_service.create_tenant(
                    session, slug=spec.slug, name=spec.name, admin_email=f"admin@{spec.domain}", admin_name="Ada Admin"
                )
            principal = operator_principal(tenant.id)
            audiences = {
                "Employees": await _ensure_audience(session, tenant.id, "employee", "Employees", None),
                f"Partners: {spec.partner_company}": await _ensure_audience(
                    session, tenant.id, "partner", f"Partners: {spec.partner_company}", spec.partner_company
                ),
                "Customers": await _ensure_audience(session, tenant.id, "customer", "Customers", None),
            }
            people: dict[str, Person] = {"admin": admin}
            for demo in spec.people:
                email = f"{demo.email_local}@{spec.domain}"
                try:
                    people[demo.key] = await person_service.get_person_by_email(session, email)
                except NotFoundError:
                    people[demo.key] = await person_service.invite_person(
                        session,
                        principal,
                        email=email,
                        name=demo.name,
                        audience_id=audiences[demo.audience].id,
                        manager_id=people[demo.manager].id if demo.manager else None,
                        roles=demo.roles,
                    )
            await session.commit()
            seeded[spec.slug] = people
    return seeded
