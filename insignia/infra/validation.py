"""Input checks shared by every service: lengths, formats, normalisation.

Each helper returns the normalised value or raises ``ValidationError`` naming the field.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from insignia.infra.errors import ValidationError

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: str, field: str, *, max_length: int = 200, min_length: int = 1) -> str:
    """Trimmed single-line-or-paragraph text within length bounds, without control characters."""
    value = value.strip()
    if len(value) < min_length:
        raise ValidationError(
            f"{field} must not be empty" if min_length == 1 else f"{field} must be at least {min_length} characters",
            field,
        )
    if len(value) > max_length:
        raise ValidationError(f"{field} must be at most {max_length} characters", field)
    if _CONTROL_RE.search(value):
        raise ValidationError(f"{field} must not contain control characters", field)
    return value


def optional_text(value: str | None, field: str, *, max_length: int = 200) -> str | None:
    if value is None or not value.strip():
        return None
    return text(value, field, max_length=max_length)


def email(value: str, field: str = "email") -> str:
    """A syntactically valid address, lower-cased (addresses are matched case-insensitively)."""
    if len(value) > 320:
        raise ValidationError(f"{field} must be at most 320 characters", field)
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"{field} is not a valid email address: {exc}", field) from None
    return result.normalized.lower()


def slug(value: str, field: str = "slug") -> str:
    value = value.strip()
    if not SLUG_RE.match(value):
        raise ValidationError(
            f"{field} must be 1-63 lower-case letters, digits or hyphens, not starting or ending with a hyphen",
            field,
        )
    return value
