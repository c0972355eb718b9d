"""Badge designs: a shape, colours, an icon and text, stored as data and drawn as SVG.

A design is what an issuer chose; the palette is what it is drawn with: the colours the design
fixes, and the brand's (the tenant's, or an audience's override) for the rest. A design that
leaves a colour or the typography to the brand *follows the brand*, and is drawn again when the
brand changes. Drawing needs nothing outside this package: text is outlined (``text``), icons are
built in (``icons``) or an uploaded SVG that was checked and sanitised here.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from enum import Enum
from html import escape
from typing import Any

from lxml import etree

from insignia.infra.errors import Checks, ValidationError
from insignia.platform.branding import colour, icons
from insignia.platform.branding.text import DEFAULT_TYPOGRAPHY, Face, Line, Typography, check_drawable, face, wrap
from insignia.platform.branding.text import ellipsize as _ellipsize
from insignia.platform.openbadges.images import SVG_NS, XLINK_NS, sanitise_svg

SIZE = 600
MAX_TITLE = 80
MAX_SUBTITLE = 120
MAX_LEVEL = 30
MAX_ICON_BYTES = 64 * 1024


class Shape(Enum):
    CIRCLE = "circle"
    SHIELD = "shield"
    HEXAGON = "hexagon"
    RIBBON = "ribbon"
    ROUNDED_SQUARE = "rounded_square"


@dataclass(frozen=True)
class Design:
    """What an issuer chose. Colours and typography left None come from the brand."""

    shape: Shape
    title: str
    subtitle: str | None = None
    level: str | None = None
    icon: str | None = None  # a built-in icon's name
    icon_svg: str | None = None  # an uploaded icon, sanitised
    primary: str | None = None
    accent: str | None = None
    text_color: str | None = None
    typography: Typography | None = None
    audience_id: uuid.UUID | None = None  # whose brand it follows (None: the tenant's)

    @property
    def follows_brand(self) -> bool:
        return self.primary is None or self.accent is None or self.typography is None

    def to_json(self) -> dict[str, Any]:
        return {
            "shape": self.shape.value,
            "title": self.title,
            "subtitle": self.subtitle,
            "level": self.level,
            "icon": self.icon,
            "iconSvg": self.icon_svg,
            "primary": self.primary,
            "accent": self.accent,
            "textColor": self.text_color,
            "typography": self.typography.value if self.typography else None,
            "audienceId": str(self.audience_id) if self.audience_id else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Design:
        return cls(
            shape=Shape(data["shape"]),
            title=data["title"],
            subtitle=data.get("subtitle"),
            level=data.get("level"),
            icon=data.get("icon"),
            icon_svg=data.get("iconSvg"),
            primary=data.get("primary"),
            accent=data.get("accent"),
            text_color=data.get("textColor"),
            typography=Typography(data["typography"]) if data.get("typography") else None,
            audience_id=uuid.UUID(data["audienceId"]) if data.get("audienceId") else None,
        )


@dataclass(frozen=True)
class Palette:
    """The colours and type a design is drawn with."""

    primary: str
    accent: str
    typography: Typography = DEFAULT_TYPOGRAPHY
    text: str | None = None  # None: white or ink, whichever reads better on the primary colour

    @property
    def ink(self) -> str:
        return self.text or readable_on_fill(self.primary)


def readable_on_fill(fill: str) -> str:
    """White or ink, whichever keeps the better contrast over the whole gradient of ``fill``."""
    light, dark = _gradient(fill)
    return max((colour.WHITE, colour.INK), key=lambda c: min(colour.contrast(c, light), colour.contrast(c, dark)))


def palette_for(design: Design, brand_primary: str, brand_accent: str, brand_typography: Typography) -> Palette:
    return Palette(
        primary=design.primary or brand_primary,
        accent=design.accent or brand_accent,
        typography=design.typography or brand_typography,
        text=design.text_color,
    )


# --- Input --------------------------------------------------------------------------------------

_DANGEROUS_TAGS = {"script", "foreignObject", "iframe", "object", "embed", "image", "a", "animate", "set", "handler"}
_URL_RE = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def check_icon_svg(data: bytes, field: str) -> str:
    """An uploaded icon: refused (with what is wrong) if it holds anything that could run or fetch
    something, rather than silently cleaned; then sanitised like every uploaded image."""
    if len(data) > MAX_ICON_BYTES:
        raise ValidationError(f"The icon is over {MAX_ICON_BYTES // 1024} KB.", field)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValidationError(f"The icon is not well-formed SVG: {exc}", field) from None
    if root.getroottree().docinfo.doctype:
        raise ValidationError("The icon must not have a DOCTYPE.", field)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValidationError("The icon is not an SVG image.", field)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in _DANGEROUS_TAGS:
            raise ValidationError(f"The icon contains <{name}>: icons may only draw (no scripts or links).", field)
        for attribute, value in element.attrib.items():
            qname = etree.QName(attribute)
            if qname.localname.lower().startswith("on"):
                raise ValidationError(f"The icon contains an event handler ({qname.localname}).", field)
            if (qname.localname == "href" and qname.namespace in (None, XLINK_NS) and not value.startswith("#")) or any(
                not target.startswith("#") for target in _URL_RE.findall(value)
            ):
                raise ValidationError(
                    "The icon refers to something outside itself; icons must be self-contained.", field
                )
            if "javascript:" in value.lower() or "@import" in value.lower():
                raise ValidationError("The icon contains a script.", field)
    return sanitise_svg(data, field).decode()


def _optional_text(value: str | None, field: str, limit: int, checks: Checks) -> str | None:
    if value is None or not value.strip():
        return None
    text = " ".join(value.split())
    if len(text) > limit:
        checks.errors.append(ValidationError(f"{field} must be at most {limit} characters.", field))
        return None
    return text


def make_design(
    *,
    shape: Shape,
    title: str,
    subtitle: str | None = None,
    level: str | None = None,
    icon: str | None = None,
    icon_svg: bytes | None = None,
    primary: str | None = None,
    accent: str | None = None,
    text_color: str | None = None,
    typography: Typography | None = None,
    audience_id: uuid.UUID | None = None,
    prefix: str = "",
) -> Design:
    """A design from input, every problem reported at once under ``prefix`` + the field's name."""
    checks = Checks()

    def at(name: str) -> str:
        return prefix + name

    clean_title = " ".join(title.split())
    if not clean_title:
        checks.errors.append(ValidationError("title must not be empty.", at("title")))
    elif len(clean_title) > MAX_TITLE:
        checks.errors.append(ValidationError(f"title must be at most {MAX_TITLE} characters.", at("title")))
    else:
        checks.run(lambda: check_drawable(clean_title, at("title")))
    clean_subtitle = _optional_text(subtitle, at("subtitle"), MAX_SUBTITLE, checks)
    if clean_subtitle:
        checks.run(lambda: check_drawable(clean_subtitle, at("subtitle")))
    clean_level = _optional_text(level, at("level"), MAX_LEVEL, checks)
    if clean_level:
        checks.run(lambda: check_drawable(clean_level, at("level")))
    if icon is not None and icon_svg is not None:
        checks.errors.append(ValidationError("Give a built-in icon or an SVG icon, not both.", at("iconSvgBase64")))
    if icon is not None and icon not in icons.ICONS:
        checks.errors.append(
            ValidationError(f"Unknown icon {icon[:40]!r}; the built-in icons are {', '.join(icons.NAMES)}.", at("icon"))
        )
    svg = checks.run(lambda: check_icon_svg(icon_svg, at("iconSvgBase64"))) if icon_svg is not None else None
    fill = checks.run(lambda: colour.hex_colour(primary, at("primaryColor"))) if primary else None
    second = checks.run(lambda: colour.hex_colour(accent, at("accentColor"))) if accent else None
    ink = checks.run(lambda: colour.hex_colour(text_color, at("textColor"))) if text_color else None
    if ink and fill:
        light, dark = _gradient(fill)
        worst = min((light, dark), key=lambda c: colour.contrast(ink, c))
        problem = colour.check_pair(ink, at("textColor"), worst, at("primaryColor"))
        if problem is not None:
            checks.errors.append(problem)
    checks.done()
    return Design(
        shape=shape, title=clean_title, subtitle=clean_subtitle, level=clean_level, icon=icon if svg is None else None,
        icon_svg=svg, primary=fill, accent=second, text_color=ink, typography=typography, audience_id=audience_id,
    )  # fmt: skip


