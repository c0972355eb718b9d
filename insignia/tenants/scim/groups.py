"""SCIM Groups: directory groups of the tenant and their members (Users only): their
representation, and create, read, list, replace, PATCH and delete. Every change of a person's
groups re-applies the tenant's group mappings to them.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select

from insignia.infra import audit, validation
from insignia.tenants.models import Person, ScimGroup, ScimGroupMember
from insignia.tenants.scim.directory import Directory, Rendered, check_if_match, checked, timestamp, version_of
from insignia.tenants.scim.errors import ScimError, invalid_value, not_found
from insignia.tenants.scim.patch import apply_patch, patch_operations, resource_doc
from insignia.tenants.scim.query import ListQuery, Projection
from insignia.tenants.scim.schemas import GROUP, GROUP_SCHEMA, USER, list_response
from insignia.tenants.scim.sql import compile_filter, group_spec

MAX_MEMBERS = 10_000  # members named in one request


def _group_data(group: ScimGroup, members: Sequence[uuid.UUID]) -> dict[str, Any]:
    """A directory group as the audit log keeps it (its members by count)."""
    return {"displayName": group.display_name, "externalId": group.external_id, "members": len(set(members))}


class GroupDirectory(Directory):
    """The Groups half of :class:`~insignia.tenants.scim.service.ScimService`."""

    def _render_group(self, group: ScimGroup, members: Sequence[uuid.UUID]) -> dict[str, Any]:
        resource: dict[str, Any] = {"schemas": [GROUP_SCHEMA], "id": str(group.id)}
        if group.external_id:
            resource["externalId"] = group.external_id
        resource["displayName"] = group.display_name
        if members:
            resource["members"] = [
                {"value": str(pid), "$ref": self._location(USER, pid), "type": "User"} for pid in members
            ]
        resource["meta"] = {
            "resourceType": "Group",
            "created": timestamp(group.created_at),
            "lastModified": timestamp(group.updated_at),
            "location": self._location(GROUP, group.id),
            "version": version_of(group.updated_at),
        }
        return resource

    async def _members_of(self, group_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        out: dict[uuid.UUID, list[uuid.UUID]] = {gid: [] for gid in group_ids}
        if group_ids:
            rows = await self.session.execute(
                select(ScimGroupMember.group_id, ScimGroupMember.person_id)
                .where(ScimGroupMember.group_id.in_(group_ids))
                .order_by(ScimGroupMember.group_id, ScimGroupMember.person_id)
            )
            for group_id, person_id in rows:
                out[group_id].append(person_id)
        return out

    async def _group_answer(self, group: ScimGroup, chosen: Projection, *, written: bool = True) -> Rendered:
        if written:
            await self.session.refresh(group)
        members = (await self._members_of([group.id]))[group.id] if chosen.wants(GROUP, "members") else []
        full = self._render_group(group, members)
        return Rendered(chosen.apply(GROUP, full), full["meta"]["version"], full["meta"]["location"])

    async def _group(self, group_id: str, *, lock: bool = False) -> ScimGroup:
        try:
            key = uuid.UUID(group_id)
        except ValueError:
            raise not_found("Group", group_id) from None
        stmt = select(ScimGroup).where(ScimGroup.id == key)
        group = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        if group is None:
            raise not_found("Group", group_id)
        return group

    async def list_groups(self, query: ListQuery) -> dict[str, Any]:
        """Groups matching the query, one page of them."""
        spec = group_spec()
        stmt = select(ScimGroup)
        if query.filter is not None:
            stmt = stmt.where(compile_filter(query.filter, spec, GROUP))
        groups = await self._page(stmt, query, spec, GROUP, ScimGroup.id.expression)
        members = await self._members_of([g.id for g in groups]) if query.projection.wants(GROUP, "members") else {}
        resources = [query.projection.apply(GROUP, self._render_group(g, members.get(g.id, []))) for g in groups]
        return list_response(resources, await self._count(stmt), query.start_index)

    async def get_group(self, group_id: str, chosen: Projection) -> Rendered:
        """One Group."""
        return await self._group_answer(await self._group(group_id), chosen, written=False)

    async def create_group(self, body: Any, chosen: Projection) -> Rendered:
        """Create a Group with its members; their group mappings apply at once."""
        doc = resource_doc(GROUP, body)
        display_name, external_id, members = await self._group_fields(doc, None)
        group = ScimGroup(tenant_id=self.tenant_id, display_name=display_name, external_id=external_id)
        self.session.add(group)
        await self.session.flush()
        await self._set_members(group, [], members, renamed=False)
        await self._audit(group, "scim_group.created", None, _group_data(group, members))
        return await self._group_answer(group, chosen)

    async def replace_group(self, group_id: str, body: Any, chosen: Projection, if_match: str | None) -> Rendered:
        """PUT: name, externalId and the whole member list."""
        group = await self._group(group_id, lock=True)
        check_if_match(if_match, version_of(group.updated_at))
        await self._write_group(group, resource_doc(GROUP, body))
        return await self._group_answer(group, chosen)

    async def patch_group(self, group_id: str, body: Any, chosen: Projection, if_match: str | None) -> Rendered:
        """PATCH: rename, add and remove members, all or nothing."""
        operations = patch_operations(body)
        group = await self._group(group_id, lock=True)
        check_if_match(if_match, version_of(group.updated_at))
        current = (await self._members_of([group.id]))[group.id]
        previous: dict[str, Any] = {"displayName": group.display_name}
        if group.external_id:
            previous["externalId"] = group.external_id
        if current:
            previous["members"] = [{"value": str(pid), "type": "User"} for pid in current]
        doc = copy.deepcopy(previous)
        apply_patch(GROUP, doc, operations)
        if doc != previous:
            await self._write_group(group, doc, current)
        return await self._group_answer(group, chosen)

    async def delete_group(self, group_id: str, if_match: str | None) -> None:
        """Delete a Group; its former members' group mappings are applied again without it."""
        group = await self._group(group_id, lock=True)
        check_if_match(if_match, version_of(group.updated_at))
        members = (await self._members_of([group.id]))[group.id]
        before = _group_data(group, members)
        await self.session.delete(group)
        await self.session.flush()
        await self._apply_mappings(members)
        await self._audit(group, "scim_group.deleted", before, None)

    async def _group_fields(
        self, doc: dict[str, Any], group: ScimGroup | None, current: Sequence[uuid.UUID] = ()
    ) -> tuple[str, str | None, list[uuid.UUID]]:
        """The group's name, external id and members; only members not in ``current`` count
        against the per-request limit and are checked (and share-locked) as Users."""
        raw_name = doc.get("displayName")
        if not raw_name:
            raise invalid_value("displayName is required.")
        display_name = checked(lambda: validation.text(raw_name, "displayName"))
        assert display_name is not None
        external_id = checked(lambda: validation.optional_text(doc.get("externalId"), "externalId", max_length=500))
        if group is None or group.display_name.lower() != display_name.lower():
            stmt = select(ScimGroup.id).where(ScimGroup.display_name_key == func.lower(display_name))
            if group is not None:
                stmt = stmt.where(ScimGroup.id != group.id)
            if await self.session.scalar(stmt) is not None:
                raise ScimError(409, f"A group named {display_name!r} already exists.", "uniqueness")
        members: list[uuid.UUID] = []
        values = doc.get("members") or []
        for value in values:
            member_type = value.get("type")
            if member_type is not None and member_type.lower() != "user":
                raise invalid_value("Groups hold Users only (members[].type must be User).")
            raw = value.get("value")
            try:
                member = uuid.UUID(raw) if isinstance(raw, str) else None
            except ValueError:
                member = None
            if member is None:
                raise invalid_value(f"members[].value must be the id of a User, not {raw!r}.")
            if member not in members:
                members.append(member)
        existing = set(current)
        added = [m for m in members if m not in existing]
        if len(added) > MAX_MEMBERS:
            raise invalid_value(f"At most {MAX_MEMBERS} new members per request.")
        if added:
            # FOR SHARE: a User being deleted at this moment either commits first (and is not
            # found here) or waits for this membership to commit (and then removes it).
            known = set(
                await self.session.scalars(
                    select(Person.id)
                    .where(Person.id.in_(added), Person.user_name.is_not(None))
                    .with_for_update(read=True)
                )
            )
            missing = [str(m) for m in added if m not in known]
            if missing:
                raise invalid_value(f"No User with id {missing[0]!r}.")
        return display_name, external_id, members

    async def _write_group(self, group: ScimGroup, doc: dict[str, Any], current: list[uuid.UUID] | None = None) -> None:
        if current is None:
            current = (await self._members_of([group.id]))[group.id]
        display_name, external_id, members = await self._group_fields(doc, group, current)
        before = _group_data(group, current)
        renamed = group.display_name != display_name
        group.display_name = display_name
        group.external_id = external_id
        await self.session.flush()
        await self._set_members(group, current, members, renamed=renamed)
        after = _group_data(group, members)
        if after != before:
            # Who joined and left, by count: each member whose roles or audience change has their own event.
            after["membersAdded"] = len(set(members) - set(current))
            after["membersRemoved"] = len(set(current) - set(members))
            await self._audit(group, "scim_group.updated", before, after)

    async def _audit(
        self, group: ScimGroup, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        await audit.record(
            self.session, self.tenant_id, actor=audit.DIRECTORY, action=action, subject_type="ScimGroup",
            subject_id=group.id, before=before, after=after,
        )  # fmt: skip

    async def _set_members(
        self, group: ScimGroup, current: Sequence[uuid.UUID], members: Sequence[uuid.UUID], *, renamed: bool
    ) -> None:
        before, after = set(current), set(members)
        added = [m for m in members if m not in before]
        removed = [m for m in current if m not in after]
        if removed:
            await self.session.execute(
                delete(ScimGroupMember).where(
                    ScimGroupMember.group_id == group.id, ScimGroupMember.person_id.in_(removed)
                )
            )
        if added:
            await self.session.execute(
                insert(ScimGroupMember),
                [{"tenant_id": self.tenant_id, "group_id": group.id, "person_id": m} for m in added],
            )
        if added or removed:
            await self._touch_groups([group.id])
        await self._apply_mappings(list(members) + removed if renamed else added + removed)
