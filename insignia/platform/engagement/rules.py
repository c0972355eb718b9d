"""A tenant's engagement rules: point rules, levels, expired awards' points and the default
leaderboard participation per audience kind; admins change them (``engagementSettingsUpdate``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import Checks, ValidationError
from insignia.infra.outbox import enqueue
from insignia.platform.engagement.models import EngagementSettings
from insignia.tenants.auth import Principal, Scope, require_person_with
from insignia.tenants.visibility import KINDS

PARTICIPATIONS = ("visible", "pseudonymous", "hidden")
# Employees take part under their names; partners (who may compete with each other) and customers
# under a pseudonym, unless the tenant or the person decides otherwise.
DEFAULT_PARTICIPATION = {"employee": "visible", "partner": "pseudonymous", "customer": "pseudonymous"}
MAX_LEVELS = 20
MAX_RULE_POINTS = 100_000
MAX_LEVEL_POINTS = 10_000_000
RECONCILE_KIND = "engagement.reconcile"


@dataclass(frozen=True)
class Level:
    name: str
    points: int


@dataclass(frozen=True)
class Rules:
    """The effective rules of a tenant (its stored choices over the defaults)."""

    tenant_id: uuid.UUID
    levels: tuple[Level, ...] = ()
    first_badge_points: int = 0
    pathway_points: int = 0
    before_goal_points: int = 0
    expired_keep_points: bool = True
    participation: tuple[tuple[str, str], ...] = tuple(DEFAULT_PARTICIPATION.items())

    def level_for(self, points: int) -> Level | None:
        """The highest level whose threshold ``points`` reach."""
        reached = [level for level in self.levels if level.points <= points]
        return reached[-1] if reached else None

    def next_level(self, points: int) -> Level | None:
        return next((level for level in self.levels if level.points > points), None)

    def participation_of(self, kind: str) -> str:
        return dict(self.participation).get(kind, "pseudonymous")

    @classmethod
    def from_model(cls, stored: EngagementSettings) -> Rules:
        levels = tuple(Level(str(v["name"]), int(v["points"])) for v in stored.levels or [])
        participation = dict(DEFAULT_PARTICIPATION)
        for kind, value in (stored.default_participation or {}).items():
            if kind in participation and value in PARTICIPATIONS:
                participation[kind] = value
        return cls(
            tenant_id=stored.tenant_id,
            levels=tuple(sorted(levels, key=lambda level: level.points)),
            first_badge_points=stored.first_badge_points or 0,
            pathway_points=stored.pathway_points or 0,
            before_goal_points=stored.before_goal_points or 0,
            expired_keep_points=stored.expired_keep_points is not False,
            participation=tuple(participation.items()),
        )


_CACHE_KEY = "insignia.engagement.rules"


async def rules_for(session: AsyncSession, tenant_id: uuid.UUID) -> Rules:
    """The tenant's rules, read once per session (``forget`` after changing them)."""
    cached = session.info.get(_CACHE_KEY)
    if isinstance(cached, Rules) and cached.tenant_id == tenant_id:
        return cached
    stored = await session.scalar(
        select(EngagementSettings)
        .where(EngagementSettings.tenant_id == tenant_id)
        .execution_options(populate_existing=True)
    )
    found = Rules.from_model(stored) if stored is not None else Rules(tenant_id=tenant_id)
    session.info[_CACHE_KEY] = found
    return found


def forget(session: AsyncSession) -> None:
    session.info.pop(_CACHE_KEY, None)


def _snapshot(rules: Rules) -> dict[str, Any]:
    return {
        "levels": [{"name": level.name, "points": level.points} for level in rules.levels],
        "firstBadgePoints": rules.first_badge_points,
        "pathwayPoints": rules.pathway_points,
        "beforeGoalPoints": rules.before_goal_points,
        "expiredKeepPoints": rules.expired_keep_points,
        "defaultParticipation": dict(rules.participation),
    }


def _rule_points(value: int, field: str) -> int:
    if not 0 <= value <= MAX_RULE_POINTS:
        raise ValidationError(f"{field} must be between 0 and {MAX_RULE_POINTS}.", field)
    return value


