"""Build the badge designer's fonts (insignia/platform/branding/fonts/) from the upstream variable fonts.

Usage: python tools/subset_fonts.py DIR_WITH_UPSTREAM_TTFS

Each family is instanced at weight 400 and 700 (width 100) and subset to Latin (with Latin-1,
Extended-A/B and Additional), Greek and Cyrillic plus common punctuation, keeping the layout
tables harfbuzz shapes with (kerning, ligatures). The upstream fonts are SIL OFL 1.1: the
licences are copied next to the subsets. Run once; the output is checked in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

FAMILIES = {
    "OpenSans": "OpenSans[wdth,wght].ttf",
    "SourceSans3": "SourceSans3[wght].ttf",
    "IBMPlexSans": "IBMPlexSans[wdth,wght].ttf",
}
UNICODES = [
    *range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x370, 0x400), *range(0x400, 0x530),
    *range(0x1E00, 0x1F00), *range(0x1F00, 0x2000), *range(0x2000, 0x2070), 0x20AC, 0x2116, 0x2122,
]  # fmt: skip
OUT = Path(__file__).resolve().parent.parent / "insignia" / "platform" / "branding" / "fonts"


def main(source: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for family, upstream in FAMILIES.items():
        path = next(p for p in source.rglob("*.ttf") if p.name == upstream)
        for weight, style in ((400, "Regular"), (700, "Bold")):
            font = TTFont(path)
            axes = {"wght": weight}
            if any(a.axisTag == "wdth" for a in font["fvar"].axes):
                axes["wdth"] = 100
            static = instancer.instantiateVariableFont(font, axes, updateFontNames=False)
            options = subset.Options()
            options.layout_features = ["kern", "liga", "calt", "ccmp", "locl", "mark", "mkmk"]
            options.name_IDs = ["*"]
            options.notdef_outline = True
            options.hinting = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=UNICODES)
            subsetter.subset(static)
            static.save(OUT / f"{family}-{style}.ttf")
        licence = next(path.parent.parent.glob("LICENSE"), None)
        if licence is not None:
            (OUT / f"{family}-OFL.txt").write_bytes(licence.read_bytes())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
