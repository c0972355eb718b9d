"""A tenant's brand, and the overrides of its partner and customer audiences.

The brand: a primary colour, an accent colour, text and background colours, a typography from a
safe list, a logo with light and dark variants, the email sender name and reply-to address, a
support URL and a footer. Admins set the tenant's with ``tenantBrandingUpdate`` and an audience's
overrides with ``audienceBrandingUpdate``; anything an audience leaves unset is the tenant's.
Verification pages, learner profiles, badge designs and emails of people in an audience use its
resolved brand (``brandingPreview`` shows it). Logos are served from the tenant's public origin
(``brand/logo``, ``brand/audiences/<id>/logo``...) with a sandboxing CSP, like badge images.

Every text colour must reach WCAG AA (4.5:1) on its background; a change that would break that is
refused, naming the pair and the ratio. Changing colours or typography redraws, in a job, every
badge design that follows the brand.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit, validation
from insignia.infra.errors import Checks, ValidationError
from insignia.infra.outbox import enqueue
from insignia.platform.branding import colour
from insignia.platform.branding.models import AudienceBranding
from insignia.platform.branding.text import CSS_STACKS, DEFAULT_TYPOGRAPHY, Typography
from insignia.platform.openbadges.images import validate_image
from insignia.platform.openbadges.ob2 import Urls
from insignia.tenants import audience as audience_service
from insignia.tenants.auth import Principal, Scope, require_person_with
from insignia.tenants.models import Audience, TenantSettings
from insignia.tenants.tenant import get_settings, write_settings

DEFAULT_COLOR = "#1f6feb"
DEFAULT_ACCENT = "#f2a900"
RERENDER_KIND = "branding.rerender"
LOGOS = ("logo", "logo_light", "logo_dark")
_LOGO_PATHS = {"logo": "logo", "logo_light": "logo-light", "logo_dark": "logo-dark"}
# Brand fields: (audience column, tenant_settings column, input name).
FIELDS = (
    ("color", "brand_color", "color"),
    ("accent_color", "brand_accent_color", "accentColor"),
    ("text_color", "brand_text_color", "textColor"),
    ("background_color", "brand_background_color", "backgroundColor"),
    ("typography", "brand_typography", "typography"),
    ("email_sender_name", "email_sender_name", "emailSenderName"),
    ("email_reply_to", "email_reply_to", "emailReplyTo"),
    ("support_url", "support_url", "supportUrl"),
    ("footer_text", "footer_text", "footerText"),
)
_TENANT_COLUMN = {name: column for name, column, _ in FIELDS}
_LOGO_TENANT_COLUMN = {"logo": "brand_logo", "logo_light": "brand_logo_light", "logo_dark": "brand_logo_dark"}
_DRAWN = ("color", "accent_color", "typography")  # what badge designs are drawn with


@dataclass(frozen=True)
class Brand:
    """A resolved brand: the tenant's, with an audience's overrides when it has any."""

    color: str
    logo_url: str | None
    accent_color: str = DEFAULT_ACCENT
    text_color: str = colour.INK
    background_color: str = colour.WHITE
    typography: Typography = DEFAULT_TYPOGRAPHY
    logo_light_url: str | None = None
    logo_dark_url: str | None = None
    email_sender_name: str | None = None
    email_reply_to: str | None = None
    support_url: str | None = None
    footer_text: str | None = None
    audience_id: uuid.UUID | None = None  # whose overrides apply (None: the tenant's brand)
    overridden: tuple[str, ...] = field(default=())  # the fields the audience overrides

    @property
    def font_stack(self) -> str:
        return CSS_STACKS[self.typography]

    @property
    def on_color(self) -> str:
        """Text on the primary colour (buttons, headers)."""
        return colour.readable_on(self.color)

    @property
    def link_color(self) -> str:
        """The primary colour, darkened where needed so links read at AA on the background."""
        return colour.ink_on(self.color, (self.background_color,))

    @property
    def design_key(self) -> str:
        """What badge designs are drawn with: a design drawn under another key is redrawn."""
        return f"{self.color}|{self.accent_color}|{self.typography.value}"

    @property
    def version(self) -> str:
        """Changes whenever anything pages show changes (cache busting of theme.css)."""
        raw = "|".join(str(getattr(self, f.name)) for f in fields(self))
        return hashlib.sha256(raw.encode()).hexdigest()[:12]


def _logo_url(urls: Urls, variant: str, audience_id: uuid.UUID | None, updated: datetime | None) -> str:
    where = f"brand/audiences/{audience_id}/" if audience_id else "brand/"
    version = f"?v={int(updated.timestamp())}" if updated else ""
    return f"{urls.root}/{where}{_LOGO_PATHS[variant]}{version}"


def brand(urls: Urls, settings: TenantSettings, override: AudienceBranding | None = None) -> Brand:
    """The tenant's brand, with ``override`` (an audience's) over it."""
    values: dict[str, Any] = {}
    overridden: list[str] = []
    for name, column, _input in FIELDS:
        value = getattr(override, name, None) if override is not None else None
        if value is not None:
            overridden.append(name)
        else:
            value = getattr(settings, column, None)
        values[name] = value
    logos: dict[str, str | None] = {}
    for variant in LOGOS:
        if override is not None and getattr(override, f"{variant}_type") is not None:
            logos[variant] = _logo_url(urls, variant, override.audience_id, override.updated_at)
            overridden.append(variant)
        elif getattr(settings, f"{_LOGO_TENANT_COLUMN[variant]}_type", None) is not None:
            logos[variant] = _logo_url(urls, variant, None, settings.updated_at)
        else:
            logos[variant] = None
    return Brand(
        color=values["color"] or DEFAULT_COLOR,
        logo_url=logos["logo"],
        accent_color=values["accent_color"] or DEFAULT_ACCENT,
        text_color=values["text_color"] or colour.INK,
        background_color=values["background_color"] or colour.WHITE,
        typography=Typography(values["typography"]) if values["typography"] else DEFAULT_TYPOGRAPHY,
        logo_light_url=logos["logo_light"],
        logo_dark_url=logos["logo_dark"],
        email_sender_name=values["email_sender_name"],
        email_reply_to=values["email_reply_to"],
        support_url=values["support_url"],
        footer_text=values["footer_text"],
        audience_id=override.audience_id if override is not None and overridden else None,
        overridden=tuple(overridden),
    )


async def override_of(session: AsyncSession, audience_id: uuid.UUID | None) -> AudienceBranding | None:
    if audience_id is None:
        return None
    found: AudienceBranding | None = await session.scalar(
        select(AudienceBranding)
        .where(AudienceBranding.audience_id == audience_id)
        .execution_options(populate_existing=True)
    )
    return found


async def resolve(session: AsyncSession, urls: Urls, tenant_id: uuid.UUID, audience_id: uuid.UUID | None) -> Brand:
    """The brand people of ``audience_id`` see (the tenant's when None or without overrides)."""
    settings = await get_settings(session, tenant_id)
    return brand(urls, settings, await override_of(session, audience_id))


async def resolve_many(
    session: AsyncSession, urls: Urls, tenant_id: uuid.UUID, audience_ids: Sequence[uuid.UUID | None]
) -> dict[uuid.UUID | None, Brand]:
    """Brands for several audiences at once (two queries)."""
    settings = await get_settings(session, tenant_id)
    wanted = {a for a in audience_ids if a is not None}
    rows = (
        {
            r.audience_id: r
            for r in await session.scalars(select(AudienceBranding).where(AudienceBranding.audience_id.in_(wanted)))
        }
        if wanted
        else {}
    )
    return {a: brand(urls, settings, rows.get(a) if a else None) for a in {*audience_ids, None}}


# --- Changes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogoChange:
    data: bytes | None  # None: remove it
    content_type: str = ""


@dataclass(frozen=True)
class BrandChanges:
    """What an admin changes: a field given as "" goes back to the default (or, for an audience, to
    the tenant's); a field not given stays."""

    values: Mapping[str, str] = field(default_factory=dict)  # by audience column name
    logos: Mapping[str, LogoChange] = field(default_factory=dict)  # by variant


def _input_name(name: str) -> str:
    return next(i for n, _c, i in FIELDS if n == name)


def _validate(changes: BrandChanges, prefix: str) -> tuple[dict[str, Any], dict[str, tuple[bytes, str] | None]]:
    """The changes, checked (every error at once) and normalised; "" becomes None."""
    checks = Checks()
    values: dict[str, Any] = {}
    for name, raw in changes.values.items():
        at = prefix + _input_name(name)
        text = raw.strip()
        if not text:
            values[name] = None
        elif name.endswith("color"):
            values[name] = checks.run(lambda t=text, a=at: colour.hex_colour(t, a))  # type: ignore[misc]
        elif name == "typography":
            if text not in {t.value for t in Typography}:
                checks.errors.append(ValidationError(f"{at} must be one of the safe list of type families.", at))
            values[name] = text
        elif name == "email_sender_name":
            if any(c in text for c in '<>"@\r\n') or len(text) > 100:
                checks.errors.append(ValidationError(f"{at} must be a plain name of at most 100 characters.", at))
            values[name] = text
        elif name == "email_reply_to":
            values[name] = checks.run(lambda t=text, a=at: validation.email(t, a))  # type: ignore[misc]
        elif name == "support_url":
            values[name] = checks.run(lambda t=text, a=at: validation.optional_url(t, a))  # type: ignore[misc]
        elif name == "footer_text":
            values[name] = checks.run(lambda t=text, a=at: validation.text(t, a, max_length=500))  # type: ignore[misc]
    logos: dict[str, tuple[bytes, str] | None] = {}
    for variant, change in changes.logos.items():
        at = prefix + {"logo": "logoBase64", "logo_light": "logoLightBase64", "logo_dark": "logoDarkBase64"}[variant]
        if change.data is None:
            logos[variant] = None
        else:
            data = change.data
            checked = checks.run(lambda d=data, c=change.content_type, a=at: validate_image(d, c, a))  # type: ignore[misc]
            if checked is not None:
                logos[variant] = checked
    checks.done()
    return values, logos


def _check_contrast(resolved: Brand, prefix: str, changed: set[str]) -> None:
    """Text must read at AA on the background; the error names the pair, at the field that moved."""
    problem = colour.check_pair(resolved.text_color, "textColor", resolved.background_color, "backgroundColor")
    if problem is None:
        return
    at = "backgroundColor" if "background_color" in changed and "text_color" not in changed else "textColor"
    raise ValidationError(problem.message, prefix + at)


def _apply(resolved: Brand, values: Mapping[str, Any]) -> Brand:
    """``resolved`` with changed values (None: what applies without them, approximated by defaults
    here; the caller resolves again after saving)."""
    updates: dict[str, Any] = {}
    for name, value in values.items():
        if name == "typography":
            updates[name] = Typography(value) if value else DEFAULT_TYPOGRAPHY
        elif name in ("text_color", "background_color", "color", "accent_color"):
            defaults = {
                "text_color": colour.INK,
                "background_color": colour.WHITE,
                "color": DEFAULT_COLOR,
                "accent_color": DEFAULT_ACCENT,
            }
            updates[name] = value or defaults[name]
    return replace(resolved, **updates)


async def update_tenant_branding(
    session: AsyncSession, principal: Principal, urls: Urls, changes: BrandChanges
) -> Brand:
    """Change the tenant's brand (admins); only what is given changes. Every invalid value is reported
    at once, each under the input field the client sent; nothing is written if any is wrong."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can change the organisation's branding.")
    values, logos = _validate(changes, "")
    before = brand(urls, await get_settings(session, principal.tenant_id))
    _check_contrast(_apply(before, values), "", set(values))
    columns: dict[str, object] = {_TENANT_COLUMN[name]: value for name, value in values.items()}
    for variant, logo in logos.items():
        base = _LOGO_TENANT_COLUMN[variant]
        columns[f"{base}_data"], columns[f"{base}_type"] = logo if logo is not None else (None, None)
    if columns:
        await write_settings(
            session, principal.tenant_id, columns, actor=principal.label, action="tenant.branding_updated"
        )
    after = brand(urls, await get_settings(session, principal.tenant_id))
    if after.design_key != before.design_key:
        await enqueue(session, principal.tenant_id, RERENDER_KIND, {"audienceId": None, "after": None})
    return after


async def update_audience_branding(
    session: AsyncSession, principal: Principal, urls: Urls, audience_id: uuid.UUID, changes: BrandChanges
) -> Audience:
    """Change an audience's overrides of the tenant's brand (admins); "" drops an override."""
    require_person_with(principal, Scope.API_KEYS_MANAGE, "Only tenant admins can change branding.")
    audience = await audience_service.get_audience(session, audience_id, "audienceId")
    values, logos = _validate(changes, "")
    settings = await get_settings(session, principal.tenant_id)
    current = await override_of(session, audience_id)
    before = brand(urls, settings, current)
    # What the audience would see: its overrides after the change, over the tenant's brand.
    merged = {name: getattr(current, name, None) for name, _c, _i in FIELDS}
    merged.update(values)
    probe = AudienceBranding(tenant_id=principal.tenant_id, audience_id=audience_id, **merged)
    _check_contrast(brand(urls, settings, probe), "", set(values))
    row: dict[str, object] = dict(values)
    for variant, logo in logos.items():
        row[f"{variant}_data"], row[f"{variant}_type"] = logo if logo is not None else (None, None)
    if row:
        before_audit = {name: getattr(current, name, None) for name in values}
        await session.execute(
            insert(AudienceBranding)
            .values(tenant_id=principal.tenant_id, audience_id=audience_id, **row)
            .on_conflict_do_update(index_elements=["tenant_id", "audience_id"], set_={**row, "updated_at": func.now()})
        )
        after_audit = {name: value for name, value in values.items()}
        for variant, logo in logos.items():
            after_audit[variant] = audit.binary_summary(logo[0]) if logo is not None else None
        await audit.record(
            session, principal.tenant_id, actor=principal.label, action="audience.branding_updated",
            subject_type="Audience", subject_id=audience_id, before=audit.jsonable(before_audit),
            after=audit.jsonable(after_audit),
        )  # fmt: skip
    after = brand(urls, settings, await override_of(session, audience_id))
    if after.design_key != before.design_key:
        await enqueue(session, principal.tenant_id, RERENDER_KIND, {"audienceId": str(audience_id), "after": None})
    return audience


async def logo(
    session: AsyncSession, tenant_id: uuid.UUID, variant: str = "logo", audience_id: uuid.UUID | None = None
) -> tuple[bytes, str, datetime] | None:
    """A logo as uploaded: the tenant's, or an audience's."""
    if variant not in LOGOS:
        return None
    if audience_id is None:
        base = _LOGO_TENANT_COLUMN[variant]
        table: Any = TenantSettings
        data, kind = getattr(TenantSettings, f"{base}_data"), getattr(TenantSettings, f"{base}_type")
        condition = TenantSettings.tenant_id == tenant_id
    else:
        table = AudienceBranding
        data, kind = getattr(AudienceBranding, f"{variant}_data"), getattr(AudienceBranding, f"{variant}_type")
        condition = AudienceBranding.audience_id == audience_id
    row = (await session.execute(select(data, kind, table.updated_at).where(condition))).one_or_none()
    if row is None or row[0] is None or row[1] is None:
        return None
    return bytes(row[0]), row[1], row[2]
