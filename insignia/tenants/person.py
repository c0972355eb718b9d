"""People of a tenant: invitation, changes, deactivation, and who may see whom.

Admins (and API keys with ``people:read``) see everyone; managers see their reports, direct and
indirect; everyone sees themselves.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, literal, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import validation
from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.orm import ensure_unused
from insignia.infra.outbox import enqueue
from insignia.infra.pagination import Page, paginate
from insignia.tenants import webhook
from insignia.tenants.audience import get_audience
from insignia.tenants.auth import Principal, Role, Scope
from insignia.tenants.models import Person, SignInSession

MAX_ROLES = len(Role)
# Sent by the worker; see insignia/templates/email/.
EMAIL_KIND = "email.send"


@dataclass(frozen=True)
class PersonFilter:
    audience_id: uuid.UUID | None = None
    role: Role | None = None
    active: bool | None = None
    search: str | None = None


def reports_of(manager_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """Ids of everyone who reports to ``manager_id``, directly or through other managers."""
    base = select(Person.id).where(Person.manager_id == manager_id).cte("reports", recursive=True)
    step = select(Person.id).join(base, Person.manager_id == base.c.id)
    reports = base.union(step)
    return select(reports.c.id)


def _require_write(principal: Principal) -> None:
    if not principal.has(Scope.PEOPLE_WRITE):
        raise PermissionDeniedError("Only tenant admins can manage people.")


def _roles(values: Iterable[str]) -> list[str]:
    roles = []
    for value in values:
        try:
            role = Role(value.lower())
        except ValueError:
            raise ValidationError(f"Unknown role {value!r}.", "roles") from None
        if role.value not in roles:
            roles.append(role.value)
    if not roles:
        raise ValidationError("A person needs at least one role.", "roles")
    return roles


async def _check_email_free(session: AsyncSession, email: str, exclude: uuid.UUID | None = None) -> None:
    await ensure_unused(
        session,
        Person.email,
        email,
        exclude=exclude,
        message=f"Someone with the email {email} is already in this organisation.",
        field="email",
    )


async def _check_manager(session: AsyncSession, manager_id: uuid.UUID, person_id: uuid.UUID | None) -> None:
    manager = await session.scalar(select(Person).where(Person.id == manager_id))
    if manager is None:
        raise NotFoundError("No such manager.", "managerId")
    if not manager.active:
        raise ValidationError("The manager has been deactivated.", "managerId")
    if person_id is not None:
        if manager_id == person_id:
            raise ValidationError("A person cannot be their own manager.", "managerId")
        in_reports = await session.scalar(
            select(literal(True)).where(Person.id == manager_id, Person.id.in_(reports_of(person_id)))
        )
        if in_reports:
            raise ValidationError("A person cannot be managed by one of their own reports.", "managerId")


async def invite_person(
    session: AsyncSession,
    principal: Principal,
    *,
    email: str,
    name: str,
    audience_id: uuid.UUID,
    manager_id: uuid.UUID | None = None,
    roles: Sequence[str] = (Role.LEARNER.value,),
) -> Person:
    """Add a person to the principal's tenant."""
    _require_write(principal)
    email = validation.email(email)
    name = validation.text(name, "name")
    role_values = _roles(roles)
    await get_audience(session, audience_id, "audienceId")
    if manager_id is not None:
        await _check_manager(session, manager_id, None)
    await _check_email_free(session, email)
    person = Person(
        tenant_id=principal.tenant_id,
        email=email,
        name=name,
        audience_id=audience_id,
        manager_id=manager_id,
        roles=role_values,
    )
    session.add(person)
    await session.flush()
    await webhook.publish(session, principal.tenant_id, "person.created", person_event_data(person))
    await enqueue(
        session,
        principal.tenant_id,
        EMAIL_KIND,
        {"template": "invitation", "to": person.email, "context": {"name": person.name, "email": person.email}},
    )
    return person


async def provision_person(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    email: str,
    name: str,
    audience_id: uuid.UUID,
    roles: Sequence[str] = (Role.LEARNER.value,),
    user_name: str | None = None,
    external_id: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    active: bool = True,
) -> Person:
    """Create a person on the directory's word (SSO just-in-time, SCIM): no invitation email, since
    they sign in through their organisation. Callers have checked who may provision."""
    email = validation.email(email)
    name = validation.text(name, "name")
    await get_audience(session, audience_id, "audienceId")
    await _check_email_free(session, email)
    person = Person(
        tenant_id=tenant_id,
        email=email,
        name=name,
        audience_id=audience_id,
        roles=_roles(roles),
        user_name=user_name,
        external_id=external_id,
        given_name=given_name,
        family_name=family_name,
        active=active,
        deactivated_at=None if active else datetime.now(UTC),
        deactivated_by=None if active else "directory",
    )
    session.add(person)
    await session.flush()
    await webhook.publish(session, tenant_id, "person.created", person_event_data(person))
    return person


def person_event_data(person: Person) -> dict[str, object]:
    """The person as webhook receivers see it."""
    return {
        "id": str(person.id),
        "email": person.email,
        "name": person.name,
        "audienceId": str(person.audience_id),
        "managerId": str(person.manager_id) if person.manager_id else None,
        "roles": list(person.roles),
        "active": person.active,
    }


