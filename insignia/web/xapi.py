"""``POST /xapi/statements``: xAPI 1.0.3 statements from an LMS or LRS, authenticated by API key.

Understood verbs: ``completed`` (a course, or an assessment with a score), ``passed`` and
``failed`` (an assessment, with ``result.score``). The object's activity id maps to a course or
assessment of the tenant, the actor's ``mbox`` to a person. A batch is all or nothing: any
statement that cannot be recorded refuses the whole request, and nothing is written.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from insignia.infra.errors import ServiceError, ValidationError
from insignia.platform.learning import service as learning
from insignia.platform.learning.models import Assessment, Course
from insignia.tenants.auth import AuthenticationError, Principal, Scope, authenticate
from insignia.tenants.models import Person
from insignia.web import limits

VERBS = {
    "http://adlnet.gov/expapi/verbs/completed": "completed",
    "http://adlnet.gov/expapi/verbs/passed": "passed",
    "http://adlnet.gov/expapi/verbs/failed": "failed",
}
MAX_STATEMENTS = 500


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def _credential(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        # LRS clients send key:secret; the API key goes in either half.
        try:
            user, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeError):
            return None
        return password or user or None
    return None


def _timestamp(statement: dict[str, Any], where: str) -> datetime:
    # Required: it is what makes a resent statement the same record rather than a new one.
    raw = statement.get("timestamp") or statement.get("stored")
    if raw is None:
        raise ValidationError("timestamp is required", f"{where}.timestamp")
    try:
        parsed = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValidationError("timestamp needs a time zone", f"{where}.timestamp")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValidationError("timestamp is not an ISO 8601 date-time", f"{where}.timestamp") from None


def _score(result: dict[str, Any], where: str) -> float | None:
    score = result.get("score")
    if score is None:
        return None
    if not isinstance(score, dict):
        raise ValidationError("result.score must be an object", f"{where}.result.score")
    scaled = score.get("scaled")
    if isinstance(scaled, int | float) and not isinstance(scaled, bool):
        if not -1 <= scaled <= 1:
            raise ValidationError("result.score.scaled must be between -1 and 1", f"{where}.result.score.scaled")
        return max(0.0, float(scaled)) * 100
    values = [score.get("raw"), score.get("min", 0), score.get("max", 100)]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise ValidationError("result.score needs scaled, or raw within min and max", f"{where}.result.score")
    try:
        raw, low, high = (float(v) for v in values)
    except OverflowError:
        raise ValidationError("result.score is out of range", f"{where}.result.score") from None
    if high <= low or not low <= raw <= high:
        raise ValidationError("result.score needs scaled, or raw within min and max", f"{where}.result.score")
    return (raw - low) / (high - low) * 100


async def _record(session: Any, principal: Principal, statement: Any, where: str) -> str:
    if not isinstance(statement, dict):
        raise ValidationError("A statement must be an object", where)
    statement_id = statement.get("id") or str(uuid.uuid4())
    try:
        uuid.UUID(str(statement_id))
    except ValueError:
        raise ValidationError("id must be a UUID", f"{where}.id") from None
    actor = statement.get("actor") or {}
    mbox = actor.get("mbox") if isinstance(actor, dict) else None
    if not isinstance(mbox, str) or not mbox.startswith("mailto:"):
        raise ValidationError("actor.mbox (mailto:...) is required", f"{where}.actor.mbox")
    email = mbox.removeprefix("mailto:").strip().lower()
    person = await session.scalar(select(Person.id).where(Person.email == email))
    if person is None:
        raise ValidationError(f"No person with email {email} in this organisation", f"{where}.actor.mbox")
    verb_id = (statement.get("verb") or {}).get("id") if isinstance(statement.get("verb"), dict) else None
    verb = VERBS.get(str(verb_id))
    if verb is None:
        raise ValidationError(f"Unsupported verb {verb_id!r}; use completed, passed or failed", f"{where}.verb.id")
    obj = statement.get("object")
    activity = obj.get("id") if isinstance(obj, dict) else None
    if not isinstance(activity, str) or not activity:
        raise ValidationError("object.id (the activity id) is required", f"{where}.object.id")
    result = statement.get("result") or {}
    if not isinstance(result, dict):
        raise ValidationError("result must be an object", f"{where}.result")
    when = _timestamp(statement, where)
    course = await session.scalar(select(Course.id).where(Course.activity_id == activity))
    assessment = await session.scalar(select(Assessment.id).where(Assessment.activity_id == activity))
    if course is not None and verb == "completed":
        await learning.record_completion(
            session, principal, person_id=person, course_id=course, completed_at=when, source="xapi"
        )
    elif assessment is not None:
        score = _score(result, where)
        if score is None:
            raise ValidationError("An assessment statement needs result.score", f"{where}.result.score")
        await learning.record_result(
            session, principal, person_id=person, assessment_id=assessment, score=score, taken_at=when, source="xapi"
        )
    else:
        raise ValidationError(f"No course or assessment has the activity id {activity}", f"{where}.object.id")
    return str(statement_id)


async def statements(request: Request) -> Response:  # noqa: PLR0911 - one early answer per failure
    if request.headers.get("x-experience-api-version", "").split(".")[:2] != ["1", "0"]:
        return _error(400, "X-Experience-API-Version: 1.0.x is required")
    credential = _credential(request)
    if credential is None:
        return JSONResponse({"error": "An API key is required"}, 401, headers={"WWW-Authenticate": "Basic"})
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return _error(400, "The body is not valid JSON")
    batch = body if isinstance(body, list) else [body]
    if not batch or len(batch) > MAX_STATEMENTS:
        return _error(400, f"Send 1 to {MAX_STATEMENTS} statements")
    database = request.app.state.database
    settings = request.app.state.settings
    async with database.session() as session:
        try:
            principal = await authenticate(
                session, credential, secret_key=settings.secret_key, issuer=settings.token_issuer
            )
        except AuthenticationError as exc:
            return JSONResponse({"error": str(exc)}, 401, headers={"WWW-Authenticate": "Basic"})
        if principal.person is not None or not principal.has(Scope.LEARNING_RECORD):
            return _error(403, "Use an API key with the LEARNING_RECORD scope")
        # One point per request and one more per 100 statements of a batch.
        decision = await limits.take(request, principal, 1 + len(batch) // 100)
        if not decision.allowed:
            return limits.with_headers(_error(429, "Rate limit reached; retry after the Retry-After seconds"), decision)
        ids: list[str] = []
        try:
            for index, statement in enumerate(batch):
                ids.append(await _record(session, principal, statement, f"statements.{index}"))
        except ServiceError as exc:
            await session.rollback()
            where = f" ({exc.field})" if exc.field else ""
            return _error(400, f"{exc.message}{where}; nothing was recorded")
        await session.commit()
    return limits.with_headers(JSONResponse(ids), decision)
