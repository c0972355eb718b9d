"""Points: a ledger of every change, with its reason, and running totals per period.

Where points come from (``source`` of a ledger entry):

- ``award``: a badge class's points, while the person holds a current award of it that counts
  (not revoked, not suspended; expired ones count unless the tenant says otherwise). Milestones
  and capstones of pathways are awards too.
- ``first_badge``: the tenant's bonus for a person's first badge (while they hold one).
- ``pathway``: the tenant's bonus for completing a pathway (while it stays completed).
- ``before_goal``: the tenant's bonus for completing a pathway by the date of a goal set for it.
- ``adjustment``: an admin's correction, with its reason.

Every change reconciles what a person holds from a source with what they should hold and writes
the difference as an entry: changes are idempotent (calling twice writes nothing more), a revoked
award takes back exactly what it gave, and points are granted at the badge class's value when
(re)gained. Totals (``point_totals``: all time, and the week, month and quarter of each entry) are
updated in the same statements, so a change costs a fixed number of statements however large the
tenant, and ``recompute`` rebuilds them from the ledger. Level thresholds crossed upwards for the
first time are announced (``person.level_reached`` webhook, a feed item).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import Checks, NotFoundError, ValidationError
from insignia.infra.ids import uuid7
from insignia.infra.outbox import enqueue
from insignia.infra.pagination import Page, decode_cursor, page_size
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.engagement import feed
from insignia.platform.engagement.models import EngagementProfile, PointEntry, PointTotal
from insignia.platform.engagement.profile import lock_profiles
from insignia.platform.engagement.rules import Rules, rules_for
from insignia.platform.pathways.models import Enrolment, Goal
from insignia.tenants import webhook
from insignia.tenants.auth import Principal, Scope, require_person_with
from insignia.tenants.models import Person

EPOCH = date(1970, 1, 1)
PERIODS = ("all", "week", "month", "quarter")
MAX_ADJUSTMENT = 100_000
RECOMPUTE_KIND = "engagement.recompute"


def period_start(period: str, today: date) -> date:
    """The first day (UTC) of the period containing ``today``; weeks start on Monday."""
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    if period == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return EPOCH


@dataclass(frozen=True)
class Change:
    person_id: uuid.UUID
    points: int
    source: str
    reason: str
    badge_class_id: uuid.UUID | None = None
    award_id: uuid.UUID | None = None
    pathway_id: uuid.UUID | None = None
    enrolment_id: uuid.UUID | None = None


async def _held(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], source: str, **match: uuid.UUID
) -> dict[uuid.UUID, int]:
    """What each person holds from ``source`` (optionally one badge class or enrolment)."""
    stmt = (
        select(PointEntry.person_id, func.sum(PointEntry.points))
        .where(PointEntry.person_id.in_(person_ids), PointEntry.source == source)
        .group_by(PointEntry.person_id)
    )
    for column, value in match.items():
        stmt = stmt.where(getattr(PointEntry, column) == value)
    return {person: int(total) for person, total in await session.execute(stmt)}


def _target(held: int, grant: int, deserved: bool) -> int:
    """What a source should hold: nothing when not deserved; what it already holds, else the grant."""
    if not deserved:
        return 0
    return held if held > 0 else grant


def _counts(rules: Rules, now: datetime) -> ColumnElement[bool]:
    """A condition on ``Award``: a current award whose points count."""
    conditions: list[ColumnElement[bool]] = [
        Award.revoked_at.is_(None),
        Award.superseded_at.is_(None),
        Award.suspended_at.is_(None),
    ]
    if not rules.expired_keep_points:
        conditions += [Award.expired_at.is_(None), or_(Award.expires_at.is_(None), Award.expires_at > now)]
    return and_(*conditions)


@dataclass
class _Ledger:
    """One change of points in a transaction: the people concerned (their profiles locked), the
    tenant's rules and one clock."""

    session: AsyncSession
    tenant_id: uuid.UUID
    rules: Rules
    profiles: dict[uuid.UUID, EngagementProfile]
    actor: str
    now: datetime

    @classmethod
    async def open(
        cls, session: AsyncSession, tenant_id: uuid.UUID, person_ids: Iterable[uuid.UUID], actor: str = "rule"
    ) -> _Ledger:
        rules = await rules_for(session, tenant_id)
        profiles = await lock_profiles(session, tenant_id, list(person_ids))
        return cls(session, tenant_id, rules, profiles, actor, datetime.now(UTC))

    async def award_changes(
        self,
        badge_class_id: uuid.UUID,
        person_ids: Sequence[uuid.UUID],
        reason: str,
        changed: dict[uuid.UUID, uuid.UUID],
    ) -> list[Change]:
        """Reconcile the points of one badge class for people (three statements for any number)."""
        session = self.session
        badge_points = await session.scalar(select(BadgeClass.points).where(BadgeClass.id == badge_class_id)) or 0
        counting = dict(
            (
                await session.execute(
                    select(Award.recipient_id, Award.id).where(
                        Award.tenant_id == self.tenant_id,  # the whole key, whatever other policies allow
                        Award.recipient_id.in_(person_ids),
                        Award.badge_class_id == badge_class_id,
                        _counts(self.rules, self.now),
                    )
                )
            ).all()
        )
        held = await _held(session, person_ids, "award", badge_class_id=badge_class_id)
        out: list[Change] = []
        for person_id in person_ids:
            have = held.get(person_id, 0)
            delta = _target(have, badge_points, person_id in counting) - have
            if delta:
                award_id = counting.get(person_id) or changed.get(person_id)
                out.append(Change(person_id, delta, "award", reason, badge_class_id=badge_class_id, award_id=award_id))
        return out

    async def first_badge_changes(self, person_ids: Sequence[uuid.UUID], reason: str) -> list[Change]:
        held = await _held(self.session, person_ids, "first_badge")
        if not self.rules.first_badge_points and not any(held.values()):
            return []
        holders = set(
            await self.session.scalars(
                select(Award.recipient_id)
                .where(
                    Award.tenant_id == self.tenant_id,
                    Award.recipient_id.in_(person_ids),
                    _counts(self.rules, self.now),
                )
                .distinct()
            )
        )
        out: list[Change] = []
        for person_id in person_ids:
            have = held.get(person_id, 0)
            delta = _target(have, self.rules.first_badge_points, person_id in holders) - have
            if delta:
                out.append(Change(person_id, delta, "first_badge", reason))
        return out

    async def write(self, changes: Iterable[Change]) -> list[uuid.UUID]:
        """Append the entries, add them to the totals of their periods and announce levels reached
        (two statements for any number of entries, plus the announcements); the new entries' ids."""
        entries = [c for c in changes if c.points]
        if not entries:
            return []
        ids = [uuid7() for _ in entries]
        await self.session.execute(
            insert(PointEntry),
            [
                {
                    "tenant_id": self.tenant_id, "id": entry_id, "person_id": c.person_id, "points": c.points,
                    "source": c.source, "reason": c.reason, "badge_class_id": c.badge_class_id,
                    "award_id": c.award_id, "pathway_id": c.pathway_id, "enrolment_id": c.enrolment_id,
                    "actor": self.actor, "created_at": self.now,
                }
                for entry_id, c in zip(ids, entries, strict=True)
            ],
        )  # fmt: skip
        per_person: dict[uuid.UUID, int] = defaultdict(int)
        for c in entries:
            per_person[c.person_id] += c.points
        today = self.now.astimezone(UTC).date()
        rows = [
            {
                "tenant_id": self.tenant_id,
                "period": period,
                "period_start": period_start(period, today),
                "person_id": person_id,
                "points": delta,
            }
            for person_id, delta in sorted(per_person.items())
            for period in PERIODS
        ]
        upsert = insert(PointTotal).values(rows)
        stmt = upsert.on_conflict_do_update(
            index_elements=[PointTotal.tenant_id, PointTotal.period, PointTotal.period_start, PointTotal.person_id],
            set_={"points": PointTotal.points + upsert.excluded.points},
        ).returning(PointTotal.person_id, PointTotal.period, PointTotal.points)
        totals = {person: points for person, period, points in await self.session.execute(stmt) if period == "all"}
        await self._announce_levels(totals)
        return ids

    async def _announce_levels(self, totals: dict[uuid.UUID, int]) -> None:
        """Levels reached for the first time: ``person.level_reached`` and a feed item, once each."""
        if not self.rules.levels:
            return
        reached: list[tuple[uuid.UUID, str, int, int]] = []
        for person_id, total in totals.items():
            level = self.rules.level_for(total)
            profile = self.profiles[person_id]
            if level is None or (profile.level_points is not None and level.points <= profile.level_points):
                continue
            profile.level_points = level.points
            reached.append((person_id, level.name, level.points, total))
        if not reached:
            return
        at = self.now.isoformat()
        data = [
            {"personId": str(p), "level": name, "levelPoints": threshold, "points": total, "reachedAt": at}
            for p, name, threshold, total in reached
        ]
        if len(data) == 1:
            await webhook.publish(self.session, self.tenant_id, "person.level_reached", data[0])
        else:
            self.session.add(webhook.publish_batch(self.tenant_id, "person.level_reached", data))
        await feed.add_levels(self.session, self.tenant_id, [(p, name) for p, name, _t, _p in reached], self.now)
        await self.session.flush()


