"""Badge classes' designs: saved as data with what they were last drawn as (SVG, 600 px PNG and the
Open Graph card), previewed without saving, and redrawn by a job when the brand they follow
changes. A badge class without a design or an uploaded image is drawn from a default design (a
circle in the tenant's colours with its name), so every badge has an image worth sharing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra import audit
from insignia.infra.errors import PermissionDeniedError, ValidationError
from insignia.infra.outbox import enqueue
from insignia.platform.branding import brand as brands
from insignia.platform.branding import render
from insignia.platform.branding.design import Design, Palette, Shape, check_against_brand, palette_for, render_svg
from insignia.platform.branding.models import BadgeDesignRow
from insignia.platform.branding.text import unsupported
from insignia.platform.credentials import badge_class as badge_classes
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.openbadges.ob2 import Urls
from insignia.tenants import audience as audience_service
from insignia.tenants.auth import Principal, Scope
from insignia.tenants.models import Tenant

RERENDER_BATCH = 100
OG_CAPTION = "Verified digital badge"


def palette(design: Design, brand: brands.Brand) -> Palette:
    return palette_for(design, brand.color, brand.accent_color, brand.typography)


def default_design(badge: BadgeClass) -> Design | None:
    """The design of a badge class that has none: a circle with its name (None if the badge fonts
    cannot draw the name)."""
    title = " ".join(badge.name.split())[:80]
    if unsupported(title):
        return None
    return Design(shape=Shape.CIRCLE, title=title, icon="star")


async def brand_audience(session: AsyncSession, design: Design, badge: BadgeClass | None) -> uuid.UUID | None:
    """Whose brand a design follows: the audience it names, else the badge class's only audience."""
    if design.audience_id is not None:
        return design.audience_id
    if badge is None:
        return None
    audiences = (await badge_classes.audiences_by_badge_class(session, [badge.id]))[badge.id]
    return audiences[0] if len(audiences) == 1 else None


@dataclass(frozen=True)
class Drawn:
    svg: str
    png: bytes
    og_png: bytes


def draw(design: Design, brand: brands.Brand, issuer: str) -> Drawn:
    colours = palette(design, brand)
    svg = render_svg(design, colours)
    return Drawn(svg=svg, png=render.png(svg), og_png=render.og_png(design, colours, issuer, OG_CAPTION))


async def preview(
    session: AsyncSession, principal: Principal, urls: Urls, design: Design, prefix: str = ""
) -> tuple[str, Palette]:
    """The SVG of a design as it would be drawn now (nothing saved), and its palette."""
    if not principal.has(Scope.BADGES_WRITE):
        raise PermissionDeniedError("You are not allowed to design badges.")
    if design.audience_id is not None:
        await audience_service.get_audience(session, design.audience_id, prefix + "audienceId")
    brand = await brands.resolve(session, urls, principal.tenant_id, design.audience_id)
    colours = palette(design, brand)
    check_against_brand(design, colours, prefix)
    return render_svg(design, colours), colours


