"""DataLoaders for tenant objects, named ``<Model>By<Key>Loader``; built per request."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from insignia.graphql.context import Context, none
from insignia.platform.engagement import showcase
from insignia.platform.skills import profile as profiles
from insignia.platform.skills import role as roles
from insignia.platform.skills.models import PersonSkill, RoleProfile
from insignia.tenants import audience as audience_service
from insignia.tenants import person as person_service
from insignia.tenants import tenant as tenant_service
from insignia.tenants.models import Audience, Person, Tenant, TenantSettings
from insignia.tenants.visibility import Access


def tenant_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Tenant | None]:
    return ctx.loader("TenantByIdLoader", tenant_service.tenants_by_ids, none)


def tenant_settings_loader(ctx: Context) -> DataLoader[uuid.UUID, TenantSettings | None]:
    return ctx.loader("TenantSettingsByTenantIdLoader", tenant_service.settings_by_tenant_ids, none)


def audience_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Audience | None]:
    return ctx.loader("AudienceByIdLoader", audience_service.audiences_by_ids, none)


def person_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Person | None]:
    """People by id for relationship fields (a person's manager) of people already visible."""
    return ctx.loader("PersonByIdLoader", person_service.people_by_ids, none)


def visible_person_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Person | None]:
    """People by id that the caller may see (the visibility policy); None for anyone else."""
    return ctx.loader(
        "VisiblePersonByIdLoader", lambda s, ids: person_service.visible_people_by_ids(s, ctx.principal, ids), none
    )


def standing_by_person_id_loader(ctx: Context) -> DataLoader[uuid.UUID, showcase.Standing | None]:
    """All-time points and level by person id, for those whose points the caller may see (None else)."""
    return ctx.loader("StandingByPersonIdLoader", lambda s, ids: showcase.standings(s, ctx.principal, ids), none)


def access_by_person_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Access | None]:
    """How much of each person the caller sees (the visibility policy): FULL, COLLEAGUE or None."""
    return ctx.loader(
        "AccessByPersonIdLoader", lambda s, ids: person_service.access_by_ids(s, ctx.principal, ids), none
    )


def skill_profile_loader(ctx: Context) -> DataLoader[uuid.UUID, list[PersonSkill]]:
    """Skill profiles by person id (the callers check who may see them)."""
    return ctx.loader("PersonSkillsByPersonIdLoader", profiles.profiles_of, list)


def role_profile_loader(ctx: Context) -> DataLoader[uuid.UUID, RoleProfile | None]:
    return ctx.loader("RoleProfileByIdLoader", roles.roles_by_ids, none)


def target_roles_loader(ctx: Context) -> DataLoader[uuid.UUID, list[uuid.UUID]]:
    return ctx.loader("TargetRoleIdsByPersonIdLoader", roles.target_roles_of, list)
