"""Open Badges 2.0 hosted documents, the verification page, live and baked images, sharing links."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from insignia.platform.openbadges.baking import unbake_png
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.test_credentials import ISSUE, Catalog, ok

pytestmark = pytest.mark.asyncio

SHARING = """query($id: ID!) { node(id: $id) { ... on Award {
  verificationUrl openBadge2Url png: bakedImageUrl(format: PNG, version: V2) svg: bakedImageUrl(format: SVG, version: V2)
  linkedInAddToProfileUrl emailSignatureHtml embedHtml
  linkedInFields { name organizationName issueYear issueMonth expirationYear credentialUrl credentialId } } } }"""


def path(url: str) -> str:
    return urlsplit(url).path


async def _award(
    gql: GraphQLClient, t: SeededTenant, visibility: str = "PUBLIC", who: str = "learner"
) -> tuple[Catalog, str, dict[str, Any]]:
    c = await Catalog(t).build(gql)
    award = (
        await ok(
            gql,
            c.issuer,
            ISSUE,
            {
                "input": {
                    "badgeClassId": c.badge,
                    "recipientId": gid("Person", t.people[who].id),
                    "visibility": visibility,
                    "evidence": {"url": "https://portfolio.example/work"},
                }
            },
        )
    )["award"]["id"]
    links = (await gql(t.tokens["learner"] if who == "learner" else c.issuer, SHARING, {"id": award}))["node"]
    return c, award, links


async def test_hosted_assertion_badge_class_and_issuer(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    _c, _award_id, links = await _award(gql, t)
    response = await client.get(path(links["openBadge2Url"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assertion = response.json()
    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == links["openBadge2Url"]  # the id is the URL it is served at
    assert assertion["verification"] == {"type": "HostedBadge"}
    assert assertion["evidence"] == {"id": "https://portfolio.example/work"}
    recipient = assertion["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    expected = "sha256$" + hashlib.sha256((f"learner@{t.slug}.example" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == expected
    assert f"learner@{t.slug}.example" not in response.text
    assert assertion["expires"].endswith("Z") and assertion["issuedOn"].endswith("Z")

    badge = (await client.get(path(assertion["badge"]))).json()
    assert badge["type"] == "BadgeClass" and badge["id"] == assertion["badge"]
    assert badge["name"] == "Certified Forklift Operator"
    assert badge["criteria"]["narrative"].startswith("Complete the course")
    assert badge["tags"] == ["Forklift safety"]
    assert badge["alignment"] == [
        {
            "targetName": "Forklift operation",
            "targetUrl": "https://esco.example/occupation/42",
            "targetFramework": "ESCO",
            "targetCode": "8344",
        }
    ]
    issuer = (await client.get(path(badge["issuer"]))).json()
    assert issuer == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": badge["issuer"],
        "name": f"Org {t.slug}",
        "url": issuer["url"],
    }
    image = await client.get(path(badge["image"]))
    assert image.headers["content-type"].startswith("image/svg+xml")

    cached = await client.get(path(links["openBadge2Url"]), headers={"If-None-Match": response.headers["etag"]})
    assert cached.status_code == 304
    assert response.headers["cache-control"].startswith("public")


async def test_verification_page_and_live_status(seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    t = await seeder.tenant()
    c, award_id, links = await _award(gql, t)
    page = await client.get(path(links["verificationUrl"]))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<meta property="og:title" content="Certified Forklift Operator — Org ' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(r'<meta property="og:image" content="[^"]+/og\.png">', html)
    assert '<p class="status" id="status">Valid</p>' in html
    assert "Forklift safety" in html and links["openBadge2Url"] in html
    assert "The recipient (name not public)" in html and ">Learner<" not in html

    await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Issued in error"}) { errors { code } } }',
        {"id": award_id},
    )
    revoked = await client.get(path(links["openBadge2Url"]))
    assert revoked.status_code == 410
    assert revoked.json() == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": links["openBadge2Url"],
        "revoked": True,
        "revocationReason": "Issued in error",
    }
    assert (
        '<p class="status" id="status">Revoked: Issued in error</p>'
        in (await client.get(path(links["verificationUrl"]))).text
    )
    # The embedded image changes too, wherever it was pasted.
    live = re.search(r'src="([^"]+image\.svg)"', links["embedHtml"])
    assert live is not None
    assert "REVOKED" in (await client.get(path(live.group(1)))).text
    assert (await client.get(path(links["png"]))).status_code == 410


SUSPEND = "mutation($id: ID!, $r: String!) { awardSuspend(input: {id: $id, reason: $r}) { award { status suspendedAt suspensionReason } errors { code field } } }"
REINSTATE = "mutation($id: ID!) { awardReinstate(id: $id) { award { status suspendedAt suspensionReason } errors { code field } } }"


async def test_a_suspended_award_shows_suspended_everywhere_until_reinstated(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    c, award_id, links = await _award(gql, t)
    await ok(gql, t.tokens["learner"], "mutation { viewerProfileUpdate(profilePublic: true) { errors { code } } }")
    profile_url = f"/t/{t.slug}/people/{t.people['learner'].id}"
    live = re.search(r'src="([^"]+image\.svg)"', links["embedHtml"])
    assert live is not None
    hosted = (await client.get(path(links["openBadge2Url"]))).json()
    assert "revoked" not in hosted
    assert "Certified Forklift Operator" in (await client.get(profile_url)).text

    suspended = await ok(gql, c.issuer, SUSPEND, {"id": award_id, "r": "Under review: exam irregularity"})
    assert suspended["award"]["status"] == "SUSPENDED" and suspended["award"]["suspendedAt"]
    # Verifiers learn that it is suspended, never the issuer's internal reason.
    assertion = await client.get(path(links["openBadge2Url"]))
    assert assertion.status_code == 200
    assert assertion.json() == {
        **hosted,
        "revoked": True,
        "revocationReason": "Suspended by the issuer (it may be reinstated).",
    }
    page = (await client.get(path(links["verificationUrl"]))).text
    assert '<p class="status" id="status">Suspended by the issuer</p>' in page and "irregularity" not in page
    assert "SUSPENDED" in (await client.get(path(live.group(1)))).text
    download = await client.get(path(links["png"]))
    assert download.status_code == 409 and "suspended" in download.json()["error"]
    assert "Certified Forklift Operator" not in (await client.get(profile_url)).text

    # The reason is for the issuer and the recipient, not for colleagues who can see the award.
    reason = "query($id: ID!) { node(id: $id) { ... on Award { status suspensionReason } } }"
    for who, expected in (("learner", "Under review: exam irregularity"), ("lead", None)):
        seen = (await gql(t.tokens[who], reason, {"id": award_id}))["node"]
        assert seen == {"status": "SUSPENDED", "suspensionReason": expected}

    reinstated = await ok(gql, c.issuer, REINSTATE, {"id": award_id})
    assert reinstated["award"] == {"status": "ACTIVE", "suspendedAt": None, "suspensionReason": None}
    assert (await client.get(path(links["openBadge2Url"]))).json() == hosted
    assert '<p class="status" id="status">Valid</p>' in (await client.get(path(links["verificationUrl"]))).text
    assert "SUSPENDED" not in (await client.get(path(live.group(1)))).text
    assert (await client.get(path(links["png"]))).status_code == 200
    assert "Certified Forklift Operator" in (await client.get(profile_url)).text


async def test_baked_png_and_svg(seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    t = await seeder.tenant()
    _c, _award_id, links = await _award(gql, t)
    png = await client.get(path(links["png"]))
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert unbake_png(png.content) == links["openBadge2Url"]
    assert png.content.count(b"iTXtopenbadges\x00\x00") == 1  # one uncompressed iTXt chunk
    svg = (await client.get(path(links["svg"]))).text
    assert 'xmlns:openbadges="http://openbadges.org"' in svg
    assert svg.count("<openbadges:assertion ") == 1
    assert f'verify="{links["openBadge2Url"]}"' in svg
    baked = json.loads(svg.split("<![CDATA[", 1)[1].split("]]>", 1)[0])
    assert baked["id"] == links["openBadge2Url"]


async def test_visibility_is_respected_everywhere(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t, other = await seeder.tenant(), await seeder.tenant()
    _c, _id, private = await _award(gql, t, "PRIVATE")
    for url in (private["verificationUrl"], private["openBadge2Url"], private["png"], private["svg"]):
        assert (await client.get(path(url))).status_code == 404
        # A colleague's token does not open it; the recipient's does (theirs to see, never cached publicly).
        colleague = await client.get(path(url), headers={"Authorization": f"Bearer {t.tokens['lead']}"})
        assert colleague.status_code == 404
        own = await client.get(path(url), headers={"Authorization": f"Bearer {t.tokens['learner']}"})
        assert own.status_code == 200 and own.headers["cache-control"].startswith("private")

    t2 = await seeder.tenant()
    _c2, _id2, internal = await _award(gql, t2, "TENANT")
    url = path(internal["openBadge2Url"])
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers={"Authorization": f"Bearer {other.tokens['admin']}"})).status_code == 404
    signed_in = await client.get(url, headers={"Authorization": f"Bearer {t2.tokens['manager']}"})
    assert signed_in.status_code == 200 and signed_in.headers["cache-control"].startswith("private")
    # A customer of the same tenant may not see an employee's award (the visibility policy).
    customer = await client.get(url, headers={"Authorization": f"Bearer {t2.tokens['customer']}"})
    assert customer.status_code == 404


async def test_sharing_links(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    _c, award_id, links = await _award(gql, t)
    linkedin = urlsplit(links["linkedInAddToProfileUrl"])
    assert linkedin.netloc == "www.linkedin.com" and linkedin.path == "/profile/add"
    params = {k: v[0] for k, v in parse_qs(linkedin.query).items()}
    assert params["startTask"] == "CERTIFICATION_NAME" and params["name"] == "Certified Forklift Operator"
    assert params["organizationName"] == f"Org {t.slug}" and params["certUrl"] == links["verificationUrl"]
    assert params["certId"] in links["verificationUrl"] and "expirationYear" in params
    copy = links["linkedInFields"]
    assert (
        copy["name"] == params["name"]
        and copy["credentialUrl"] == params["certUrl"]
        and copy["credentialId"] == params["certId"]
    )
    assert str(copy["issueYear"]) == params["issueYear"] and str(copy["expirationYear"]) == params["expirationYear"]
    assert links["verificationUrl"] in links["emailSignatureHtml"] and "/image.png" in links["emailSignatureHtml"]
    assert links["verificationUrl"] in links["embedHtml"]
    v3 = await gql(
        t.tokens["learner"],
        "query($id: ID!) { node(id: $id) { ... on Award { bakedImageUrl(format: PNG, version: V3) } } }",
        {"id": award_id},
    )
    assert v3["node"]["bakedImageUrl"].endswith(f"/awards/{links['verificationUrl'].rsplit('/', 1)[1]}/baked/ob3.png")


async def test_unknown_things_are_404(seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    t = await seeder.tenant()
    c, _award_id, links = await _award(gql, t)
    draft = (
        await ok(
            gql,
            c.issuer,
            'mutation { badgeClassCreate(input: {name: "Draft", description: "d"}) { badgeClass { id } errors { code } } }',
        )
    )["badgeClass"]["id"]
    draft_uuid = base64.b64decode(draft).decode().split(":", 1)[1]
    for url in (
        f"/t/{t.slug}/ob2/badges/{draft_uuid}",
        f"/t/{t.slug}/ob2/assertions/not-a-uuid",
        f"/t/{t.slug}/ob2/assertions/00000000-0000-7000-8000-000000000000",
        "/t/no-such-tenant/ob2/issuer",
        path(links["verificationUrl"]).replace(t.slug, "no-such-tenant"),
        path(links["png"]).replace("ob2.png", "ob2.gif"),
    ):
        assert (await client.get(url)).status_code == 404, url


async def test_opt_in_public_profile(seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    t = await seeder.tenant()
    c, award_id, links = await _award(gql, t)
    await ok(
        gql,
        c.issuer,
        ISSUE,
        {
            "input": {
                "badgeClassId": c.badge,
                "recipientId": gid("Person", t.people["customer"].id),
                "visibility": "PUBLIC",
            }
        },
    )
    person_url = f"/t/{t.slug}/people/{t.people['learner'].id}"
    assert (await client.get(person_url)).status_code == 404  # not opted in
    assert (await gql(t.tokens["learner"], "{ viewer { profileUrl } }"))["viewer"]["profileUrl"] is None
    opted = await ok(
        gql,
        t.tokens["learner"],
        "mutation { viewerProfileUpdate(profilePublic: true) { person { profilePublic profileUrl } errors { code } } }",
    )
    assert opted["person"]["profilePublic"] is True and path(opted["person"]["profileUrl"]) == person_url
    page = await client.get(person_url)
    assert page.status_code == 200
    assert "<h1>Learner</h1>" in page.text and "Certified Forklift Operator" in page.text and award_id not in page.text
    assert links["verificationUrl"] in page.text
    # Now the badge page names the learner, linking to the profile.
    assert (
        f'<a href="{opted["person"]["profileUrl"]}">Learner</a>'
        in (await client.get(path(links["verificationUrl"]))).text
    )
    key = await ok(
        gql,
        t.tokens["admin"],
        'mutation { apiKeyCreate(input: {name: "K", scopes: [PEOPLE_READ]}) { secret errors { code } } }',
    )
    by_key = await gql(key["secret"], "mutation { viewerProfileUpdate(profilePublic: true) { errors { code } } }")
    assert by_key["viewerProfileUpdate"]["errors"] == [{"code": "FORBIDDEN"}]
    await ok(gql, t.tokens["learner"], "mutation { viewerProfileUpdate(profilePublic: false) { errors { code } } }")
    assert (await client.get(person_url)).status_code == 404


SET_IMAGE = "mutation($id: ID!, $img: String!, $f: ImageFormat!) { badgeClassImageSet(id: $id, imageBase64: $img, format: $f) { badgeClass { imageUrl } errors { code field message } } }"
EVIL_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)">
<script>alert(2)</script><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></foreignObject>
<image href="https://evil.example/track.png" width="10" height="10"/>
<rect width="10" height="10" fill="url(https://evil.example/x.svg#p)" style="fill:red"/>
<a xlink:href="javascript:alert(3)"><circle r="4" fill="url(#grad)" onclick="alert(4)"/></a>
<use xlink:href="#grad"/><circle r="2" fill="#123456"/><circle r="3" fill="url(#grad)"/></svg>"""