async def set_design(
    session: AsyncSession, principal: Principal, urls: Urls, tenant: Tenant, badge: BadgeClass, *, design: Design
) -> BadgeDesignRow:
    """Give a badge class a design (it replaces an uploaded image), drawn now."""
    if design.audience_id is not None:
        await audience_service.get_audience(session, design.audience_id, "design.audienceId")
    audience_id = await brand_audience(session, design, badge)
    brand = await brands.resolve(session, urls, badge.tenant_id, audience_id)
    check_against_brand(design, palette(design, brand), "design.")
    drawn = draw(design, brand, tenant.name)
    values = {
        "design": design.to_json(),
        "follows_brand": design.follows_brand,
        "audience_id": audience_id,
        "svg": drawn.svg,
        "png": drawn.png,
        "og_png": drawn.og_png,
        "brand_key": brand.design_key,
    }
    await session.execute(
        insert(BadgeDesignRow)
        .values(tenant_id=badge.tenant_id, badge_class_id=badge.id, **values)
        .on_conflict_do_update(index_elements=["tenant_id", "badge_class_id"], set_=values)
    )
    badge.image_data, badge.image_type, badge.image_url = None, None, ""
    await session.flush()
    await audit.record(
        session, principal.tenant_id, actor=principal.label, action="badge_class.design_set",
        subject_type="BadgeClass", subject_id=badge.id, after={"design": {**design.to_json(), "iconSvg": None}},
    )  # fmt: skip
    row = await session.scalar(
        select(BadgeDesignRow)
        .where(BadgeDesignRow.badge_class_id == badge.id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def designs_by_badge(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Design]:
    rows = await session.execute(
        select(BadgeDesignRow.badge_class_id, BadgeDesignRow.design).where(BadgeDesignRow.badge_class_id.in_(ids))
    )
    return {badge_id: Design.from_json(data) for badge_id, data in rows}


@dataclass(frozen=True)
class Artwork:
    """What a badge class looks like: its design and palette (for status variants), and the stored
    drawings (None for the default design, drawn on request)."""

    design: Design
    palette: Palette
    svg: str | None = None
    png: bytes | None = None
    og_png: bytes | None = None

    def svg_for(self, status: str = "active") -> str:
        if status == "active" and self.svg is not None:
            return self.svg
        return render_svg(self.design, self.palette, status)

    def png_for(self, status: str = "active") -> bytes:
        if status == "active" and self.png is not None:
            return self.png
        return render.png(self.svg_for(status))

    def og_for(self, issuer: str, status: str = "active") -> bytes:
        if status == "active" and self.og_png is not None:
            return self.og_png
        return render.og_png(self.design, self.palette, issuer, OG_CAPTION, status)


async def artwork(session: AsyncSession, urls: Urls, badge: BadgeClass, *, stored: bool = True) -> Artwork | None:
    """The badge class's design (or the default one) with what it is drawn with; None when it has an
    uploaded image or an image URL (those are shown as they are), or a name the fonts cannot draw."""
    row = (
        await session.execute(
            select(BadgeDesignRow.design, BadgeDesignRow.audience_id).where(BadgeDesignRow.badge_class_id == badge.id)
        )
    ).one_or_none()
    if row is None:
        if badge.image_type is not None or badge.image_url:
            return None
        design = default_design(badge)
        if design is None:
            return None
        brand = await brands.resolve(session, urls, badge.tenant_id, await brand_audience(session, design, badge))
        return Artwork(design, palette(design, brand))
    design = Design.from_json(row.design)
    brand = await brands.resolve(session, urls, badge.tenant_id, row.audience_id)
    if not stored:
        return Artwork(design, palette(design, brand))
    drawings = (
        await session.execute(
            select(BadgeDesignRow.svg, BadgeDesignRow.png, BadgeDesignRow.og_png).where(
                BadgeDesignRow.badge_class_id == badge.id
            )
        )
    ).one()
    return Artwork(design, palette(design, brand), drawings.svg, bytes(drawings.png), bytes(drawings.og_png))


async def rerender(
    session: AsyncSession, urls: Urls, tenant: Tenant, audience_id: uuid.UUID | None, after: uuid.UUID | None
) -> int:
    """Job ``branding.rerender``: redraw, a batch at a time, the designs that follow the brand that
    changed (the tenant's: every design following the brand; an audience's: those following it)
    and were drawn under another brand. Schedules the next batch; returns how many it redrew."""
    stmt = select(BadgeDesignRow).where(BadgeDesignRow.follows_brand).order_by(BadgeDesignRow.badge_class_id)
    if audience_id is not None:
        stmt = stmt.where(BadgeDesignRow.audience_id == audience_id)
    if after is not None:
        stmt = stmt.where(BadgeDesignRow.badge_class_id > after)
    rows = (await session.scalars(stmt.limit(RERENDER_BATCH).with_for_update(skip_locked=True))).all()
    audiences = {r.audience_id for r in rows}
    resolved = await brands.resolve_many(session, urls, tenant.id, list(audiences))
    redrawn = 0
    for row in rows:
        current = resolved[row.audience_id]
        if row.brand_key == current.design_key:
            continue
        design = Design.from_json(row.design)
        try:
            drawn = draw(design, current, tenant.name)
        except ValidationError:
            continue
        row.svg, row.png, row.og_png, row.brand_key = drawn.svg, drawn.png, drawn.og_png, current.design_key
        redrawn += 1
    await session.flush()
    if len(rows) == RERENDER_BATCH:
        await enqueue(
            session, tenant.id, brands.RERENDER_KIND,
            {"audienceId": str(audience_id) if audience_id else None, "after": str(rows[-1].badge_class_id)},
        )  # fmt: skip
    return redrawn
