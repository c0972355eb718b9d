"""Mutations of the credentials area: badge classes (create, update, image, publish, archive,
re-evaluate), awards (issue, revoke, suspend, reinstate, visibility, accept, decline, re-issue),
and the tenant's signing key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from insignia.graphql.context import Context
from insignia.graphql.credentials.inputs import (
    AwardIssueInput,
    AwardRevokeInput,
    AwardSuspendInput,
    AwardVisibilitySetInput,
    BadgeClassCreateInput,
    BadgeClassUpdateInput,
    alignments_to_service,
    criteria_to_dict,
    skill_levels,
)
from insignia.graphql.credentials.types import AwardType, BadgeClassType, SigningKeyType
from insignia.graphql.errors import UserError, run_mutation
from insignia.graphql.ids import expect_id
from insignia.graphql.learning.schema import _ids
from insignia.graphql.tenants.types import ImageFormat, caller_tenant, tenant_urls
from insignia.infra import validation
from insignia.infra.crypto import SecretBox
from insignia.platform.branding import badges as design_service
from insignia.platform.branding.design import Design
from insignia.platform.credentials import award as award_service
from insignia.platform.credentials import award_status, issuing
from insignia.platform.credentials import badge_class as badge_class_service
from insignia.platform.credentials import eligibility as eligibility_service
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.openbadges import ob3
from insignia.platform.openbadges.images import MAX_BYTES as MAX_IMAGE_BYTES


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


async def _designer(ctx: Context) -> Callable[[AsyncSession, BadgeClass, Design], Awaitable[object]]:
    """What saves a badge class's design in a mutation (the tenant and its URLs are read before the
    mutation's savepoint holds the request's session)."""
    tenant, urls = await caller_tenant(ctx), await tenant_urls(ctx)

    async def save(session: AsyncSession, badge: BadgeClass, design: Design) -> object:
        return await design_service.set_design(session, ctx.principal, urls, tenant, badge, design=design)

    return save


@strawberry.type
class CredentialMutations:
    @strawberry.mutation
    async def badge_class_create(self, info: Info[Context, None], input: BadgeClassCreateInput) -> BadgeClassPayload:
        ctx = info.context

        save_design = await _designer(ctx)

        async def op(s: AsyncSession) -> BadgeClass:
            design = input.design.to_design("design.") if input.design else None
            badge = await badge_class_service.create_badge_class(
                s,
                ctx.principal,
                name=input.name,
                description=input.description,
                image_url=input.image_url,
                criteria_narrative=input.criteria_narrative,
                criteria=criteria_to_dict(input.criteria) if input.criteria else None,
                skill_ids=_ids(input.skill_ids, "Skill", "skillIds"),
                skill_levels=skill_levels(input.skill_levels),
                audience_ids=_ids(input.audience_ids, "Audience", "audienceIds"),
                alignments=alignments_to_service(input.alignments) or [],
                validity_days=input.validity_days,
                points=input.points,
                evidence_required=input.evidence_required,
                default_visibility=input.default_visibility.value if input.default_visibility else None,
                delegated=input.delegated,
            )
            if design is not None:
                await save_design(s, badge, design)
            return badge

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="On a published badge class, new criteria become a new version.")
    async def badge_class_update(self, info: Info[Context, None], input: BadgeClassUpdateInput) -> BadgeClassPayload:
        ctx = info.context

        save_design = await _designer(ctx)

        async def op(s: AsyncSession) -> BadgeClass:
            design = input.design.to_design("design.") if input.design else None
            badge = await badge_class_service.update_badge_class(
                s,
                ctx.principal,
                expect_id(input.id, "BadgeClass"),
                name=input.name,
                description=input.description,
                image_url=input.image_url,
                criteria_narrative=input.criteria_narrative,
                criteria=criteria_to_dict(input.criteria) if input.criteria else None,
                skill_ids=_ids(input.skill_ids, "Skill", "skillIds") if input.skill_ids is not None else None,
                skill_levels=skill_levels(input.skill_levels),
                audience_ids=_ids(input.audience_ids, "Audience", "audienceIds")
                if input.audience_ids is not None
                else None,
                alignments=alignments_to_service(input.alignments),
                validity_days=input.validity_days,
                points=input.points,
                evidence_required=input.evidence_required,
                default_visibility=input.default_visibility.value if input.default_visibility else None,
                clear_default_visibility=input.clear_default_visibility,
                delegated=input.delegated,
            )
            if design is not None:
                await save_design(s, badge, design)
            return badge

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="Upload the badge image: PNG or SVG (sanitised), at most 512 KB, base64.")
    async def badge_class_image_set(
        self, info: Info[Context, None], id: strawberry.ID, image_base64: str, format: ImageFormat
    ) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            data = validation.base64_bytes(image_base64, "imageBase64", max_bytes=MAX_IMAGE_BYTES)
            content_type = "image/png" if format is ImageFormat.PNG else "image/svg+xml"
            return await badge_class_service.set_badge_image(
                s, ctx.principal, expect_id(id, "BadgeClass"), data, content_type
            )

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def badge_class_publish(self, info: Info[Context, None], id: strawberry.ID) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            return await badge_class_service.publish_badge_class(s, ctx.principal, expect_id(id, "BadgeClass"))

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation
    async def badge_class_archive(self, info: Info[Context, None], id: strawberry.ID) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            return await badge_class_service.archive_badge_class(s, ctx.principal, expect_id(id, "BadgeClass"))

        return _badge_payload(*await run_mutation(ctx, op))

    @strawberry.mutation(description="After a rule change: evaluate everyone with progress again (a job).")
    async def badge_class_reevaluate(self, info: Info[Context, None], id: strawberry.ID) -> BadgeClassPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> BadgeClass:
            return await eligibility_service.request_reevaluation(s, ctx.principal, expect_id(id, "BadgeClass"))

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
            lambda s: award_service.set_award_visibility(
                s, ctx.principal, expect_id(input.id, "Award"), input.visibility.value
            ),
        )

    @strawberry.mutation(description="The recipient accepts an award: from then on it is shown as its visibility says.")
    async def award_accept(self, info: Info[Context, None], id: strawberry.ID) -> AwardPayload:
        ctx = info.context
        return await _award_changed(
            ctx, lambda s: award_service.respond_to_award(s, ctx.principal, expect_id(id, "Award"), accept=True)
        )

    @strawberry.mutation(
        description="The recipient declines a pending award: it is shown nowhere (it can be accepted later)."
    )
    async def award_decline(self, info: Info[Context, None], id: strawberry.ID) -> AwardPayload:
        ctx = info.context
        return await _award_changed(
            ctx, lambda s: award_service.respond_to_award(s, ctx.principal, expect_id(id, "Award"), accept=False)
        )

    @strawberry.mutation(description="Issue a revoked or expired award anew, linked to the old one.")
    async def award_reissue(self, info: Info[Context, None], id: strawberry.ID) -> AwardPayload:
        ctx = info.context

        async def op(s: AsyncSession) -> issuing.Issued:
            return await award_status.reissue_award(s, ctx.principal, expect_id(id, "Award"))

        return _award_payload(*await run_mutation(ctx, op))


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
        did = ob3.did_for(await tenant_urls(ctx))
        return SigningKeyPayload(
            signing_key=SigningKeyType(
                public_key_multibase=key.public_key_multibase,
                verification_method=f"{did}#{key.public_key_multibase}",
                created_at=key.created_at,
            ),
            errors=[],
        )
