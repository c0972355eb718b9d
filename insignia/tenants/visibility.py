"""Who may see whom: the one visibility policy every query, ``node(id)``, loader and page asks.

A viewer sees a person at one of two levels:

- ``FULL``: everything (email, roles, manager, sign-in details, every award). Admins and keys with
  ``people:read`` see everyone so; a person sees themselves and their reports (direct and
  indirect) so; a partner admin sees the people of their own partner company so.
- ``COLLEAGUE``: name, audience, headline and awards the person shares (``TENANT``/``PUBLIC``,
  accepted). Who is a colleague follows the tenant's rules per pair of audience kinds (below).

Anyone else is invisible: not listed, not resolvable by id, not counted. The rules per (viewer
kind, person kind) pair are ``none``, ``same_company`` (same partner or customer company: the
audience's ``partnerCompany``, or the same audience when it names none) or ``all``. The defaults
are safe: employees see employees; partners and customers see only their own company. A tenant
loosens or tightens them with ``tenantSettingsUpdate(input: {visibilityRules})``.

API keys act for the organisation, not as a person: ``people:read`` sees everyone in full,
``awards:read`` sees award recipients as colleagues, any other key sees nobody.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import Checks, ValidationError
from insignia.tenants.auth import Principal, Role, Scope
from insignia.tenants.models import Audience, Person, TenantSettings

KINDS = ("employee", "partner", "customer")


class Reach(StrEnum):
    NONE = "none"
    SAME_COMPANY = "same_company"
    ALL = "all"


DEFAULT_RULES: dict[tuple[str, str], Reach] = {
    (viewer, subject): (
        Reach.ALL if viewer == subject == "employee" else Reach.SAME_COMPANY if viewer == subject else Reach.NONE
    )
    for viewer in KINDS
    for subject in KINDS
}


class Access(IntEnum):
    """How much of a person a viewer sees (ordered: more is greater)."""

    COLLEAGUE = 1
    FULL = 2


@dataclass(frozen=True)
class Viewer:
    """What the policy needs to know of the caller, loaded once per transaction."""

    principal: Principal
    audience_id: uuid.UUID | None
    kind: str | None
    company: str | None  # the viewer audience's company key (see _company_key)
    rules: Mapping[tuple[str, str], Reach]
    # A partner admin's company (their partner audience's company name): they see its people in full.
    partner_company: str | None = None

    @property
    def person_id(self) -> uuid.UUID | None:
        return self.principal.person.id if self.principal.person else None

    @property
    def sees_everyone(self) -> bool:
        return self.principal.has(Scope.PEOPLE_READ)

    @property
    def sees_award_recipients(self) -> bool:
        """An API key with ``awards:read`` (and no ``people:read``): recipients as colleagues."""
        return self.principal.person is None and self.principal.has(Scope.AWARDS_READ)


def rules_from(stored: Mapping[str, str] | None) -> dict[tuple[str, str], Reach]:
    """The effective rules: the tenant's stored choices over the defaults."""
    rules = dict(DEFAULT_RULES)
    for key, value in (stored or {}).items():
        viewer, _, subject = key.partition(":")
        if (viewer, subject) in rules and value in Reach.__members__.values():
            rules[(viewer, subject)] = Reach(value)
    return rules


def validate_rules(values: Sequence[tuple[str, str, str]], field: str) -> dict[str, str]:
    """Check (viewer kind, subject kind, reach) triples; the stored form of the non-default ones."""
    chosen: dict[tuple[str, str], Reach] = {}
    checks = Checks()
    for i, (viewer, subject, reach) in enumerate(values):
        where = f"{field}.{i}"
        if viewer not in KINDS or subject not in KINDS:
            checks.errors.append(ValidationError("viewer and subject must be EMPLOYEE, PARTNER or CUSTOMER.", where))
            continue
        if (viewer, subject) in chosen:
            checks.errors.append(ValidationError(f"The pair {viewer} -> {subject} is given twice.", where))
        if reach not in Reach.__members__.values():
            checks.errors.append(ValidationError("reach must be NONE, SAME_COMPANY or ALL.", f"{where}.reach"))
            continue
        if reach == Reach.SAME_COMPANY and viewer != subject:
            message = "SAME_COMPANY applies only to people of the same audience kind."
            checks.errors.append(ValidationError(message, f"{where}.reach"))
        chosen[(viewer, subject)] = Reach(reach)
    checks.done()
    return {f"{v}:{s}": r.value for (v, s), r in chosen.items()}


