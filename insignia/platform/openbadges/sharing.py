"""Sharing an award: the verification page, LinkedIn add-to-profile, email signature and embed.

The snippets load the award's live image from Insignia, so a badge pasted anywhere shows as
expired or revoked once it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from html import escape
from urllib.parse import quote, urlencode, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from insignia.infra.i18n import NAMES as LANGUAGE_NAMES
from insignia.infra.i18n import Language
from insignia.platform.branding import colour
from insignia.platform.branding.brand import Brand
from insignia.platform.branding.text import font_file
from insignia.platform.credentials.models import Award, BadgeClass
from insignia.platform.learning.models import Skill
from insignia.platform.openbadges.ob2 import Urls
from insignia.tenants.models import Person, Tenant

# The pages speak the visitor's language (Accept-Language, or the switch on the page): strings go
# through the locale's gettext catalogue, dates are written the locale's way.
ENGLISH = Language("en")


def _noop(message: str) -> str:
    return message


# Labels of the pages, translated once per language (gettext cannot see calls inside f-strings).
_LABELS = (
    _noop("Link copied."),
    _noop("Could not copy: the link is"),
    _noop("Language"),
    _noop("About this badge"),
    _noop("Add to LinkedIn profile"),
    _noop("Awarded to"),
    _noop("Badge image"),
    _noop("Checked at"),
    _noop("Copy link"),
    _noop("Credential"),
    _noop("Credential ID"),
    _noop("Criteria"),
    _noop("Digital badge"),
    _noop("Download"),
    _noop("Email"),
    _noop("Evidence"),
    _noop("Expired on"),
    _noop("Expires"),
    _noop("Help and support"),
    _noop("Issued on"),
    _noop("Issuer"),
    _noop("No public badges yet."),
    _noop("Open Badges 2.0 and 3.0 · verified by Insignia"),
    _noop("Open Badges 2.0 assertion"),
    _noop("Open Badges 3.0 credential"),
    _noop("Pathway"),
    _noop("Print"),
    _noop("Share"),
    _noop("Skills"),
    _noop("Skip to content"),
    _noop("This badge is part of the pathway %(pathway)s."),
    _noop("Verify this badge online at %(url)s"),
    _noop("Verify with any Open Badges tool"),
    _noop("baked PNG"),
    _noop("baked SVG"),
    _noop("failed"),
    _noop("hosted JSON-LD"),
    _noop("issued %(date)s"),
    _noop("passed"),
    _noop("signed JSON"),
)


@cache
def _labels(lang: Language) -> dict[str, str]:
    return {label: lang.gettext(label) for label in _LABELS}


STATUS_TEXT = {
    "active": _noop("Valid"),
    "expired": _noop("Expired"),
    "suspended": _noop("Suspended by the issuer"),
    "revoked": _noop("Revoked"),
}


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


def _date(value: datetime | None, lang: Language = ENGLISH) -> str:
    return lang.date(value) if value else "—"


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- Colours: the tenant's brand colour, adjusted so text stays readable (WCAG AA) -------------

PAGE_BACKGROUNDS = ("#ffffff", "#f5f7fa")  # the cards and the page (verify.css)
contrast = colour.contrast


def theme_css(brand: Brand) -> str:
    """The brand as CSS custom properties (``brand/theme.css``): ``--brand`` as chosen, for accents;
    ``--brand-ink``, darkened when needed so links and buttons (white text on it) keep a contrast of
    at least 4.5:1 on every background of the pages; ``--brand-soft``, a pale tint; the text and
    card colours and the typography (the type family first, the system's after it)."""
    card = brand.background_color
    page = PAGE_BACKGROUNDS[1] if card == colour.WHITE else colour.mix(card, "#000000", 0.04)
    soft = colour.mix(brand.color, card, 0.9)
    ink = colour.ink_on(brand.color, (card, page, soft, colour.WHITE))
    line = colour.mix(brand.color, card, 0.7)
    extra = ""
    if card != colour.WHITE or brand.text_color != colour.INK:
        muted = colour.mix(brand.text_color, card, 0.22)
        extra = f" --ink: {brand.text_color}; --muted: {muted}; --card: {card}; --page: {page};"
    # The brand's type family, served with the pages (static/fonts/), the reader's system fonts after it.
    faces = "".join(
        f'@font-face {{ font-family: "Insignia Brand"; src: url("../static/fonts/{font_file(brand.typography, bold)}") '
        f'format("truetype"); font-weight: {700 if bold else 400}; font-display: swap; }}\n'
        for bold in (False, True)
    )
    return faces + (
        f":root {{ --brand: {brand.color}; --brand-ink: {ink}; --brand-soft: {soft}; --brand-line: {line};"
        f'{extra} --font: "Insignia Brand", {brand.font_stack}; }}\n'
    )


# --- Markdown (criteria, evidence) ---------------------------------------------------------------

_LINK_SCHEMES = ("http", "https", "mailto")


def _safe_link(url: str) -> bool:
    """Only absolute http(s) and mailto links: no ``javascript:``, ``data:`` or relative ones."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _LINK_SCHEMES and (parts.scheme.lower() == "mailto" or bool(parts.netloc))


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})  # raw HTML is shown as text, never rendered
    md.validateLink = _safe_link  # type: ignore[method-assign]

    def link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        tokens[idx].attrSet("rel", "nofollow ugc noopener")
        return self.renderToken(tokens, idx, options, env)

    def image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # Images from elsewhere are not loaded on a verification page (the CSP would refuse them).
        return escape(tokens[idx].content)

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("image", image)
    return md


_MD = _markdown()


def markdown_html(text: str) -> str:
    """Markdown (CommonMark) to HTML, safely: raw HTML escaped, links http/https/mailto only."""
    return str(_MD.render(text))


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join("<p>" + escape(b).replace("\n", "<br>") + "</p>" for b in blocks)


# --- The verification page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Assets:
    """The page's stylesheets and script, as URLs relative to the page: served from our own
    origin, since the pages' Content-Security-Policy allows no inline style or script."""

    stylesheet: str
    theme: str
    script: str


@dataclass(frozen=True)
class Check:
    """One line of the "Verified" panel: what was checked, whether it passed, and what was found."""

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Verification:
    """What the page checked when it was served, and when."""

    verified: bool
    checks: list[Check]
    checked_at: datetime
    did: str


@dataclass(frozen=True)
class PathwayLink:
    """A published pathway the badge counts toward (a step, milestone or its capstone). Only the
    pathway is named: the recipient's progress along it is theirs, not the public page's."""

    name: str
    description: str
    url: str | None  # the tenant's portal, where people can follow it


def verification_checks(
    tenant: Tenant,
    award: Award,
    *,
    did: str,
    key_known: bool,
    problem: str | None,
    status_problem: str | None,
    status_from_list: bool = True,
    now: datetime,
    lang: Language = ENGLISH,
) -> Verification:
    """The panel's four checks from the OB 3.0 verifier's findings: ``problem`` is its verdict at
    ``now`` (None: verified); ``status_problem`` its verdict on the signature and status alone
    (ignoring the validity period), which tells the status of an expired credential too. A
    credential without a status entry (``status_from_list`` false) has its status from the records."""
    _ = lang.gettext
    signature_ok = problem != "the proof does not verify"
    issuer = Check(
        _("Issuer"),
        key_known,
        _(
            "%(issuer)s is an active organisation here, and the key that signed this credential is "
            "published in its DID document."
        )
        % {"issuer": tenant.name}
        if key_known
        else _("The key that signed this credential is not among the issuer's published keys."),
    )
    signature = Check(
        _("Signature"),
        signature_ok,
        _("The Open Badges 3.0 credential was signed and its Ed25519 signature (eddsa-rdfc-2022) verifies.")
        if signature_ok
        else _("The credential's signature does not verify."),
    )
    if not signature_ok:
        status = Check(_("Status"), False, _("Not checked: the signature does not verify."))
    elif status_problem is None:
        status = Check(
            _("Status"),
            True,
            _("Neither revoked nor suspended, according to the issuer's signed status list.")
            if status_from_list
            else _("Neither revoked nor suspended, according to the issuer's records."),
        )
    elif status_problem == "revoked":
        status = Check(
            _("Status"),
            False,
            _("Revoked by the issuer, according to the issuer's signed status list.")
            if status_from_list
            else _("Revoked by the issuer, according to the issuer's records."),
        )
    elif status_problem == "suspended":
        status = Check(
            _("Status"),
            False,
            _("Suspended by the issuer, according to the issuer's signed status list.")
            if status_from_list
            else _("Suspended by the issuer, according to the issuer's records."),
        )
    else:
        status = Check(_("Status"), False, _("Could not be confirmed: %(problem)s.") % {"problem": status_problem})
    if problem == "expired" or (award.expires_at is not None and award.expires_at <= now):
        expiry = Check(_("Expiry"), False, _("Expired on %(date)s.") % {"date": _date(award.expires_at, lang)})
    elif problem == "not yet valid":
        expiry = Check(_("Expiry"), False, _("Not valid before %(date)s.") % {"date": _date(award.issued_at, lang)})
    elif award.expires_at is None:
        expiry = Check(_("Expiry"), True, _("Does not expire."))
    else:
        expiry = Check(_("Expiry"), True, _("Valid until %(date)s.") % {"date": _date(award.expires_at, lang)})
    checks = [issuer, signature, status, expiry]
    return Verification(all(c.passed for c in checks) and problem is None, checks, now, did)


_ICON_OK = (
    '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="11" '
    'fill="currentColor"/><path d="M7 12.5l3.2 3.2L17.2 8.7" fill="none" stroke="#ffffff" stroke-width="2.4" '
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
)
_ICON_FAIL = (
    '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="11" '
    'fill="currentColor"/><path d="M8.2 8.2l7.6 7.6M15.8 8.2l-7.6 7.6" fill="none" stroke="#ffffff" '
    'stroke-width="2.4" stroke-linecap="round"/></svg>'
)
_ICON_SHIELD = (
    '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 1.8l8.4 3.2v6.3c0 '
    '5.3-3.6 9.6-8.4 10.9C7.2 20.9 3.6 16.6 3.6 11.3V5z" fill="currentColor"/><path d="M8 12.2l2.8 2.8 5.4-5.6" '
    'fill="none" stroke="#ffffff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>'
)
_ICON_ALERT = (
    '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 1.8l8.4 3.2v6.3c0 '
    '5.3-3.6 9.6-8.4 10.9C7.2 20.9 3.6 16.6 3.6 11.3V5z" fill="currentColor"/><path d="M12 7v6.2" fill="none" '
    'stroke="#ffffff" stroke-width="2.4" stroke-linecap="round"/><circle cx="12" cy="16.6" r="1.4" fill="#ffffff"/>'
    "</svg>"
)

_VERDICTS = {
    "active": (_noop("Verified"), _noop("This badge is authentic and currently valid.")),
    "expired": (_noop("Expired"), _noop("This badge is authentic, but it has expired.")),
    "suspended": (
        _noop("Suspended"),
        _noop("This badge is authentic, but the issuer has suspended it. It may be reinstated."),
    ),
    "revoked": (_noop("Revoked"), _noop("The issuer has revoked this badge. It is no longer valid.")),
}


def _verification_panel(check: Verification, status: str, lang: Language = ENGLISH) -> str:
    _ = lang.gettext
    t = _labels(lang)
    if check.verified:
        title, summary = _VERDICTS["active"]
    elif status in _VERDICTS and status != "active" and check.checks[1].passed:
        title, summary = _VERDICTS[status]
    else:
        title, summary = _noop("Not verified"), _noop("This credential could not be verified. Do not rely on it.")
    title, summary = _(title), _(summary)
    rows = "".join(
        f'<li class="check {"pass" if c.passed else "fail"}">{_ICON_OK if c.passed else _ICON_FAIL}'
        f'<div><strong>{escape(c.name)}</strong> <span class="visually-hidden">'
        f'{t["passed"] if c.passed else _("failed")}:</span> <span class="detail">{escape(c.detail)}</span></div></li>'
        for c in check.checks
    )
    outcome = "is-verified" if check.verified else "is-not-verified"
    return f"""<section class="card verify {outcome}" aria-labelledby="verify-title">
<h2 id="verify-title" class="verify-title">{_ICON_SHIELD if check.verified else _ICON_ALERT}<span>{title}</span></h2>
<p class="verify-summary">{escape(summary)}</p>
<ul class="checks">{rows}</ul>
<p class="checked"><span>{t["Checked at"]} <time id="checked-at" datetime="{_iso(check.checked_at)}">\
{_iso(check.checked_at)}</time></span>
<span>{t["Issuer"]} <span class="mono">{escape(check.did)}</span></span></p>
</section>"""


def share_links(page_url: str, title: str, lang: Language = ENGLISH) -> list[tuple[str, str]]:
    """Where a visitor can share the page: (label, URL)."""
    text = lang.gettext("%(title)s — verified digital badge") % {"title": title}
    return [
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": page_url})),
        ("X", "https://x.com/intent/tweet?" + urlencode({"text": text, "url": page_url})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": page_url})),
        ("Email", "mailto:?" + urlencode({"subject": title, "body": f"{text}: {page_url}"}, quote_via=quote)),
    ]


def _actions(
    urls: Urls,
    tenant: Tenant,
    award: Award,
    badge: BadgeClass,
    *,
    status: str,
    linkedin: str,
    lang: Language = ENGLISH,
) -> str:
    """LinkedIn, sharing and downloads while the badge stands (valid or expired); a link to copy
    and printing always. "Copy link" and "Print" need our script, which shows them."""
    _ = lang.gettext
    t = _labels(lang)
    page = urls.page(award.id)
    shareable = status in ("active", "expired")
    copy = (
        f'<li class="wide"><button type="button" class="button" data-copy="{escape(page)}" '
        f'data-copied="{escape(t["Link copied."])}" data-copy-failed="{escape(t["Could not copy: the link is"])}" '
        f"hidden>{t['Copy link']}</button></li>"
    )
    feedback = '<p class="feedback" id="action-feedback" role="status" aria-live="polite"></p>'
    title = _("Share and download") if shareable else _("Link and print")
    parts = ['<section class="card actions" aria-labelledby="actions-title">', f'<h2 id="actions-title">{title}</h2>']
    if status == "active":
        parts.append(
            f'<a class="button primary" href="{escape(page)}/share/linkedin-profile" rel="noopener" target="_blank">'
            f"{t['Add to LinkedIn profile']}</a>"
        )
    if shareable:
        # Through our counting redirect (insights count share clicks, nothing about who clicked).
        shares = "".join(
            f'<li><a class="button" href="{escape(page)}/share/{label.lower()}" rel="noopener" target="_blank">'
            f"{t.get(label, label)}</a></li>"
            for label, _url in share_links(page, f"{badge.name} — {tenant.name}", lang)
        )
        parts.append(f'<h3>{t["Share"]}</h3><ul class="share-list">{shares}{copy}</ul>{feedback}')
        parts.append(
            f'<h3>{t["Download"]}</h3><ul class="download-list">'
            f'<li><a class="button" href="{escape(urls.baked(award.id, "png"))}" download>'
            f'{t["Badge image"]} <span class="hint">PNG, Open Badges 2.0</span></a></li>'
            f'<li><a class="button" href="{escape(urls.credential(award.id))}" download>'
            f'{t["Credential"]} <span class="hint">JSON, Open Badges 3.0</span></a></li></ul>'
        )
    else:
        note = (
            _("Sharing and downloads are not available while the issuer has suspended this badge.")
            if status == "suspended"
            else _("Sharing and downloads are not available for a revoked badge.")
        )
        parts.append(f'<ul class="share-list">{copy}</ul>{feedback}')
        parts.append(f'<p class="note">{note}</p>')
    parts.append(f'<button type="button" class="button" data-print hidden>{t["Print"]}</button>')
    parts.append("</section>")
    return "\n".join(parts)


def _pathway(pathway: PathwayLink | None, lang: Language = ENGLISH) -> str:
    if pathway is None:
        return ""
    _ = lang.gettext
    t = _labels(lang)
    name = f'<a href="{escape(pathway.url)}">{escape(pathway.name)}</a>' if pathway.url else escape(pathway.name)
    about = f"<p>{escape(pathway.description[:300])}</p>" if pathway.description else ""
    return (
        f'<section class="card" aria-labelledby="pathway-title"><h2 id="pathway-title">{t["Pathway"]}</h2>'
        f"<p>{t['This badge is part of the pathway %(pathway)s.'] % {'pathway': name}}</p>{about}</section>"
    )


def _evidence(award: Award, lang: Language = ENGLISH) -> str:
    if not award.evidence_url and not award.evidence_narrative:
        return ""
    t = _labels(lang)
    items = ""
    if award.evidence_url:
        link = (
            f'<a href="{escape(award.evidence_url)}" rel="nofollow ugc noopener">{escape(award.evidence_url)}</a>'
            if _safe_link(award.evidence_url) and not award.evidence_url.lower().startswith("mailto:")
            else escape(award.evidence_url)
        )
        items += f'<p class="evidence-link">{link}</p>'
    if award.evidence_narrative:
        items += f'<div class="prose">{markdown_html(award.evidence_narrative)}</div>'
    return (
        f'<section class="card" aria-labelledby="evidence-title"><h2 id="evidence-title">{t["Evidence"]}</h2>'
        f"{items}</section>"
    )


def _languages(lang: Language) -> str:
    """The language switch: the same page in each language Insignia speaks (``?lang=``)."""
    items = "".join(
        f'<li><a href="?lang={code}" hreflang="{code}" lang="{code}"'
        + (' aria-current="true"' if code == lang.code else "")
        + f">{escape(name)}</a></li>"
        for code, name in LANGUAGE_NAMES.items()
    )
    return f'<nav class="languages" aria-label="{escape(_labels(lang)["Language"])}"><ul>{items}</ul></nav>'


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
    verification: Verification,
    assets: Assets,
    linkedin_organization_id: str | None = None,
    pathway: PathwayLink | None = None,
    lang: Language = ENGLISH,
) -> str:
    """The public verification page in the recipient's brand (their audience's, else the tenant's)
    and the visitor's language, with Open Graph and Twitter tags so shared links unfurl (to the
    badge's 1200 x 630 card), and what was verified when it was served. No inline style or script."""
    _ = lang.gettext
    t = _labels(lang)
    title = f"{badge.name} — {tenant.name}"
    image = urls.og_image(award.id)
    description = badge.description[:280]
    status_line = _(STATUS_TEXT[status])
    if status == "revoked" and award.revocation_reason:
        status_line += f": {award.revocation_reason}"
    skill_items = "".join(f"<li>{escape(s.name)}</li>" for s in skills)
    skills_html = (
        f'<section class="card" aria-labelledby="skills-title"><h2 id="skills-title">{t["Skills"]}</h2>'
        f'<ul class="tags">{skill_items}</ul></section>'
        if skills
        else ""
    )
    # The name only if the learner made their profile public; the badge verifies either way.
    recipient = (
        f'<a href="{escape(urls.profile(person.id))}">{escape(person.name)}</a>'
        if person.profile_public
        else _("The recipient (name not public)")
    )
    issued_by = (
        _("Issued through %(partner)s on behalf of %(issuer)s")
        % {
            "partner": f"<strong>{escape(award.delegated_issuer)}</strong>",
            "issuer": f"<strong>{escape(tenant.name)}</strong>",
        }
        if award.delegated_issuer
        else _("Issued by %(issuer)s") % {"issuer": f"<strong>{escape(tenant.name)}</strong>"}
    )
    expired = award.expires_at is not None and award.expires_at <= verification.checked_at
    expires = _date(award.expires_at, lang) if award.expires_at else _("Never")
    page = urls.page(award.id)
    linkedin = linkedin_url(urls, tenant, award, badge, linkedin_organization_id)
    return f"""<!doctype html>
<html lang="{lang.code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}">
<meta name="theme-color" content="{brand.color}">
<meta property="og:type" content="website">
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
<meta property="og:image" content="{escape(image)}">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630">
<meta property="og:image:alt" content="{escape(badge.name)}">
<meta property="og:url" content="{escape(page)}">
<meta property="og:locale" content="{lang.code}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{escape(title)}">
<meta name="twitter:description" content="{escape(description)}">
<meta name="twitter:image" content="{escape(image)}">
<link rel="alternate" type="application/ld+json" href="{escape(urls.assertion(award.id))}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{escape(assets.stylesheet)}">
<link rel="stylesheet" href="{escape(assets.theme)}">
<script src="{escape(assets.script)}" defer></script>
</head>
<body class="verification" data-status="{status}">
<a class="skip-link" href="#main">{t["Skip to content"]}</a>
{_header(tenant, brand, _("Credential verification"), lang)}
<main id="main" class="wrap">
<section class="card hero" aria-labelledby="badge-name">
<div class="hero-art"><img src="{escape(urls.image(award.id, "svg"))}" alt="{escape(badge.name)}"
 width="256" height="256"></div>
<div class="hero-text">
<p class="eyebrow">{t["Digital badge"]}</p>
<h1 id="badge-name">{escape(badge.name)}</h1>
<p class="status" id="status">{escape(status_line)}</p>
<p class="issued-by">{issued_by}</p>
<dl class="facts">
<div class="fact fact-recipient"><dt>{t["Awarded to"]}</dt><dd>{recipient}</dd></div>
<div class="fact"><dt>{t["Issued on"]}</dt><dd>{_date(award.issued_at, lang)}</dd></div>
<div class="fact"><dt>{t["Expired on"] if expired else _("Expires")}</dt><dd>{expires}</dd></div>
</dl>
</div>
</section>
<div class="layout">
{_verification_panel(verification, status, lang)}
<div class="content">
<section class="card" aria-labelledby="about-title"><h2 id="about-title">{t["About this badge"]}</h2>
<div class="prose">{_paragraphs(badge.description)}</div></section>
<section class="card" aria-labelledby="criteria-title"><h2 id="criteria-title">{t["Criteria"]}</h2>
<div class="prose">{markdown_html(badge.criteria_narrative or badge.description)}</div></section>
{skills_html}
{_evidence(award, lang)}
{_pathway(pathway, lang)}
<section class="card credential" aria-labelledby="credential-title"><h2 id="credential-title">{t["Credential"]}</h2>
<dl>
<dt>{t["Credential ID"]}</dt><dd class="mono">{escape(urls.credential(award.id))}</dd>
<dt>{t["Verify with any Open Badges tool"]}</dt>
<dd><ul class="formats">
<li><a href="{escape(urls.credential(award.id))}">{t["Open Badges 3.0 credential"]}</a> ({t["signed JSON"]})</li>
<li><a href="{escape(urls.assertion(award.id))}">{t["Open Badges 2.0 assertion"]}</a> ({t["hosted JSON-LD"]})</li>
<li><a href="{escape(urls.baked(award.id, "png"))}">{t["baked PNG"]}</a> ·
<a href="{escape(urls.baked(award.id, "svg"))}">{t["baked SVG"]}</a></li>
</ul></dd>
</dl>
</section>
</div>
{_actions(urls, tenant, award, badge, status=status, linkedin=linkedin, lang=lang)}
</div>
<p class="print-only">{t["Verify this badge online at %(url)s"] % {"url": escape(page)}}</p>
</main>
{_footer(brand, lang)}
</body>
</html>
"""


def _header(tenant: Tenant, brand: Brand, tagline: str, lang: Language = ENGLISH) -> str:
    logo_url = brand.logo_light_url or brand.logo_url
    logo = f'<img src="{escape(logo_url)}" alt="">' if logo_url else ""
    return (
        f'<header class="site-header"><div class="wrap">{logo}<p class="org">{escape(tenant.name)}</p>'
        f'<p class="tagline">{escape(tagline)}</p>{_languages(lang)}</div></header>'
    )


def _footer(brand: Brand, lang: Language = ENGLISH) -> str:
    _ = lang.gettext
    t = _labels(lang)
    own = f"<p>{escape(brand.footer_text)}</p>" if brand.footer_text else ""
    support = f'<p><a href="{escape(brand.support_url)}">{t["Help and support"]}</a></p>' if brand.support_url else ""
    return (
        f'<footer class="site-footer"><div class="wrap">{own}{support}'
        f"<p>{t['Open Badges 2.0 and 3.0 · verified by Insignia']}</p></div></footer>"
    )


def profile_html(
    urls: Urls,
    tenant: Tenant,
    person: Person,
    awards: list[tuple[Award, BadgeClass, str]],
    brand: Brand,
    *,
    assets: Assets,
    lang: Language = ENGLISH,
) -> str:
    """A learner's opt-in public profile: their public awards with live status, in their brand."""
    _ = lang.gettext
    t = _labels(lang)
    items = (
        "".join(
            f'<li><a href="{escape(urls.page(award.id))}"><img src="{escape(urls.image(award.id, "svg"))}" alt="" '
            f'width="48" height="48">{escape(badge.name)}</a> — {_(STATUS_TEXT[status])}, '
            f"{t['issued %(date)s'] % {'date': _date(award.issued_at, lang)}}</li>"
            for award, badge, status in awards
        )
        or f"<li>{t['No public badges yet.']}</li>"
    )
    title = _("%(person)s — badges from %(issuer)s") % {"person": person.name, "issuer": tenant.name}
    return f"""<!doctype html>
<html lang="{lang.code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta name="theme-color" content="{brand.color}">
<meta property="og:type" content="profile">
<meta property="og:title" content="{escape(title)}">
<meta property="og:url" content="{escape(urls.profile(person.id))}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{escape(assets.stylesheet)}">
<link rel="stylesheet" href="{escape(assets.theme)}">
</head>
<body class="profile">
{_header(tenant, brand, _("Learner profile"), lang)}
<main id="main" class="wrap">
<section class="card profile-card">
<h1>{escape(person.name)}</h1>
<p>{escape(_("Badges earned at %(issuer)s") % {"issuer": tenant.name})}</p>
<ul id="awards" class="award-list">{items}</ul>
</section>
</main>
{_footer(brand, lang)}
</body>
</html>
"""