def check_against_brand(design: Design, palette: Palette, prefix: str = "") -> None:
    """A fixed text colour must stay readable on a fill that comes from the brand, too."""
    if design.text_color is not None and design.primary is None:
        light, dark = _gradient(palette.primary)
        worst = min((light, dark), key=lambda c: colour.contrast(design.text_color or "", c))
        problem = colour.check_pair(design.text_color, f"{prefix}textColor", worst, "the brand's primary colour")
        if problem is not None:
            raise problem


# --- Geometry -----------------------------------------------------------------------------------

Point = tuple[float, float]


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 12) -> list[Point]:
    out = []
    for i in range(1, steps + 1):
        t = i / steps
        u = 1 - t
        out.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return out


def _scaled(points: list[Point], factor: float, centre: Point = (300, 300)) -> list[Point]:
    return [(centre[0] + (x - centre[0]) * factor, centre[1] + (y - centre[1]) * factor) for x, y in points]


def _circle(cx: float, cy: float, r: float, steps: int = 72) -> list[Point]:
    return [
        (cx + r * math.cos(2 * math.pi * i / steps), cy + r * math.sin(2 * math.pi * i / steps)) for i in range(steps)
    ]


def _hexagon(r: float) -> list[Point]:
    return [
        (300 + r * math.cos(math.radians(-90 + 60 * i)), 300 + r * math.sin(math.radians(-90 + 60 * i)))
        for i in range(6)
    ]


