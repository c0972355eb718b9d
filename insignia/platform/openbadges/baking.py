"""Badge images and baking (Open Badges 2.0): an SVG or PNG with the assertion inside.

OB 2.0 PNG: one uncompressed ``iTXt`` chunk, keyword ``openbadges``, before ``IEND`` (any existing
one is replaced); SVG: the ``openbadges`` namespace and one ``<openbadges:assertion verify="...">``.
OB 3.0 differs: PNG keyword ``openbadgecredential``; SVG namespace ``https://purl.imsglobal.org/ob/v3p0``
with ``<openbadges:credential>``; both carry the signed credential itself.
Images are drawn here (no external fetch at run time); expired, suspended and revoked awards are
drawn grey with their status, so a pasted image shows the truth.
"""

from __future__ import annotations

import json
import struct
import zlib
from html import escape
from typing import Any

OB2_NS = "http://openbadges.org"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STATUS_COLOURS = {"active": "#1f6feb", "expired": "#8b949e", "suspended": "#7d8590", "revoked": "#6e7681"}


def badge_svg(name: str, status: str = "active", colour: str | None = None) -> str:
    """A round badge with the name; grey with a banner when expired, suspended or revoked."""
    fill = colour if status == "active" and colour else STATUS_COLOURS.get(status, STATUS_COLOURS["active"])
    words = name.split()
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(word) < 14:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = lines[:3]
    text = "".join(
        f'<text x="128" y="{128 + (i - (len(lines) - 1) / 2) * 24:.0f}" font-size="20" text-anchor="middle" '
        f'fill="#ffffff" font-family="sans-serif">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    banner = ""
    if status != "active":
        banner = (
            '<rect x="28" y="196" width="200" height="32" rx="6" fill="#b62324"/>'
            f'<text x="128" y="218" font-size="18" text-anchor="middle" fill="#ffffff" '
            f'font-family="sans-serif">{status.upper()}</text>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        f'<circle cx="128" cy="128" r="120" fill="{fill}"/>'
        '<circle cx="128" cy="128" r="104" fill="none" stroke="#ffffff" stroke-width="4"/>'
        f"{text}{banner}</svg>"
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def badge_png(status: str = "active", size: int = 128) -> bytes:
    """A plain PNG badge (a filled disc), grey when expired, suspended or revoked."""
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["active"]).lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    centre, radius = (size - 1) / 2, size / 2 - 2
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            inside = (x - centre) ** 2 + (y - centre) ** 2 <= radius**2
            rows.extend((r, g, b, 255) if inside else (0, 0, 0, 0))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b"")
    )


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The PNG's chunks (type, data), checking signature, lengths and CRCs."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    out, pos = [], len(PNG_SIGNATURE)
    while pos < len(png):
        if pos + 12 > len(png):
            raise ValueError("truncated PNG")
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if len(data) != length or struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])[0] != (
            zlib.crc32(kind + data) & 0xFFFFFFFF
        ):
            raise ValueError("corrupt PNG chunk")
        out.append((kind, data))
        pos += 12 + length
    return out


def assemble(parts: list[tuple[bytes, bytes]]) -> bytes:
    return PNG_SIGNATURE + b"".join(_chunk(kind, data) for kind, data in parts)


def bake_png(png: bytes, payload: str, keyword: str = "openbadges") -> bytes:
    """The PNG with ``payload`` (a URL or JSON) in one uncompressed iTXt chunk named ``keyword``."""
    itxt = keyword.encode("latin-1") + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + payload.encode()
    out = bytearray(PNG_SIGNATURE)
    for kind, data in chunks(png):
        if kind == b"iTXt" and data.split(b"\x00", 1)[0] == keyword.encode("latin-1"):
            continue  # one chunk per keyword: replace an earlier bake
        if kind == b"IEND":
            out += _chunk(b"iTXt", itxt)
        out += _chunk(kind, data)
    return bytes(out)


def unbake_png(png: bytes, keyword: str = "openbadges") -> str | None:
    for kind, data in chunks(png):
        if kind == b"iTXt":
            key, rest = data.split(b"\x00", 1)
            if key == keyword.encode("latin-1"):
                # compression flag, method, language tag \0, translated keyword \0, text
                _flag, _method = rest[0], rest[1]
                _lang, _, rest = rest[2:].partition(b"\x00")
                _translated, _, text = rest.partition(b"\x00")
                return text.decode()
    return None


def bake_svg(svg: str, assertion: dict[str, Any], verify_url: str) -> str:
    """The SVG with the OB 2.0 namespace and one ``openbadges:assertion`` element."""
    head, sep, rest = svg.partition(">")
    if not sep or not head.startswith("<svg"):
        raise ValueError("not an SVG document")
    if "xmlns:openbadges" not in head:
        head += f' xmlns:openbadges="{OB2_NS}"'
    body = json.dumps(assertion).replace("]]>", "]]]]><![CDATA[>")
    element = f'<openbadges:assertion verify="{escape(verify_url)}"><![CDATA[{body}]]></openbadges:assertion>'
    return f"{head}>{element}{rest}"


def bake_svg_credential(svg: str, credential: dict[str, Any]) -> str:
    """The SVG with the OB 3.0 namespace and one ``openbadges:credential`` holding the signed JSON."""
    head, sep, rest = svg.partition(">")
    if not sep or not head.startswith("<svg"):
        raise ValueError("not an SVG document")
    head += f' xmlns:openbadges="{OB3_NS}"'
    body = json.dumps(credential).replace("]]>", "]]]]><![CDATA[>")
    return f"{head}><openbadges:credential><![CDATA[{body}]]></openbadges:credential>{rest}"
