"""The tenant's audit log as its admins read it: newest first, filtered, or exported as CSV.

Only a signed-in admin reads it (a person holding ``api_keys:manage``): API keys never do, since the
log records what keys did. Events are written by the services themselves (``insignia.infra.audit``).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import global_ids, validation
from insignia.infra.audit import AuditEvent
from insignia.infra.errors import ValidationError
from insignia.infra.pagination import Page, decode_cursor, page_size
from insignia.tenants.auth import Principal, Scope, require_person_with

EXPORT_LIMIT = 10_000
EXPORT_COLUMNS = ("time", "actor", "action", "subject type", "subject id", "request id", "before", "after")
# A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Global ids of these types name an actor (the labels ``insignia.infra.audit`` describes).
_ACTOR_KINDS = {"Person": "person", "ApiKey": "api_key", "SsoConnection": "sso_connection"}


@dataclass(frozen=True)
class AuditFilter:
    """Which events: ``action`` is a prefix (``person.`` or ``person.invited``), ``actor`` an actor
    label or the global id of a person, API key or SSO connection, ``subject_id`` a global id;
    ``since`` inclusive, ``until`` exclusive."""

    action: str | None = None
    actor: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _require_admin(principal: Principal) -> None:
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can read the audit log.")


def _like_prefix(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _actor_label(value: str) -> str:
    parsed = global_ids.decode(value)
    if parsed is not None and parsed[0] in _ACTOR_KINDS:
        return f"{_ACTOR_KINDS[parsed[0]]}:{parsed[1]}"
    return value


def _conditions(f: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.action:
        action = validation.text(f.action, "filter.action", max_length=100)
        conditions.append(AuditEvent.action.like(_like_prefix(action), escape="\\"))
    if f.actor:
        actor = validation.text(f.actor, "filter.actor", max_length=200)
        conditions.append(AuditEvent.actor == _actor_label(actor))
    if f.subject_type:
        conditions.append(AuditEvent.subject_type == validation.text(f.subject_type, "filter.subjectType"))
    if f.subject_id:
        parsed = global_ids.decode(f.subject_id)
        if parsed is None:
            raise ValidationError("filter.subjectId is not a global id.", "filter.subjectId")
        conditions += [AuditEvent.subject_type == parsed[0], AuditEvent.subject_id == parsed[1]]
    since, until = _aware(f.since), _aware(f.until)
    if since is not None and until is not None and since > until:
        raise ValidationError("filter.from must not be after filter.to.", "filter.from")
    if since is not None:
        conditions.append(AuditEvent.created_at >= since)
    if until is not None:
        conditions.append(AuditEvent.created_at < until)
    return conditions


def _aware(moment: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _newest_first(f: AuditFilter | None) -> Select[Any]:
    stmt = select(AuditEvent).where(*_conditions(f or AuditFilter()))
    return stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


async def list_events(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    filter: AuditFilter | None = None,
) -> Page[AuditEvent]:
    """One page of the tenant's audit events, newest first (admins)."""
    _require_admin(principal)
    size = page_size(first)
    stmt = _newest_first(filter)
    if after is not None:
        anchor = (
            await session.execute(
                select(AuditEvent.created_at, AuditEvent.id).where(AuditEvent.id == decode_cursor(after))
            )
        ).one_or_none()
        if anchor is None:
            raise ValidationError("The cursor is not valid.", "after")
        stmt = stmt.where(tuple_(AuditEvent.created_at, AuditEvent.id) < tuple_(anchor.created_at, anchor.id))
    rows: Sequence[AuditEvent] = (await session.scalars(stmt.limit(size + 1))).all()
    return Page(items=rows[:size], has_next=len(rows) > size)


async def events_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AuditEvent]:
    """Audit events by id, for admins only (others get none)."""
    if not principal.person_with(Scope.API_KEYS_MANAGE):
        return {}
    return {e.id: e for e in await session.scalars(select(AuditEvent).where(AuditEvent.id.in_(ids)))}


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading ``'``."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


async def export_csv(session: AsyncSession, principal: Principal, *, filter: AuditFilter | None = None) -> str:
    """The newest ``EXPORT_LIMIT`` events matching ``filter`` as CSV text (admins): a header row,
    then time, actor, action, subject type, subject id (global id), request id, before and after
    (JSON). Narrow the time window to export older events."""
    _require_admin(principal)
    rows: Sequence[AuditEvent] = (await session.scalars(_newest_first(filter).limit(EXPORT_LIMIT))).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for e in rows:
        cells = (
            e.created_at.isoformat(),
            e.actor,
            e.action,
            e.subject_type,
            global_ids.encode(e.subject_type, e.subject_id),
            e.request_id or "",
            _json(e.before),
            _json(e.after),
        )
        writer.writerow([csv_cell(c) for c in cells])
    return out.getvalue()
