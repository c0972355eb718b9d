"""Engagement profiles: a person's leaderboard participation, pseudonym, pinned awards and weekly
digest, and how their participation is read in SQL (their choice, else the tenant's default for
their audience kind)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import Checks, NotFoundError, PermissionDeniedError, ValidationError
from insignia.platform.credentials.award import SHARED
from insignia.platform.credentials.models import Award
from insignia.platform.engagement import pseudonym
from insignia.platform.engagement.models import EngagementProfile
from insignia.platform.engagement.rules import PARTICIPATIONS, Rules, rules_for
from insignia.tenants.auth import Principal
from insignia.tenants.models import Audience, Person

MAX_PINNED = 12


def participation_expr(rules: Rules) -> ColumnElement[Any]:
    """A person's effective participation, for a statement joining ``Person``, ``Audience`` (the
    person's) and, outer, ``EngagementProfile``."""
    defaults = case(dict(rules.participation), value=Audience.kind, else_=literal("pseudonymous"))
    return func.coalesce(EngagementProfile.participation, defaults)


async def without_jit(session: AsyncSession) -> None:
    """No JIT compilation for the rest of the transaction: board and feed queries are short, but their
    plans (hashed sets, laterals) are estimated dear enough that PostgreSQL would spend hundreds of
    milliseconds compiling them to save a few."""
    await session.execute(text("SET LOCAL jit = off"))


def participates(
    rules: Rules,
    person_id: Any,
    audience_id: Any,
    wanted: Sequence[str],
    audience_kinds: Mapping[uuid.UUID, str] | None = None,
) -> ColumnElement[bool]:
    """Whether a row's person takes part in one of the ``wanted`` ways, for tables that carry the
    person's id and audience (see ``visibility.visible_on``): their own choice, else the default of
    their audience's kind, decided from small hashed sets rather than row by row. With the tenant's
    ``audience_kinds`` (id -> kind) the defaults become a short list, or no test when every audience
    takes part by default."""
    kinds = [kind for kind, value in rules.participation if value in wanted]
    chosen = select(EngagementProfile.person_id).where(EngagementProfile.participation.in_(list(wanted)))
    chosen_otherwise: ColumnElement[bool] = person_id.not_in(
        select(EngagementProfile.person_id).where(
            EngagementProfile.participation.is_not(None), EngagementProfile.participation.not_in(list(wanted))
        )
    )
    if audience_kinds is not None:
        defaults = [a for a, kind in audience_kinds.items() if kind in kinds]
        if len(defaults) == len(audience_kinds):
            return chosen_otherwise
        by_default: ColumnElement[bool] = and_(audience_id.in_(defaults), chosen_otherwise) if defaults else false()
    elif kinds:
        by_default = and_(audience_id.in_(select(Audience.id).where(Audience.kind.in_(kinds))), chosen_otherwise)
    else:
        by_default = false()
    return or_(by_default, person_id.in_(chosen))


async def audience_kinds(session: AsyncSession) -> dict[uuid.UUID, str]:
    """The tenant's audiences and their kinds (a handful of rows)."""
    return dict((await session.execute(select(Audience.id, Audience.kind))).all())


