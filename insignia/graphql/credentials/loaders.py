"""DataLoaders of the credentials area, named ``<Model>By<Key>Loader``; built per request."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from insignia.graphql.context import Context, none
from insignia.platform.credentials import award as award_service
from insignia.platform.credentials import badge_class as badge_class_service
from insignia.platform.credentials.models import Alignment, Award, BadgeClass
from insignia.platform.learning.models import Skill


def badge_class_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, BadgeClass | None]:
    return ctx.loader("BadgeClassByIdLoader", badge_class_service.badge_classes_by_ids, none)


def skills_by_badge_class_loader(ctx: Context) -> DataLoader[uuid.UUID, list[Skill]]:
    return ctx.loader("SkillsByBadgeClassIdLoader", badge_class_service.skills_by_badge_class, list)


def skill_levels_by_badge_class_loader(ctx: Context) -> DataLoader[uuid.UUID, list[tuple[Skill, int]]]:
    return ctx.loader("SkillLevelsByBadgeClassIdLoader", badge_class_service.skill_levels_by_badge_class, list)


def audiences_by_badge_class_loader(ctx: Context) -> DataLoader[uuid.UUID, list[uuid.UUID]]:
    return ctx.loader("AudiencesByBadgeClassIdLoader", badge_class_service.audiences_by_badge_class, list)


def alignments_by_badge_class_loader(ctx: Context) -> DataLoader[uuid.UUID, list[Alignment]]:
    return ctx.loader("AlignmentsByBadgeClassIdLoader", badge_class_service.alignments_by_badge_class, list)


def award_by_id_loader(ctx: Context) -> DataLoader[uuid.UUID, Award | None]:
    return ctx.loader("AwardByIdLoader", award_service.awards_by_ids, none)
