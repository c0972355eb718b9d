"""Report exports: CSV produced by a job, downloaded through a short-lived signed link.

``create_export`` checks the request (the same permissions as the report itself, checked again
when the job runs with the requester's rights as they are then) and schedules ``report.export``;
large tenants never time out the API. The file is kept for a day. The download link names the
export and an expiry, signed with a key derived from the platform secret; it works for 15 minutes.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import time
import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit
from insignia.infra.errors import NotFoundError, PermissionDeniedError, ValidationError
from insignia.infra.ids import uuid7
from insignia.infra.outbox import enqueue
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.insights import report
from insignia.platform.insights.models import ReportExport
from insignia.platform.learning.models import Course, Skill
from insignia.platform.pathways.models import Pathway
from insignia.platform.skills import gap
from insignia.tenants.auth import Principal, Scope, person_principal
from insignia.tenants.models import Audience, Person

EXPORT_KIND = "report.export"
REPORTS = ("insights", "trends", "team_skill_gap")
KEEP = timedelta(days=1)
LINK_SECONDS = 15 * 60
MAX_ROWS = 100_000


def _params(f: report.Filter | None, role_id: uuid.UUID | None, manager_id: uuid.UUID | None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if f is not None:
        data.update({k: (str(v) if isinstance(v, uuid.UUID | date) else v) for k, v in asdict(f).items()})
    if role_id is not None:
        data["roleId"] = str(role_id)
    if manager_id is not None:
        data["teamManagerId"] = str(manager_id)
    return data


def _filter(data: dict[str, Any]) -> report.Filter:
    return report.Filter(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        granularity=data.get("granularity", "month"),
        audience_id=uuid.UUID(data["audience_id"]) if data.get("audience_id") else None,
        partner_company=data.get("partner_company"),
        manager_id=uuid.UUID(data["manager_id"]) if data.get("manager_id") else None,
    )


async def create_export(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: str,
    filter: report.Filter | None = None,
    role_id: uuid.UUID | None = None,
    manager_id: uuid.UUID | None = None,
) -> ReportExport:
    """Schedule a CSV export of a report (every check made now, and again when it runs)."""
    if principal.person is None:
        raise PermissionDeniedError("Exports are for signed-in people (the link is theirs).")
    if kind not in REPORTS:
        raise ValidationError("report must be INSIGHTS, TRENDS or TEAM_SKILL_GAP.", "report")
    if kind in ("insights", "trends"):
        if filter is None:
            raise ValidationError("This report needs a filter.", "filter")
        filter.check()
        await report._scope(session, principal, filter)  # refuses what the person may not see
    else:
        if role_id is None:
            raise ValidationError("The team skill gap needs a role.", "roleId")
        await gap.team_gap(session, principal, role_id, manager_id=manager_id)
    record = ReportExport(
        tenant_id=principal.tenant_id, id=uuid7(), report=kind, parameters=_params(filter, role_id, manager_id),
        requested_by=principal.label, requested_by_person_id=principal.person.id,
        expires_at=datetime.now(UTC) + KEEP,
    )  # fmt: skip
    session.add(record)
    await session.flush()
    await enqueue(session, principal.tenant_id, EXPORT_KIND, {"exportId": str(record.id)})
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="report.exported", subject_type="ReportExport",
        subject_id=record.id, after={"report": kind, **record.parameters},
    )  # fmt: skip
    return record


async def _names(session: AsyncSession) -> dict[uuid.UUID, str]:
    names: dict[uuid.UUID, str] = {}
    for model, column in ((BadgeClass, BadgeClass.name), (Course, Course.title), (Pathway, Pathway.name)):
        for i, n in await session.execute(select(model.id, column)):
            names[i] = n
    for i, n in await session.execute(select(Skill.id, Skill.name)):
        names[i] = n
    for i, n in await session.execute(select(Audience.id, Audience.name)):
        names[i] = n
    return names


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def _csv(session: AsyncSession, principal: Principal, record: ReportExport) -> tuple[str, int]:
    out = io.StringIO()
    writer = csv.writer(out)
    rows = 0
    data = record.parameters
    names = await _names(session)
    if record.report in ("insights", "trends"):
        found = await report.insights(session, principal, _filter(data))
        if record.report == "insights":
            timings = {(t.kind, t.subject_id): t for t in found.timings}
            writer.writerow(["kind", "subject id", "subject", "metric", "value", "median seconds", "p90 seconds"])
            for r in found.totals:
                t = timings.get((r.kind, r.subject_id))
                writer.writerow([_cell(x) for x in (
                    r.kind, r.subject_id, names.get(r.subject_id, ""), r.metric, r.value,
                    round(t.median_seconds) if t else "", round(t.p90_seconds) if t else "",
                )])  # fmt: skip
                rows += 1
            for badge_id, n in sorted(found.active.items(), key=lambda x: str(x[0])):
                writer.writerow(
                    [_cell(x) for x in ("badge_class", badge_id, names.get(badge_id, ""), "active", n, "", "")]
                )
                rows += 1
        else:
            writer.writerow(["period", "kind", "metric", "value"])
            for p in found.trends:
                writer.writerow([p.period.isoformat(), p.kind, p.metric, p.value])
                rows += 1
    else:
        manager = uuid.UUID(data["teamManagerId"]) if data.get("teamManagerId") else None
        team = await gap.team_gap(session, principal, uuid.UUID(data["roleId"]), manager_id=manager)
        skill_ids = [s.skill_id for s in team.skills]
        writer.writerow(["person", "email", *[names.get(s, str(s)) for s in skill_ids]])
        for person, levels in await gap.team_matrix(session, team, 500):
            writer.writerow([_cell(person.name), _cell(person.email), *[levels.get(s, 0) for s in skill_ids]])
            rows += 1
    if rows > MAX_ROWS:
        raise ValidationError(f"The report has more than {MAX_ROWS} rows; narrow the filter.", "filter")
    return out.getvalue(), rows


async def run_export(session: AsyncSession, export_id: uuid.UUID) -> None:
    """Job ``report.export``: build the CSV with the requester's rights as they are now."""
    record = await session.scalar(select(ReportExport).where(ReportExport.id == export_id).with_for_update())
    if record is None or record.status == "done":
        return
    person = await session.scalar(select(Person).where(Person.id == record.requested_by_person_id))
    try:
        if person is None or not person.active:
            raise PermissionDeniedError("The person who asked for this export can no longer see it.")
        record.content, record.rows = await _csv(session, person_principal(person), record)
        record.status = "done"
        record.error = None
    except (PermissionDeniedError, ValidationError, NotFoundError) as exc:
        record.status, record.error = "failed", exc.message
    record.finished_at = datetime.now(UTC)
    await session.flush()


