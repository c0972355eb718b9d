"""Colours: ``#rrggbb`` values, mixing, and the WCAG 2 contrast ratio."""

from __future__ import annotations

import re

from insignia.infra.errors import ValidationError

HEX_RE = re.compile(r"^#[0-9a-f]{6}$")
AA = 4.5  # WCAG AA for normal text
WHITE, INK = "#ffffff", "#1f2933"


def hex_colour(value: str, field: str) -> str:
    """A colour as ``#rrggbb`` (lower case; ``#abc`` is expanded)."""
    text = value.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(c * 2 for c in text[1:])
    if not HEX_RE.match(text):
        raise ValidationError(f"{field} must be a hex colour such as #1a73e8.", field)
    return text


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def mix(colour: str, other: str, weight: float) -> str:
    """``colour`` moved ``weight`` (0..1) of the way towards ``other``."""
    mixed = (round(a + (b - a) * weight) for a, b in zip(rgb(colour), rgb(other), strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def luminance(colour: str) -> float:
    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_on(background: str) -> str:
    """White or ink, whichever reads better on ``background`` (one of them always reaches 4.5:1)."""
    return WHITE if contrast(WHITE, background) >= contrast(INK, background) else INK


def check_pair(text: str, text_field: str, background: str, background_field: str) -> ValidationError | None:
    """The error for a text colour that does not reach WCAG AA (4.5:1) on its background."""
    ratio = contrast(text, background)
    if ratio + 1e-9 >= AA:
        return None
    return ValidationError(
        f"{text_field} {text} on {background_field} {background} has a contrast of {ratio:.2f}:1; "
        f"WCAG AA needs at least {AA}:1.",
        text_field,
    )


def ink_on(colour: str, backgrounds: tuple[str, ...]) -> str:
    """``colour`` darkened until text in it reaches AA on every one of ``backgrounds``."""
    ink = colour
    while min(contrast(ink, bg) for bg in backgrounds) < AA + 0.1 and ink != "#000000":
        ink = mix(ink, "#000000", 0.08)
    return ink
