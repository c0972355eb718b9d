"""The base of the SCIM service (:class:`Directory`: the tenant transaction, locations, paging,
group mappings) and what answers share: versions (weak ETags), timestamps, ``If-Match`` checks and
:class:`Rendered`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.errors import ValidationError
from insignia.tenants.groups import apply_grant, source_mappings
from insignia.tenants.models import Person, ScimGroup, ScimGroupMember
from insignia.tenants.scim.errors import ScimError, invalid_value
from insignia.tenants.scim.query import ListQuery
from insignia.tenants.scim.schemas import ResourceKind
from insignia.tenants.scim.sql import Spec, sort_expression

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def version_of(updated_at: datetime) -> str:
    return f'W/"{(updated_at - _EPOCH) // timedelta(microseconds=1)}"'


def etag_matches(header: str | None, version: str) -> bool:
    """Whether an ``If-Match`` / ``If-None-Match`` value names ``version`` (weak comparison)."""
    if header is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or version.removeprefix("W/") in tags


def check_if_match(if_match: str | None, version: str) -> None:
    if if_match is not None and not etag_matches(if_match, version):
        raise ScimError(412, "The resource changed since it was read (If-Match does not match).")


@dataclass(frozen=True)
class Rendered:
    """A resource as answered: its (projected) body, version and location."""

    body: dict[str, Any]
    version: str
    location: str


def checked(check: Callable[[], str | None]) -> str | None:
    try:
        return check()
    except ValidationError as exc:
        raise invalid_value(exc.message) from None


class Directory:
    """What the User and Group halves of the service share: the tenant transaction, locations,
    paging, and re-applying group mappings when people's groups change."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID, base_url: str) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.base_url = base_url.rstrip("/")

    def _location(self, kind: ResourceKind, resource_id: uuid.UUID) -> str:
        return f"{self.base_url}{kind.endpoint}/{resource_id}"

    async def _groups_of(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
        out: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {pid: [] for pid in person_ids}
        if not person_ids:
            return out
        rows = await self.session.execute(
            select(ScimGroupMember.person_id, ScimGroup.id, ScimGroup.display_name)
            .join(
                ScimGroup,
                and_(ScimGroup.tenant_id == ScimGroupMember.tenant_id, ScimGroup.id == ScimGroupMember.group_id),
            )
            .where(ScimGroupMember.person_id.in_(person_ids))
            .order_by(ScimGroup.display_name_key, ScimGroup.id)
        )
        for person_id, group_id, display in rows:
            out[person_id].append((group_id, display))
        return out

    async def _page(
        self, stmt: Select[Any], query: ListQuery, spec: Spec, kind: ResourceKind, id_column: ColumnElement[Any]
    ) -> Sequence[Any]:
        if query.count == 0:
            return []
        order: list[Any] = []
        if query.sort_by:
            expression = sort_expression(spec, kind, query.sort_by)
            order.append(expression.desc() if query.descending else expression.asc())
        order.append(id_column)
        paged = stmt.order_by(*order).offset(query.start_index - 1).limit(query.count)
        return (await self.session.scalars(paged)).all()

    async def _count(self, stmt: Select[Any]) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)

    async def _touch_groups(self, group_ids: Sequence[uuid.UUID]) -> None:
        # Membership lives in other rows: the group gets a new version all the same (answers
        # refresh the group they return, so the session need not be synchronised here).
        await self.session.execute(
            update(ScimGroup)
            .where(ScimGroup.id.in_(group_ids))
            .values(updated_at=func.now())
            .execution_options(synchronize_session=False)
        )

    async def _apply_mappings(self, person_ids: Sequence[uuid.UUID]) -> None:
        """Make these people's roles and audience follow the names of all their groups."""
        if not person_ids:
            return
        # Lock the people first, then read their groups: two membership changes of one person
        # (directories send them in parallel) apply one after the other, each seeing the other's.
        people = (
            await self.session.scalars(
                select(Person).where(Person.id.in_(set(person_ids))).order_by(Person.id).with_for_update()
            )
        ).all()
        groups = await self._groups_of([p.id for p in people])
        mappings = await source_mappings(self.session, None)  # the SCIM directory's mappings, once
        for person in people:
            grant = mappings.grant(display for _, display in groups[person.id])
            await apply_grant(self.session, person, grant, flush=False)
        await self.session.flush()  # the changed people in one batch
        # A User's groups are part of it: its version changes with them.
        await self.session.execute(
            update(Person)
            .where(Person.id.in_([p.id for p in people]))
            .values(updated_at=func.now())
            .execution_options(synchronize_session=False)
        )
