"""SCIM errors: :class:`ScimError` (an HTTP status and an RFC 7644 §3.12 ``scimType``) and the
constructors of the errors several modules raise (``invalidValue``, ``invalidFilter``,
``invalidPath``, not found).
"""

from __future__ import annotations

from insignia.infra.errors import ServiceError


class ScimError(ServiceError):
    """An expected failure with its SCIM answer: HTTP ``status`` and RFC 7644 §3.12 ``scim_type``."""

    def __init__(self, status: int, message: str, scim_type: str | None = None) -> None:
        super().__init__("SCIM", message, None)
        self.status = status
        self.scim_type = scim_type


def invalid_value(message: str) -> ScimError:
    return ScimError(400, message, "invalidValue")


def not_found(kind: str, value: str) -> ScimError:
    return ScimError(404, f"No {kind} with id {value!r}.")


def filter_error(message: str) -> ScimError:
    return ScimError(400, f"Invalid filter: {message}", "invalidFilter")


def path_error(message: str) -> ScimError:
    return ScimError(400, f"Invalid path: {message}", "invalidPath")