def _rounded_rect(inset: float, radius: float) -> list[Point]:
    lo, hi = inset, SIZE - inset
    points: list[Point] = []
    corners = (
        (hi - radius, lo + radius, -90),
        (hi - radius, hi - radius, 0),
        (lo + radius, hi - radius, 90),
        (lo + radius, lo + radius, 180),
    )
    for cx, cy, start in corners:
        points += [
            (cx + radius * math.cos(math.radians(start + a)), cy + radius * math.sin(math.radians(start + a)))
            for a in range(0, 91, 10)
        ]
    return points


_SHIELD_SEGMENTS: list[tuple[Point, Point, Point, Point]] = [
    ((300, 18), (380, 56), (468, 74), (552, 76)),
    ((552, 76), (552, 150), (552, 220), (552, 290)),
    ((552, 290), (552, 440), (448, 532), (300, 586)),
    ((300, 586), (152, 532), (48, 440), (48, 290)),
    ((48, 290), (48, 220), (48, 150), (48, 76)),
    ((48, 76), (132, 74), (220, 56), (300, 18)),
]


def _shield() -> list[Point]:
    points: list[Point] = [_SHIELD_SEGMENTS[0][0]]
    for segment in _SHIELD_SEGMENTS:
        points += _cubic(*segment)
    return points


def _path(points: list[Point]) -> str:
    return "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in points) + " Z"


def _span(polygon: list[Point], y: float) -> float:
    """The width of a convex polygon along the horizontal line at ``y`` (0 outside it)."""
    xs = []
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 <= y <= y2 or y2 <= y <= y1) and y1 != y2:
            xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return max(xs) - min(xs) if len(xs) >= 2 else 0.0


@dataclass(frozen=True)
class _Layout:
    outline: list[Point]  # the badge's edge
    region: list[Point]  # where text and icon may go
    top: float
    bottom: float
    bottom_with_level: float


def _layout(shape: Shape) -> _Layout:
    if shape is Shape.CIRCLE:
        return _Layout(_circle(300, 300, 290), _circle(300, 300, 232), 92, 508, 418)
    if shape is Shape.HEXAGON:
        return _Layout(_hexagon(292), _hexagon(236), 96, 504, 418)
    if shape is Shape.ROUNDED_SQUARE:
        return _Layout(_rounded_rect(12, 112), _rounded_rect(66, 70), 84, 516, 432)
    if shape is Shape.SHIELD:
        return _Layout(_shield(), _scaled(_shield(), 0.84, (300, 280)), 86, 452, 400)
    # RIBBON: a medallion on a banner with two tails
    return _Layout(_circle(300, 246, 226), _circle(300, 246, 176), 84, 392, 392)


