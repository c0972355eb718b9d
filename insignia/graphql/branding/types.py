"""GraphQL types of the branding area: Branding, badge designs, tenant domains."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from insignia.graphql.ids import to_global_id
from insignia.graphql.node import Node
from insignia.platform.branding import design as designs
from insignia.platform.branding import domain as domains
from insignia.platform.branding import text
from insignia.platform.branding.brand import Brand
from insignia.platform.branding.models import TenantDomain


@strawberry.enum(description="The safe list of type families (badge images draw with the shipped fonts).")
class Typography(Enum):
    OPEN_SANS = text.Typography.OPEN_SANS.value
    SOURCE_SANS_3 = text.Typography.SOURCE_SANS_3.value
    IBM_PLEX_SANS = text.Typography.IBM_PLEX_SANS.value

    def to_service(self) -> text.Typography:
        return text.Typography(self.value)


@strawberry.enum
class BadgeShape(Enum):
    CIRCLE = designs.Shape.CIRCLE.value
    SHIELD = designs.Shape.SHIELD.value
    HEXAGON = designs.Shape.HEXAGON.value
    RIBBON = designs.Shape.RIBBON.value
    ROUNDED_SQUARE = designs.Shape.ROUNDED_SQUARE.value

    def to_service(self) -> designs.Shape:
        return designs.Shape(self.value)


@strawberry.type(description="A brand: the organisation's, or an audience's overrides over it (brandingPreview).")
class Branding:
    color: str = strawberry.field(description="The primary colour (hex, e.g. #1a73e8).")
    accent_color: str
    text_color: str
    background_color: str
    typography: Typography
    logo_url: str | None
    logo_light_url: str | None = strawberry.field(description="The logo for light backgrounds.")
    logo_dark_url: str | None = strawberry.field(description="The logo for dark backgrounds.")
    email_sender_name: str | None
    email_reply_to: str | None
    support_url: str | None
    footer_text: str | None
    audience_id: strawberry.ID | None = strawberry.field(
        description="The audience whose overrides apply; null when it is the organisation's brand."
    )
    overridden_fields: list[str] = strawberry.field(description="The fields the audience overrides.")

    @classmethod
    def from_brand(cls, brand: Brand) -> Branding:
        return cls(
            color=brand.color,
            accent_color=brand.accent_color,
            text_color=brand.text_color,
            background_color=brand.background_color,
            typography=Typography(brand.typography.value),
            logo_url=brand.logo_url,
            logo_light_url=brand.logo_light_url,
            logo_dark_url=brand.logo_dark_url,
            email_sender_name=brand.email_sender_name,
            email_reply_to=brand.email_reply_to,
            support_url=brand.support_url,
            footer_text=brand.footer_text,
            audience_id=to_global_id("Audience", brand.audience_id) if brand.audience_id else None,
            overridden_fields=[_camel(f) for f in brand.overridden],
        )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


@strawberry.type(description="A badge class's design: drawn with the brand's colours and type where it sets none.")
class BadgeDesign:
    shape: BadgeShape
    title: str
    subtitle: str | None
    level: str | None
    icon: str | None = strawberry.field(description="A built-in icon (see badgeIcons).")
    custom_icon: bool = strawberry.field(description="An uploaded SVG icon.")
    primary_color: str | None = strawberry.field(description="Null: the brand's primary colour.")
    accent_color: str | None = strawberry.field(description="Null: the brand's accent colour.")
    text_color: str | None = strawberry.field(description="Null: white or ink, whichever reads better.")
    typography: Typography | None = strawberry.field(description="Null: the brand's.")
    audience_id: strawberry.ID | None = strawberry.field(description="The audience whose brand it follows.")
    follows_brand: bool = strawberry.field(description="Redrawn when the brand changes.")

    @classmethod
    def from_design(cls, design: designs.Design) -> BadgeDesign:
        return cls(
            shape=BadgeShape(design.shape.value),
            title=design.title,
            subtitle=design.subtitle,
            level=design.level,
            icon=design.icon,
            custom_icon=design.icon_svg is not None,
            primary_color=design.primary,
            accent_color=design.accent,
            text_color=design.text_color,
            typography=Typography(design.typography.value) if design.typography else None,
            audience_id=to_global_id("Audience", design.audience_id) if design.audience_id else None,
            follows_brand=design.follows_brand,
        )


@strawberry.enum
class TenantDomainStatus(Enum):
    PENDING = "pending"
    ACTIVE = "active"
    INACTIVE = "inactive"


@strawberry.type(
    name="TenantDomain",
    description=(
        "A domain the organisation serves its badge pages, documents and did:web on, once DNS proves it "
        "controls it: publish txtRecordValue as a TXT record at txtRecordName, then tenantDomainVerify."
    ),
)
class TenantDomainType(Node):
    domain: str
    status: TenantDomainStatus
    txt_record_name: str
    txt_record_value: str
    created_at: datetime
    verified_at: datetime | None
    last_checked_at: datetime | None
    last_error: str | None = strawberry.field(description="What the last check found missing, if it failed.")

    @classmethod
    def from_model(cls, row: TenantDomain) -> TenantDomainType:
        return cls(
            id=to_global_id("TenantDomain", row.id),
            domain=row.domain,
            status=TenantDomainStatus(row.status),
            txt_record_name=domains.record_name(row),
            txt_record_value=domains.record_value(row),
            created_at=row.created_at,
            verified_at=row.verified_at,
            last_checked_at=row.last_checked_at,
            last_error=row.last_error,
        )
