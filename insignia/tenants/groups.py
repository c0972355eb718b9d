"""Directory groups and what they mean in a tenant.

A tenant admin maps a group name (case does not matter) to a role, an audience, or both, for one
source of groups: an SSO connection's ``groups`` claim or attribute, or (no connection) the SCIM
directory's groups. A mapping only ever applies to groups from its own source, so a partner's or
customer's identity provider cannot hand out roles meant for the organisation's own directory.
Whenever a source tells us a person's groups (at each sign-in through that connection, or when
SCIM changes a membership), ``apply_groups`` makes their roles and audience follow:

- roles: once the source has any mapping to a role, it governs roles: a person gets the roles of
  every mapped group they are in, plus ``learner``, and loses a role when they leave its group
  (deprovisioning works). A source without role mappings leaves roles to be managed by hand;
- audience: the audience of the first mapped group (by name) that names one, else unchanged.

The organisation's last active admin never loses the admin role this way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import ConflictError, NotFoundError, ValidationError
from insignia.tenants.audience import get_audience
from insignia.tenants.auth import Principal, Role, Scope, require_person_with
from insignia.tenants.models import GroupMapping, Person, SsoConnection
from insignia.tenants.person import is_last_active_admin

MAX_GROUPS = 500  # groups considered per person and sign-in


def _require_manage(principal: Principal) -> None:
    require_person_with(principal, Scope.SSO_MANAGE, "Only tenant admins can configure group mappings.")


def _audit_data(mapping: GroupMapping) -> dict[str, object]:
    return {
        "groupName": mapping.group_name,
        "role": mapping.role,
        "audienceId": mapping.audience_id,
        "connectionId": mapping.connection_id,
        "roleProfileId": mapping.role_profile_id,
    }


async def list_group_mappings(session: AsyncSession, principal: Principal) -> Sequence[GroupMapping]:
    _require_manage(principal)
    return (await session.scalars(select(GroupMapping).order_by(func.lower(GroupMapping.group_name)))).all()


async def create_group_mapping(
    session: AsyncSession,
    principal: Principal,
    *,
    group_name: str,
    role: str | None,
    audience_id: uuid.UUID | None,
    connection_id: uuid.UUID | None = None,
    role_profile_id: uuid.UUID | None = None,
) -> GroupMapping:
    _require_manage(principal)
    name = validation.text(group_name, "groupName")
    if role is None and audience_id is None and role_profile_id is None:
        raise ValidationError("A group mapping gives a role, an audience or a job role (roleProfileId).", "role")
    if role_profile_id is not None:
        # The skills area's role profiles: checked by id in the tenant (row-level security).
        found_role = await session.scalar(text("SELECT id FROM role_profiles WHERE id = :id"), {"id": role_profile_id})
        if found_role is None:
            raise NotFoundError("No such role profile.", "roleProfileId")
    if role is not None:
        try:
            role = Role(role.lower()).value
        except ValueError:
            raise ValidationError(f"Unknown role {role!r}.", "role") from None
    if audience_id is not None:
        await get_audience(session, audience_id, "audienceId")
    if connection_id is not None:
        found = await session.scalar(select(SsoConnection.id).where(SsoConnection.id == connection_id))
        if found is None:
            raise NotFoundError("No such SSO connection.", "connectionId")
    taken = await session.scalar(
        select(GroupMapping.id).where(func.lower(GroupMapping.group_name) == name.lower(), _source(connection_id))
    )
    if taken is not None:
        raise ConflictError(f"The group {name!r} is already mapped for this source.", "groupName")
    mapping = GroupMapping(
        tenant_id=principal.tenant_id,
        connection_id=connection_id,
        group_name=name,
        role=role,
        audience_id=audience_id,
        role_profile_id=role_profile_id,
    )
    session.add(mapping)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="group_mapping.created",
        subject_type="GroupMapping", subject_id=mapping.id, after=_audit_data(mapping),
    )  # fmt: skip
    return mapping


async def delete_group_mapping(session: AsyncSession, principal: Principal, mapping_id: uuid.UUID) -> GroupMapping:
    _require_manage(principal)
    mapping = await find_group_mapping(session, mapping_id)
    if mapping is None:
        raise NotFoundError("No such group mapping.", "id")
    before = _audit_data(mapping)
    await session.delete(mapping)
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="group_mapping.deleted",
        subject_type="GroupMapping", subject_id=mapping.id, before=before,
    )  # fmt: skip
    return mapping


async def find_group_mapping(session: AsyncSession, mapping_id: uuid.UUID) -> GroupMapping | None:
    return await session.scalar(select(GroupMapping).where(GroupMapping.id == mapping_id))


@dataclass(frozen=True)
class GroupGrant:
    """What a set of groups grants: ``roles`` is None when no group maps to a role."""

    roles: list[str] | None
    audience_id: uuid.UUID | None
    job_role_id: uuid.UUID | None = None  # a role profile, when a group maps to one


def _source(connection_id: uuid.UUID | None) -> ColumnElement[bool]:
    if connection_id is None:
        return GroupMapping.connection_id.is_(None)
    return GroupMapping.connection_id == connection_id


@dataclass(frozen=True)
class SourceMappings:
    """Every mapping of one source of groups, loaded once to grant many people their roles."""

    by_name: dict[str, list[GroupMapping]]
    governs_roles: bool

    def grant(self, group_names: Iterable[str]) -> GroupGrant:
        names = sorted({g.strip().lower() for g in group_names if isinstance(g, str) and g.strip()})[:MAX_GROUPS]
        mappings = [m for name in names for m in self.by_name.get(name, [])]
        mapped_roles = {m.role for m in mappings if m.role is not None}
        roles = [r.value for r in Role if r.value in mapped_roles or r is Role.LEARNER] if self.governs_roles else None
        audience_id = next((m.audience_id for m in mappings if m.audience_id is not None), None)
        job_role = next((m.role_profile_id for m in mappings if m.role_profile_id is not None), None)
        return GroupGrant(roles=roles, audience_id=audience_id, job_role_id=job_role)


async def source_mappings(session: AsyncSession, connection_id: uuid.UUID | None) -> SourceMappings:
    """The mappings of ``connection_id``'s groups claim (None: the SCIM directory's groups)."""
    rows = (await session.scalars(select(GroupMapping).where(_source(connection_id)))).all()
    by_name: dict[str, list[GroupMapping]] = {}
    for mapping in rows:
        by_name.setdefault(mapping.group_name.lower(), []).append(mapping)
    return SourceMappings(by_name=by_name, governs_roles=any(m.role is not None for m in rows))


async def resolve_groups(
    session: AsyncSession, group_names: Iterable[str], connection_id: uuid.UUID | None
) -> GroupGrant:
    """What ``group_names`` grant when they come from ``connection_id`` (None: SCIM)."""
    return (await source_mappings(session, connection_id)).grant(group_names)


async def apply_groups(
    session: AsyncSession, person: Person, group_names: Iterable[str], connection_id: uuid.UUID | None
) -> bool:
    """Make ``person``'s roles and audience follow their groups from one source (an SSO connection,
    or None for SCIM); True if anything changed."""
    mappings = await source_mappings(session, connection_id)
    actor = audit.connection_actor(connection_id) if connection_id is not None else audit.DIRECTORY
    return await apply_grant(session, person, mappings.grant(group_names), actor=actor)


async def apply_grant(
    session: AsyncSession, person: Person, grant: GroupGrant, *, flush: bool = True, actor: str = audit.DIRECTORY
) -> bool:
    """Give ``person`` the roles and audience ``grant`` says (the last active admin stays admin),
    as ``actor`` in the audit log (by default the SCIM directory). ``flush=False`` leaves the writes
    to the caller's next flush (one batch for many people)."""
    changed = False
    before = {"roles": list(person.roles), "audienceId": person.audience_id, "jobRoleId": person.job_role_id}
    if grant.roles is not None and sorted(grant.roles) != sorted(person.roles):
        roles = list(grant.roles)
        if (
            Role.ADMIN.value in person.roles
            and Role.ADMIN.value not in roles
            and await is_last_active_admin(session, person)
        ):
            roles.insert(0, Role.ADMIN.value)
        if sorted(roles) != sorted(person.roles):
            person.roles = roles
            changed = True
    if grant.audience_id is not None and grant.audience_id != person.audience_id:
        person.audience_id = grant.audience_id
        changed = True
    if grant.job_role_id is not None and grant.job_role_id != person.job_role_id:
        person.job_role_id = grant.job_role_id
        changed = True
    if changed:
        after = {"roles": list(person.roles), "audienceId": person.audience_id, "jobRoleId": person.job_role_id}
        session.add(
            audit.new_event(
                person.tenant_id, actor=actor, action="person.groups_applied", subject_type="Person",
                subject_id=person.id, before=before, after=after,
            )
        )  # fmt: skip
    if changed and flush:
        await session.flush()
    return changed
