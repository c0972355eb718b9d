"""Badge class image uploads: PNG or SVG only, size-limited, SVGs sanitised.

A sanitised SVG keeps only drawing elements and presentation attributes: no scripts, no event
handlers, no foreignObject, no external references (only ``#fragment`` links and ``url(#id)``),
no DOCTYPE (so no entity tricks). Nothing is ever fetched.
"""

from __future__ import annotations

import re

from lxml import etree

from insignia.infra.errors import ValidationError
from insignia.platform.openbadges import baking

MAX_BYTES = 512 * 1024
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ALLOWED_TAGS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "defs", "linearGradient", "radialGradient", "stop", "title", "desc", "clipPath", "mask", "use",
    "symbol", "pattern", "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feMerge",
    "feMergeNode", "feFlood", "feComposite",
}  # fmt: skip
_URL_RE = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def _safe_value(value: str) -> bool:
    lowered = value.strip().lower()
    if "javascript:" in lowered or "expression(" in lowered or "@import" in lowered:
        return False
    return all(target.startswith("#") for target in _URL_RE.findall(value))


def sanitise_svg(data: bytes, field: str = "image") -> bytes:
    """The SVG with everything that could run code or fetch something removed."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValidationError(f"The SVG is not well-formed XML: {exc}", field) from None
    if root.getroottree().docinfo.doctype:
        raise ValidationError("SVG images must not have a DOCTYPE.", field)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValidationError("The file is not an SVG image.", field)
    for element in list(root.iter()):
        if element is root:
            continue
        tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if not isinstance(element.tag, str) or etree.QName(element).namespace != SVG_NS or tag not in ALLOWED_TAGS:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
    for element in root.iter():
        for name in list(element.attrib):
            qname = etree.QName(name)
            local, value = qname.localname, element.attrib[name]
            href = local == "href" and qname.namespace in (None, XLINK_NS)
            if (
                local.lower().startswith("on")
                or (qname.namespace not in (None, XLINK_NS))
                or (href and not value.startswith("#"))
                or not _safe_value(value)
            ):
                del element.attrib[name]
    etree.cleanup_namespaces(root)
    return str(etree.tostring(root, encoding="unicode")).encode()


def validate_image(data: bytes, content_type: str, field: str = "image") -> tuple[bytes, str]:
    """An upload checked (and for SVG, sanitised); returns the bytes to store and their type. Errors
    name ``field``: the input as the client sent it (``logoBase64``, ``imageBase64``)."""
    if not data:
        raise ValidationError("The image is empty.", field)
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The image is over {MAX_BYTES // 1024} KB.", field)
    if content_type == "image/png":
        try:
            chunks = baking.chunks(data)
        except (ValueError, IndexError):
            raise ValidationError("The file is not a PNG image.", field) from None
        if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
            raise ValidationError("The file is not a complete PNG image.", field)
        # Drop any earlier bake: a badge class image carries no assertion.
        kept = [
            (k, d)
            for k, d in chunks
            if not (k == b"iTXt" and d.split(b"\x00", 1)[0] in (b"openbadges", b"openbadgecredential"))
        ]
        return baking.assemble(kept), content_type
    if content_type == "image/svg+xml":
        return sanitise_svg(data, field), content_type
    raise ValidationError("Badge images must be PNG or SVG.", field)
