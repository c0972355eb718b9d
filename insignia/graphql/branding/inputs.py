"""Inputs of the branding area: designs and brand changes."""

from __future__ import annotations

from functools import partial

import strawberry

from insignia.graphql.branding.types import BadgeShape, Typography
from insignia.graphql.ids import expect_id
from insignia.graphql.tenants.types import ImageFormat
from insignia.infra import validation
from insignia.infra.errors import Checks, NotFoundError, ValidationError
from insignia.platform.branding import brand as brands
from insignia.platform.branding import design as designs
from insignia.platform.openbadges.images import MAX_BYTES as MAX_IMAGE_BYTES


@strawberry.input(description="A badge design. Colours and typography left out follow the brand.")
class BadgeDesignInput:
    shape: BadgeShape
    title: str = strawberry.field(description=f"At most {designs.MAX_TITLE} characters; Latin, Greek or Cyrillic.")
    subtitle: str | None = None
    level: str | None = strawberry.field(default=None, description="Shown on a pill (on the banner for RIBBON).")
    icon: str | None = strawberry.field(default=None, description="A built-in icon (badgeIcons).")
    icon_svg_base64: str | None = strawberry.field(
        default=None, description="An SVG icon of your own (at most 64 KB): drawing only, no scripts or links."
    )
    primary_color: str | None = None
    accent_color: str | None = None
    text_color: str | None = strawberry.field(default=None, description="Must reach 4.5:1 on the primary colour.")
    typography: Typography | None = None
    audience_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Follow this audience's brand (default: the badge class's only audience, else the organisation's).",
    )

    def to_design(self, prefix: str = "") -> designs.Design:
        checks = Checks()
        icon = None
        if self.icon_svg_base64 is not None:
            icon = checks.run(
                lambda: validation.base64_bytes(
                    self.icon_svg_base64 or "", prefix + "iconSvgBase64", max_bytes=designs.MAX_ICON_BYTES
                )
            )
        audience = None
        if self.audience_id is not None:
            try:
                audience = expect_id(self.audience_id, "Audience", prefix + "audienceId")
            except NotFoundError as exc:  # reported with the rest
                checks.errors.append(exc)
        checks.done()
        return designs.make_design(
            shape=self.shape.to_service(),
            title=self.title,
            subtitle=self.subtitle,
            level=self.level,
            icon=self.icon,
            icon_svg=icon,
            primary=self.primary_color,
            accent=self.accent_color,
            text_color=self.text_color,
            typography=self.typography.to_service() if self.typography else None,
            audience_id=audience,
            prefix=prefix,
        )


@strawberry.input(description="Brand fields: those given change; an empty string goes back to the default.")
class BrandFieldsInput:
    color: str | None = strawberry.field(default=None, description="Primary colour, hex (#1a73e8).")
    accent_color: str | None = None
    text_color: str | None = strawberry.field(default=None, description="Must reach 4.5:1 on backgroundColor.")
    background_color: str | None = None
    typography: Typography | None = None
    clear_typography: bool = False
    email_sender_name: str | None = strawberry.field(default=None, description="The name emails come from.")
    email_reply_to: str | None = None
    support_url: str | None = None
    footer_text: str | None = strawberry.field(default=None, description="At most 500 characters.")
    logo_base64: str | None = strawberry.field(default=None, description="PNG or SVG (sanitised), at most 512 KB.")
    logo_format: ImageFormat | None = None
    logo_light_base64: str | None = strawberry.field(default=None, description="The logo for light backgrounds.")
    logo_light_format: ImageFormat | None = None
    logo_dark_base64: str | None = strawberry.field(default=None, description="The logo for dark backgrounds.")
    logo_dark_format: ImageFormat | None = None
    remove_logo: bool = False
    remove_logo_light: bool = False
    remove_logo_dark: bool = False

    def to_changes(self) -> brands.BrandChanges:
        values: dict[str, str] = {}
        for name in ("color", "accent_color", "text_color", "background_color", "email_sender_name",
                     "email_reply_to", "support_url", "footer_text"):  # fmt: skip
            value = getattr(self, name)
            if value is not None:
                values[name] = value
        if self.clear_typography:
            values["typography"] = ""
        elif self.typography is not None:
            values["typography"] = self.typography.value
        checks = Checks()
        logos: dict[str, brands.LogoChange] = {}
        for variant, camel in (("logo", "logo"), ("logo_light", "logoLight"), ("logo_dark", "logoDark")):
            data, fmt = getattr(self, f"{variant}_base64"), getattr(self, f"{variant}_format")
            remove = getattr(self, f"remove_{variant}")
            if data is not None:
                if remove:
                    checks.errors.append(
                        ValidationError("Give a logo or remove it, not both.", f"remove{camel[0].upper()}{camel[1:]}")
                    )
                if fmt is None:
                    checks.errors.append(ValidationError(f"{camel}Format is required with a logo.", f"{camel}Format"))
                    continue
                raw = checks.run(partial(validation.base64_bytes, data, f"{camel}Base64", max_bytes=MAX_IMAGE_BYTES))
                if raw is not None:
                    kind = "image/png" if fmt is ImageFormat.PNG else "image/svg+xml"
                    logos[variant] = brands.LogoChange(raw, kind)
            elif remove:
                logos[variant] = brands.LogoChange(None)
        checks.done()
        return brands.BrandChanges(values=values, logos=logos)


@strawberry.input(description="An audience's overrides of the organisation's brand; an empty string drops one.")
class AudienceBrandingUpdateInput(BrandFieldsInput):
    audience_id: strawberry.ID