def _levels(values: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    checks = Checks()
    if len(values) > MAX_LEVELS:
        raise ValidationError(f"At most {MAX_LEVELS} levels.", "levels")
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    thresholds: set[int] = set()
    for i, (raw_name, points) in enumerate(values):
        name = checks.run(partial(validation.text, raw_name, f"levels.{i}.name", max_length=50))
        if name is not None and name.casefold() in names:
            checks.errors.append(ValidationError(f"The level {name!r} is given twice.", f"levels.{i}.name"))
        if not 1 <= points <= MAX_LEVEL_POINTS:
            message = f"A level's points must be between 1 and {MAX_LEVEL_POINTS}."
            checks.errors.append(ValidationError(message, f"levels.{i}.points"))
        elif points in thresholds:
            checks.errors.append(ValidationError("Two levels cannot have the same points.", f"levels.{i}.points"))
        if name is not None:
            names.add(name.casefold())
            thresholds.add(points)
            out.append({"name": name, "points": points})
    checks.done()
    return sorted(out, key=lambda level: int(level["points"]))


def _participation(values: Sequence[tuple[str, str]]) -> dict[str, str]:
    checks = Checks()
    chosen: dict[str, str] = {}
    for i, (kind, value) in enumerate(values):
        where = f"defaultParticipation.{i}"
        if kind not in KINDS:
            checks.errors.append(ValidationError("kind must be EMPLOYEE, PARTNER or CUSTOMER.", f"{where}.kind"))
            continue
        if kind in chosen:
            checks.errors.append(ValidationError(f"The audience kind {kind} is given twice.", f"{where}.kind"))
        if value not in PARTICIPATIONS:
            message = "participation must be VISIBLE, PSEUDONYMOUS or HIDDEN."
            checks.errors.append(ValidationError(message, f"{where}.participation"))
            continue
        chosen[kind] = value
    checks.done()
    return chosen


async def update_rules(
    session: AsyncSession,
    principal: Principal,
    *,
    levels: Sequence[tuple[str, int]] | None = None,
    first_badge_points: int | None = None,
    pathway_points: int | None = None,
    before_goal_points: int | None = None,
    expired_keep_points: bool | None = None,
    default_participation: Sequence[tuple[str, str]] | None = None,
) -> Rules:
    """Change the tenant's engagement rules (admins); only what is given changes, and every invalid
    value is reported at once. New rules apply to changes from now on (points already earned stay),
    except ``expiredKeepPoints``: changing it re-counts every expired award's points (a job), each
    change a ledger entry. ``default_participation`` (kind, participation) pairs replace the
    tenant's choices; kinds not named take the defaults."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can change the engagement rules.")
    checks = Checks()
    values: dict[str, Any] = {}
    if levels is not None:
        values["levels"] = checks.run(lambda: _levels(levels))
    for field, column, given in (
        ("firstBadgePoints", "first_badge_points", first_badge_points),
        ("pathwayPoints", "pathway_points", pathway_points),
        ("beforeGoalPoints", "before_goal_points", before_goal_points),
    ):
        if given is not None:
            values[column] = checks.run(partial(_rule_points, given, field))
    if expired_keep_points is not None:
        values["expired_keep_points"] = expired_keep_points
    if default_participation is not None:
        values["default_participation"] = checks.run(lambda: _participation(default_participation))
    checks.done()
    before = await rules_for(session, principal.tenant_id)
    if not values:
        return before
    stmt = insert(EngagementSettings).values(tenant_id=principal.tenant_id, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=[EngagementSettings.tenant_id], set_=values))
    forget(session)
    after = await rules_for(session, principal.tenant_id)
    if after == before:
        return after
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="engagement.settings_updated",
        subject_type="Tenant", subject_id=principal.tenant_id, before=_snapshot(before), after=_snapshot(after),
    )  # fmt: skip
    if after.expired_keep_points != before.expired_keep_points:
        await enqueue(session, principal.tenant_id, RECONCILE_KIND, {"after": None})
    return after