async def award_changed(session: AsyncSession, award: Award, change: str) -> None:
    """An award was issued, revoked, suspended, reinstated or expired: its badge class's points
    (and the first-badge bonus) follow, in this transaction; a new award gets a feed item."""
    person = award.recipient_id
    ledger = await _Ledger.open(session, award.tenant_id, [person])
    reason = f"award.{change}"
    changes = await ledger.award_changes(award.badge_class_id, [person], reason, {person: award.id})
    changes += await ledger.first_badge_changes([person], reason)
    await ledger.write(changes)
    if change == "issued":
        await feed.add_awards(session, award.tenant_id, [award])


async def awards_issued(
    session: AsyncSession, tenant_id: uuid.UUID, badge_class_id: uuid.UUID, awards: Sequence[Award]
) -> None:
    """``award_changed`` for a bulk issue of one badge class: a fixed number of statements."""
    if not awards:
        return
    people = sorted({a.recipient_id for a in awards})
    ledger = await _Ledger.open(session, tenant_id, people)
    changed = {a.recipient_id: a.id for a in awards}
    changes = await ledger.award_changes(badge_class_id, people, "award.issued", changed)
    changes += await ledger.first_badge_changes(people, "award.issued")
    await ledger.write(changes)
    await feed.add_awards(session, tenant_id, awards)


