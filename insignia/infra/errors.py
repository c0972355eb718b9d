"""Expected failures of services: data for the caller (a stable code, a field, a message), never a crash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


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


class InvalidInput(ServiceError):
    """Several things wrong with one input at once: every error, each with its own field."""

    def __init__(self, errors: list[ServiceError]) -> None:
        super().__init__("INVALID", "; ".join(e.message for e in errors), errors[0].field if errors else None)
        self.errors = errors


class Checks:
    """Collects the validation errors of one input so the caller hears of all of them at once::

    checks = Checks()
    name = checks.run(lambda: validation.text(raw_name, "name"))
    email = checks.run(lambda: validation.email(raw_email))
    checks.done()  # raises InvalidInput with every error, if any
    """

    def __init__(self) -> None:
        self.errors: list[ServiceError] = []

    def run(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except InvalidInput as exc:
            self.errors.extend(exc.errors)
        except ValidationError as exc:
            self.errors.append(exc)
        return None

    async def run_async(self, check: Callable[[], Awaitable[T]]) -> T | None:
        try:
            return await check()
        except InvalidInput as exc:
            self.errors.extend(exc.errors)
        except (ValidationError, NotFoundError, ConflictError) as exc:
            self.errors.append(exc)
        return None

    def done(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InvalidInput(self.errors)
