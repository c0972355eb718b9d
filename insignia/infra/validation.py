"""Input checks shared by every service: lengths, formats, normalisation.

Each helper returns the normalised value or raises ``ValidationError`` naming the field.
"""

from __future__ import annotations

import base64
import binascii
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


def url(value: str, field: str, *, max_length: int = 2000) -> str:
    """An absolute http(s) URL."""
    from urllib.parse import urlsplit

    value = text(value, field, max_length=max_length)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(f"{field} must be an absolute http or https URL", field)
    return value


def optional_url(value: str | None, field: str, *, max_length: int = 2000) -> str | None:
    if value is None or not value.strip():
        return None
    return url(value, field, max_length=max_length)


def iri(value: str, field: str) -> str:
    """An absolute IRI such as an xAPI activity id (``https://...``, ``urn:...``, ``tag:...``)."""
    value = text(value, field, max_length=2000)
    scheme, sep, rest = value.partition(":")
    if not sep or not rest or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", scheme) or " " in value:
        raise ValidationError(f"{field} must be an absolute IRI (for example https://lms.example/course/1)", field)
    return value


def base64_bytes(value: str, field: str, *, max_bytes: int) -> bytes:
    """Bytes sent as base64 (uploads through GraphQL), refused over ``max_bytes``."""
    if len(value) > (max_bytes * 4) // 3 + 4:
        raise ValidationError(f"{field} is over {max_bytes // 1024} KB.", field)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(f"{field} is not valid base64.", field) from None