async def reconcile_awards(session: AsyncSession, tenant_id: uuid.UUID, awards: Sequence[Award], reason: str) -> int:
    """Re-count the points of these awards' (person, badge class) pairs under the current rules
    (after ``expiredKeepPoints`` changed); the number of entries written."""
    ledger = await _Ledger.open(session, tenant_id, {a.recipient_id for a in awards})
    by_badge: dict[uuid.UUID, dict[uuid.UUID, uuid.UUID]] = defaultdict(dict)
    for a in awards:
        by_badge[a.badge_class_id][a.recipient_id] = a.id
    changes: list[Change] = []
    for badge_id, changed in by_badge.items():
        changes += await ledger.award_changes(badge_id, sorted(changed), reason, changed)
    changes += await ledger.first_badge_changes(sorted(ledger.profiles), reason)
    return len(await ledger.write(changes))


async def reconcile_expired_chunk(
    session: AsyncSession, tenant_id: uuid.UUID, after: uuid.UUID | None
) -> uuid.UUID | None:
    """Handler step of ``engagement.reconcile``: re-count up to 500 expired awards after ``after``;
    the last one's id when more may follow."""
    now = datetime.now(UTC)
    stmt = (
        select(Award)
        .where(
            Award.tenant_id == tenant_id,
            Award.revoked_at.is_(None),
            Award.superseded_at.is_(None),
            or_(Award.expired_at.is_not(None), Award.expires_at <= now),
        )
        .order_by(Award.id)
        .limit(500)
    )
    if after is not None:
        stmt = stmt.where(Award.id > after)
    awards = (await session.scalars(stmt)).all()
    if awards:
        await reconcile_awards(session, tenant_id, awards, "settings.expired_points")
    return awards[-1].id if len(awards) == 500 else None


async def pathway_changed(session: AsyncSession, enrolment: Enrolment, now: datetime) -> None:
    """An enrolment was completed, or lost its completion: the tenant's pathway bonuses follow
    (the before-goal bonus when a goal for the pathway had a date not yet passed); a completion gets
    a feed item. The capstone and milestones are awards: their points come with them."""
    person = enrolment.person_id
    ledger = await _Ledger.open(session, enrolment.tenant_id, [person])
    rules = ledger.rules
    completed = enrolment.completed_at is not None
    reason = "pathway.completed" if completed else "pathway.completion_lost"
    have = (await _held(session, [person], "pathway", enrolment_id=enrolment.id)).get(person, 0)
    have_early = (await _held(session, [person], "before_goal", enrolment_id=enrolment.id)).get(person, 0)
    early = have_early > 0
    if completed and rules.before_goal_points and not early:
        early = bool(
            await session.scalar(
                select(func.count()).where(
                    Goal.person_id == person,
                    Goal.pathway_id == enrolment.pathway_id,
                    Goal.status.in_(("active", "achieved")),
                    Goal.target_date >= now.astimezone(UTC).date(),
                )
            )
        )
    ids = {"pathway_id": enrolment.pathway_id, "enrolment_id": enrolment.id}
    bonus = _target(have, rules.pathway_points, completed) - have
    early_bonus = _target(have_early, rules.before_goal_points, completed and early) - have_early
    await ledger.write(
        [Change(person, bonus, "pathway", reason, **ids), Change(person, early_bonus, "before_goal", reason, **ids)]
    )
    if completed:
        await feed.add_pathway(session, enrolment, now)


