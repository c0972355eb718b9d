"""Bulk work as jobs: CSV imports of completions and assessment results, and bulk award issue.

The file is checked when it is submitted (encoding, size, header, shape): a malformed file is
refused and nothing is written. The rows are then processed by an outbox job in chunks, each
chunk one transaction that also records progress and schedules the next chunk, so progress is
visible while it runs and a crash loses nothing. A bad row is recorded with its error and does
not stop the good ones; importing the same file twice changes nothing (every row is idempotent).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import io
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from insignia.infra import global_ids, validation
from insignia.infra.errors import NotFoundError, PermissionDeniedError, ServiceError, ValidationError
from insignia.infra.ids import uuid7
from insignia.infra.orm import Base
from insignia.infra.outbox import enqueue
from insignia.infra.pagination import Page, paginate
from insignia.platform.credentials import award as awards
from insignia.platform.credentials import badge_class as badge_classes
from insignia.platform.credentials import issuing
from insignia.platform.learning import service as learning
from insignia.platform.learning.models import Assessment, Course
from insignia.tenants.auth import Principal, Scope, person_principal
from insignia.tenants.models import ApiKey, Person

logger = logging.getLogger(__name__)
PROCESS_KIND = "import.process"
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_RECORDED_ERRORS = 1000
CHUNK = 500

# Required and optional columns per kind.
COLUMNS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "completions": (frozenset({"email", "course", "completed_at"}), frozenset()),
    "results": (frozenset({"email", "assessment", "score", "taken_at"}), frozenset()),
    "awards": (frozenset(), frozenset({"email", "person_id", "evidence_url", "evidence_narrative"})),
}
SCOPES = {"completions": Scope.LEARNING_RECORD, "results": Scope.LEARNING_RECORD, "awards": Scope.AWARDS_ISSUE}


class Import(Base):
    __tablename__ = "imports"

    tenant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    kind: Mapped[str]
    status: Mapped[str] = mapped_column(default="pending")
    filename: Mapped[str | None]
    content: Mapped[str]
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_by_person_id: Mapped[uuid.UUID | None]
    created_by_api_key_id: Mapped[uuid.UUID | None]
    actor: Mapped[str]
    total_rows: Mapped[int]
    processed_rows: Mapped[int] = mapped_column(default=0)
    succeeded_rows: Mapped[int] = mapped_column(default=0)
    unchanged_rows: Mapped[int] = mapped_column(default=0)
    failed_rows: Mapped[int] = mapped_column(default=0)
    row_errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


def decode(csv_text: str | None, csv_base64: str | None) -> str:
    """The file's text: given as a string, or as base64 bytes that must be UTF-8."""
    if (csv_text is None) == (csv_base64 is None):
        raise ValidationError("Give the file as exactly one of csv or csvBase64.", "csv")
    if csv_text is not None:
        if len(csv_text.encode()) > MAX_BYTES:
            raise ValidationError(f"The file is over {MAX_BYTES // (1024 * 1024)} MB.", "csv")
        text = csv_text
    else:
        assert csv_base64 is not None
        if len(csv_base64) > MAX_BYTES * 4 // 3 + 4:
            raise ValidationError(f"The file is over {MAX_BYTES // (1024 * 1024)} MB.", "csvBase64")
        try:
            raw = base64.b64decode(csv_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("csvBase64 is not valid base64.", "csvBase64") from None
        if len(raw) > MAX_BYTES:
            raise ValidationError(f"The file is over {MAX_BYTES // (1024 * 1024)} MB.", "csvBase64")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"The file is not UTF-8 encoded (byte {exc.start}).", "csvBase64") from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ValidationError("The file contains NUL characters; is it really CSV?", "csv")
    return text