# --- Drawing ------------------------------------------------------------------------------------


def _gradient(fill: str) -> tuple[str, str]:
    return colour.mix(fill, "#ffffff", 0.12), colour.mix(fill, "#000000", 0.12)


@dataclass
class _Block:
    kind: str  # "icon" | "title" | "subtitle"
    height: float
    lines: list[Line] = field(default_factory=list)
    size: float = 0.0


def _widths(region: list[Point], top: float, line_height: float, count: int, padding: float) -> list[float]:
    out = []
    for i in range(count):
        y0, y1 = top + i * line_height, top + (i + 1) * line_height
        out.append(max(0.0, min(_span(region, y) for y in (y0 + 4, (y0 + y1) / 2, y1 - 4)) - 2 * padding))
    return out


def _fit(design: Design, layout: _Layout, typeface: Face, regular: Face, has_icon: bool) -> tuple[list[_Block], float]:
    """The largest text that fits: title and subtitle wrapped to the shape, with the icon above;
    returns the blocks and the y where the first one starts."""
    bottom = layout.bottom_with_level if (design.level and design.shape is not Shape.RIBBON) else layout.bottom
    subtitle = design.subtitle if not (design.shape is Shape.RIBBON and not design.level) else None
    band = bottom - layout.top
    gap = 16.0
    # Whole words first, as large as they fit; words broken with a hyphen only when nothing else does.
    for size, hyphenate in [*((s, False) for s in range(78, 39, -2)), *((s, True) for s in range(78, 25, -2))]:
        icon = max(84.0, min(132.0, size * 1.9)) if has_icon else 0.0
        sub_size = max(24.0, min(34.0, size * 0.52))
        lh, slh = size * 1.14, sub_size * 1.25
        for title_lines in range(1, 5):
            for sub_lines in (1, 2) if subtitle else (0,):
                height = icon + (gap if icon else 0) + title_lines * lh + (gap + sub_lines * slh if sub_lines else 0)
                if height > band:
                    continue
                start = layout.top + (band - height) / 2
                title_top = start + icon + (gap if icon else 0)
                widths = _widths(layout.region, title_top, lh, title_lines, 18)
                lines = wrap(design.title, typeface, size, widths, hyphenate=hyphenate)
                if lines is None or len(lines) != title_lines:
                    continue
                blocks = [_Block("icon", icon)] if icon else []
                blocks.append(_Block("title", title_lines * lh, lines, size))
                if subtitle:
                    sub_top = title_top + title_lines * lh + gap
                    sub_widths = _widths(layout.region, sub_top, slh, sub_lines, 18)
                    sub = wrap(subtitle, regular, sub_size, sub_widths)
                    if sub is None or len(sub) != sub_lines:
                        if sub_lines == 1:
                            continue
                        sub = [
                            _ellipsize(subtitle, regular, sub_size, sub_widths[0]),
                        ]
                    blocks.append(_Block("subtitle", len(sub) * slh, sub, sub_size))
                return blocks, start
    # Nothing fits (a very long word in a small shape): the smallest size, cut with an ellipsis.
    size = 26
    lh = size * 1.14
    widths = _widths(layout.region, layout.top + 40, lh, 1, 18)
    line = _ellipsize(design.title, typeface, size, widths[0])
    return [_Block("title", lh, [line], size)], layout.top + (band - lh) / 2


def _text_path(lines: list[Line], typeface: Face, size: float, top: float, line_height: float, *, fill: str) -> str:
    cap = typeface.cap_height * size / typeface.units
    parts = []
    for i, line in enumerate(lines):
        baseline = top + i * line_height + (line_height + cap) / 2
        parts.append(typeface.path(line.text, size, (SIZE - line.width) / 2, baseline))
    return f'<path fill="{fill}" d="{" ".join(parts)}"/>'


