"""SCIM discovery documents (RFC 7644 §4): ``/ServiceProviderConfig``, ``/ResourceTypes`` and
``/Schemas``, describing exactly what is served.
"""

from __future__ import annotations

from typing import Any

from insignia.tenants.scim.errors import ScimError
from insignia.tenants.scim.query import MAX_COUNT
from insignia.tenants.scim.schemas import (
    KINDS,
    RESOURCE_TYPE_SCHEMA,
    SCHEMA_SCHEMA,
    SERVICE_PROVIDER_CONFIG_SCHEMA,
    ResourceKind,
    list_response,
)


def service_provider_config(base_url: str) -> dict[str, Any]:
    """What this service provider supports (RFC 7643 §5), exactly as implemented here."""
    return {
        "schemas": [SERVICE_PROVIDER_CONFIG_SCHEMA],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_COUNT},
        "changePassword": {"supported": False},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer API key",
                "description": "An Insignia API key with the scim:provision scope, sent as "
                "'Authorization: Bearer <key>'. A tenant admin creates it.",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base_url}/ServiceProviderConfig"},
    }


def _resource_type_document(kind: ResourceKind, base_url: str) -> dict[str, Any]:
    return {
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": kind.name,
        "name": kind.name,
        "endpoint": kind.endpoint,
        "description": kind.description,
        "schema": kind.schema,
        "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/{kind.name}"},
    }


def _schema_document(kind: ResourceKind, base_url: str) -> dict[str, Any]:
    return {
        "schemas": [SCHEMA_SCHEMA],
        "id": kind.schema,
        "name": kind.name,
        "description": kind.description,
        "attributes": [a.document() for a in kind.attributes if a.published],
        "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{kind.schema}"},
    }


def resource_types(base_url: str) -> dict[str, Any]:
    """``/ResourceTypes``: Users and Groups."""
    return list_response([_resource_type_document(k, base_url) for k in KINDS], len(KINDS))


def resource_type(base_url: str, name: str) -> dict[str, Any]:
    """``/ResourceTypes/{name}``."""
    kind = next((k for k in KINDS if k.name.lower() == name.lower()), None)
    if kind is None:
        raise ScimError(404, f"No resource type {name!r}.")
    return _resource_type_document(kind, base_url)


def schemas(base_url: str) -> dict[str, Any]:
    """``/Schemas``: the User and Group schemas as served (only what is kept)."""
    return list_response([_schema_document(k, base_url) for k in KINDS], len(KINDS))


def schema(base_url: str, schema_id: str) -> dict[str, Any]:
    """``/Schemas/{urn}``."""
    kind = next((k for k in KINDS if k.schema.lower() == schema_id.lower()), None)
    if kind is None:
        raise ScimError(404, f"No schema {schema_id!r}.")
    return _schema_document(kind, base_url)
