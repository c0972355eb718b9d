"""The tenant's page about seeing and sharing badges: where emails send people whose badge is not
public (and who have no portal to sign in to), so a link in an email never ends on a 404."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from insignia.tenants import tenant as tenant_service
from insignia.web.openbadges import _Scope, _with_tenant

_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=300",
}


async def sharing_help(request: Request) -> Response:
    async def handle(scope: _Scope) -> Response:
        settings = await tenant_service.get_settings(scope.session, scope.tenant.id)
        brand = await scope.brand()
        name = escape(scope.tenant.name)
        portal = (
            f'<p><a class="button" href="{escape(settings.portal_url)}">Sign in to {name}\'s learning portal</a></p>'
            if settings.portal_url
            else f"<p>Sign in to {name}'s learning portal, or ask its training team for the address.</p>"
        )
        logo = f'<img src="{escape(brand.logo_url)}" alt="" height="40">' if brand.logo_url else ""
        html = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your badges from {name}</title>
<style>
body {{ font-family: system-ui, sans-serif; color: #1f2933; max-width: 40rem; margin: 2rem auto; padding: 0 1rem;
  line-height: 1.5; }}
header {{ display: flex; align-items: center; gap: .75rem; border-bottom: 4px solid {brand.color}; }}
a {{ color: #1f2933; }}
.button {{ display: inline-block; padding: .6rem 1rem; border-radius: .4rem; background: #1f2933; color: #fff;
  text-decoration: none; }}
</style>
</head>
<body>
<header>{logo}<p><strong>{name}</strong></p></header>
<main>
<h1>Your badges from {name}</h1>
<p>A badge you earn is first visible only inside {name}. To share it on LinkedIn, in your email signature or
anywhere else, open it in the learning portal and make it <strong>public</strong>: its verification page,
image and Open Badges credential then work for anyone at once.</p>
{portal}
<p>If someone sent you a badge link that does not open, its owner has not made it public, or has made it
private again.</p>
</main>
</body>
</html>
"""
        return HTMLResponse(html, headers=_HEADERS)

    return await _with_tenant(request, handle)


ROUTES = [
    Route("/t/{slug}/sharing", sharing_help, methods=["GET"]),
    Route("/sharing", sharing_help, methods=["GET"]),
]
