"""Expected errors as data (``UserError``) and the savepoint every mutation runs in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.graphql.context import Context
from insignia.infra.errors import InvalidInput, ServiceError

T = TypeVar("T")


@strawberry.type(
    description="An expected failure: stable machine code, the input field at fault (dotted path), a message."
)
class UserError:
    code: str
    field: str | None
    message: str

    @classmethod
    def from_exception(cls, exc: ServiceError) -> UserError:
        return cls(code=exc.code, field=exc.field, message=exc.message)


async def run_mutation(
    ctx: Context, operation: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run one mutation's service call in a savepoint: on an expected error it changes nothing.

    Several mutations may share one request; each keeps or drops its own writes, so every
    payload tells the truth about what was saved.
    """
    async with ctx.lock:
        savepoint = await ctx.session.begin_nested()
        try:
            result = await operation(ctx.session)
        except ServiceError as exc:
            await savepoint.rollback()
            errors = exc.errors if isinstance(exc, InvalidInput) else [exc]
            return None, [UserError.from_exception(e) for e in errors]
        except BaseException:
            await savepoint.rollback()
            raise
        await savepoint.commit()
        return result, []
