"""What SCIM resources are made of: the URNs of the schemas and messages, the User and Group
attributes as RFC 7643 §7 describes them (what is kept, what is accepted and ignored), the resource
kinds, and the small value helpers every part reads them with (``ListResponse``, booleans).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SERVICE_PROVIDER_CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"


@dataclass(frozen=True)
class Attribute:
    """One attribute as RFC 7643 §7 describes it; ``published`` False: accepted but not described."""

    name: str
    type: str = "string"
    multi_valued: bool = False
    required: bool = False
    case_exact: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    description: str = ""
    canonical_values: tuple[str, ...] = ()
    reference_types: tuple[str, ...] = ()
    sub_attributes: tuple[Attribute, ...] = ()
    published: bool = True

    @property
    def read_only(self) -> bool:
        return self.mutability == "readOnly"

    def sub(self, name: str) -> Attribute | None:
        lowered = name.lower()
        return next((s for s in self.sub_attributes if s.name.lower() == lowered), None)

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi_valued,
            "description": self.description,
            "required": self.required,
            "mutability": self.mutability,
            "returned": self.returned,
        }
        if self.type != "complex":
            doc["caseExact"] = self.case_exact
            doc["uniqueness"] = self.uniqueness
        if self.canonical_values:
            doc["canonicalValues"] = list(self.canonical_values)
        if self.reference_types:
            doc["referenceTypes"] = list(self.reference_types)
        if self.sub_attributes:
            doc["subAttributes"] = [s.document() for s in self.sub_attributes if s.published]
        return doc


COMMON_ATTRIBUTES = (
    Attribute(
        "id",
        case_exact=True,
        mutability="readOnly",
        returned="always",
        uniqueness="server",
        description="Insignia's identifier of the resource.",
    ),
    Attribute("externalId", case_exact=True, description="The directory's identifier of the resource."),
    Attribute(
        "meta",
        type="complex",
        mutability="readOnly",
        sub_attributes=(
            Attribute("resourceType", case_exact=True, mutability="readOnly"),
            Attribute("created", type="dateTime", mutability="readOnly"),
            Attribute("lastModified", type="dateTime", mutability="readOnly"),
            Attribute("location", type="reference", reference_types=("uri",), mutability="readOnly"),
            Attribute("version", case_exact=True, mutability="readOnly"),
        ),
    ),
)

USER_ATTRIBUTES = (
    Attribute(
        "userName",
        required=True,
        uniqueness="server",
        description="The directory's sign-in name, unique in the organisation regardless of case.",
    ),
    Attribute(
        "name",
        type="complex",
        description="The person's name. formatted is the display name.",
        sub_attributes=(
            Attribute("formatted", description="The full name, as displayed (the same as displayName)."),
            Attribute("familyName", description="The family name."),
            Attribute("givenName", description="The given name."),
        ),
    ),
    Attribute(
        "displayName",
        required=True,
        description="The name shown in Insignia; derived from name or userName when not sent.",
    ),
    Attribute(
        "emails",
        type="complex",
        multi_valued=True,
        required=True,
        description="The person's email address; Insignia keeps one (the primary one).",
        sub_attributes=(
            Attribute("value", required=True, description="The email address."),
            Attribute("type", canonical_values=("work",), description="Always work."),
            Attribute("primary", type="boolean", published=False),
            Attribute("display", published=False),
        ),
    ),
    Attribute(
        "active",
        type="boolean",
        required=True,
        description="False deactivates the person: sign-in refused, sessions and tokens ended.",
    ),
    Attribute(
        "groups",
        type="complex",
        multi_valued=True,
        mutability="readOnly",
        description="The groups the person is a member of; change them through the Group resource.",
        sub_attributes=(
            Attribute("value", case_exact=True, mutability="readOnly", description="The group's id."),
            Attribute(
                "$ref",
                type="reference",
                reference_types=("Group",),
                case_exact=True,
                mutability="readOnly",
                description="The group's URI.",
            ),
            Attribute("display", mutability="readOnly", description="The group's displayName."),
            Attribute("type", canonical_values=("direct",), mutability="readOnly", description="Always direct."),
        ),
    ),
)

GROUP_ATTRIBUTES = (
    Attribute(
        "displayName",
        required=True,
        uniqueness="server",
        description="The group's name, unique in the organisation regardless of case; group mappings use it.",
    ),
    Attribute(
        "members",
        type="complex",
        multi_valued=True,
        description="The Users in the group.",
        sub_attributes=(
            Attribute("value", case_exact=True, mutability="immutable", description="The User's id."),
            Attribute(
                "$ref",
                type="reference",
                reference_types=("User",),
                case_exact=True,
                mutability="immutable",
                description="The User's URI.",
            ),
            Attribute("type", canonical_values=("User",), mutability="immutable", description="Always User."),
            Attribute("display", mutability="readOnly", published=False),
        ),
    ),
)

# Attributes of the RFC 7643 schemas (and the enterprise extension) that Insignia does not keep:
# writes to them are accepted and ignored rather than refused.
_IGNORED_USER_ATTRIBUTES = frozenset(
    {
        "nickname",
        "profileurl",
        "title",
        "usertype",
        "preferredlanguage",
        "locale",
        "timezone",
        "password",
        "phonenumbers",
        "ims",
        "photos",
        "addresses",
        "entitlements",
        "roles",
        "x509certificates",
    }
)


@dataclass(frozen=True)
class ResourceKind:
    name: str
    endpoint: str
    schema: str
    description: str
    attributes: tuple[Attribute, ...]
    ignored: frozenset[str] = frozenset()
    ignored_subs: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def attribute(self, name: str) -> Attribute | None:
        lowered = name.lower()
        return next((a for a in COMMON_ATTRIBUTES + self.attributes if a.name.lower() == lowered), None)


USER = ResourceKind(
    "User",
    "/Users",
    USER_SCHEMA,
    "People of the organisation",
    USER_ATTRIBUTES,
    _IGNORED_USER_ATTRIBUTES,
    {"name": frozenset({"middlename", "honorificprefix", "honorificsuffix"})},
)
GROUP = ResourceKind("Group", "/Groups", GROUP_SCHEMA, "Directory groups", GROUP_ATTRIBUTES)
KINDS = (USER, GROUP)


def list_response(resources: Sequence[dict[str, Any]], total: int, start_index: int = 1) -> dict[str, Any]:
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "itemsPerPage": len(resources),
        "startIndex": start_index,
        "Resources": list(resources),
    }


def as_bool(value: Any) -> bool | None:
    """A boolean, or one sent as a string ("True", "false") as some directories do."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None