async def adjust(
    session: AsyncSession,
    principal: Principal,
    person_id: uuid.UUID | None,
    *,
    points: int,
    reason: str,
    checks: Checks | None = None,
) -> PointEntry:
    """An admin's correction of a person's points, with its reason (audited). Every invalid field
    is reported at once, with those already in ``checks`` (``person_id`` None: already reported)."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can adjust points.")
    checks = checks or Checks()
    if points == 0 or abs(points) > MAX_ADJUSTMENT:
        message = f"points must be between -{MAX_ADJUSTMENT} and {MAX_ADJUSTMENT}, and not 0."
        checks.errors.append(ValidationError(message, "points"))
    note = checks.run(lambda: validation.text(reason, "reason", max_length=500))
    if person_id is not None and await session.scalar(select(Person.id).where(Person.id == person_id)) is None:
        checks.errors.append(NotFoundError("No such person.", "personId"))
    checks.done()
    assert note is not None and person_id is not None
    ledger = await _Ledger.open(session, principal.tenant_id, [person_id], actor=principal.label)
    [entry_id] = await ledger.write([Change(person_id, points, "adjustment", note)])
    entry = await session.scalar(select(PointEntry).where(PointEntry.id == entry_id))
    assert entry is not None
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="points.adjusted", subject_type="Person",
        subject_id=person_id, after={"entryId": str(entry.id), "points": points, "reason": note},
    )  # fmt: skip
    return entry


async def entries_of(
    session: AsyncSession, person_id: uuid.UUID, *, first: int | None, after: str | None
) -> Page[PointEntry]:
    """A person's ledger, newest first (the caller checked that the principal sees them in full)."""
    size = page_size(first)
    stmt = select(PointEntry).where(PointEntry.person_id == person_id)
    if after is not None:
        stmt = stmt.where(PointEntry.id < decode_cursor(after))
    rows = (await session.scalars(stmt.order_by(PointEntry.id.desc()).limit(size + 1))).all()
    return Page(items=rows[:size], has_next=len(rows) > size)


# Exact sums of the ledger per person and period bucket: written over the totals, and totals the
# ledger does not back are removed (the two parts touch disjoint rows).
_RECOMPUTE = """
    WITH fresh AS (
        SELECT tenant_id, period, period_start, person_id, sum(points)::integer AS points
          FROM (
            SELECT e.tenant_id, p.period, CASE p.period
                     WHEN 'all' THEN DATE '1970-01-01'
                     ELSE date_trunc(p.period, e.created_at AT TIME ZONE 'UTC')::date END AS period_start,
                   e.person_id, e.points
              FROM point_entries e
             CROSS JOIN (VALUES ('all'), ('week'), ('month'), ('quarter')) AS p (period)
          ) AS bucketed
         GROUP BY tenant_id, period, period_start, person_id
    ), written AS (
        INSERT INTO point_totals (tenant_id, period, period_start, person_id, audience_id, points)
        SELECT f.tenant_id, f.period, f.period_start, f.person_id, p.audience_id, f.points
          FROM fresh f JOIN people p ON p.tenant_id = f.tenant_id AND p.id = f.person_id
        ON CONFLICT (tenant_id, period, period_start, person_id) DO UPDATE SET points = EXCLUDED.points
         WHERE point_totals.points <> EXCLUDED.points
        RETURNING 1
    )
    DELETE FROM point_totals t
     WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.period = t.period AND f.period_start = t.period_start
                                               AND f.person_id = t.person_id)
"""


async def recompute(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    """Rebuild the tenant's totals from its ledger (handler of ``engagement.recompute``); the
    number of people with points. Row-level security keeps it to the tenant. Every profile is
    locked first, as each change of points locks its person's: none runs meanwhile (a person's
    first points make their profile, and their rows, which are exact either way)."""
    await session.execute(select(EngagementProfile.person_id).with_for_update())
    await session.execute(text(_RECOMPUTE))
    people = await session.scalar(select(func.count()).where(PointTotal.period == "all"))
    return int(people or 0)


async def schedule_recompute(session: AsyncSession, principal: Principal) -> None:
    """Admins: rebuild the totals from the ledger (a job)."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can recompute points.")
    await enqueue(session, principal.tenant_id, RECOMPUTE_KIND, {})
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="points.recompute_requested",
        subject_type="Tenant", subject_id=principal.tenant_id,
    )  # fmt: skip
