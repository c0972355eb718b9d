"""GraphQL inputs of the credentials area (badge classes, criteria, awards, filters), and their
conversion to what the service layer takes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from insignia.graphql.branding.inputs import BadgeDesignInput
from insignia.graphql.credentials.types import AwardAcceptance, AwardStatus, BadgeClassStatus, CriteriaMode
from insignia.graphql.ids import expect_id
from insignia.graphql.tenants.types import Visibility
from insignia.infra.errors import ValidationError
from insignia.platform.credentials import award as award_service
from insignia.platform.credentials import badge_class as badge_class_service


@strawberry.input
class SkillLevelInput:
    skill_id: strawberry.ID
    level: int = 1


def skill_levels(values: list[SkillLevelInput] | None) -> dict[uuid.UUID, int] | None:
    if values is None:
        return None
    if len(values) > 100:
        raise ValidationError("At most 100 skills.", "skillLevels")
    return {expect_id(v.skill_id, "Skill", f"skillLevels.{i}.skillId"): v.level for i, v in enumerate(values)}


@strawberry.input
class CriterionInput:
    """Exactly one of courseId, assessmentId (with an optional minScore) or badgeClassId.

    (Named RequirementInput before pathways: the public contract gives that name to a pathway's
    requirement tree.)"""

    course_id: strawberry.ID | None = None
    assessment_id: strawberry.ID | None = None
    min_score: float | None = None
    badge_class_id: strawberry.ID | None = None


@strawberry.input
class CriteriaInput:
    mode: CriteriaMode = CriteriaMode.ALL_OF
    n: int | None = strawberry.field(default=None, description="For N_OF: how many must be met.")
    requirements: list[CriterionInput] = strawberry.field(default_factory=list)
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
    skill_levels: list[SkillLevelInput] | None = strawberry.field(
        default=None, description="Skills with the level (1-5) the badge grants them at; others in skillIds get 1."
    )
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
    design: BadgeDesignInput | None = strawberry.field(
        default=None, description="Draw the badge image from a design (instead of an image URL or upload)."
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
    skill_levels: list[SkillLevelInput] | None = strawberry.field(
        default=None, description="Skills with the level (1-5) the badge grants them at; others in skillIds get 1."
    )
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
    design: BadgeDesignInput | None = strawberry.field(
        default=None, description="Draw the badge image from this design; it replaces an uploaded image."
    )


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

    def to_service(self) -> award_service.AwardFilter:
        return award_service.AwardFilter(
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


def alignments_to_service(values: list[AlignmentInput] | None) -> list[badge_class_service.AlignmentInput] | None:
    if values is None:
        return None
    return [badge_class_service.AlignmentInput(a.target_name, a.target_url, a.framework, a.code) for a in values]