def reports_of(manager_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """Ids of everyone who reports to ``manager_id``, directly or through other managers."""
    base = select(Person.id).where(Person.manager_id == manager_id).cte(recursive=True)
    step = select(Person.id).join(base, Person.manager_id == base.c.id)
    reports = base.union(step)
    return select(reports.c.id)


def _company_key() -> ColumnElement[Any]:
    """The company an audience stands for: its (case-folded) company name, or itself."""
    return func.coalesce(func.lower(Audience.partner_company), cast(Audience.id, String))


_CACHE_KEY = "insignia.visibility.viewer"


async def viewer_of(session: AsyncSession, principal: Principal) -> Viewer:
    """The caller as the policy sees them: their audience and the tenant's rules, in one round trip,
    kept for the rest of the transaction (``forget`` after a change of rules or audience)."""
    cached = session.info.get(_CACHE_KEY)
    if isinstance(cached, Viewer) and cached.principal == principal:
        return cached
    settings = select(TenantSettings.visibility_rules).where(TenantSettings.tenant_id == principal.tenant_id)
    if principal.person is None or principal.has(Scope.PEOPLE_READ):
        # Keys have no audience, and whoever sees everyone needs no rules: nothing to load.
        found = Viewer(principal, None, None, None, DEFAULT_RULES)
    else:
        row = (
            await session.execute(
                select(Audience.id, Audience.kind, Audience.partner_company, _company_key(), settings.scalar_subquery())
                .select_from(Person)
                .join(Audience, Audience.id == Person.audience_id)
                .where(Person.id == principal.person.id)
            )
        ).one_or_none()
        if row is None:  # the person vanished mid-request: they see as little as possible
            found = Viewer(principal, None, None, None, rules_from(None))
        else:
            audience_id, kind, partner_company, company, stored = row
            partner_admin = Role.PARTNER_ADMIN in principal.roles and kind == "partner" and partner_company is not None
            found = Viewer(
                principal,
                audience_id,
                kind,
                company,
                rules_from(stored),
                partner_company=partner_company if partner_admin else None,
            )
    session.info[_CACHE_KEY] = found
    return found


def forget(session: AsyncSession) -> None:
    session.info.pop(_CACHE_KEY, None)


def _company_audiences(viewer: Viewer) -> ColumnElement[bool]:
    """People of the partner admin's company (every partner audience naming it)."""
    assert viewer.partner_company is not None
    company = select(Audience.id).where(
        Audience.kind == "partner", func.lower(Audience.partner_company) == viewer.partner_company.lower()
    )
    return Person.audience_id.in_(company)


def full_condition(viewer: Viewer) -> ColumnElement[bool]:
    """People the viewer sees in full (a condition on ``Person``)."""
    if viewer.sees_everyone:
        return true()
    me = viewer.person_id
    if me is None:
        return false()
    conditions: list[ColumnElement[bool]] = [Person.id == me, Person.id.in_(reports_of(me))]
    if viewer.partner_company is not None:
        conditions.append(_company_audiences(viewer))
    return or_(*conditions)


def _colleague_audience_ids(viewer: Viewer) -> Select[uuid.UUID] | None:
    """The audiences whose people the viewer sees as colleagues by the rules (None: none)."""
    if viewer.kind is None:
        return None
    allowed: list[ColumnElement[bool]] = []
    for subject in KINDS:
        reach = viewer.rules[(viewer.kind, subject)]
        if reach is Reach.ALL:
            allowed.append(Audience.kind == subject)
        elif reach is Reach.SAME_COMPANY and viewer.company is not None:
            allowed.append(and_(Audience.kind == subject, _company_key() == literal(viewer.company)))
    if not allowed:
        return None
    return select(Audience.id).where(or_(*allowed))


def _colleague_audiences(viewer: Viewer) -> ColumnElement[bool]:
    audiences = _colleague_audience_ids(viewer)
    return false() if audiences is None else Person.audience_id.in_(audiences)


def visible_condition(viewer: Viewer) -> ColumnElement[bool]:
    """People the viewer sees at all (a condition on ``Person``)."""
    if viewer.sees_everyone or viewer.sees_award_recipients:
        return true()
    me = viewer.person_id
    if me is None:
        return false()
    own_manager = Person.id == select(Person.manager_id).where(Person.id == me).scalar_subquery()
    # Colleagues who have left are not shown; people seen in full are, deactivated or not.
    colleagues = and_(Person.active, or_(own_manager, _colleague_audiences(viewer)))
    return or_(full_condition(viewer), colleagues)


def visible_people(viewer: Viewer) -> Any:
    """A subquery of the ids of the people the viewer sees (for ``x_id.in_(...)``)."""
    return select(Person.id).where(visible_condition(viewer))


def fully_visible_people(viewer: Viewer) -> Any:
    return select(Person.id).where(full_condition(viewer))


async def access_to(session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Access]:
    """How much the principal sees of each of ``ids`` (absent: nothing), in one statement."""
    viewer = await viewer_of(session, principal)
    if not ids:
        return {}
    if viewer.sees_everyone:
        level: ColumnElement[Any] = literal(int(Access.FULL))
    else:
        level = case((full_condition(viewer), int(Access.FULL)), else_=int(Access.COLLEAGUE))
    rows = await session.execute(select(Person.id, level).where(Person.id.in_(ids), visible_condition(viewer)))
    return {person_id: Access(value) for person_id, value in rows}


def open_to_viewer(viewer: Viewer, link_owner: Any, link_audience: Any, item_id: Any) -> ColumnElement[bool]:
    """Catalog items (badge classes, courses, pathways) limited to audiences: open when they name
    no audience or the viewer's. Staff and API keys see the whole catalog; ``link_*`` are the
    columns of the item's audience link table."""
    if viewer.principal.person is None or viewer.principal.has(Scope.BADGES_WRITE):
        return true()
    if viewer.principal.has(Scope.LEARNING_WRITE) or viewer.principal.has(Scope.AWARDS_READ):
        return true()
    restricted = select(link_owner).where(link_owner == item_id)
    mine = select(link_owner).where(link_owner == item_id, link_audience == viewer.audience_id)
    return or_(~restricted.exists(), mine.exists())


def reaches_audience(viewer: Viewer, audience: Audience) -> bool:
    """Whether the rules let the viewer see people of ``audience`` at all, for scopes named by an
    audience or a company (a leaderboard's): everyone for admins and keys that see people; their
    own company for a partner admin; otherwise the tenant's rule for the pair of kinds. Who in it is
    shown is still ``visible_condition``'s answer; this only refuses scopes the viewer may not see."""
    if viewer.sees_everyone or viewer.sees_award_recipients:
        return True
    if viewer.kind is None:
        return False
    company = audience.partner_company.lower() if audience.partner_company else str(audience.id)
    if viewer.partner_company is not None and audience.kind == "partner" and company == viewer.partner_company.lower():
        return True
    reach = viewer.rules[(viewer.kind, audience.kind)]
    return reach is Reach.ALL or (reach is Reach.SAME_COMPANY and company == viewer.company)


def inactive_people() -> Select[uuid.UUID]:
    """Ids of deactivated people (a partial index keeps this small and cheap)."""
    return select(Person.id).where(~Person.active)


async def colleague_audience_list(session: AsyncSession, viewer: Viewer) -> list[uuid.UUID]:
    """The audiences whose people the viewer sees as colleagues by the rules, resolved to a list."""
    audiences = _colleague_audience_ids(viewer)
    return [] if audiences is None else list(await session.scalars(audiences))


def visible_on(
    viewer: Viewer,
    person_id: Any,
    audience_id: Any,
    *,
    colleague_audiences: Sequence[uuid.UUID] | None = None,
    active_only: bool = False,
) -> ColumnElement[bool]:
    """``visible_condition`` for rows that carry a person's id and a copy of their audience id
    (tables kept denormalised for speed, such as leaderboard totals): the same people by the same
    rules, decided from sets the database hashes once (the people seen in full, their own manager,
    the colleague audiences, the deactivated) instead of reading ``people`` row by row.

    ``colleague_audiences``: those of ``colleague_audience_list`` when the caller resolved them (a
    short list costs less per row than a subquery). ``active_only``: the caller wants active people
    only and excludes the deactivated itself, once for every row (seen in full or not)."""
    if viewer.sees_everyone or viewer.sees_award_recipients:
        return true()
    me = viewer.person_id
    if me is None:
        return false()
    parts: list[Any] = [select(literal(me)), reports_of(me)]
    if viewer.partner_company is not None:
        parts.append(select(Person.id).where(_company_audiences(viewer)))
    in_full = person_id.in_(union_all(*parts))
    own_manager = person_id == select(Person.manager_id).where(Person.id == me).scalar_subquery()
    if colleague_audiences is not None:
        by_rules = audience_id.in_(list(colleague_audiences)) if colleague_audiences else false()
    else:
        audiences = _colleague_audience_ids(viewer)
        by_rules = audience_id.in_(audiences) if audiences is not None else false()
    if active_only:
        return or_(by_rules, in_full, own_manager)
    return or_(in_full, and_(or_(by_rules, own_manager), person_id.not_in(inactive_people())))


def visible_ids(viewer: Viewer) -> Any:
    """The people the viewer sees (``visible_condition``) as (id, audience id) rows: a union of parts
    each read through an index, for queries driven from the people side (a select); None for those
    who see everyone."""
    if viewer.sees_everyone or viewer.sees_award_recipients:
        return None
    me = viewer.person_id
    if me is None:
        return select(Person.id, Person.audience_id).where(false())
    in_full = [Person.id == me, Person.id.in_(reports_of(me))]
    if viewer.partner_company is not None:
        in_full.append(_company_audiences(viewer))
    parts: list[Any] = [select(Person.id, Person.audience_id).where(c) for c in in_full]
    own_manager = select(Person.manager_id).where(Person.id == me).scalar_subquery()
    parts.append(select(Person.id, Person.audience_id).where(Person.id == own_manager, Person.active))
    audiences = _colleague_audience_ids(viewer)
    if audiences is not None:
        parts.append(select(Person.id, Person.audience_id).where(Person.audience_id.in_(audiences), Person.active))
    return union(*parts)