async def update_person(
    session: AsyncSession,
    principal: Principal,
    person_id: uuid.UUID,
    *,
    email: str | None = None,
    name: str | None = None,
    audience_id: uuid.UUID | None = None,
    manager_id: uuid.UUID | None = None,
    clear_manager: bool = False,
    roles: Sequence[str] | None = None,
) -> Person:
    """Change a person's details; only given fields change."""
    _require_write(principal)
    person = await get_person(session, person_id)
    if email is not None:
        email = validation.email(email)
        await _check_email_free(session, email, exclude=person.id)
        person.email = email
    if name is not None:
        person.name = validation.text(name, "name")
    if audience_id is not None:
        await get_audience(session, audience_id, "audienceId")
        person.audience_id = audience_id
    if clear_manager:
        person.manager_id = None
    elif manager_id is not None:
        await _check_manager(session, manager_id, person.id)
        person.manager_id = manager_id
    if roles is not None:
        role_values = _roles(roles)
        if Role.ADMIN.value in person.roles and Role.ADMIN.value not in role_values:
            await _check_not_last_admin(session, person)
        person.roles = role_values
    await session.flush()
    return person


async def is_last_active_admin(session: AsyncSession, person: Person) -> bool:
    """Whether ``person`` is the only active admin left. Callers about to take their admin role or
    activity away hold the tenant's admin lock until their transaction ends, so two admins removed
    at once cannot both pass this check (the second one counts after the first has committed)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"insignia.admins:{person.tenant_id}"},
    )
    others = await session.scalar(
        select(func.count())
        .select_from(Person)
        .where(Person.active, Person.roles.contains([Role.ADMIN.value]), Person.id != person.id)
    )
    return not others


async def _check_not_last_admin(session: AsyncSession, person: Person) -> None:
    if await is_last_active_admin(session, person):
        raise ValidationError("The organisation's last active admin cannot lose the admin role.", "id")


async def deactivate_person(session: AsyncSession, principal: Principal, person_id: uuid.UUID) -> Person:
    """Deactivate a person: they can no longer sign in and their tokens stop working at once."""
    _require_write(principal)
    return await deactivate(session, await get_person(session, person_id), by="admin")


async def deactivate(session: AsyncSession, person: Person, *, by: str) -> Person:
    """End ``person``'s access: sign-in refused, tokens dead (``session_version``), sessions ended."""
    if not person.active:
        return person
    if Role.ADMIN.value in person.roles:
        await _check_not_last_admin(session, person)
    now = datetime.now(UTC)
    person.active = False
    person.deactivated_at = now
    person.deactivated_by = by
    person.session_version += 1
    await session.execute(
        update(SignInSession)
        .where(SignInSession.person_id == person.id, SignInSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    await session.flush()
    await webhook.publish(session, person.tenant_id, "person.deactivated", person_event_data(person))
    return person


async def reactivate(session: AsyncSession, person: Person) -> Person:
    """Let a deactivated person sign in again (their old tokens stay dead)."""
    if not person.active:
        person.active = True
        person.deactivated_at = None
        person.deactivated_by = None
        await session.flush()
        await webhook.publish(session, person.tenant_id, "person.reactivated", person_event_data(person))
    return person


DID_RE = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")


async def update_own_profile(
    session: AsyncSession, principal: Principal, *, profile_public: bool | None = None, did: str | None = None
) -> Person:
    """A person's own choices: a public profile page (and their name on their public badge pages),
    and their DID, which becomes the subject of their Open Badges 3.0 credentials (empty clears it)."""
    if principal.person is None:
        raise PermissionDeniedError("Only a signed-in person has a profile.")
    person = await get_person(session, principal.person.id)
    if profile_public is not None:
        person.profile_public = profile_public
    if did is not None:
        value = did.strip() or None
        if value is not None and (len(value) > 500 or not DID_RE.match(value)):
            raise ValidationError("did must be a DID such as did:web:example.com or did:key:z6Mk...", "did")
        person.did = value
    await session.flush()
    return person


async def get_person(session: AsyncSession, person_id: uuid.UUID, field: str = "id") -> Person:
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        raise NotFoundError("No such person.", field)
    return person


async def get_person_by_email(session: AsyncSession, email: str) -> Person:
    person = await session.scalar(select(Person).where(Person.email == validation.email(email)))
    if person is None:
        raise NotFoundError(f"No person with email {email} in this organisation.", "email")
    return person


async def people_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
    """People by id, unfiltered: for relationship fields of objects the caller may already see."""
    rows = await session.scalars(select(Person).where(Person.id.in_(ids)))
    return {p.id: p for p in rows}


async def visible_people_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Person]:
    """People by id, limited to those the principal may look up directly."""
    stmt = select(Person).where(Person.id.in_(ids))
    if not principal.has(Scope.PEOPLE_READ):
        if principal.person is None:
            return {}
        own = Person.id == principal.person.id
        stmt = stmt.where(or_(own, Person.id.in_(reports_of(principal.person.id))) if principal.is_manager() else own)
    return {p.id: p for p in await session.scalars(stmt)}


async def list_people(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    filter: PersonFilter | None = None,
) -> Page[Person]:
    """People the principal may see: everyone for admins, reports for managers."""
    stmt = select(Person)
    if not principal.has(Scope.PEOPLE_READ):
        if principal.person is None or not principal.is_manager():
            raise PermissionDeniedError("Only admins and managers can list people.")
        stmt = stmt.where(Person.id.in_(reports_of(principal.person.id)))
    if filter is not None:
        if filter.audience_id is not None:
            stmt = stmt.where(Person.audience_id == filter.audience_id)
        if filter.role is not None:
            stmt = stmt.where(Person.roles.contains([filter.role.value]))
        if filter.active is not None:
            stmt = stmt.where(Person.active.is_(filter.active))
        if filter.search:
            term = validation.text(filter.search, "filter.search", max_length=100)
            pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(or_(Person.email.ilike(pattern), Person.name.ilike(pattern)))
    return await paginate(session, stmt, Person.id, first, after)