def _custom_icon(svg: str, x: float, y: float, size: float) -> str:
    root = etree.fromstring(svg.encode())
    if "viewBox" not in root.attrib:
        width = re.match(r"[\d.]+", root.attrib.get("width", "24")) or None
        height = re.match(r"[\d.]+", root.attrib.get("height", "24")) or None
        root.attrib["viewBox"] = f"0 0 {width.group() if width else 24} {height.group() if height else 24}"
    root.attrib.update({"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{size:.1f}", "height": f"{size:.1f}"})
    if "preserveAspectRatio" not in root.attrib:
        root.set("preserveAspectRatio", "xMidYMid meet")
    markup = str(etree.tostring(root, encoding="unicode"))
    # Its ids must not meet the badge's own.
    for found in set(re.findall(r'\bid="([^"]+)"', markup)):
        markup = (
            markup.replace(f'id="{found}"', f'id="icon-{found}"')
            .replace(f"url(#{found})", f"url(#icon-{found})")
            .replace(f'href="#{found}"', f'href="#icon-{found}"')
        )
    return markup.replace(f' xmlns="{SVG_NS}"', "", 1)


def _banner(y: float, height: float, fill: str, fold: str, inset: float = 34) -> str:
    notch = height * 0.32
    left, right = inset, SIZE - inset
    tail = 46
    top, half = f"{y + 14:.1f}", f"{height / 2:.1f}"
    left_end = f"M{left - 6:.1f} {top} h{tail + 8} v{height:.1f} h-{tail + 8} l{notch:.1f} -{half} z"
    right_end = f"M{right + 6:.1f} {top} h-{tail + 8} v{height:.1f} h{tail + 8} l-{notch:.1f} -{half} z"
    return (
        f'<path fill="{fold}" d="{left_end}"/><path fill="{fold}" d="{right_end}"/>'
        f'<path fill="{colour.mix(fold, "#000000", 0.3)}" d="M{left + tail + 2:.1f} {y + height:.1f} l0 14 l-12 -14 z'
        f'M{right - tail - 2:.1f} {y + height:.1f} l0 14 l12 -14 z"/>'
        f'<rect x="{left + tail:.1f}" y="{y:.1f}" width="{right - left - 2 * tail:.1f}" height="{height:.1f}" '
        f'rx="4" fill="{fill}"/>'
    )


STATUS_COLOURS = {"expired": "#8b949e", "suspended": "#7d8590", "revoked": "#6e7681"}


