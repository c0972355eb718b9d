"""GraphQL types of the credentials area: BadgeClass, Award, their criteria, eligibility and signing keys."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from insignia.graphql.audit.types import AuditEventType
from insignia.graphql.branding.loaders import design_by_badge_class_id_loader
from insignia.graphql.branding.types import BadgeDesign
from insignia.graphql.context import Context
from insignia.graphql.credentials.loaders import (
    alignments_by_badge_class_loader,
    audiences_by_badge_class_loader,
    award_by_id_loader,
    badge_class_by_id_loader,
    skill_levels_by_badge_class_loader,
    skills_by_badge_class_loader,
)
from insignia.graphql.ids import to_global_id
from insignia.graphql.learning.schema import SkillType
from insignia.graphql.node import Node
from insignia.graphql.tenants.loaders import audience_by_id_loader, person_by_id_loader, tenant_settings_loader
from insignia.graphql.tenants.types import AudienceType, ImageFormat, PersonType, Visibility, caller_tenant, tenant_urls
from insignia.platform.credentials import award as award_service
from insignia.platform.credentials import criteria as rules
from insignia.platform.credentials import eligibility as eligibility_service
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.openbadges import ob2, sharing
from insignia.tenants.auth import Scope
from insignia.tenants.models import Tenant


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


async def _sharing_parts(ctx: Context, award: Award) -> tuple[ob2.Urls, Tenant, BadgeClass]:
    tenant = await caller_tenant(ctx)
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


@strawberry.type(description="A skill at a level (1-5).")
class SkillLevel:
    skill: SkillType
    level: int


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
        return (await tenant_urls(info.context)).badge_image(self.model.id)

    @strawberry.field(description="The badge image as PNG (600 x 600), drawn from its design.")
    async def image_png_url(self, info: Info[Context, None]) -> str | None:
        if self.model.image_url or self.model.image_type is not None:
            return None
        return (await tenant_urls(info.context)).badge_image(self.model.id) + ".png"

    @strawberry.field(description="The design its image is drawn from; null for an uploaded image or the default.")
    async def design(self, info: Info[Context, None]) -> BadgeDesign | None:
        found = await design_by_badge_class_id_loader(info.context).load(self.model.id)
        return BadgeDesign.from_design(found) if found else None

    @strawberry.field
    def criteria(self) -> Criteria:
        return Criteria.from_group(rules.parse(self.model.criteria))

    @strawberry.field
    async def skills(self, info: Info[Context, None]) -> list[SkillType]:
        rows = await skills_by_badge_class_loader(info.context).load(self.model.id)
        return [SkillType.from_model(s) for s in rows]

    @strawberry.field(description="The skills it grants, each at a level from 1 to 5.")
    async def skill_levels(self, info: Info[Context, None]) -> list[SkillLevel]:
        rows = await skill_levels_by_badge_class_loader(info.context).load(self.model.id)
        return [SkillLevel(skill=SkillType.from_model(s), level=level) for s, level in rows]

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
        return (await tenant_urls(info.context)).page(self.model.id)

    @strawberry.field(description="The hosted Open Badges 2.0 assertion (JSON-LD).")
    async def open_badge2_url(self, info: Info[Context, None]) -> str:
        return (await tenant_urls(info.context)).assertion(self.model.id)

    @strawberry.field(description="The signed Open Badges 3.0 credential (eddsa-rdfc-2022).")
    async def open_badge3_url(self, info: Info[Context, None]) -> str:
        return (await tenant_urls(info.context)).credential(self.model.id)

    @strawberry.field(description="The award's image with its credential baked in, to download.")
    async def baked_image_url(
        self, info: Info[Context, None], format: ImageFormat, version: OpenBadgesVersion = OpenBadgesVersion.V2
    ) -> str:
        return (await tenant_urls(info.context)).baked(
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
        page = await ctx.run(
            lambda s: award_service.audit_trail(s, ctx.principal, self.model.id, first=first, after=after)
        )
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
    def from_result(cls, result: eligibility_service.Eligibility) -> Eligibility:
        return cls(
            badge_class=BadgeClassType.from_model(result.badge_class),
            eligible=result.eligible,
            awarded=result.awarded,
            criteria=[Criterion(description=o.description, met=o.met, missing=o.missing) for o in result.criteria],
        )


@strawberry.type
class SigningKeyType:
    public_key_multibase: str
    verification_method: str
    created_at: datetime