def parse(text: str, kind: str) -> list[dict[str, str]]:
    """Rows as dicts keyed by normalised header; refuses wrong columns and malformed CSV."""
    required, optional = COLUMNS[kind]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ValidationError("The file is empty.", "csv")
        names = [h.strip().lower() for h in header]
        unknown = [n for n in names if n not in required | optional]
        missing = sorted(required - set(names))
        if kind == "awards" and not {"email", "person_id"} & set(names):
            missing = ["email or person_id"]
        if unknown or missing or len(set(names)) != len(names):
            expected = ", ".join(sorted(required)) + (f" (optional: {', '.join(sorted(optional))})" if optional else "")
            raise ValidationError(
                f"Wrong columns: expected {expected}"
                + (f"; unknown {', '.join(unknown)}" if unknown else "")
                + (f"; missing {', '.join(missing)}" if missing else ""),
                "csv",
            )
        rows: list[dict[str, str]] = []
        for line in reader:
            if not any(cell.strip() for cell in line):
                continue
            if len(line) != len(names):
                raise ValidationError(
                    f"Line {reader.line_num} has {len(line)} fields, the header has {len(names)}.", "csv"
                )
            rows.append({n: cell.strip() for n, cell in zip(names, line, strict=True)})
            if len(rows) > MAX_ROWS:
                raise ValidationError(f"The file has more than {MAX_ROWS} rows.", "csv")
    except csv.Error as exc:
        raise ValidationError(f"The file is not valid CSV (line {reader.line_num}): {exc}.", "csv") from None
    if not rows:
        raise ValidationError("The file has a header but no rows.", "csv")
    return rows


async def create_import(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: str,
    csv_text: str | None = None,
    csv_base64: str | None = None,
    filename: str | None = None,
    badge_class_id: uuid.UUID | None = None,
    visibility: str | None = None,
) -> Import:
    """Check a file and schedule its processing; returns the import to follow its progress."""
    if kind not in COLUMNS:
        raise ValidationError("kind must be completions, results or awards", "kind")
    if not principal.has(SCOPES[kind]):
        raise PermissionDeniedError("You are not allowed to import these records.")
    text = decode(csv_text, csv_base64)
    rows = parse(text, kind)
    options: dict[str, Any] = {}
    if kind == "awards":
        if badge_class_id is None:
            raise ValidationError("An awards import needs badgeClassId.", "badgeClassId")
        badge = await badge_classes.get_badge_class(session, badge_class_id, field="badgeClassId")
        if badge.status != "published":
            raise ValidationError(
                f"The badge class is {badge.status}; only published ones can be awarded.", "badgeClassId"
            )
        if visibility is not None and visibility not in awards.VISIBILITIES:
            raise ValidationError("visibility is not valid", "visibility")
        options = {"badgeClassId": str(badge.id), "visibility": visibility}
    elif badge_class_id is not None:
        raise ValidationError("badgeClassId applies to awards imports only.", "badgeClassId")
    record = Import(
        tenant_id=principal.tenant_id,
        id=uuid7(),
        kind=kind,
        filename=validation.optional_text(filename, "filename", max_length=255),
        content=text,
        options=options,
        created_by_person_id=principal.person.id if principal.person else None,
        created_by_api_key_id=principal.api_key_id,
        actor=principal.label,
        total_rows=len(rows),
        row_errors=[],
    )
    session.add(record)
    await session.flush()
    await enqueue(session, principal.tenant_id, PROCESS_KIND, {"importId": str(record.id), "offset": 0})
    return record


async def bulk_issue(
    session: AsyncSession,
    principal: Principal,
    *,
    badge_class_id: uuid.UUID,
    recipient_ids: Sequence[uuid.UUID],
    visibility: str | None = None,
) -> Import:
    """Issue one badge class to a list of people, as a job with progress (like an awards import)."""
    if not recipient_ids:
        raise ValidationError("Give at least one recipient.", "recipientIds")
    if len(recipient_ids) > MAX_ROWS:
        raise ValidationError(f"At most {MAX_ROWS} recipients per call.", "recipientIds")
    text = "person_id\n" + "\n".join(str(r) for r in dict.fromkeys(recipient_ids)) + "\n"
    return await create_import(
        session, principal, kind="awards", csv_text=text, badge_class_id=badge_class_id, visibility=visibility
    )


