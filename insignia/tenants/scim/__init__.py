"""SCIM 2.0 provisioning (RFC 7643, RFC 7644): a tenant's directory creates and maintains its people
and groups under ``/scim/v2``, authenticated by an API key holding ``scim:provision``.

This package is the domain side: the resource schemas we publish, the filter and PATCH-path
grammar, SQL translation of filters, PATCH application, and the reads and writes of Users and
Groups inside the caller's tenant transaction (row-level security keeps every query in the tenant).
The HTTP side (``insignia.web.scim``) only parses requests and serialises answers. Its modules:

- ``errors``: :class:`~insignia.tenants.scim.errors.ScimError` and the common SCIM errors.
- ``schemas``: URNs, the User and Group attributes (RFC 7643 §7), the resource kinds.
- ``discovery``: ``/ServiceProviderConfig``, ``/ResourceTypes`` and ``/Schemas``.
- ``filter``: the filter and PATCH-path grammar and its parser.
- ``sql``: filters and ``sortBy`` translated to SQL.
- ``query``: list and search parameters, and ``attributes`` / ``excludedAttributes``.
- ``patch``: PATCH operations, and reading POST and PUT bodies.
- ``directory``: what the service's halves share (paging, group mappings, versions).
- ``users`` and ``groups``: the two halves of the service; ``service``: ``ScimService``, both.

What is served, and advertised in ``/ServiceProviderConfig``:

- Users and Groups: create, read, list (filter, pagination, sorting), replace (PUT), PATCH
  (add/replace/remove, with and without ``path``), delete; ``attributes`` and
  ``excludedAttributes`` on every answer that carries resources; ``POST /Users/.search`` and
  ``POST /Groups/.search``. Not served: bulk, ``/Me``, password changes, and searching all
  resource types at once (``POST /.search`` answers 501).
- Filters: the whole RFC 7644 §3.4.2.2 grammar (``eq ne co sw ew gt ge lt le pr``, ``and``,
  ``or``, ``not (...)``, parentheses, value paths such as ``emails[type eq "work"]``), operators and
  attribute names case-insensitive, strings compared case-insensitively unless the attribute is
  case-exact (``id``, ``externalId``). Filterable: User ``id userName externalId displayName
  name.givenName name.familyName name.formatted emails(.value|.type) active groups(.value|.display)
  meta.created meta.lastModified``; Group ``id displayName externalId members(.value) meta.created
  meta.lastModified``. Anything else is ``400 invalidFilter``. ``sortBy`` takes the single-valued
  ones of these. Pages: ``startIndex`` (1-based), ``count`` (default 100, at most 200).
- Versions: ``meta.version`` is a weak ETag of the row's ``updated_at``; ``If-Match`` on PUT, PATCH
  and DELETE (412 when stale) and ``If-None-Match`` on GET (304).

Decisions:

- Where new Users land: a group mapping that names an audience moves people there (``apply_groups``
  when their SCIM groups change). Until then a new User joins the tenant's first-created audience of
  kind ``employee``, else its first audience; a tenant without any audience gets 409. New Users
  are learners.
- Insignia keeps one email per person (lower-cased, unique in the tenant) and one display name.
  ``emails`` holds that single address with ``type: "work"``; on input the ``primary`` address
  wins, else the first, else a ``userName`` that is an email address. ``displayName`` and
  ``name.formatted`` are both that display name (``displayName`` wins when both are sent);
  ``name`` is returned when a given or family name is known. ``primary`` is accepted but not
  published: with a single address it carries nothing, and echoing a constant would contradict
  a client that sent ``false``.
- ``userName``, ``displayName``, ``emails`` and ``active`` are published as required, because a
  person always has them. POST and PUT still derive a missing display name (formatted name, given
  plus family name, ``userName``), a missing email (a ``userName`` that is an address) and a
  missing ``active`` (true on POST, unchanged on PUT); PATCH may not remove them (400).
- ``PATCH active=false`` deactivates the person (sessions ended, tokens dead, webhook);
  ``active=true`` reactivates them, unless an admin deactivated them in Insignia (then 400
  ``mutability``: the directory may undo only its own deactivations). The organisation's last
  active admin cannot be deactivated.
- DELETE of a User deactivates the person and detaches them from the directory: ``userName`` and
  ``externalId`` are cleared and their group memberships removed. Awards and history keep pointing
  at the person, but SCIM no longer sees them (404); only people with a ``userName`` are Users.
  Their email stays taken, so creating a User with it again is a 409, as is any POST whose email
  or ``userName`` belongs to someone already.
- Group members are Users of the tenant (``type: "User"``); nested groups are refused. Members
  carry ``value``, ``$ref`` and ``type`` as in the RFC 7643 §8.7.1 schema, not ``display``. Every
  change of a person's groups (membership, rename, deletion) re-applies the tenant's group
  mappings to them with the names of all their groups.
- Attributes of the RFC 7643 User and Group schemas (and the enterprise extension) that Insignia
  does not keep, such as ``title`` or ``phoneNumbers``, are accepted and ignored, so identity
  providers' default mappings work; read-only ones (``id``, ``meta``, ``groups``) are ignored in
  bodies and refused as a PATCH ``path`` (``mutability``). Unknown attribute names in a PATCH
  ``path`` are ``invalidPath``.
- Tolerated client quirks: capitalised PATCH ops (``Replace``), booleans sent as strings
  (``"False"``), dotted attribute names as keys of a path-less PATCH value, ``remove`` of
  ``members`` with a ``value`` list, and ``add``/``replace`` through a value filter that matches
  nothing (``emails[type eq "work"].value``) creating the value the filter describes.
"""
