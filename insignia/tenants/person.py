"""People of a tenant: invitation, changes, deactivation, and the lists and lookups of people,
through the visibility policy (``insignia.tenants.visibility``).

Admins (and API keys with ``people:write``) manage everyone; a partner admin manages the people of
their own partner company.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, literal, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, i18n, validation
from insignia.infra.errors import Checks, NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.orm import ensure_unused
from insignia.infra.outbox import enqueue
from insignia.infra.pagination import Page, paginate
from insignia.tenants import webhook
from insignia.tenants.audience import get_audience
from insignia.tenants.auth import Principal, Role, Scope
from insignia.tenants.models import Person, SignInSession
from insignia.tenants.visibility import Access, access_to, full_condition, reports_of, viewer_of, visible_condition

MAX_ROLES = len(Role)
# Sent by the worker; see insignia/templates/email/.
EMAIL_KIND = "email.send"


@dataclass(frozen=True)
class PersonFilter:
    audience_id: uuid.UUID | None = None
    role: Role | None = None
    active: bool | None = None
    search: str | None = None
    reports_only: bool = False  # the viewer's reports, direct and indirect


# What a partner admin may give people of their company.
PARTNER_ADMIN_ROLES = frozenset({Role.LEARNER.value, Role.MANAGER.value, Role.PARTNER_ADMIN.value})


async def _require_write(
    session: AsyncSession,
    principal: Principal,
    *,
    person: Person | None = None,
    audience_id: uuid.UUID | None = None,
    roles: Sequence[str] | None = None,
    manager_id: uuid.UUID | None = None,
) -> None:
    """Admins manage everyone; a partner admin the people of their company, into its audiences, with
    roles no higher than their own. Anything else is refused."""
    if principal.has(Scope.PEOPLE_WRITE):
        return
    viewer = await viewer_of(session, principal)
    if viewer.partner_company is None:
        raise PermissionDeniedError("Only tenant admins can manage people.")
    company = viewer.partner_company.lower()
    for someone, field in ((person.id if person else None, "id"), (manager_id, "managerId")):
        if someone is None:
            continue
        in_company = await session.scalar(
            select(func.count()).select_from(Person).where(Person.id == someone, full_condition(viewer))
        )
        if not in_company:
            raise NotFoundError("No such person." if field == "id" else "No such manager.", field)
    if audience_id is not None:
        audience = await get_audience(session, audience_id, "audienceId")
        if audience.kind != "partner" or (audience.partner_company or "").lower() != company:
            raise ValidationError("A partner admin adds people to their own company's audiences only.", "audienceId")
    if roles is not None and not set(roles) <= PARTNER_ADMIN_ROLES:
        raise ValidationError("A partner admin gives only the learner, manager and partner admin roles.", "roles")


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
    """Add a person to the principal's tenant; every invalid value is reported at once."""
    checks = Checks()
    role_values = checks.run(lambda: _roles(roles)) or []
    await _require_write(session, principal, audience_id=audience_id, roles=role_values, manager_id=manager_id)
    address = checks.run(lambda: validation.email(email))
    full_name = checks.run(lambda: validation.text(name, "name"))
    await checks.run_async(lambda: get_audience(session, audience_id, "audienceId"))
    if manager_id is not None:
        await checks.run_async(lambda: _check_manager(session, manager_id, None))
    if address is not None:
        await checks.run_async(lambda: _check_email_free(session, address))
    checks.done()
    assert address is not None and full_name is not None
    person = Person(
        tenant_id=principal.tenant_id,
        email=address,
        name=full_name,
        audience_id=audience_id,
        manager_id=manager_id,
        roles=role_values,
    )
    session.add(person)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="person.invited",
        subject_type="Person", subject_id=person.id, after=person_event_data(person),
    )  # fmt: skip
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
    actor: str = audit.DIRECTORY,
    locale: str | None = None,
) -> Person:
    """Create a person on the directory's word (SSO just-in-time, SCIM): no invitation email, since
    they sign in through their organisation. Callers have checked who may provision; ``actor`` is
    who did in the audit log (the SCIM directory unless an SSO connection is named)."""
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
        locale=i18n.normalise(locale),  # the directory's preferredLanguage/locale; unknown ones: the default
        active=active,
        deactivated_at=None if active else datetime.now(UTC),
        deactivated_by=None if active else "directory",
    )
    session.add(person)
    await session.flush()
    await audit.record(
        session, tenant_id, actor=actor, action="person.provisioned", subject_type="Person",
        subject_id=person.id, after=person_event_data(person),
    )  # fmt: skip
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
        "locale": person.locale,
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
    locale: str | None = None,
) -> Person:
    """Change a person's details; only given fields change (an empty ``locale``: the organisation's
    default language). Every invalid value is reported at once, and nothing changes then."""
    person = await get_person(session, person_id)
    checks = Checks()
    role_values = checks.run(lambda: _roles(roles)) if roles is not None else None
    await _require_write(
        session, principal, person=person, audience_id=audience_id, roles=role_values, manager_id=manager_id
    )
    before = person_event_data(person)
    address = checks.run(lambda: validation.email(email)) if email is not None else None
    if address is not None:
        await checks.run_async(lambda: _check_email_free(session, address, exclude=person.id))
    full_name = checks.run(lambda: validation.text(name, "name")) if name is not None else None
    language = checks.run(lambda: i18n.validate(locale, "locale")) if locale is not None and locale.strip() else None
    if audience_id is not None:
        await checks.run_async(lambda: get_audience(session, audience_id, "audienceId"))
    if manager_id is not None and not clear_manager:
        await checks.run_async(lambda: _check_manager(session, manager_id, person.id))
    if role_values is not None and Role.ADMIN.value in person.roles and Role.ADMIN.value not in role_values:
        await checks.run_async(lambda: _check_not_last_admin(session, person))
    checks.done()
    if address is not None:
        person.email = address
    if full_name is not None:
        person.name = full_name
    if locale is not None:
        person.locale = language
    if audience_id is not None:
        person.audience_id = audience_id
    if clear_manager:
        person.manager_id = None
    elif manager_id is not None:
        person.manager_id = manager_id
    if role_values is not None:
        person.roles = role_values
    await session.flush()
    if (after := person_event_data(person)) != before:
        await audit.record(
            session, principal.tenant_id, actor=principal.label, action="person.updated",
            subject_type="Person", subject_id=person.id, before=before, after=after,
        )  # fmt: skip
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
    person = await get_person(session, person_id)
    await _require_write(session, principal, person=person)
    return await deactivate(session, person, by="admin", actor=principal.label)