async def _principal_of(session: AsyncSession, record: Import) -> Principal:
    """Rows are processed with the rights of whoever submitted the file, as they are now."""
    if record.created_by_person_id is not None:
        person = await session.scalar(select(Person).where(Person.id == record.created_by_person_id))
        if person is None or not person.active:
            raise PermissionDeniedError("The person who started this import can no longer act.")
        return person_principal(person)
    key = await session.scalar(select(ApiKey).where(ApiKey.id == record.created_by_api_key_id))
    if key is None or key.revoked_at is not None:
        raise PermissionDeniedError("The API key that started this import has been revoked.")
    return Principal(tenant_id=record.tenant_id, api_key_id=key.id, scopes=frozenset(key.scopes))


@dataclass
class _Lookups:
    people: dict[str, uuid.UUID]
    courses: dict[str, uuid.UUID]
    assessments: dict[str, uuid.UUID]


async def _lookups(session: AsyncSession, rows: list[dict[str, str]]) -> _Lookups:
    emails = {r["email"].lower() for r in rows if r.get("email")}
    people = {p.email: p.id for p in await session.scalars(select(Person).where(Person.email.in_(emails)))}
    activity = {r.get("course") or r.get("assessment") or "" for r in rows}
    courses = {
        c.activity_id: c.id for c in await session.scalars(select(Course).where(Course.activity_id.in_(activity)))
    }
    assessments = {
        a.activity_id: a.id
        for a in await session.scalars(select(Assessment).where(Assessment.activity_id.in_(activity)))
    }
    return _Lookups(people, {k: v for k, v in courses.items() if k}, {k: v for k, v in assessments.items() if k})


def _ref(value: str, type_name: str, by_activity: dict[str, uuid.UUID], field: str) -> uuid.UUID:
    """A course or assessment by its xAPI activity id, its Relay global id, or its UUID."""
    if value in by_activity:
        return by_activity[value]
    with contextlib.suppress(ValueError):
        return uuid.UUID(value)
    parsed = global_ids.decode(value)
    if parsed is not None and parsed[0] == type_name:
        return parsed[1]
    raise NotFoundError(f"No {type_name.lower()} {value!r}.", field)


