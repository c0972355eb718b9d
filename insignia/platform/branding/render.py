"""Badge images as PNG: resvg (the Rust SVG renderer, through the ``resvg`` binding), chosen by
measurement over CairoSVG and the ``resvg-py`` binding (``bench/badges.py``: as close to
Chromium's rendering as either, about twice as fast as CairoSVG and four times as fast as
``resvg-py``, and a self-contained wheel where CairoSVG needs the system's libcairo). Designs
carry no text and no external reference, so no font or file is ever loaded.

Sizes: the badge at 600 x 600, and the Open Graph card (1200 x 630) that shared links unfurl to.
"""

from __future__ import annotations

import threading
from html import escape

import resvg

from insignia.platform.branding import colour
from insignia.platform.branding.design import Design, Palette, render_svg
from insignia.platform.branding.text import face
from insignia.platform.openbadges.images import SVG_NS

BADGE_SIZE = 600
OG_WIDTH, OG_HEIGHT = 1200, 630


_IDENTITY = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
# resvg's options may not cross threads (the binding refuses them): one set per thread, with no
# fonts loaded, since designs are outlines.
_local = threading.local()


def png(svg: str) -> bytes:
    """``svg`` rasterised at its own size (600 x 600 for a badge, 1200 x 630 for a card)."""
    options = getattr(_local, "options", None)
    if options is None:
        options = _local.options = resvg.usvg.Options.default()
    return bytes(resvg.render(resvg.usvg.Tree.from_str(svg, options), _IDENTITY))


def badge_png(design: Design, palette: Palette, status: str = "active") -> bytes:
    return png(render_svg(design, palette, status))


def og_svg(design: Design, palette: Palette, issuer: str, caption: str, status: str = "active") -> str:
    """The Open Graph card: the badge on a soft tint of the brand, its title, who issued it."""
    background = colour.mix(palette.primary, "#ffffff", 0.9)
    deep = colour.ink_on(palette.primary, (background,))
    bold, regular = face(palette.typography, True), face(palette.typography, False)
    from insignia.platform.branding.text import ellipsize, wrap

    size = 60.0
    lines = None
    while size >= 34:
        lines = wrap(design.title, bold, size, [560.0, 560.0, 560.0])
        if lines is not None:
            break
        size -= 4
    if lines is None:
        lines = [ellipsize(design.title, bold, size, 560)]
    line_height = size * 1.15
    block = len(lines) * line_height + 110
    top = (OG_HEIGHT - block) / 2
    title = []
    cap = bold.cap_height * size / bold.units
    for i, line in enumerate(lines):
        baseline = top + i * line_height + (line_height + cap) / 2
        title.append(bold.path(line.text, size, 600, baseline))
    issuer_line = ellipsize(issuer, regular, 30, 560)
    caption_line = ellipsize(caption, bold, 22, 560)
    text_top = top + len(lines) * line_height
    badge = render_svg(design, palette, status, standalone=False).replace("<svg ", '<svg x="70" y="65" ', 1)
    badge = badge.replace('width="600" height="600"', 'width="500" height="500"', 1)
    return (
        f'<svg xmlns="{SVG_NS}" width="{OG_WIDTH}" height="{OG_HEIGHT}" viewBox="0 0 {OG_WIDTH} {OG_HEIGHT}" '
        f'role="img" aria-label="{escape(design.title)} — {escape(issuer)}">'
        f'<rect width="{OG_WIDTH}" height="{OG_HEIGHT}" fill="{background}"/>'
        f'<rect y="{OG_HEIGHT - 14}" width="{OG_WIDTH}" height="14" fill="{palette.primary}"/>'
        f"{badge}"
        f'<path fill="{colour.INK}" d="{" ".join(title)}"/>'
        f'<path fill="#3e4c59" d="{regular.path(issuer_line.text, 30, 600, text_top + 48)}"/>'
        f'<path fill="{deep}" d="{bold.path(caption_line.text.upper(), 22, 600, text_top + 92)}"/>'
        "</svg>"
    )


def og_png(design: Design, palette: Palette, issuer: str, caption: str, status: str = "active") -> bytes:
    return png(og_svg(design, palette, issuer, caption, status))