async def deactivate(session: AsyncSession, person: Person, *, by: str, actor: str | None = None) -> Person:
    """End ``person``'s access: sign-in refused, tokens dead (``session_version``), sessions ended.
    ``by`` is who may undo it (``admin`` or ``directory``); ``actor`` who did it in the audit log
    (by default ``by``)."""
    if not person.active:
        return person
    if Role.ADMIN.value in person.roles:
        await _check_not_last_admin(session, person)
    before = person_event_data(person)
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
    await audit.record(
        session, person.tenant_id, actor=actor or by, action="person.deactivated", subject_type="Person",
        subject_id=person.id, before=before, after={**person_event_data(person), "deactivatedBy": by},
    )  # fmt: skip
    await webhook.publish(session, person.tenant_id, "person.deactivated", person_event_data(person))
    return person


async def reactivate(session: AsyncSession, person: Person, *, actor: str = audit.DIRECTORY) -> Person:
    """Let a deactivated person sign in again (their old tokens stay dead); ``actor`` is who did in
    the audit log (the SCIM directory by default)."""
    if not person.active:
        before = {**person_event_data(person), "deactivatedBy": person.deactivated_by}
        person.active = True
        person.deactivated_at = None
        person.deactivated_by = None
        await session.flush()
        await audit.record(
            session, person.tenant_id, actor=actor, action="person.reactivated", subject_type="Person",
            subject_id=person.id, before=before, after=person_event_data(person),
        )  # fmt: skip
        await webhook.publish(session, person.tenant_id, "person.reactivated", person_event_data(person))
    return person


DID_RE = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")


async def update_own_profile(
    session: AsyncSession,
    principal: Principal,
    *,
    profile_public: bool | None = None,
    did: str | None = None,
    headline: str | None = None,
    locale: str | None = None,
) -> Person:
    """A person's own choices: a public profile page (and their name on their public badge pages),
    their DID, which becomes the subject of their Open Badges 3.0 credentials (empty clears it), and
    a headline colleagues see (empty clears it), and the language of their emails (``locale``:
    en, de, fr or es; empty: the organisation's default)."""
    if principal.person is None:
        raise PermissionDeniedError("Only a signed-in person has a profile.")
    person = await get_person(session, principal.person.id)
    checks = Checks()  # every invalid field at once, and nothing changes unless all are valid
    new_headline = checks.run(lambda: validation.optional_text(headline, "headline", max_length=200))
    value = did.strip() or None if did is not None else None
    if value is not None and (len(value) > 500 or not DID_RE.match(value)):
        checks.errors.append(ValidationError("did must be a DID such as did:web:example.com or did:key:z6Mk...", "did"))
    new_locale = checks.run(lambda: i18n.validate(locale, "locale") if locale and locale.strip() else None)
    checks.done()
    if locale is not None:
        person.locale = new_locale
    if profile_public is not None:
        person.profile_public = profile_public
    if headline is not None:
        person.headline = new_headline
    if did is not None:
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
    """People by id, limited to those the principal may see (the visibility policy)."""
    viewer = await viewer_of(session, principal)
    stmt = select(Person).where(Person.id.in_(ids), visible_condition(viewer))
    return {p.id: p for p in await session.scalars(stmt)}


async def access_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Access]:
    """How much the principal sees of each person (absent: nothing); for the details of a person."""
    return await access_to(session, principal, ids)


async def list_people(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    filter: PersonFilter | None = None,
) -> Page[Person]:
    """People the principal may see (the visibility policy). Filters on what a viewer may not see
    of a colleague (roles, email) match only the people they see in full."""
    viewer = await viewer_of(session, principal)
    if principal.person is None and not principal.has(Scope.PEOPLE_READ):
        raise PermissionDeniedError("This API key may not read people (it needs the PEOPLE_READ scope).")
    stmt = select(Person).where(visible_condition(viewer))
    if filter is not None:
        if filter.audience_id is not None:
            stmt = stmt.where(Person.audience_id == filter.audience_id)
        if filter.role is not None:
            stmt = stmt.where(Person.roles.contains([filter.role.value]), full_condition(viewer))
        if filter.active is not None:
            stmt = stmt.where(Person.active.is_(filter.active))
        if filter.reports_only:
            if principal.person is None:
                raise ValidationError("An API key has no reports.", "filter.reportsOnly")
            stmt = stmt.where(Person.id.in_(reports_of(principal.person.id)))
        if filter.search:
            term = validation.text(filter.search, "filter.search", max_length=100)
            pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(
                or_(and_(Person.email.ilike(pattern), full_condition(viewer)), Person.name.ilike(pattern))
            )
    return await paginate(session, stmt, Person.id, first, after, last=last, before=before)