async def get_export(session: AsyncSession, principal: Principal, export_id: uuid.UUID) -> ReportExport:
    """An export, for the person who asked for it (and admins)."""
    record = await session.scalar(select(ReportExport).where(ReportExport.id == export_id))
    me = principal.person.id if principal.person else None
    if record is None or (record.requested_by_person_id != me and not principal.person_with(Scope.API_KEYS_MANAGE)):
        raise NotFoundError("No such export.", "id")
    return record


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"insignia/report-export/v1", hashlib.sha256).digest()


def download_token(secret_key: str, tenant_id: uuid.UUID, export_id: uuid.UUID, now: float | None = None) -> str:
    expires = int((now or time.time()) + LINK_SECONDS)
    signature = hmac.new(_key(secret_key), f"{tenant_id}:{export_id}:{expires}".encode(), hashlib.sha256).hexdigest()
    return f"{expires}.{signature}"


def check_token(secret_key: str, tenant_id: uuid.UUID, export_id: uuid.UUID, token: str) -> bool:
    expires, _, signature = token.partition(".")
    if not expires.isdigit() or int(expires) < time.time():
        return False
    expected = hmac.new(_key(secret_key), f"{tenant_id}:{export_id}:{expires}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


async def content_of(session: AsyncSession, export_id: uuid.UUID) -> str | None:
    """The finished file, if it has not expired."""
    record = await session.scalar(select(ReportExport).where(ReportExport.id == export_id))
    if record is None or record.status != "done" or record.expires_at < datetime.now(UTC):
        return None
    return await session.scalar(select(ReportExport.content).where(ReportExport.id == export_id))
