"""The SCIM service the HTTP side calls: :class:`ScimService`, Users and Groups of one tenant."""

from __future__ import annotations

from insignia.tenants.scim.groups import GroupDirectory
from insignia.tenants.scim.users import UserDirectory

MAX_BODY_BYTES = 2 * 1024 * 1024


class ScimService(UserDirectory, GroupDirectory):
    """Users and Groups of the tenant whose RLS transaction ``session`` is in; ``base_url`` is the
    absolute URL of ``/scim/v2`` (for ``meta.location`` and ``$ref``). Flushes, never commits."""
