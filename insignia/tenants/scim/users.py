"""SCIM Users: people of the tenant that the directory manages (those with a ``userName``): their
representation, and create, read, list, replace, PATCH and delete (deactivate and detach).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, func, select

from insignia.infra import audit, i18n, validation
from insignia.infra.errors import ValidationError
from insignia.tenants.auth import Role
from insignia.tenants.models import Audience, Person, ScimGroupMember
from insignia.tenants.person import deactivate, provision_person, reactivate
from insignia.tenants.scim.directory import Directory, Rendered, check_if_match, checked, timestamp, version_of
from insignia.tenants.scim.errors import ScimError, invalid_value, not_found
from insignia.tenants.scim.patch import apply_patch, patch_operations, resource_doc
from insignia.tenants.scim.query import ListQuery, Projection
from insignia.tenants.scim.schemas import GROUP, USER, USER_SCHEMA, list_response
from insignia.tenants.scim.sql import compile_filter, user_spec


@dataclass(frozen=True)
class _UserFields:
    user_name: str
    external_id: str | None
    given_name: str | None
    family_name: str | None
    name: str
    email: str
    active: bool
    # preferredLanguage (else locale): the language of the person's emails; None when not sent.
    locale: str | None = None


def _locale_of(body: Any) -> str | None:
    """The language a User body asks for (``preferredLanguage``, else ``locale``); one Insignia does
    not speak is kept as "the organisation's default", not refused."""
    if not isinstance(body, dict):
        return None
    raw = next((v for k, v in body.items() if isinstance(k, str) and k.lower() == "preferredlanguage"), None)
    raw = raw or next((v for k, v in body.items() if isinstance(k, str) and k.lower() == "locale"), None)
    return i18n.normalise(raw.split(",")[0]) if isinstance(raw, str) else None


def _directory_data(person: Person) -> dict[str, Any]:
    """What the directory writes of a person, as the audit log keeps it."""
    return {
        "userName": person.user_name,
        "externalId": person.external_id,
        "givenName": person.given_name,
        "familyName": person.family_name,
        "name": person.name,
        "email": person.email,
    }


def _email_of(values: list[dict[str, Any]]) -> str | None:
    primary = next((v for v in values if v.get("primary") is True and v.get("value")), None)
    chosen = primary or next((v for v in values if v.get("value")), None)
    return chosen["value"] if chosen else None


class UserDirectory(Directory):
    """The Users half of :class:`~insignia.tenants.scim.service.ScimService`."""

    def _render_user(self, person: Person, groups: Sequence[tuple[uuid.UUID, str]]) -> dict[str, Any]:
        location = self._location(USER, person.id)
        resource: dict[str, Any] = {"schemas": [USER_SCHEMA], "id": str(person.id)}
        if person.external_id:
            resource["externalId"] = person.external_id
        resource["userName"] = person.user_name
        if person.given_name or person.family_name:
            name = {"formatted": person.name}
            if person.given_name:
                name["givenName"] = person.given_name
            if person.family_name:
                name["familyName"] = person.family_name
            resource["name"] = name
        resource["displayName"] = person.name
        resource["emails"] = [{"value": person.email, "type": "work"}]
        resource["active"] = person.active
        if groups:
            resource["groups"] = [
                {"value": str(gid), "$ref": self._location(GROUP, gid), "display": display, "type": "direct"}
                for gid, display in groups
            ]
        resource["meta"] = {
            "resourceType": "User",
            "created": timestamp(person.created_at),
            "lastModified": timestamp(person.updated_at),
            "location": location,
            "version": version_of(person.updated_at),
        }
        return resource

    async def _user_answer(self, person: Person, chosen: Projection, *, written: bool = True) -> Rendered:
        if written:
            await self.session.refresh(person)  # server-side timestamps (the version)
        groups = (await self._groups_of([person.id]))[person.id] if chosen.wants(USER, "groups") else []
        full = self._render_user(person, groups)
        return Rendered(chosen.apply(USER, full), full["meta"]["version"], full["meta"]["location"])

    async def _person(self, user_id: str, *, lock: bool = False) -> Person:
        try:
            person_id = uuid.UUID(user_id)
        except ValueError:
            raise not_found("User", user_id) from None
        stmt = select(Person).where(Person.id == person_id, Person.user_name.is_not(None))
        person = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        if person is None:
            raise not_found("User", user_id)
        return person

    async def list_users(self, query: ListQuery) -> dict[str, Any]:
        """Users matching the query (directory-managed people only), one page of them."""
        spec = user_spec()
        stmt = select(Person).where(Person.user_name.is_not(None))
        if query.filter is not None:
            stmt = stmt.where(compile_filter(query.filter, spec, USER))
        people = await self._page(stmt, query, spec, USER, Person.id.expression)
        groups = await self._groups_of([p.id for p in people]) if query.projection.wants(USER, "groups") else {}
        resources = [query.projection.apply(USER, self._render_user(p, groups.get(p.id, []))) for p in people]
        return list_response(resources, await self._count(stmt), query.start_index)

    async def get_user(self, user_id: str, chosen: Projection) -> Rendered:
        """One User (404 for people the directory does not manage, or of another tenant)."""
        return await self._user_answer(await self._person(user_id), chosen, written=False)

    async def create_user(self, body: Any, chosen: Projection) -> Rendered:
        """Provision a person from a User (no invitation email: they sign in through the directory)."""
        fields = self._user_fields(resource_doc(USER, body), current=None, previous=None)
        fields = replace(fields, locale=_locale_of(body))
        await self._check_user_unique(fields, None)
        person = await provision_person(
            self.session,
            self.tenant_id,
            email=fields.email,
            name=fields.name,
            audience_id=await self._default_audience(),
            roles=(Role.LEARNER.value,),
            user_name=fields.user_name,
            external_id=fields.external_id,
            given_name=fields.given_name,
            family_name=fields.family_name,
            active=fields.active,
            locale=fields.locale,
        )
        return await self._user_answer(person, chosen)

    async def replace_user(self, user_id: str, body: Any, chosen: Projection, if_match: str | None) -> Rendered:
        """PUT: the User becomes what the body says (attributes it leaves out are unassigned)."""
        person = await self._person(user_id, lock=True)
        check_if_match(if_match, version_of(person.updated_at))
        fields = self._user_fields(resource_doc(USER, body), current=person, previous=None)
        await self._write_user(person, replace(fields, locale=_locale_of(body)))
        return await self._user_answer(person, chosen)

    async def patch_user(self, user_id: str, body: Any, chosen: Projection, if_match: str | None) -> Rendered:
        """PATCH: apply the operations to the User, all or nothing."""
        operations = patch_operations(body)
        person = await self._person(user_id, lock=True)
        check_if_match(if_match, version_of(person.updated_at))
        previous = self._user_doc(person)
        doc = copy.deepcopy(previous)
        apply_patch(USER, doc, operations)
        if doc != previous:
            await self._write_user(person, self._user_fields(doc, current=person, previous=previous))
        return await self._user_answer(person, chosen)

    async def delete_user(self, user_id: str, if_match: str | None) -> None:
        """Deactivate the person and detach them from the directory (see the package docstring)."""
        person = await self._person(user_id, lock=True)
        check_if_match(if_match, version_of(person.updated_at))
        await self._set_active(person, False)
        group_ids = list(
            await self.session.scalars(select(ScimGroupMember.group_id).where(ScimGroupMember.person_id == person.id))
        )
        if group_ids:
            await self.session.execute(delete(ScimGroupMember).where(ScimGroupMember.person_id == person.id))
            await self._touch_groups(group_ids)
            await self._apply_mappings([person.id])  # roles and audience granted by those groups go too
        before = _directory_data(person)
        person.user_name = None
        person.external_id = None
        await self.session.flush()
        await audit.record(
            self.session, self.tenant_id, actor=audit.DIRECTORY, action="person.directory_detached",
            subject_type="Person", subject_id=person.id, before=before, after=_directory_data(person),
        )  # fmt: skip

    def _user_doc(self, person: Person) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "userName": person.user_name,
            "displayName": person.name,
            "emails": [{"value": person.email, "type": "work", "primary": True}],
            "active": person.active,
        }
        if person.external_id:
            doc["externalId"] = person.external_id
        if person.given_name or person.family_name:
            name = {"formatted": person.name}
            if person.given_name:
                name["givenName"] = person.given_name
            if person.family_name:
                name["familyName"] = person.family_name
            doc["name"] = name
        return doc

    def _user_fields(
        self, doc: dict[str, Any], *, current: Person | None, previous: dict[str, Any] | None
    ) -> _UserFields:
        """Check a User document; POST/PUT (``previous`` None) derive what a person needs and the body
        left out, PATCH (``previous``: the document before) may not remove it."""
        patching = previous is not None
        raw_user_name = doc.get("userName")
        if not raw_user_name:
            raise invalid_value("userName is required.")
        user_name = checked(lambda: validation.text(raw_user_name, "userName", max_length=320))
        assert user_name is not None
        external_id = checked(lambda: validation.optional_text(doc.get("externalId"), "externalId", max_length=500))
        name_doc: dict[str, Any] = doc.get("name") or {}
        given = checked(lambda: validation.optional_text(name_doc.get("givenName"), "name.givenName"))
        family = checked(lambda: validation.optional_text(name_doc.get("familyName"), "name.familyName"))
        formatted = name_doc.get("formatted")
        display = doc.get("displayName")
        if patching:
            assert previous is not None
            if not display:
                raise invalid_value("displayName is required.")
            old_formatted = (previous.get("name") or {}).get("formatted")
            if display == previous.get("displayName") and formatted and formatted != old_formatted:
                display = formatted  # name.formatted changed alone: it is the display name
        else:
            display = display or formatted or " ".join(p for p in (given, family) if p) or user_name[:200]
        name = checked(lambda: validation.text(display, "displayName"))
        assert name is not None
        email = _email_of(doc.get("emails") or [])
        checked_email: str | None = None
        if email is not None:
            checked_email = checked(lambda: validation.email(email, "emails.value"))
        elif not patching and "@" in user_name:
            try:
                checked_email = validation.email(user_name, "userName")
            except ValidationError:
                checked_email = None
        if checked_email is None:
            raise invalid_value("emails is required: Insignia needs each person's email address.")
        active = doc.get("active")
        if active is None:
            if patching:
                raise invalid_value("active is required.")
            active = current.active if current is not None else True
        return _UserFields(user_name, external_id, given, family, name, checked_email, bool(active))

    async def _check_user_unique(self, fields: _UserFields, person: Person | None) -> None:
        others = select(Person.id) if person is None else select(Person.id).where(Person.id != person.id)
        if person is None or (person.user_name or "").lower() != fields.user_name.lower():
            taken = await self.session.scalar(others.where(Person.user_name_key == func.lower(fields.user_name)))
            if taken is not None:
                raise ScimError(409, f"The userName {fields.user_name!r} is already taken.", "uniqueness")
        if person is None or person.email != fields.email:
            taken = await self.session.scalar(others.where(Person.email == fields.email))
            if taken is not None:
                raise ScimError(
                    409, f"Someone with the email {fields.email} is already in this organisation.", "uniqueness"
                )

    async def _write_user(self, person: Person, fields: _UserFields) -> None:
        await self._check_user_unique(fields, person)
        before = _directory_data(person)
        person.user_name = fields.user_name
        person.external_id = fields.external_id
        person.given_name = fields.given_name
        person.family_name = fields.family_name
        person.name = fields.name
        person.email = fields.email
        if fields.locale is not None:
            person.locale = fields.locale
        await self.session.flush()
        if (after := _directory_data(person)) != before:
            await audit.record(
                self.session, self.tenant_id, actor=audit.DIRECTORY, action="person.updated",
                subject_type="Person", subject_id=person.id, before=before, after=after,
            )  # fmt: skip
        await self._set_active(person, fields.active)

    async def _set_active(self, person: Person, active: bool) -> None:
        if active and not person.active:
            if person.deactivated_by == "admin":
                raise ScimError(
                    400,
                    "An admin of the organisation deactivated this person in Insignia; only they can reactivate "
                    "them (the directory may undo only its own deactivations).",
                    "mutability",
                )
            await reactivate(self.session, person)
        elif not active and person.active:
            try:
                await deactivate(self.session, person, by="directory")
            except ValidationError as exc:
                raise ScimError(400, exc.message, "mutability") from None

    async def _default_audience(self) -> uuid.UUID:
        audience = await self.session.scalar(
            select(Audience.id).where(Audience.kind == "employee").order_by(Audience.created_at, Audience.id).limit(1)
        )
        if audience is None:
            audience = await self.session.scalar(select(Audience.id).order_by(Audience.id).limit(1))
        if audience is None:
            raise ScimError(409, "This organisation has no audience for new users yet: a tenant admin must create one.")
        return audience
