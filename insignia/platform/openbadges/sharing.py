"""Sharing an award: the verification page, LinkedIn add-to-profile, email signature and embed.

The snippets load the award's live image from Insignia, so a badge pasted anywhere shows as
expired or revoked once it is.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import urlencode

from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.learning.models import Skill
from insignia.platform.openbadges.branding import Brand
from insignia.platform.openbadges.ob2 import Urls
from insignia.tenants.models import Person, Tenant

STATUS_TEXT = {"active": "Valid", "expired": "Expired", "suspended": "Suspended by the issuer", "revoked": "Revoked"}


def linkedin_fields(
    urls: Urls, tenant: Tenant, award: Award, badge: BadgeClass, organization_id: str | None = None
) -> dict[str, str | int]:
    """What LinkedIn's "Add licence or certification" form asks for (also shown for copy-paste).
    With the tenant's LinkedIn organisation id, the certification links to its company page."""
    organization: dict[str, str | int] = (
        {"organizationId": organization_id} if organization_id else {"organizationName": tenant.name}
    )
    fields: dict[str, str | int] = {
        "name": badge.name,
        **organization,
        "issueYear": award.issued_at.year,
        "issueMonth": award.issued_at.month,
        "certUrl": urls.page(award.id),
        "certId": str(award.id),
    }
    if award.expires_at is not None:
        fields["expirationYear"] = award.expires_at.year
        fields["expirationMonth"] = award.expires_at.month
    return fields


def linkedin_url(
    urls: Urls, tenant: Tenant, award: Award, badge: BadgeClass, organization_id: str | None = None
) -> str:
    """LinkedIn's add-to-profile link for a certification, pre-filled."""
    params = {"startTask": "CERTIFICATION_NAME", **linkedin_fields(urls, tenant, award, badge, organization_id)}
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def email_signature_html(urls: Urls, award: Award, badge: BadgeClass) -> str:
    return (
        f'<a href="{escape(urls.page(award.id))}" style="text-decoration:none">'
        f'<img src="{escape(urls.image(award.id, "png"))}" alt="{escape(badge.name)}" width="48" height="48" '
        f'style="vertical-align:middle;border:0"> <span style="font:12px sans-serif;color:#1f2933">'
        f"{escape(badge.name)}</span></a>"
    )


def embed_html(urls: Urls, award: Award, badge: BadgeClass, tenant: Tenant) -> str:
    return (
        f'<div class="insignia-badge" style="display:inline-block;text-align:center;font:14px sans-serif">'
        f'<a href="{escape(urls.page(award.id))}"><img src="{escape(urls.image(award.id, "svg"))}" '
        f'alt="{escape(badge.name)}" width="128" height="128" style="border:0"></a>'
        f"<div>{escape(badge.name)}</div>"
        f'<div style="color:#52606d;font-size:12px">Issued by {escape(tenant.name)}</div></div>'
    )


def _date(value: datetime | None) -> str:
    return value.date().isoformat() if value else "—"


