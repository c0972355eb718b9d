"""Expected failures of services: data for the caller (a stable code, a field, a message), never a crash."""

from __future__ import annotations


class ServiceError(Exception):
    """An expected failure with a stable machine ``code``, the input ``field`` at fault and a message."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class ValidationError(ServiceError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__("INVALID", message, field)


class NotFoundError(ServiceError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__("NOT_FOUND", message, field)


class ConflictError(ServiceError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__("DUPLICATE", message, field)


class PermissionDeniedError(ServiceError):
    def __init__(self, message: str = "You are not allowed to do this.", field: str | None = None) -> None:
        super().__init__("FORBIDDEN", message, field)
