"""Text for badge images, drawn as outlines: shaped by HarfBuzz, measured, wrapped and fitted.

Badge images are drawn with the fonts shipped in ``fonts/`` (Open Sans, Source Sans 3 and IBM
Plex Sans, each regular and bold, SIL Open Font License 1.1; subset to Latin, Greek and Cyrillic
by ``tools/subset_fonts.py``). Text becomes SVG paths, so a badge looks the same in every
browser, mail client and PNG renderer, needs no font at display time and references nothing.
Characters the fonts cannot draw (Chinese, Japanese, Korean, Arabic, ...) are refused when a
design is saved, with the characters named, rather than drawn as empty boxes.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources

import uharfbuzz as hb
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

from insignia.infra.errors import ValidationError


class Typography(Enum):
    """The safe list of type families (badge images, pages and emails)."""

    OPEN_SANS = "open_sans"
    SOURCE_SANS_3 = "source_sans_3"
    IBM_PLEX_SANS = "ibm_plex_sans"


_FILES = {
    Typography.OPEN_SANS: "OpenSans",
    Typography.SOURCE_SANS_3: "SourceSans3",
    Typography.IBM_PLEX_SANS: "IBMPlexSans",
}
# What pages and emails ask the reader's system for (they do not download fonts).
CSS_STACKS = {
    Typography.OPEN_SANS: '"Open Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    Typography.SOURCE_SANS_3: '"Source Sans 3", "Source Sans Pro", "Segoe UI", Roboto, Arial, sans-serif',
    Typography.IBM_PLEX_SANS: '"IBM Plex Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
}
DEFAULT_TYPOGRAPHY = Typography.OPEN_SANS
SCRIPTS = "Latin, Greek and Cyrillic"


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class Face:
    """One font file: HarfBuzz for shaping, fontTools for outlines (cached per glyph)."""

    def __init__(self, data: bytes) -> None:
        self.font = TTFont(io.BytesIO(data), lazy=False)
        self.units = int(self.font["head"].unitsPerEm)
        self.cmap: dict[int, str] = self.font.getBestCmap()
        self.order: list[str] = self.font.getGlyphOrder()
        self.glyphs = self.font.getGlyphSet()
        os2 = self.font["OS/2"]
        self.cap_height = int(getattr(os2, "sCapHeight", 0) or self.units * 0.7)
        self.hb_font = hb.Font(hb.Face(hb.Blob(data)))
        self._lock = threading.Lock()  # fontTools' lazy tables are not thread-safe

    def shape(self, text: str) -> list[tuple[int, float, float, float]]:
        """(glyph id, x advance, x offset, y offset) in font units."""
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(self.hb_font, buffer, {"kern": True, "liga": True})
        return [
            (info.codepoint, pos.x_advance, pos.x_offset, pos.y_offset)
            for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
        ]

    def width(self, text: str, size: float) -> float:
        return sum(advance for _g, advance, _x, _y in self.shape(text)) * size / self.units

    def path(self, text: str, size: float, x: float, baseline: float) -> str:
        """SVG path data of ``text`` with its left edge at ``x`` and its baseline at ``baseline``."""
        scale = size / self.units
        pen = SVGPathPen(self.glyphs, ntos=_fmt)
        cursor = 0.0
        with self._lock:
            for glyph, advance, dx, dy in self.shape(text):
                name = self.order[glyph]
                transform = (scale, 0, 0, -scale, x + (cursor + dx) * scale, baseline - dy * scale)
                self.glyphs[name].draw(TransformPen(pen, transform))
                cursor += advance
        return str(pen.getCommands())


def font_file(typography: Typography, bold: bool) -> str:
    """The file name of a shipped font (``OpenSans-Bold.ttf``)."""
    return f"{_FILES[typography]}-{'Bold' if bold else 'Regular'}.ttf"


@cache
def font_data(name: str) -> bytes | None:
    """A shipped font's bytes by file name (pages load them too), None for any other name."""
    if name not in {font_file(t, b) for t in Typography for b in (False, True)}:
        return None
    return (resources.files("insignia.platform.branding") / "fonts" / name).read_bytes()


@cache
def face(typography: Typography, bold: bool) -> Face:
    data = font_data(font_file(typography, bold))
    assert data is not None
    return Face(data)


def unsupported(text: str, typography: Typography = DEFAULT_TYPOGRAPHY) -> list[str]:
    """The characters of ``text`` that the badge fonts cannot draw (in order, once each)."""
    cmap = face(typography, True).cmap
    missing: dict[str, None] = {}
    for char in text:
        if not char.isspace() and ord(char) not in cmap and unicodedata.category(char) not in ("Mn", "Cf"):
            missing[char] = None
    return list(missing)


def check_drawable(text: str, field: str, typography: Typography = DEFAULT_TYPOGRAPHY) -> None:
    missing = unsupported(text, typography)
    if missing:
        shown = "".join(missing[:10])
        raise ValidationError(
            f"{field} has characters the badge fonts cannot draw ({shown}): badge images support {SCRIPTS}. "
            "Upload an image for other scripts.",
            field,
        )


@dataclass(frozen=True)
class Line:
    text: str
    width: float


def wrap(text: str, typeface: Face, size: float, widths: list[float], *, hyphenate: bool = True) -> list[Line] | None:
    """``text`` broken into lines that fit ``widths`` (the room on each line, in order), breaking
    between words and, for a word longer than a line, inside it with a hyphen. None if it needs
    more lines than there are widths."""
    words = text.split()
    lines: list[Line] = []
    current = ""
    index = 0

    def room() -> float:
        return widths[index] if index < len(widths) else 0.0

    queue = list(words)
    while queue:
        word = queue.pop(0)
        candidate = f"{current} {word}" if current else word
        width = typeface.width(candidate, size)
        if width <= room():
            current = candidate
            continue
        if current:
            lines.append(Line(current, typeface.width(current, size)))
            index += 1
            current = ""
            queue.insert(0, word)
            if index >= len(widths):
                return None
            continue
        # A single word wider than the line: break it where it still fits, with a hyphen.
        if not hyphenate:
            return None
        cut = len(word) - 1
        while cut > 1 and typeface.width(word[:cut] + "-", size) > room():
            cut -= 1
        if cut <= 1 or index >= len(widths):
            return None
        lines.append(Line(word[:cut] + "-", typeface.width(word[:cut] + "-", size)))
        index += 1
        queue.insert(0, word[cut:])
        if index >= len(widths):
            return None
    if current:
        if index >= len(widths):
            return None
        lines.append(Line(current, typeface.width(current, size)))
    return lines


def ellipsize(text: str, typeface: Face, size: float, width: float) -> Line:
    """One line of ``text``, cut with an ellipsis if it is too wide."""
    if typeface.width(text, size) <= width:
        return Line(text, typeface.width(text, size))
    words = text
    while len(words) > 1 and typeface.width(words.rstrip() + "…", size) > width:
        words = words[:-1]
    shown = words.rstrip() + "…"
    return Line(shown, typeface.width(shown, size))
