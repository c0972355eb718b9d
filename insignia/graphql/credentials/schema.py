"""Badge classes, awards, eligibility and the audit trail: types, loaders, queries, mutations."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from insignia.graphql.audit.types import AuditEventType
from insignia.graphql.context import Context, none
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id, to_global_id
from insignia.graphql.learning.schema import SkillType, _ids
from insignia.graphql.node import Node, node_resolver
from insignia.graphql.pagination import Connection, build_connection
from insignia.graphql.tenants.loaders import audience_by_id_loader, person_by_id_loader
from insignia.graphql.tenants.types import AudienceType, ImageFormat, PersonType, Visibility
from insignia.infra import validation
from insignia.infra.crypto import SecretBox
from insignia.infra.errors import ValidationError
from insignia.platform.credentials import award as awards
from insignia.platform.credentials import award_status, eligibility, issuing
from insignia.platform.credentials import badge_class as badge_classes
from insignia.platform.credentials import criteria as rules
from insignia.platform.credentials.models import Alignment, Award, BadgeClass
from insignia.platform.learning.models import Skill
from insignia.platform.openbadges import ob2, ob3, sharing
from insignia.platform.openbadges.images import MAX_BYTES as MAX_IMAGE_BYTES
from insignia.tenants import tenant as tenant_service
from insignia.tenants.auth import Scope
from insignia.tenants.models import Person, Tenant, TenantSettings

# --- loaders ----------------------------------------------------------------------------------------


def badge_class_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, BadgeClass | None]:
    return ctx.loader("BadgeClassByIdLoader", badge_classes.badge_classes_by_ids, none)


def tenant_settings_loader(ctx: Context) -> DataLoader[uuid.UUID, TenantSettings | None]:
    return ctx.loader("TenantSettingsByTenantIdLoader", tenant_service.settings_by_tenant_ids, none)


def tenant_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Tenant | None]:
    return ctx.loader("TenantByIdLoader", tenant_service.tenants_by_ids, none)


def skills_by_badge_class_loader(ctx: Context) -> DataLoader[uuid.UUID, list[Skill]]:
    return ctx.loader("SkillsByBadgeClassIdLoader", badge_classes.skills_by_badge_class, list)


def audiences_by_badge_class_loader(ctx: Context) -> DataLoader[uuid.UUID, list[uuid.UUID]]:
    return ctx.loader("AudiencesByBadgeClassIdLoader", badge_classes.audiences_by_badge_class, list)


def alignments_by_badge_class_loader(ctx: Context) -> DataLoader[uuid.UUID, list[Alignment]]:
    return ctx.loader("AlignmentsByBadgeClassIdLoader", badge_classes.alignments_by_badge_class, list)


def award_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Award | None]:
    return ctx.loader("AwardByIdLoader", awards.awards_by_ids, none)


# --- types ------------------------------------------------------------------------------------------


@strawberry.enum
class BadgeClassStatus(Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@strawberry.enum
class AwardStatus(Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    REVOKED = "revoked"


@strawberry.enum
class AwardAcceptance(Enum):
    ACCEPTED = "accepted"
    PENDING = "pending"
    DECLINED = "declined"


@strawberry.enum
class OpenBadgesVersion(Enum):
    V2 = "v2"
    V3 = "v3"


async def _tenant(ctx: Context) -> Tenant:
    found = await tenant_by_id_loader(ctx).load(ctx.principal.tenant_id)
    assert found is not None  # the principal's tenant exists: it was checked at authentication
    return found


async def _urls(ctx: Context) -> ob2.Urls:
    return ob2.Urls.for_tenant(ctx.settings.public_url, await _tenant(ctx))


async def _sharing_parts(ctx: Context, award: Award) -> tuple[ob2.Urls, Tenant, BadgeClass]:
    tenant = await _tenant(ctx)
    badge = await badge_class_by_id_loader(ctx).load(award.badge_class_id)
    assert badge is not None
    return ob2.Urls.for_tenant(ctx.settings.public_url, tenant), tenant, badge


async def _linkedin_organization(ctx: Context) -> str | None:
    found = await tenant_settings_loader(ctx).load(ctx.principal.tenant_id)
    return found.linkedin_organization_id if found else None


@strawberry.enum
class CriteriaMode(Enum):
    ALL_OF = "all_of"
    N_OF = "n_of"


@strawberry.enum
class RequirementKind(Enum):
    COURSE = "course"
    ASSESSMENT = "assessment"
    BADGE = "badge"


_TYPE_NAMES = {"course": "Course", "assessment": "Assessment", "badge": "BadgeClass"}


@strawberry.type
class Requirement:
    kind: RequirementKind
    target_id: strawberry.ID
    min_score: float | None


@strawberry.type
class Criteria:
    mode: CriteriaMode
    n: int | None
    requirements: list[Requirement]
    groups: list[Criteria]

    @classmethod
    def from_group(cls, group: rules.Group) -> Criteria:
        return cls(
            mode=CriteriaMode(group.mode),
            n=group.n,
            requirements=[
                Requirement(
                    kind=RequirementKind(r.type),
                    target_id=to_global_id(_TYPE_NAMES[r.type], r.id),
                    min_score=float(r.min_score) if r.min_score is not None else None,
                )
                for r in group.requirements
            ],
            groups=[cls.from_group(g) for g in group.groups],
        )


@strawberry.type(name="Alignment")
class AlignmentType:
    target_name: str
    target_url: str
    framework: str | None
    code: str | None


@strawberry.type(name="BadgeClass")
class BadgeClassType(Node):
    model: strawberry.Private[BadgeClass]
    name: str
    description: str
    criteria_narrative: str
    status: BadgeClassStatus
    validity_days: int | None
    points: int
    evidence_required: bool
    criteria_version: int = strawberry.field(description="0 until published; each rule change adds one.")
    published_at: datetime | None
    default_visibility: Visibility | None = strawberry.field(
        description="The visibility of new awards; null: the organisation's default."
    )
    delegated: bool = strawberry.field(description="Partner admins may issue it to people of their own company.")

    @strawberry.field(description="The badge image: the uploaded one (served by Insignia), a URL, or a generated one.")
    async def image_url(self, info: Info[Context, None]) -> str:
        if self.model.image_url:
            return self.model.image_url
        return (await _urls(info.context)).badge_image(self.model.id)

    @strawberry.field
    def criteria(self) -> Criteria:
        return Criteria.from_group(rules.parse(self.model.criteria))

    @strawberry.field
    async def skills(self, info: Info[Context, None]) -> list[SkillType]:
        rows = await skills_by_badge_class_loader(info.context).load(self.model.id)
        return [SkillType.from_model(s) for s in rows]

    @strawberry.field(description="Who may earn it; empty means everyone.")
    async def audiences(self, info: Info[Context, None]) -> list[AudienceType]:
        ids = await audiences_by_badge_class_loader(info.context).load(self.model.id)
        found = await audience_by_id_loader(info.context).load_many(ids)
        return [AudienceType.from_model(a) for a in found if a is not None]

    @strawberry.field
    async def alignments(self, info: Info[Context, None]) -> list[AlignmentType]:
        rows = await alignments_by_badge_class_loader(info.context).load(self.model.id)
        return [
            AlignmentType(target_name=a.target_name, target_url=a.target_url, framework=a.framework, code=a.code)
            for a in rows
        ]

    @classmethod
    def from_model(cls, b: BadgeClass) -> BadgeClassType:
        return cls(
            id=to_global_id("BadgeClass", b.id),
            model=b,
            name=b.name,
            description=b.description,
            criteria_narrative=b.criteria_narrative,
            status=BadgeClassStatus(b.status),
            validity_days=b.validity_days,
            points=b.points,
            evidence_required=b.evidence_required,
            criteria_version=b.criteria_version,
            published_at=b.published_at,
            default_visibility=Visibility(b.default_visibility) if b.default_visibility else None,
            delegated=b.delegated,
        )


@strawberry.type
class LinkedInFields:
    name: str
    organization_name: str
    organization_id: str | None = strawberry.field(description="The tenant's LinkedIn organisation id, if set.")
    issue_year: int
    issue_month: int
    expiration_year: int | None
    expiration_month: int | None
    credential_url: str
    credential_id: str


@strawberry.type
class Evidence:
    url: str | None
    narrative: str | None


@strawberry.type(name="Award")
class AwardType(Node):
    model: strawberry.Private[Award]
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str | None
    suspended_at: datetime | None = strawberry.field(
        description="Since when the award is on hold (awardSuspend); null when it is not."
    )
    visibility: Visibility
    acceptance: AwardAcceptance = strawberry.field(
        description="PENDING or DECLINED awards are shown to nobody but the recipient, their managers and admins."
    )
    criteria_version: int = strawberry.field(description="The criteria version this award was issued under.")
    issuer_kind: str = strawberry.field(description="person, api_key, rule or operator.")
    delegated_issuer: str | None = strawberry.field(
        description="The partner company that issued it under the organisation's delegation."
    )

    @strawberry.field(
        description="Whether its verification page, documents and sharing links work for anyone (PUBLIC and accepted)."
    )
    def shareable(self) -> bool:
        return self.model.visibility == "public" and self.model.acceptance == "accepted"

    @strawberry.field
    def status(self) -> AwardStatus:
        return AwardStatus(self.model.status(datetime.now(UTC)))

    @strawberry.field(
        description="Why the award is suspended: only for issuers, admins and the recipient (never public)."
    )
    def suspension_reason(self, info: Info[Context, None]) -> str | None:
        principal = info.context.principal
        me = principal.person.id if principal.person else None
        if principal.has(Scope.AWARDS_READ) or me == self.model.recipient_id:
            return self.model.suspension_reason
        return None

    @strawberry.field
    def evidence(self) -> Evidence | None:
        if not (self.model.evidence_url or self.model.evidence_narrative):
            return None
        return Evidence(url=self.model.evidence_url, narrative=self.model.evidence_narrative)

    @strawberry.field
    async def badge_class(self, info: Info[Context, None]) -> BadgeClassType:
        badge = await badge_class_by_id_loader(info.context).load(self.model.badge_class_id)
        assert badge is not None  # a foreign key guarantees it
        return BadgeClassType.from_model(badge)

    @strawberry.field
    async def recipient(self, info: Info[Context, None]) -> PersonType:
        person = await person_by_id_loader(info.context).load(self.model.recipient_id)
        assert person is not None
        return PersonType.from_model(person)

    @strawberry.field(description="The award this one renews or re-issues.")
    async def replaces(self, info: Info[Context, None]) -> AwardType | None:
        if self.model.replaces_award_id is None:
            return None
        award = await award_by_id_loader(info.context).load(self.model.replaces_award_id)
        return AwardType.from_model(award) if award else None

    @strawberry.field(description="The public verification page (HTML) to share.")
    async def verification_url(self, info: Info[Context, None]) -> str:
        return (await _urls(info.context)).page(self.model.id)

    @strawberry.field(description="The hosted Open Badges 2.0 assertion (JSON-LD).")
    async def open_badge2_url(self, info: Info[Context, None]) -> str:
        return (await _urls(info.context)).assertion(self.model.id)

    @strawberry.field(description="The signed Open Badges 3.0 credential (eddsa-rdfc-2022).")
    async def open_badge3_url(self, info: Info[Context, None]) -> str:
        return (await _urls(info.context)).credential(self.model.id)

    @strawberry.field(description="The award's image with its credential baked in, to download.")
    async def baked_image_url(
        self, info: Info[Context, None], format: ImageFormat, version: OpenBadgesVersion = OpenBadgesVersion.V2
    ) -> str:
        return (await _urls(info.context)).baked(
            self.model.id, format.value, "ob2" if version is OpenBadgesVersion.V2 else "ob3"
        )

    @strawberry.field(description="LinkedIn's add-to-profile link, pre-filled (certification name, dates, URL, id).")
    async def linked_in_add_to_profile_url(self, info: Info[Context, None]) -> str:
        urls, tenant, badge = await _sharing_parts(info.context, self.model)
        return sharing.linkedin_url(urls, tenant, self.model, badge, await _linkedin_organization(info.context))

    @strawberry.field(description="The same certification fields for copy-paste (LinkedIn may ignore pre-fill).")
    async def linked_in_fields(self, info: Info[Context, None]) -> LinkedInFields:
        urls, tenant, badge = await _sharing_parts(info.context, self.model)
        f = sharing.linkedin_fields(urls, tenant, self.model, badge, await _linkedin_organization(info.context))
        return LinkedInFields(
            name=str(f["name"]),
            organization_name=tenant.name,
            organization_id=str(f["organizationId"]) if "organizationId" in f else None,
            issue_year=int(f["issueYear"]),
            issue_month=int(f["issueMonth"]),
            expiration_year=int(f["expirationYear"]) if "expirationYear" in f else None,
            expiration_month=int(f["expirationMonth"]) if "expirationMonth" in f else None,
            credential_url=str(f["certUrl"]),
            credential_id=str(f["certId"]),
        )

    @strawberry.field(description="HTML for an email signature: the live badge image linking to the page.")
    async def email_signature_html(self, info: Info[Context, None]) -> str:
        urls, _tenant, badge = await _sharing_parts(info.context, self.model)
        return sharing.email_signature_html(urls, self.model, badge)

    @strawberry.field(description="HTML to embed on a web page: the live badge image, name and issuer.")
    async def embed_html(self, info: Info[Context, None]) -> str:
        urls, tenant, badge = await _sharing_parts(info.context, self.model)
        return sharing.embed_html(urls, self.model, badge, tenant)

    @strawberry.field(description="Issue, revoke and expiry events of this award (issuers and admins).")
    async def audit_trail(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> list[AuditEventType]:
        ctx = info.context
        page = await ctx.run(lambda s: awards.audit_trail(s, ctx.principal, self.model.id, first=first, after=after))
        return [AuditEventType.from_model(e) for e in page.items]

    @classmethod
    def from_model(cls, a: Award) -> AwardType:
        return cls(
            id=to_global_id("Award", a.id),
            model=a,
            issued_at=a.issued_at,
            expires_at=a.expires_at,
            revoked_at=a.revoked_at,
            revocation_reason=a.revocation_reason,
            suspended_at=a.suspended_at,
            visibility=Visibility(a.visibility),
            acceptance=AwardAcceptance(a.acceptance),
            criteria_version=a.criteria_version,
            issuer_kind=a.issuer_kind,
            delegated_issuer=a.delegated_issuer,
        )


@strawberry.type
class Criterion:
    description: str
    met: bool
    missing: str | None


@strawberry.type
class Eligibility:
    badge_class: BadgeClassType
    eligible: bool = strawberry.field(description="The criteria are met (the rule engine awards it).")
    awarded: bool = strawberry.field(description="The person holds a current, active award of it.")
    criteria: list[Criterion]

    @classmethod
    def from_result(cls, result: eligibility.Eligibility) -> Eligibility:
        return cls(
            badge_class=BadgeClassType.from_model(result.badge_class),
            eligible=result.eligible,
            awarded=result.awarded,
            criteria=[Criterion(description=o.description, met=o.met, missing=o.missing) for o in result.criteria],
        )


# --- inputs -----------------------------------------------------------------------------------------


@strawberry.input
class RequirementInput:
    """Exactly one of courseId, assessmentId (with an optional minScore) or badgeClassId."""

    course_id: strawberry.ID | None = None
    assessment_id: strawberry.ID | None = None
    min_score: float | None = None
    badge_class_id: strawberry.ID | None = None


@strawberry.input
class CriteriaInput:
    mode: CriteriaMode = CriteriaMode.ALL_OF
    n: int | None = strawberry.field(default=None, description="For N_OF: how many must be met.")
    requirements: list[RequirementInput] = strawberry.field(default_factory=list)
    groups: list[CriteriaInput] = strawberry.field(default_factory=list)


@strawberry.input
class AlignmentInput:
    target_name: str
    target_url: str
    framework: str | None = None
    code: str | None = None


@strawberry.input
class BadgeClassCreateInput:
    name: str
    description: str
    image_url: str | None = None
    criteria_narrative: str = ""
    criteria: CriteriaInput | None = None
    skill_ids: list[strawberry.ID] | None = None
    audience_ids: list[strawberry.ID] | None = None
    alignments: list[AlignmentInput] | None = None
    validity_days: int | None = strawberry.field(default=None, description="Awards expire this many days after issue.")
    points: int = 0
    evidence_required: bool = False
    default_visibility: Visibility | None = strawberry.field(
        default=None, description="The visibility of new awards (default: the organisation's)."
    )
    delegated: bool = strawberry.field(
        default=False, description="Partner admins may issue it to people of their own partner company."
    )


@strawberry.input
class BadgeClassUpdateInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = None
    image_url: str | None = None
    criteria_narrative: str | None = None
    criteria: CriteriaInput | None = None
    skill_ids: list[strawberry.ID] | None = None
    audience_ids: list[strawberry.ID] | None = None
    alignments: list[AlignmentInput] | None = None
    validity_days: int | None = None
    points: int | None = None
    evidence_required: bool | None = None
    default_visibility: Visibility | None = strawberry.field(
        default=None, description="The visibility of new awards; see clearDefaultVisibility."
    )
    clear_default_visibility: bool = strawberry.field(
        default=False, description="New awards take the organisation's default visibility again."
    )
    delegated: bool | None = None


@strawberry.input
class EvidenceInput:
    url: str | None = None
    narrative: str | None = None


@strawberry.input
class AwardIssueInput:
    badge_class_id: strawberry.ID
    recipient_id: strawberry.ID
    evidence: EvidenceInput | None = None
    visibility: Visibility | None = strawberry.field(
        default=None, description="Default: the badge class's default visibility, else the organisation's."
    )
    idempotency_key: str | None = None


@strawberry.input
class AwardVisibilitySetInput:
    id: strawberry.ID
    visibility: Visibility


@strawberry.input
class AwardRevokeInput:
    id: strawberry.ID
    reason: str


@strawberry.input
class AwardSuspendInput:
    id: strawberry.ID
    reason: str = strawberry.field(description="Kept inside the tenant; verifiers only see that it is suspended.")


@strawberry.input
class BadgeClassFilter:
    status: BadgeClassStatus | None = None
    search: str | None = None


@strawberry.input
class AwardFilter:
    badge_class_id: strawberry.ID | None = None
    person_id: strawberry.ID | None = None
    audience_id: strawberry.ID | None = None
    status: AwardStatus | None = None
    issued_after: datetime | None = None
    issued_before: datetime | None = None
    acceptance: AwardAcceptance | None = strawberry.field(
        default=None, description="PENDING: awards waiting for their recipient to accept them."
    )
    visibility: Visibility | None = None

    def to_service(self) -> awards.AwardFilter:
        return awards.AwardFilter(
            badge_class_id=expect_id(self.badge_class_id, "BadgeClass", "filter.badgeClassId")
            if self.badge_class_id
            else None,
            recipient_id=expect_id(self.person_id, "Person", "filter.personId") if self.person_id else None,
            audience_id=expect_id(self.audience_id, "Audience", "filter.audienceId") if self.audience_id else None,
            status=self.status.value if self.status else None,
            issued_after=self.issued_after,
            issued_before=self.issued_before,
            acceptance=self.acceptance.value if self.acceptance else None,
            visibility=self.visibility.value if self.visibility else None,
        )


def criteria_to_dict(value: CriteriaInput, path: str = "criteria") -> dict[str, Any]:
    requirements: list[dict[str, Any]] = []
    for i, r in enumerate(value.requirements):
        where = f"{path}.requirements.{i}"
        chosen = [x for x in (r.course_id, r.assessment_id, r.badge_class_id) if x is not None]
        if len(chosen) != 1:
            raise ValidationError("Give exactly one of courseId, assessmentId or badgeClassId.", where)
        if r.course_id is not None:
            requirements.append({"type": "course", "id": str(expect_id(r.course_id, "Course", f"{where}.courseId"))})
        elif r.assessment_id is not None:
            item: dict[str, Any] = {
                "type": "assessment",
                "id": str(expect_id(r.assessment_id, "Assessment", f"{where}.assessmentId")),
            }
            if r.min_score is not None:
                item["minScore"] = r.min_score
            requirements.append(item)
        else:
            assert r.badge_class_id is not None
            requirements.append(
                {"type": "badge", "id": str(expect_id(r.badge_class_id, "BadgeClass", f"{where}.badgeClassId"))}
            )
        if r.min_score is not None and r.assessment_id is None:
            raise ValidationError("minScore applies to assessments only", f"{where}.minScore")
    data: dict[str, Any] = {"mode": value.mode.value, "requirements": requirements}
    if value.n is not None:
        data["n"] = value.n
    if value.groups:
        data["groups"] = [criteria_to_dict(g, f"{path}.groups.{i}") for i, g in enumerate(value.groups)]
    return data


def _alignments(values: list[AlignmentInput] | None) -> list[badge_classes.AlignmentInput] | None:
    if values is None:
        return None
    return [badge_classes.AlignmentInput(a.target_name, a.target_url, a.framework, a.code) for a in values]


@strawberry.type
class BadgeClassPayload:
    badge_class: BadgeClassType | None
    errors: list[UserError]


@strawberry.type
class AwardPayload:
    award: AwardType | None
    created: bool = strawberry.field(description="False when an existing award was returned (idempotent issue).")
    errors: list[UserError]


def _badge_payload(badge: BadgeClass | None, errors: list[UserError]) -> BadgeClassPayload:
    return BadgeClassPayload(badge_class=BadgeClassType.from_model(badge) if badge else None, errors=errors)


def _award_payload(issued: issuing.Issued | None, errors: list[UserError]) -> AwardPayload:
    if issued is None:
        return AwardPayload(award=None, created=False, errors=errors)
    return AwardPayload(award=AwardType.from_model(issued.award), created=issued.created, errors=errors)


async def _award_changed(ctx: Context, change: Callable[[AsyncSession], Awaitable[Award]]) -> AwardPayload:
    """Revoke, suspend or reinstate: a change to an existing award (never a new one)."""

    async def op(s: AsyncSession) -> issuing.Issued:
        return issuing.Issued(await change(s), created=False)

    return _award_payload(*await run_mutation(ctx, op))


# --- queries and mutations ------------------------------------------------------------------------


@strawberry.type
class CredentialQueries:
    @strawberry.field(
        description=(
            "Badge classes open to you: published ones (archived ones when filtered for), limited ones only "
            "inside their audiences; drafts too for issuers and admins."
        )
    )
    async def badge_classes(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: BadgeClassFilter | None = None,
    ) -> Connection[BadgeClassType]:
        ctx = info.context
        status = filter.status.value if filter and filter.status else None
        search = filter.search if filter else None
        page = await ctx.run(
            lambda s: badge_classes.list_badge_classes(
                s, ctx.principal, first=first, after=after, status=status, search=search
            )
        )
        return build_connection(page, BadgeClassType.from_model)

    @strawberry.field(
        description=(
            "Awards you may see: all for issuers and admins; yours, your reports', and others' non-private ones."
        )
    )
    async def awards(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: AwardFilter | None = None,
    ) -> Connection[AwardType]:
        ctx = info.context
        service_filter = filter.to_service() if filter else None
        page = await ctx.run(
            lambda s: awards.list_awards(s, ctx.principal, first=first, after=after, filter=service_filter)
        )
        return build_connection(page, AwardType.from_model)

    @strawberry.field(
        description="Why a person has, or has not yet, earned a badge class: each criterion met or missing."
    )
    async def award_eligibility(
        self, info: Info[Context, None], person_id: strawberry.ID, badge_class_id: strawberry.ID
    ) -> Eligibility:
        ctx = info.context
        person = expect_id(person_id, "Person", "personId")
        badge = expect_id(badge_class_id, "BadgeClass", "badgeClassId")
        result = await ctx.run(lambda s: eligibility.award_eligibility(s, ctx.principal, person, badge))
        return Eligibility.from_result(result)


@strawberry.type
class CredentialMutations:
    @strawberry.mutation
    async def badge_class_create(self, info: Info[Context, None], input: BadgeClassCreateInput) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            return await badge_classes.create_badge_class(
                s,
                ctx.principal,
                name=input.name,
                description=input.description,
                image_url=input.image_url,
                criteria_narrative=input.criteria_narrative,
                criteria=criteria_to_dict(input.criteria) if input.criteria else None,
                skill_ids=_ids(input.skill_ids, "Skill", "skillIds"),
                audience_ids=_ids(input.audience_ids, "Audience", "audienceIds"),
                alignments=_alignments(input.alignments) or [],
                validity_days=input.validity_days,
                points=input.points,
                evidence_required=input.evidence_required,
                default_visibility=input.default_visibility.value if input.default_visibility else None,
                delegated=input.delegated,
            )

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="On a published badge class, new criteria become a new version.")
    async def badge_class_update(self, info: Info[Context, None], input: BadgeClassUpdateInput) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            return await badge_classes.update_badge_class(
                s,
                ctx.principal,
                expect_id(input.id, "BadgeClass"),
                name=input.name,
                description=input.description,
                image_url=input.image_url,
                criteria_narrative=input.criteria_narrative,
                criteria=criteria_to_dict(input.criteria) if input.criteria else None,
                skill_ids=_ids(input.skill_ids, "Skill", "skillIds") if input.skill_ids is not None else None,
                audience_ids=_ids(input.audience_ids, "Audience", "audienceIds")
                if input.audience_ids is not None
                else None,
                alignments=_alignments(input.alignments),
                validity_days=input.validity_days,
                points=input.points,
                evidence_required=input.evidence_required,
                default_visibility=input.default_visibility.value if input.default_visibility else None,
                clear_default_visibility=input.clear_default_visibility,
                delegated=input.delegated,
            )

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Upload the badge image: PNG or SVG (sanitised), at most 512 KB, base64.")
    async def badge_class_image_set(
        self, info: Info[Context, None], id: strawberry.ID, image_base64: str, format: ImageFormat
    ) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            data = validation.base64_bytes(image_base64, "imageBase64", max_bytes=MAX_IMAGE_BYTES)
            content_type = "image/png" if format is ImageFormat.PNG else "image/svg+xml"
            return await badge_classes.set_badge_image(
                s, ctx.principal, expect_id(id, "BadgeClass"), data, content_type
            )

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def badge_class_publish(self, info: Info[Context, None], id: strawberry.ID) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            return await badge_classes.publish_badge_class(s, ctx.principal, expect_id(id, "BadgeClass"))

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def badge_class_archive(self, info: Info[Context, None], id: strawberry.ID) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            return await badge_classes.archive_badge_class(s, ctx.principal, expect_id(id, "BadgeClass"))

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="After a rule change: evaluate everyone with progress again (a job).")
    async def badge_class_reevaluate(self, info: Info[Context, None], id: strawberry.ID) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            return await eligibility.request_reevaluation(s, ctx.principal, expect_id(id, "BadgeClass"))

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Idempotent: an existing current award is returned (created: false).")
    async def award_issue(self, info: Info[Context, None], input: AwardIssueInput) -> AwardPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> issuing.Issued:
            return await issuing.issue_award(
                s,
                ctx.principal,
                badge_class_id=expect_id(input.badge_class_id, "BadgeClass", "badgeClassId"),
                recipient_id=expect_id(input.recipient_id, "Person", "recipientId"),
                evidence_url=input.evidence.url if input.evidence else None,
                evidence_narrative=input.evidence.narrative if input.evidence else None,
                visibility=input.visibility.value if input.visibility else None,
                idempotency_key=input.idempotency_key,
            )

        return _award_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def award_revoke(self, info: Info[Context, None], input: AwardRevokeInput) -> AwardPayload:
        ctx = info.context
        return await _award_changed(
            ctx, lambda s: award_status.revoke_award(s, ctx.principal, expect_id(input.id, "Award"), input.reason)
        )

    @strawberry.mutation(
        description="Put an award on hold: verifiers see it suspended and it stops counting, until awardReinstate."
    )
    async def award_suspend(self, info: Info[Context, None], input: AwardSuspendInput) -> AwardPayload:
        ctx = info.context
        return await _award_changed(
            ctx, lambda s: award_status.suspend_award(s, ctx.principal, expect_id(input.id, "Award"), input.reason)
        )

    @strawberry.mutation(description="End a suspension: the award is valid again (or expired, if its time ran out).")
    async def award_reinstate(self, info: Info[Context, None], id: strawberry.ID) -> AwardPayload:
        ctx = info.context
        return await _award_changed(
            ctx, lambda s: award_status.reinstate_award(s, ctx.principal, expect_id(id, "Award"))
        )

    @strawberry.mutation(
        description=(
            "Who sees an award (its recipient decides; issuers and admins may too): PUBLIC makes its page, "
            "documents, images and sharing links work for anyone at once; TENANT shows it to colleagues; "
            "PRIVATE to nobody but the recipient, their managers and admins."
        )
    )
    async def award_visibility_set(self, info: Info[Context, None], input: AwardVisibilitySetInput) -> AwardPayload:
        ctx = info.context
        return await _award_changed(
            ctx,
            lambda s: awards.set_award_visibility(
                s, ctx.principal, expect_id(input.id, "Award"), input.visibility.value
            ),
        )

    @strawberry.mutation(description="The recipient accepts an award: from then on it is shown as its visibility says.")
    async def award_accept(self, info: Info[Context, None], id: strawberry.ID) -> AwardPayload:
        ctx = info.context
        return await _award_changed(
            ctx, lambda s: awards.respond_to_award(s, ctx.principal, expect_id(id, "Award"), accept=True)
        )

    @strawberry.mutation(
        description="The recipient declines a pending award: it is shown nowhere (it can be accepted later)."
    )
    async def award_decline(self, info: Info[Context, None], id: strawberry.ID) -> AwardPayload:
        ctx = info.context
        return await _award_changed(
            ctx, lambda s: awards.respond_to_award(s, ctx.principal, expect_id(id, "Award"), accept=False)
        )

    @strawberry.mutation(description="Issue a revoked or expired award anew, linked to the old one.")
    async def award_reissue(self, info: Info[Context, None], id: strawberry.ID) -> AwardPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> issuing.Issued:
            return await award_status.reissue_award(s, ctx.principal, expect_id(id, "Award"))

        return _award_payload(*await run_mutation(ctx, op))


@strawberry.type
class SigningKeyType:
    public_key_multibase: str
    verification_method: str
    created_at: datetime


@strawberry.type
class SigningKeyPayload:
    signing_key: SigningKeyType | None
    errors: list[UserError]


@strawberry.type
class SigningKeyMutations:
    @strawberry.mutation(
        description="Rotate the tenant's credential signing key: new awards use the new key, old ones keep verifying."
    )
    async def signing_key_rotate(self, info: Info[Context, None]) -> SigningKeyPayload:
        ctx = info.context
        box = SecretBox(ctx.settings.secret_key)

        async def op(s: AsyncSession) -> ob3.SigningKey:
            return await ob3.rotate(s, ctx.principal, box)

        key, errors = await run_mutation(ctx, op)
        if key is None:
            return SigningKeyPayload(signing_key=None, errors=errors)
        did = ob3.did_for(await _urls(ctx))
        return SigningKeyPayload(
            signing_key=SigningKeyType(
                public_key_multibase=key.public_key_multibase,
                verification_method=f"{did}#{key.public_key_multibase}",
                created_at=key.created_at,
            ),
            errors=[],
        )


@node_resolver("BadgeClass")
async def _badge_class_node(ctx: Context, value: uuid.UUID) -> BadgeClassType | None:
    found = await ctx.run(lambda s: badge_classes.visible_badge_classes_by_ids(s, ctx.principal, [value]))
    return BadgeClassType.from_model(found[value]) if value in found else None


@node_resolver("Award")
async def _award_node(ctx: Context, value: uuid.UUID) -> AwardType | None:
    found = await ctx.run(lambda s: awards.visible_awards_by_ids(s, ctx.principal, [value]))
    return AwardType.from_model(found[value]) if value in found else None


async def person_awards(
    ctx: Context, person: Person, first: int | None, after: str | None, filter: AwardFilter | None
) -> Connection[AwardType]:
    service_filter = filter.to_service() if filter else awards.AwardFilter()
    service_filter = dataclasses.replace(service_filter, recipient_id=person.id)
    page = await ctx.run(
        lambda s: awards.list_awards(s, ctx.principal, first=first, after=after, filter=service_filter)
    )
    return build_connection(page, AwardType.from_model)


async def person_progress(ctx: Context, person: Person) -> list[Eligibility]:
    results = await ctx.run(lambda s: eligibility.progress_of(s, ctx.principal, person))
    return [Eligibility.from_result(r) for r in results]


async def profile_url(ctx: Context, person: Person) -> str:
    return (await _urls(ctx)).profile(person.id)
