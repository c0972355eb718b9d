"""A realistic demo: two organisations with employees, partners and customers.

Idempotent: running it again finds what exists and adds only what is missing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.db import Database, set_tenant
from insignia.infra.errors import NotFoundError
from insignia.platform.branding import badges as design_service
from insignia.platform.branding import brand as brands
from insignia.platform.branding.design import Design, Shape
from insignia.platform.credentials import badge_class as badge_classes
from insignia.platform.credentials import issuing
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.learning import service as learning
from insignia.platform.learning.models import Course
from insignia.platform.openbadges.ob2 import Urls
from insignia.platform.pathways import enrolment as enrolment_service
from insignia.platform.pathways import pathway as pathway_service
from insignia.platform.pathways import tree as trees
from insignia.platform.skills import role as role_service
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants import tenant as tenant_service
from insignia.tenants.auth import operator_principal, person_principal
from insignia.tenants.models import Audience, Person, Tenant


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
        DemoPerson(
            "partneradmin",
            "paula.partneradmin",
            f"Paula Partner Admin ({partner})",
            f"Partners: {partner}",
            ("partner_admin", "learner"),
        ),
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
            await _seed_catalog(session, tenant.id, people, audiences)
            await _seed_branding(session, tenant, admin, audiences[f"Partners: {spec.partner_company}"], spec)
            await session.commit()
            seeded[spec.slug] = people
    return seeded


# Each demo tenant's brand, its partner academy's own, and a design for every demo badge class.
DEMO_BRANDS = {
    "acme": (
        {"color": "#0b7a75", "accent_color": "#f2a900", "email_sender_name": "Acme Academy",
         "footer_text": "Acme Corporation · Learning & Development", "support_url": "https://help.acme.example"},
        {"color": "#5b2a86", "accent_color": "#f6c445", "typography": "ibm_plex_sans",
         "email_sender_name": "Initech Partner Academy", "footer_text": "Initech partner programme, run with Acme"},
    ),
    "globex": (
        {"color": "#1f3a93", "accent_color": "#e0b84c", "typography": "source_sans_3",
         "email_sender_name": "Globex Learning", "footer_text": "Globex Learning · Building skills together"},
        {"color": "#b3261e", "accent_color": "#1d4e89", "email_sender_name": "Umbrella Partner Academy"},
    ),
}  # fmt: skip
DEMO_DESIGNS = {
    "Safety Champion": Design(Shape.SHIELD, "Safety Champion", "Workplace safety", "Level 2", icon="shield-check"),
    "Dashboard Reader": Design(Shape.HEXAGON, "Dashboard Reader", "Data literacy", icon="chart"),
    "Certified Partner": Design(Shape.RIBBON, "Certified Partner", level="Partner", icon="handshake"),
    "Safety Leader": Design(Shape.CIRCLE, "Safety Leader", "Leads a safe team", "Leader", icon="trophy"),
}


async def _seed_branding(
    session: AsyncSession, tenant: Tenant, admin: Person, partners: Audience, spec: DemoTenant
) -> None:
    """The tenant's brand, its partner audience's own, and designed badges (only what is missing)."""
    admin_principal = person_principal(admin)
    urls = Urls.for_tenant("http://127.0.0.1", tenant)  # designs are drawn from colours, not URLs
    tenant_brand, partner_brand = DEMO_BRANDS.get(spec.slug, ({}, {}))
    settings = await tenant_service.get_settings(session, tenant.id)
    if settings.brand_color is None and tenant_brand:
        await brands.update_tenant_branding(session, admin_principal, urls, brands.BrandChanges(tenant_brand))
    if partner_brand and await brands.override_of(session, partners.id) is None:
        changes = brands.BrandChanges(partner_brand)
        await brands.update_audience_branding(session, admin_principal, urls, partners.id, changes)
    designed = set(await design_service.designs_by_badge(session, list(await session.scalars(select(BadgeClass.id)))))
    for badge in await session.scalars(select(BadgeClass).order_by(BadgeClass.name)):
        if badge.id in designed or badge.image_type is not None:
            continue
        design = DEMO_DESIGNS.get(badge.name) or Design(Shape.CIRCLE, badge.name[:80], icon="star")
        await design_service.set_design(session, operator_principal(tenant.id), urls, tenant, badge, design=design)


ALIGNMENT = badge_classes.AlignmentInput("Occupational safety", "https://esco.example/skill/safety", "ESCO", "S1.2")


async def _seed_catalog(
    session: AsyncSession, tenant_id: uuid.UUID, people: dict[str, Person], audiences: dict[str, Audience]
) -> None:
    """Skills, a course with an exam, published badge classes (one earned by rule), a few awards."""
    if await session.scalar(select(BadgeClass.id).limit(1)) is not None:
        return
    op = operator_principal(tenant_id)
    safety = await learning.create_skill(
        session, op, name="Workplace safety", framework_url="https://esco.example/skill/safety"
    )
    data = await learning.create_skill(session, op, name="Data literacy")
    course = await learning.create_course(
        session, op, title="Safety fundamentals", description="The basics of a safe workplace.",
        skill_ids=[safety.id], estimated_minutes=45, activity_id="https://lms.example/courses/safety-fundamentals",
    )  # fmt: skip
    exam = await learning.create_assessment(
        session, op, course_id=course.id, title="Safety exam", kind="exam", passing_score=70,
        activity_id="https://lms.example/courses/safety-fundamentals/exam",
    )  # fmt: skip
    analytics = await learning.create_course(session, op, title="Reading dashboards", skill_ids=[data.id])
    safe = await badge_classes.create_badge_class(
        session, op, name="Safety Champion", description="Works safely and helps others do so.",
        criteria_narrative="Complete Safety fundamentals and score 80 or more in the exam.",
        criteria={"mode": "all_of", "requirements": [
            {"type": "course", "id": str(course.id)}, {"type": "assessment", "id": str(exam.id), "minScore": 80}]},
        skill_ids=[safety.id], skill_levels={safety.id: 3}, validity_days=365, points=50,
        alignments=[ALIGNMENT],
    )  # fmt: skip
    dashboards = await badge_classes.create_badge_class(
        session, op, name="Dashboard Reader", description="Reads and explains team dashboards.",
        criteria={"mode": "all_of", "requirements": [{"type": "course", "id": str(analytics.id)}]},
        skill_ids=[data.id], skill_levels={data.id: 2}, points=20,
    )  # fmt: skip
    partner_badge = await badge_classes.create_badge_class(
        session, op, name="Certified Partner", description="Sells and supports the product.",
        audience_ids=[audiences[next(k for k in audiences if k.startswith("Partners"))].id], points=100,
        delegated=True,  # the partner admin issues it to people of their company
    )  # fmt: skip
    for badge in (safe, dashboards, partner_badge):
        await badge_classes.publish_badge_class(session, op, badge.id)
    await issuing.issue_award(
        session, op, badge_class_id=dashboards.id, recipient_id=people["learner"].id, visibility="public"
    )
    await issuing.issue_award(session, op, badge_class_id=partner_badge.id, recipient_id=people["partner"].id)
    # The learner is half-way to Safety Champion: course done, exam not yet passed (see awardEligibility).
    await learning.record_completion(session, op, person_id=people["learner"].id, course_id=course.id, source="manual")
    await learning.record_result(
        session, op, person_id=people["learner"].id, assessment_id=exam.id, score=72, source="manual"
    )
    await _seed_pathways(
        session,
        tenant_id,
        people,
        audiences,
        badges={"safe": safe, "dashboards": dashboards, "partner": partner_badge},
        courses={"safety": course, "analytics": analytics},
    )
    await _seed_roles(session, tenant_id, people, audiences, safety=safety.id, data=data.id)


async def _seed_roles(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    people: dict[str, Person],
    audiences: dict[str, Audience],
    *,
    safety: uuid.UUID,
    data: uuid.UUID,
) -> None:
    """Role profiles for employees and partners; the manager's team holds the supervisor role, whose
    gaps (safety at level 3, which only Lee is close to) are worth acting on."""
    op = operator_principal(tenant_id)
    supervisor = await role_service.create_role(
        session, op, name="Site Supervisor", description="Runs a safe site and reads its numbers.",
        audience_id=audiences["Employees"].id,
        skills=[role_service.RequiredSkill(safety, 3), role_service.RequiredSkill(data, 2)],
    )  # fmt: skip
    partners = audiences[next(k for k in audiences if k.startswith("Partners"))]
    await role_service.create_role(
        session, op, name="Partner Engineer", description="Installs and supports the product for customers.",
        audience_id=partners.id, skills=[role_service.RequiredSkill(safety, 2)],
    )  # fmt: skip
    for key in ("learner", "learner2", "lead", "learner3"):
        await role_service.set_current_role(session, op, people[key].id, supervisor.id)


async def _seed_pathways(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    people: dict[str, Person],
    audiences: dict[str, Audience],
    *,
    badges: dict[str, BadgeClass],
    courses: dict[str, Course],
) -> None:
    """A pathway for each population, with a learner part way along each (the jobs evaluate them)."""
    op = operator_principal(tenant_id)
    safe, dashboards, partner_badge = badges["safe"], badges["dashboards"], badges["partner"]
    safety_course, analytics = courses["safety"], courses["analytics"]
    leader = await badge_classes.create_badge_class(
        session, op, name="Safety Leader", description="Leads a safe, data-informed team.", points=150,
    )  # fmt: skip
    await badge_classes.publish_badge_class(session, op, leader.id)
    partners = audiences[next(k for k in audiences if k.startswith("Partners"))]
    specs = [
        ("Safety Leadership", "From safe work to leading safely.", None, leader.id, "learner",
         trees.NodeInput("requirement", all_of=[
             trees.NodeInput("requirement.allOf.0", key="dashboards", title="Read the numbers", badge=dashboards.id),
             trees.NodeInput("requirement.allOf.1", key="safety", title="Work safely", badge=safe.id,
                             prerequisite_keys=["dashboards"]),
         ])),
        ("Partner Onboarding", "Everything a new partner needs to sell and support the product.", partners.id, None,
         "partner",
         trees.NodeInput("requirement", all_of=[
             trees.NodeInput("requirement.allOf.0", title="Safety basics", course=safety_course.id),
             trees.NodeInput("requirement.allOf.1", title="Certification", badge=partner_badge.id),
         ])),
        ("Customer Essentials", "Get the most out of the product.", audiences["Customers"].id, None, "customer",
         trees.NodeInput("requirement", all_of=[
             trees.NodeInput("requirement.allOf.0", title="One course", n=1, n_of=[
                 trees.NodeInput("requirement.allOf.0.nOf.of.0", course=analytics.id),
                 trees.NodeInput("requirement.allOf.0.nOf.of.1", course=safety_course.id),
             ]),
             trees.NodeInput("requirement.allOf.1", title="Dashboards", badge=dashboards.id),
         ])),
    ]  # fmt: skip
    for name, description, audience, capstone, learner, requirement in specs:
        given = pathway_service.PathwayInput(
            name=name,
            description=description,
            requirement=requirement,
            capstone_badge_class_id=capstone,
            audience_ids=[audience] if audience else [],
        )
        pathway = await pathway_service.create_pathway(session, op, given)
        await pathway_service.publish_pathway(session, op, pathway.id)
        await enrolment_service.enrol(session, op, pathway.id, person_ids=[people[learner].id])
    # The customer has done one course of their pathway.
    await learning.record_completion(
        session, op, person_id=people["customer"].id, course_id=analytics.id, source="manual"
    )