async def test_badge_image_upload_png_and_sanitised_svg(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    from insignia.platform.openbadges.baking import badge_png, bake_png

    t = await seeder.tenant()
    c, _award_id, links = await _award(gql, t)
    # A PNG that already carries an old bake: the bake is dropped, the picture kept.
    upload = bake_png(badge_png(size=64), "https://elsewhere.example/assertion")
    result = await ok(gql, c.issuer, SET_IMAGE, {"id": c.badge, "img": base64.b64encode(upload).decode(), "f": "PNG"})
    served = await client.get(path(result["badgeClass"]["imageUrl"]))
    assert served.headers["content-type"] == "image/png" and unbake_png(served.content) is None
    assert served.headers["x-content-type-options"] == "nosniff"
    baked = (await client.get(path(links["png"]))).content
    assert unbake_png(baked) == links["openBadge2Url"] and baked[16:24] == upload[16:24]  # the uploaded 64x64 IHDR

    result = await ok(gql, c.issuer, SET_IMAGE, {"id": c.badge, "img": base64.b64encode(EVIL_SVG).decode(), "f": "SVG"})
    svg = (await client.get(path(result["badgeClass"]["imageUrl"]))).text
    for bad in (
        "script",
        "onload",
        "onclick",
        "foreignObject",
        "iframe",
        "evil.example",
        "javascript:",
        "<image",
        "<a ",
    ):
        assert bad not in svg, bad
    assert 'fill="url(#grad)"' in svg and 'xlink:href="#grad"' in svg and 'fill="#123456"' in svg
    baked_svg = (await client.get(path(links["svg"]))).text
    assert "<openbadges:assertion" in baked_svg and 'fill="#123456"' in baked_svg


@pytest.mark.parametrize(
    ("data", "fmt", "fragment"),
    [
        (b"GIF89a....", "PNG", "not a PNG"),
        (b"<html><body>hi</body></html>", "SVG", "not an SVG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "SVG", "not well-formed"),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "SVG",
            "DOCTYPE",
        ),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (600 * 1024), "PNG", "over 512 KB"),
        (b"", "PNG", "empty"),
    ],
)
async def test_bad_badge_images_are_refused(
    seeder: Seeder, gql: GraphQLClient, data: bytes, fmt: str, fragment: str
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    result = await gql(c.issuer, SET_IMAGE, {"id": c.badge, "img": base64.b64encode(data).decode(), "f": fmt})
    [error] = result["badgeClassImageSet"]["errors"]
    # Too big is known from the upload's length; the rest from its content.
    # The field is the input as sent, whether the upload's length or its content is at fault.
    assert fragment in error["message"] and error["field"] == "imageBase64"
    image = await gql(c.issuer, "query($id: ID!) { node(id: $id) { ... on BadgeClass { imageUrl } } }", {"id": c.badge})
    assert image["node"]["imageUrl"].endswith("/image")


async def test_linkedin_organisation_id_per_tenant(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    _c, award_id, links = await _award(gql, t)
    update = "mutation($v: String) { tenantSettingsUpdate(input: {linkedInOrganizationId: $v}) { linkedInOrganizationId errors { code field } } }"
    assert (await gql(t.tokens["learner"], update, {"v": "123"}))["tenantSettingsUpdate"]["errors"] == [
        {"code": "FORBIDDEN", "field": None}
    ]
    bad = await gql(t.tokens["admin"], update, {"v": "acme-corp"})
    assert bad["tenantSettingsUpdate"]["errors"] == [{"code": "INVALID", "field": "linkedInOrganizationId"}]
    assert (await ok(gql, t.tokens["admin"], update, {"v": " 1337 "}))["linkedInOrganizationId"] == "1337"
    fresh = (await gql(t.tokens["learner"], SHARING, {"id": award_id}))["node"]
    params = {k: v[0] for k, v in parse_qs(urlsplit(fresh["linkedInAddToProfileUrl"]).query).items()}
    assert params["organizationId"] == "1337" and "organizationName" not in params
    # The page's "Add to LinkedIn" goes through the counting redirect to the same pre-filled link.
    page = path(links["verificationUrl"])
    assert f"{page}/share/linkedin-profile" in (await client.get(page)).text
    redirect = await client.get(f"{page}/share/linkedin-profile")
    assert redirect.status_code == 303 and "organizationId=1337" in redirect.headers["location"]
    assert (await ok(gql, t.tokens["admin"], update, {"v": ""}))["linkedInOrganizationId"] is None


async def test_a_tenant_with_its_own_domain(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, owner_db: Any
) -> None:
    from insignia.tenants.tenant import set_domain

    t = await seeder.tenant()
    domain = f"badges.{t.slug}.example"
    async with owner_db.session() as s:
        await set_domain(s, t.slug, domain.upper())
        await s.commit()
    _c, _award_id, links = await _award(gql, t)
    assert links["verificationUrl"].startswith(f"https://{domain}/awards/")
    host = {"Host": domain}
    page = await client.get(path(links["verificationUrl"]), headers=host)
    assert page.status_code == 200 and "Certified Forklift Operator" in page.text
    assertion = (await client.get(path(links["openBadge2Url"]), headers=host)).json()
    assert assertion["id"] == links["openBadge2Url"] and assertion["badge"].startswith(f"https://{domain}/ob2/badges/")
    # Other hosts do not serve this tenant at the root; the platform path keeps working.
    assert (await client.get(path(links["verificationUrl"]), headers={"Host": "elsewhere.example"})).status_code == 404
    assert (await client.get(f"/t/{t.slug}" + path(links["verificationUrl"]))).status_code == 200
    credential_url = (
        await gql(
            t.tokens["learner"],
            "query($id: ID!) { node(id: $id) { ... on Award { openBadge3Url } } }",
            {"id": _award_id},
        )
    )["node"]["openBadge3Url"]
    credential = (await client.get(path(credential_url), headers=host)).json()
    assert credential["issuer"]["id"] == f"did:web:{domain}"
    did_document = (await client.get("/.well-known/did.json", headers=host)).json()
    assert did_document["id"] == f"did:web:{domain}"
    [vm] = did_document["verificationMethod"]
    from insignia.platform.openbadges import dataintegrity

    assert dataintegrity.verify(credential, dataintegrity.public_key_from_multibase(vm["publicKeyMultibase"]))
    async with owner_db.session() as s:
        with pytest.raises(Exception, match="domain must be a host name"):
            await set_domain(s, t.slug, "not a domain")


BRANDING = """mutation($input: TenantBrandingUpdateInput!) { tenantBrandingUpdate(input: $input) {
  branding { color logoUrl } errors { code field message } } }"""


async def test_tenant_branding_on_public_pages(seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    from insignia.platform.openbadges.baking import badge_png

    t = await seeder.tenant()
    _c, _award_id, links = await _award(gql, t)
    page = (await client.get(path(links["verificationUrl"]))).text
    assert "#1f6feb" in page and "/brand/logo" not in page  # the default, no logo

    denied = await gql(t.tokens["learner"], BRANDING, {"input": {"color": "#123456"}})
    assert denied["tenantBrandingUpdate"]["errors"][0]["code"] == "FORBIDDEN"
    for bad, field in (
        ({"color": "red"}, "color"),
        ({"logoBase64": "!!", "logoFormat": "PNG"}, "logoBase64"),
        ({"logoBase64": base64.b64encode(b"GIF89a").decode(), "logoFormat": "PNG"}, "logoBase64"),
        ({"logoBase64": base64.b64encode(badge_png(size=32)).decode()}, "logoFormat"),
    ):
        result = await gql(t.tokens["admin"], BRANDING, {"input": bad})
        assert result["tenantBrandingUpdate"]["errors"][0]["field"] == field, bad
    # Everything wrong at once, in one answer.
    both = {"color": "red", "logoBase64": base64.b64encode(b"GIF89a").decode(), "logoFormat": "PNG"}
    result = await gql(t.tokens["admin"], BRANDING, {"input": both})
    assert [e["field"] for e in result["tenantBrandingUpdate"]["errors"]] == ["color", "logoBase64"]
    assert (await gql(t.tokens["admin"], "{ tenant { branding { color logoUrl } } }"))["tenant"]["branding"] == {
        "color": "#1f6feb",
        "logoUrl": None,
    }

    logo = badge_png(size=32)
    result = await ok(
        gql,
        t.tokens["admin"],
        BRANDING,
        {"input": {"color": "#0B7A75", "logoBase64": base64.b64encode(logo).decode(), "logoFormat": "PNG"}},
    )
    assert result["branding"]["color"] == "#0b7a75"
    logo_url = result["branding"]["logoUrl"]
    assert path(logo_url) == f"/t/{t.slug}/brand/logo"
    served = await client.get(path(logo_url))
    assert served.status_code == 200 and served.content == logo and served.headers["content-type"] == "image/png"
    assert "sandbox" in served.headers["content-security-policy"]
    page = (await client.get(path(links["verificationUrl"]))).text
    assert "#0b7a75" in page and "#1f6feb" not in page and logo_url.replace("&", "&amp;") in page
    issuer = (await client.get(f"/t/{t.slug}/ob2/issuer")).json()
    assert issuer["image"] == logo_url

    # An SVG logo is sanitised; removing the logo takes it off the pages.
    evil = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'
    await ok(
        gql,
        t.tokens["admin"],
        BRANDING,
        {"input": {"logoBase64": base64.b64encode(evil).decode(), "logoFormat": "SVG"}},
    )
    svg = (await client.get(f"/t/{t.slug}/brand/logo")).text
    assert "script" not in svg and "<rect" in svg
    removed = await ok(gql, t.tokens["admin"], BRANDING, {"input": {"removeLogo": True, "color": ""}})
    assert removed["branding"] == {"color": "#1f6feb", "logoUrl": None}
    assert (await client.get(f"/t/{t.slug}/brand/logo")).status_code == 404