def _timestamp(value: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValidationError(f"{field} needs a time zone (for example 2026-05-01T09:00:00Z)", field)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValidationError(f"{field} must be an ISO 8601 date-time with a time zone", field) from None


def _person(row: dict[str, str], lookups: _Lookups) -> uuid.UUID:
    if row.get("person_id"):
        try:
            return uuid.UUID(row["person_id"])
        except ValueError:
            raise ValidationError("person_id is not valid", "person_id") from None
    person = lookups.people.get(row.get("email", "").lower())
    if person is None:
        raise NotFoundError(f"No person with email {row.get('email')!r} in this organisation.", "email")
    return person


async def _process_row(
    session: AsyncSession, record: Import, principal: Principal, row: dict[str, str], lookups: _Lookups
) -> bool:
    """One row; returns whether it changed anything. Services raise before writing on bad input."""
    person = _person(row, lookups)
    if record.kind == "completions":
        done = await learning.record_completion(
            session,
            principal,
            person_id=person,
            course_id=_ref(row["course"], "Course", lookups.courses, "course"),
            completed_at=_timestamp(row["completed_at"], "completed_at"),
            source="import",
        )
        return done.created
    if record.kind == "results":
        try:
            score = float(row["score"])
        except ValueError:
            raise ValidationError("score must be a number between 0 and 100", "score") from None
        done = await learning.record_result(
            session,
            principal,
            person_id=person,
            assessment_id=_ref(row["assessment"], "Assessment", lookups.assessments, "assessment"),
            score=score,
            taken_at=_timestamp(row["taken_at"], "taken_at"),
            source="import",
        )
        return done.created
    issued = await issuing.issue_award(
        session,
        principal,
        badge_class_id=uuid.UUID(record.options["badgeClassId"]),
        recipient_id=person,
        evidence_url=row.get("evidence_url") or None,
        evidence_narrative=row.get("evidence_narrative") or None,
        visibility=record.options.get("visibility"),
    )
    return issued.created


async def process_chunk(session: AsyncSession, tenant_id: uuid.UUID, import_id: uuid.UUID, offset: int) -> None:
    """Handler of ``import.process``: rows ``offset`` to ``offset + CHUNK``, then the next chunk."""
    record = await session.scalar(select(Import).where(Import.id == import_id).with_for_update())
    if record is None or record.status == "done" or record.processed_rows != offset:
        return  # already processed (a redelivered job)
    if record.started_at is None:
        record.started_at = datetime.now(UTC)
        record.status = "running"
    rows = parse(record.content, record.kind)[offset : offset + CHUNK]
    errors = list(record.row_errors)
    try:
        principal = await _principal_of(session, record)
    except ServiceError as exc:
        principal = None
        failure = exc.message
    lookups = await _lookups(session, rows)
    if record.kind == "awards" and principal is not None:
        await _award_rows(
            session, record, principal=principal, rows=rows, lookups=lookups, offset=offset, errors=errors
        )
        rows = []
    for index, row in enumerate(rows, start=offset + 1):
        # A savepoint per row: whatever goes wrong with one row, the others are kept.
        savepoint = await session.begin_nested()
        try:
            if principal is None:
                raise PermissionDeniedError(failure)
            changed = await _process_row(session, record, principal, row, lookups)
            await savepoint.commit()
        except ServiceError as exc:
            await savepoint.rollback()
            _fail(record, errors, index, exc)
            continue
        except Exception:
            await savepoint.rollback()
            logger.exception("import row failed", extra={"import_id": str(record.id), "row": index})
            _fail(record, errors, index, ServiceError("INTERNAL", "This row could not be processed."))
            continue
        if changed:
            record.succeeded_rows += 1
        else:
            record.unchanged_rows += 1
    record.row_errors = errors
    record.processed_rows = min(offset + CHUNK, record.total_rows)
    if record.processed_rows >= record.total_rows:
        record.status = "done"
        record.finished_at = datetime.now(UTC)
    else:
        await enqueue(session, tenant_id, PROCESS_KIND, {"importId": str(record.id), "offset": record.processed_rows})
    await session.flush()


async def _award_rows(
    session: AsyncSession,
    record: Import,
    *,
    principal: Principal,
    rows: list[dict[str, str]],
    lookups: _Lookups,
    offset: int,
    errors: list[dict[str, Any]],
) -> None:
    """An awards chunk in a handful of statements (``issue_many``) rather than row by row."""
    recipients: list[issuing.BulkRecipient] = []
    for index, row in enumerate(rows, start=offset + 1):
        try:
            person = _person(row, lookups)
        except ServiceError as exc:
            _fail(record, errors, index, exc)
            continue
        recipients.append(
            issuing.BulkRecipient(index, person, row.get("evidence_url") or None, row.get("evidence_narrative") or None)
        )
    try:
        outcomes = await issuing.issue_many(
            session,
            principal,
            uuid.UUID(record.options["badgeClassId"]),
            recipients,
            visibility=record.options.get("visibility"),
        )
    except ServiceError as exc:  # the badge class itself can no longer be awarded: every row fails
        outcomes = {r.row: exc for r in recipients}
    for row_number in sorted(outcomes):
        outcome = outcomes[row_number]
        if isinstance(outcome, ServiceError):
            _fail(record, errors, row_number, outcome)
        elif outcome:
            record.succeeded_rows += 1
        else:
            record.unchanged_rows += 1


def _fail(record: Import, errors: list[dict[str, Any]], row: int, exc: ServiceError) -> None:
    record.failed_rows += 1
    if len(errors) < MAX_RECORDED_ERRORS:
        errors.append({"row": row, "field": exc.field, "code": exc.code, "message": exc.message})


async def list_imports(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[Import]:
    if not (principal.has(Scope.LEARNING_RECORD) or principal.has(Scope.AWARDS_ISSUE)):
        raise PermissionDeniedError("You are not allowed to see imports.")
    return await paginate(session, select(Import), Import.id, first, after, last=last, before=before)


async def imports_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Import]:
    if not (principal.has(Scope.LEARNING_RECORD) or principal.has(Scope.AWARDS_ISSUE)):
        return {}
    return {i.id: i for i in await session.scalars(select(Import).where(Import.id.in_(ids)))}