def render_svg(design: Design, palette: Palette, status: str = "active", *, standalone: bool = True) -> str:
    """The design as an SVG document (600 x 600). Awards that are no longer valid are drawn grey,
    with their status across the badge, so a pasted image tells the truth."""
    active = status == "active"
    fill = palette.primary if active else STATUS_COLOURS.get(status, "#8b949e")
    accent = palette.accent if active else colour.mix(fill, "#000000", 0.25)
    ink = palette.ink if active else colour.WHITE
    light, dark = _gradient(fill)
    rim = colour.mix(fill, "#000000", 0.28)
    typography = palette.typography
    bold, regular = face(typography, True), face(typography, False)
    layout = _layout(design.shape)
    has_icon = bool(design.icon or design.icon_svg)
    blocks, y = _fit(design, layout, bold, regular, has_icon)
    parts: list[str] = [
        "<defs>"
        f'<linearGradient id="ins-fill" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{light}"/>'
        f'<stop offset="1" stop-color="{dark}"/></linearGradient>'
        f'<linearGradient id="ins-shine" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#ffffff" '
        'stop-opacity=".22"/><stop offset=".55" stop-color="#ffffff" stop-opacity="0"/></linearGradient>'
        + ("" if active else '<filter id="ins-grey"><feColorMatrix type="saturate" values="0"/></filter>')
        + "</defs>"
    ]
    if design.shape is Shape.RIBBON:
        tails = colour.mix(accent, "#000000", 0.15)
        parts.append(
            f'<path fill="{tails}" d="M214 380 L164 586 L206 560 L236 592 L270 396 Z"/>'
            f'<path fill="{tails}" d="M386 380 L436 586 L394 560 L364 592 L330 396 Z"/>'
        )
    outline = layout.outline
    parts.append(f'<path d="{_path(outline)}" fill="{rim}"/>')
    inner = _scaled(outline, 0.93, (300, 246) if design.shape is Shape.RIBBON else (300, 300))
    if design.shape is Shape.SHIELD:
        inner = _scaled(outline, 0.93, (300, 292))
    parts.append(f'<path d="{_path(inner)}" fill="url(#ins-fill)"/>')
    ring = _scaled(
        outline,
        0.865,
        (300, 246) if design.shape is Shape.RIBBON else (300, 300 if design.shape is not Shape.SHIELD else 292),
    )
    parts.append(f'<path d="{_path(ring)}" fill="none" stroke="{accent}" stroke-width="7" stroke-linejoin="round"/>')
    parts.append(f'<path d="{_path(inner)}" fill="url(#ins-shine)"/>')
    for block in blocks:
        if block.kind == "icon":
            size = block.height
            if design.icon_svg:
                drawn = _custom_icon(design.icon_svg, (SIZE - size) / 2, y, size)
                # An award that no longer stands shows its own icon greyed out too.
                parts.append(drawn if active else f'<g opacity=".55" filter="url(#ins-grey)">{drawn}</g>')
            elif design.icon:
                parts.append(icons.icon_markup(design.icon, ink, (SIZE - size) / 2, y, size))
            y += size + 16
        elif block.kind == "title":
            parts.append(_text_path(block.lines, bold, block.size, y, block.size * 1.14, fill=ink))
            y += block.height + 16
        else:
            sub = _text_path(block.lines, regular, block.size, y, block.size * 1.25, fill=ink)
            parts.append(sub.replace("<path ", '<path opacity=".9" ', 1))
            y += block.height + 16
    banner_text = design.level if design.shape is not Shape.RIBBON else (design.level or design.subtitle)
    if design.shape is Shape.RIBBON:
        parts.append(_banner(396, 78, accent, colour.mix(accent, "#000000", 0.2)))
        if banner_text:
            parts.append(
                _banner_text(banner_text, regular if not design.level else bold, accent, y=396, height=78, width=400)
            )
    elif design.level:
        parts.append(_level_pill(design.level, bold, accent, layout))
    if not active:
        parts.append(_status_band(status, bold))
    label = " — ".join(t for t in (design.title, design.subtitle, design.level) if t)
    if not active:
        label += f" — {_STATUS_WORDS.get(status, status.upper())}"
    head = (
        f'<svg xmlns="{SVG_NS}" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-label="{escape(label)}">'
        if standalone
        else f'<svg width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">'
    )
    return f"{head}<title>{escape(label)}</title>{''.join(parts)}</svg>"


def _banner_text(text: str, typeface: Face, background: str, *, y: float, height: float, width: float) -> str:
    ink = colour.readable_on(background)
    size = 34.0
    value = text.upper() if len(text) <= 24 else text
    while size > 18 and typeface.width(value, size) > width:
        size -= 2
    line = _ellipsize(value, typeface, size, width)
    return _text_path([line], typeface, size, y, height, fill=ink)


def _level_pill(text: str, typeface: Face, background: str, layout: _Layout) -> str:
    value = text.upper()
    size = 28.0
    room = _span(layout.region, layout.bottom_with_level + 48) - 40
    while size > 18 and typeface.width(value, size) + 56 > room:
        size -= 2
    line = _ellipsize(value, typeface, size, room - 56)
    width = line.width + 56
    height = size * 1.9
    top = layout.bottom_with_level + 14
    ink = colour.readable_on(background)
    rim = colour.mix(background, "#000000", 0.25)
    return (
        f'<rect x="{(SIZE - width) / 2:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'rx="{height / 2:.1f}" fill="{background}" stroke="{rim}" stroke-width="3"/>'
        + _text_path([line], typeface, size, top, height, fill=ink)
    )


_STATUS_WORDS = {"expired": "EXPIRED", "suspended": "SUSPENDED", "revoked": "REVOKED"}


def _status_band(status: str, typeface: Face) -> str:
    word = _STATUS_WORDS.get(status, status.upper())
    size = 46.0
    width = typeface.width(word, size) + 70
    return (
        f'<g transform="rotate(-18 300 300)"><rect x="{(SIZE - width) / 2:.1f}" y="262" width="{width:.1f}" '
        'height="76" rx="10" fill="#b62324" stroke="#ffffff" stroke-width="5"/>'
        + _text_path([Line(word, typeface.width(word, size))], typeface, size, 262, 76, fill=colour.WHITE)
        + "</g>"
    )