def verification_html(
    urls: Urls,
    tenant: Tenant,
    award: Award,
    badge: BadgeClass,
    *,
    person: Person,
    skills: list[Skill],
    status: str,
    brand: Brand,
    linkedin_organization_id: str | None = None,
) -> str:
    """The public verification page in the tenant's colours, with Open Graph and Twitter tags so
    shared links unfurl."""
    title = f"{badge.name} — {tenant.name}"
    image = urls.image(award.id, "png")
    description = badge.description[:280]
    status_line = STATUS_TEXT[status]
    if status == "revoked" and award.revocation_reason:
        status_line += f": {award.revocation_reason}"
    skill_items = "".join(f"<li>{escape(s.name)}</li>" for s in skills) or "<li>—</li>"
    # The name only if the learner made their profile public; the badge verifies either way.
    recipient = (
        f'<a href="{escape(urls.profile(person.id))}">{escape(person.name)}</a>'
        if person.profile_public
        else "The recipient (name not public)"
    )
    colour = {"active": "#1a7f37", "expired": "#9a6700", "suspended": "#bc4c00", "revoked": "#cf222e"}[status]
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta property="og:type" content="website">
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
<meta property="og:image" content="{escape(image)}">
<meta property="og:url" content="{escape(urls.page(award.id))}">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="{escape(title)}">
<meta name="twitter:description" content="{escape(description)}">
<meta name="twitter:image" content="{escape(image)}">
<link rel="alternate" type="application/ld+json" href="{escape(urls.assertion(award.id))}">
<style>
body {{ font-family: sans-serif; color: #1f2933; max-width: 720px; margin: 2rem auto; padding: 0 1rem; }}
header {{ border-bottom: 4px solid {brand.color}; margin-bottom: 1rem; display: flex; align-items: center;
  gap: .75rem; }}
header img {{ max-height: 48px; max-width: 200px; }}
a {{ color: {brand.color}; }}
.status {{ display: inline-block; padding: .25rem .75rem; border-radius: 1rem; color: #fff; background: {colour}; }}
dt {{ font-weight: bold; margin-top: .5rem; }}
</style>
</head>
<body>
{_header(tenant, brand)}
<main>
<img src="{escape(urls.image(award.id, "svg"))}" alt="{escape(badge.name)}" width="160" height="160">
<h1>{escape(badge.name)}</h1>
<p class="status" id="status">{escape(status_line)}</p>
<p>{escape(badge.description)}</p>
<dl>
<dt>Awarded to</dt><dd>{recipient}</dd>
<dt>Issued by</dt><dd>{escape(tenant.name)}</dd>
<dt>Issued on</dt><dd>{_date(award.issued_at)}</dd>
<dt>Expires</dt><dd>{_date(award.expires_at)}</dd>
<dt>Criteria</dt><dd>{escape(badge.criteria_narrative or badge.description)}</dd>
<dt>Skills</dt><dd><ul>{skill_items}</ul></dd>
</dl>
<p>Verify with any Open Badges tool:
<a href="{escape(urls.assertion(award.id))}">Open Badges 2.0 assertion</a> ·
<a href="{escape(urls.baked(award.id, "png"))}">baked PNG</a> ·
<a href="{escape(urls.baked(award.id, "svg"))}">baked SVG</a></p>
<p><a href="{escape(linkedin_url(urls, tenant, award, badge, linkedin_organization_id))}">Add to LinkedIn</a></p>
</main>
</body>
</html>
"""


def _header(tenant: Tenant, brand: Brand) -> str:
    logo = f'<img src="{escape(brand.logo_url)}" alt="">' if brand.logo_url else ""
    return f"<header>{logo}<p>{escape(tenant.name)}</p></header>"


def profile_html(
    urls: Urls, tenant: Tenant, person: Person, awards: list[tuple[Award, BadgeClass, str]], brand: Brand
) -> str:
    """A learner's opt-in public profile: their public awards with live status."""
    items = (
        "".join(
            f'<li><a href="{escape(urls.page(award.id))}"><img src="{escape(urls.image(award.id, "svg"))}" alt="" '
            f'width="48" height="48"> {escape(badge.name)}</a> — {STATUS_TEXT[status]}, '
            f"issued {_date(award.issued_at)}</li>"
            for award, badge, status in awards
        )
        or "<li>No public badges yet.</li>"
    )
    title = f"{person.name} — badges from {tenant.name}"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta property="og:type" content="profile">
<meta property="og:title" content="{escape(title)}">
<meta property="og:url" content="{escape(urls.profile(person.id))}">
<style>body {{ font-family: sans-serif; color: #1f2933; max-width: 720px; margin: 2rem auto; padding: 0 1rem; }}
li {{ list-style: none; margin: .5rem 0; }} img {{ vertical-align: middle; }} a {{ color: {brand.color}; }}
header {{ border-bottom: 4px solid {brand.color}; display: flex; align-items: center; gap: .75rem; }}
header img {{ max-height: 48px; max-width: 200px; }}</style>
</head>
<body>
{_header(tenant, brand)}
<h1>{escape(person.name)}</h1>
<p>Badges earned at {escape(tenant.name)}</p>
<ul id="awards">{items}</ul>
</body>
</html>
"""