async def lock_profiles(
    session: AsyncSession, tenant_id: uuid.UUID, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, EngagementProfile]:
    """The people's engagement profiles, made (each with a fresh pseudonym) for those without one,
    and locked to the end of the transaction: every change of one person's points is serialised,
    so the ledger's sums stay exact under concurrent changes. A few statements for any number."""
    ids = sorted(set(person_ids))
    found: dict[uuid.UUID, EngagementProfile] = {}

    async def lock(wanted: list[uuid.UUID]) -> None:
        rows = await session.scalars(
            select(EngagementProfile)
            .where(EngagementProfile.person_id.in_(wanted))
            .order_by(EngagementProfile.person_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        found.update({p.person_id: p for p in rows})

    if ids:
        await lock(ids)
    missing = [i for i in ids if i not in found]
    attempt = 0
    while missing:
        # Another transaction may make the same person's profile meanwhile, or a pseudonym may
        # clash: either way the row is skipped here, then found, or drawn again.
        rows = [{"tenant_id": tenant_id, "person_id": p, "pseudonym": pseudonym.draw(attempt)} for p in missing]
        await session.execute(insert(EngagementProfile).values(rows).on_conflict_do_nothing())
        await lock(missing)
        missing = [i for i in missing if i not in found]
        attempt += 1
        if attempt > 10:  # pragma: no cover - ten clashes in a row cannot happen with 8-digit suffixes
            raise RuntimeError("could not draw a unique pseudonym")
    return found


async def profiles_by_person(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, EngagementProfile]:
    """Profiles by person id (unlocked; people without one have none yet)."""
    rows = await session.scalars(select(EngagementProfile).where(EngagementProfile.person_id.in_(ids)))
    return {p.person_id: p for p in rows}


async def participation_of(session: AsyncSession, tenant_id: uuid.UUID, person_id: uuid.UUID) -> str:
    """One person's effective participation."""
    rules = await rules_for(session, tenant_id)
    value = await session.scalar(
        select(participation_expr(rules))
        .select_from(Person)
        .join(Audience, Audience.id == Person.audience_id)
        .outerjoin(EngagementProfile, EngagementProfile.person_id == Person.id)
        .where(Person.id == person_id)
    )
    return str(value or "pseudonymous")


async def _pinned(
    session: AsyncSession, person_id: uuid.UUID, award_ids: Sequence[uuid.UUID | None], checks: Checks
) -> list[uuid.UUID]:
    """Pinned awards: the person's own current awards that colleagues may see, each once."""
    if len(award_ids) > MAX_PINNED:
        checks.errors.append(ValidationError(f"At most {MAX_PINNED} pinned awards.", "pinnedAwardIds"))
        return []
    given = [a for a in award_ids if a is not None]
    rows = await session.scalars(select(Award).where(Award.id.in_(given), Award.recipient_id == person_id))
    mine = {a.id: a for a in rows}
    chosen: list[uuid.UUID] = []
    for i, award_id in enumerate(award_ids):
        field = f"pinnedAwardIds.{i}"
        award = mine.get(award_id) if award_id is not None else None
        if award_id is None:
            continue  # the id was malformed: reported by the caller
        if award is None:
            checks.errors.append(NotFoundError("No such award of yours.", field))
        elif award.revoked_at is not None or award.superseded_at is not None or award.suspended_at is not None:
            checks.errors.append(ValidationError("Only awards that stand can be pinned.", field))
        elif award.visibility not in SHARED or award.acceptance != "accepted":
            message = "Only accepted awards shared with the organisation or the public can be pinned."
            checks.errors.append(ValidationError(message, field))
        elif award_id in chosen:
            checks.errors.append(ValidationError("This award is pinned twice.", field))
        else:
            chosen.append(award_id)
    return chosen


async def update_preferences(
    session: AsyncSession,
    principal: Principal,
    checks: Checks,
    *,
    participation: str | None = None,
    pinned_award_ids: Sequence[uuid.UUID | None] | None = None,
    weekly_digest: bool | None = None,
) -> EngagementProfile | None:
    """The signed-in person's engagement choices: how they take part in leaderboards and the feed
    (``visible``, ``pseudonymous`` or ``hidden``), the awards pinned first on their showcase (in that
    order; an empty list unpins all) and the weekly digest email. Errors go to ``checks`` (the
    caller reports them with the profile's other fields, all at once); nothing changes unless all
    is valid. None when nothing was given."""
    if participation is None and pinned_award_ids is None and weekly_digest is None:
        return None
    if principal.person is None:
        raise PermissionDeniedError("Only a signed-in person has a profile.")
    person_id = principal.person.id
    if participation is not None and participation not in PARTICIPATIONS:
        message = "leaderboardParticipation must be VISIBLE, PSEUDONYMOUS or HIDDEN."
        checks.errors.append(ValidationError(message, "leaderboardParticipation"))
    pinned = await _pinned(session, person_id, pinned_award_ids, checks) if pinned_award_ids is not None else None
    if checks.errors:
        return None
    profile = (await lock_profiles(session, principal.tenant_id, [person_id]))[person_id]
    if participation is not None:
        profile.participation = participation
    if pinned is not None:
        profile.pinned_award_ids = pinned
    if weekly_digest is not None:
        profile.weekly_digest = weekly_digest
    await session.flush()
    return profile
