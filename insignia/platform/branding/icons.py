"""The designer's built-in icons: line drawings on a 24 x 24 grid (stroke 1.8, round joins), drawn
for Insignia. Each is SVG markup without colours: the design gives them ``stroke`` (and ``fill``
where an icon has solid parts, marked ``data-solid``)."""

from __future__ import annotations

ICONS: dict[str, str] = {
    "star": '<path d="M12 2.8l2.8 5.8 6.3.9-4.6 4.4 1.1 6.3L12 17.2l-5.6 3 1.1-6.3L2.9 9.5l6.3-.9z"/>',
    "shield-check": '<path d="M12 2.5l7.5 2.8v6.1c0 4.7-3.1 8.6-7.5 10.1-4.4-1.5-7.5-5.4-7.5-10.1V5.3z"/>'
    '<path d="M8.4 12.2l2.5 2.5 4.9-5"/>',
    "trophy": '<path d="M7.5 3.5h9v6a4.5 4.5 0 0 1-9 0z"/><path d="M7.5 5.5H4.2v1.8a3.3 3.3 0 0 0 3.6 3.3"/>'
    '<path d="M16.5 5.5h3.3v1.8a3.3 3.3 0 0 1-3.6 3.3"/><path d="M12 14v3.5"/><path d="M8.5 20.5h7l-.8-3h-5.4z"/>',
    "rocket": '<path d="M12.5 15.5l-4-4c1.6-4.8 5.2-8 11-8.5-.5 5.8-3.7 9.4-8.5 11z"/>'
    '<path d="M8.5 11.5L5 11l2.5-3.2 4.2-.3"/><path d="M12.5 15.5l.5 3.5 3.2-2.5.3-4.2"/>'
    '<path d="M6.5 17.5c-1.4.6-2.2 1.8-2.5 3.5 1.7-.3 2.9-1.1 3.5-2.5"/><circle cx="15" cy="9" r="1.6"/>',
    "lightbulb": '<path d="M9 17.5h6"/><path d="M10 20.5h4"/>'
    '<path d="M12 2.8a6.2 6.2 0 0 0-3.6 11.3c.5.4.8 1 .8 1.7v1.7h5.6v-1.7c0-.7.3-1.3.8-1.7A6.2 6.2 0 0 0 12 2.8z"/>',
    "book": '<path d="M12 6.2c-2-1.6-4.8-2.2-8.5-1.9v14c3.7-.3 6.5.3 8.5 1.9 2-1.6 4.8-2.2 8.5-1.9v-14'
    'c-3.7-.3-6.5.3-8.5 1.9z"/><path d="M12 6.2v14"/>',
    "graduation-cap": '<path d="M2.5 9L12 4.5 21.5 9 12 13.5z"/><path d="M6.5 11v5c1.6 1.6 3.4 2.4 5.5 2.4'
    's3.9-.8 5.5-2.4v-5"/><path d="M21.5 9v5.5"/>',
    "code": '<path d="M8.5 7.5L4 12l4.5 4.5"/><path d="M15.5 7.5L20 12l-4.5 4.5"/><path d="M13.5 5l-3 14"/>',
    "chart": '<path d="M3.5 20.5h17"/><path d="M6.5 20.5v-6"/><path d="M11 20.5V9.5"/><path d="M15.5 20.5v-8"/>'
    '<path d="M20 20.5V5"/>',
    "heart": '<path d="M12 20s-7.8-4.6-8.8-9.6C2.5 6.9 4.8 4.2 7.7 4.2c1.9 0 3.3 1 4.3 2.6 1-1.6 2.4-2.6 4.3-2.6 '
    '2.9 0 5.2 2.7 4.5 6.2C19.8 15.4 12 20 12 20z"/>',
    "leaf": '<path d="M5 19c-.5-7.5 4.5-13.5 15-14-.2 10.2-6 15.4-13.6 14.6"/><path d="M5 19c3-4.5 6.2-7.6 10-9.6"/>',
    "globe": '<circle cx="12" cy="12" r="8.5"/><path d="M3.5 12h17"/>'
    '<path d="M12 3.5c2.3 2.4 3.4 5.2 3.4 8.5S14.3 18.1 12 20.5c-2.3-2.4-3.4-5.2-3.4-8.5S9.7 5.9 12 3.5z"/>',
    "target": '<circle cx="12" cy="12" r="8.5"/><circle cx="12" cy="12" r="5"/>'
    '<circle cx="12" cy="12" r="1.5" data-solid="true"/>',
    "bolt": '<path d="M13.5 2.5L5 13.5h6l-1 8 8.5-11h-6z"/>',
    "people": '<circle cx="9" cy="8" r="3.3"/><path d="M3 19.5c.4-3.6 2.8-5.8 6-5.8s5.6 2.2 6 5.8"/>'
    '<path d="M15.5 4.9a3.3 3.3 0 0 1 0 6.3"/><path d="M17.3 14c2 .6 3.3 2.5 3.7 5.5"/>',
    "handshake": '<path d="M2.5 10.5L6 7l3.5 1.2L12 6.5l3 .8 6.5 4"/><path d="M6 7l-3.5 3.5 6.3 6.3c.7.7 1.8.7 2.5 0'
    'l.2-.2c.7.7 1.8.7 2.5 0s.7-1.8 0-2.5c.7.7 1.8.7 2.5 0s.7-1.8 0-2.5L21.5 11.3"/>'
    '<path d="M12 6.5L8.6 9.9c-.6.6-.6 1.6 0 2.2s1.6.6 2.2 0l1.9-1.9 4.8 4.6"/>',
    "gear": '<circle cx="12" cy="12" r="3"/><path d="M12 2.8l1.6 2.3 2.7-.8.7 2.7 2.7.7-.8 2.7 2.3 1.6-2.3 '
    "1.6.8 2.7-2.7.7-.7 2.7-2.7-.8L12 21.2l-1.6-2.3-2.7.8-.7-2.7-2.7-.7.8-2.7L2.8 12l2.3-1.6-.8-2.7 2.7-.7"
    '.7-2.7 2.7.8z"/>',
    "flag": '<path d="M5 21V3.5"/><path d="M5 4.5c4.5-2 8.5 2 13 0v9c-4.5 2-8.5-2-13 0"/>',
    "lock": '<rect x="4.5" y="10.5" width="15" height="10" rx="2"/><path d="M8 10.5V7.5a4 4 0 0 1 8 0v3"/>'
    '<circle cx="12" cy="15.5" r="1.3" data-solid="true"/>',
    "check": '<circle cx="12" cy="12" r="8.5"/><path d="M8 12.3l2.7 2.7 5.3-5.5"/>',
}
NAMES = tuple(sorted(ICONS))


def icon_markup(name: str, colour: str, x: float, y: float, size: float) -> str:
    """The icon ``name`` drawn in ``colour`` into the square (x, y, size)."""
    body = ICONS[name].replace('data-solid="true"', f'fill="{colour}"')
    return (
        f'<svg x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" height="{size:.1f}" viewBox="0 0 24 24" fill="none" '
        f'stroke="{colour}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">{body}</svg>'
    )
