"""Sharing controlled by the learner: visibility, defaults, acceptance, and links that always lead
somewhere."""

from __future__ import annotations

import email
import email.policy
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from insignia.infra.db import Database, set_tenant
from insignia.infra.global_ids import decode
from insignia.infra.outbox import OutboxEvent
from insignia.infra.settings import Settings
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.support import run_jobs_until

pytestmark = pytest.mark.asyncio

BADGE = (
    "mutation($input: BadgeClassCreateInput!) { badgeClassCreate(input: $input) {"
    " badgeClass { id defaultVisibility } errors { code field } } }"
)
PUBLISH = "mutation($id: ID!) { badgeClassPublish(id: $id) { errors { code } } }"
ISSUE = (
    "mutation($b: ID!, $p: ID!, $v: Visibility) { awardIssue(input: {badgeClassId: $b, recipientId: $p, visibility: $v})"
    " { award { id visibility acceptance shareable verificationUrl } errors { code field } } }"
)
SET = (
    "mutation($id: ID!, $v: Visibility!) { awardVisibilitySet(input: {id: $id, visibility: $v}) {"
    " award { visibility shareable } errors { code field } } }"
)
SETTINGS = (
    "mutation($input: TenantSettingsUpdateInput!) { tenantSettingsUpdate(input: $input) {"
    " settings { defaultAwardVisibility awardAcceptance portalUrl } errors { code field } } }"
)


async def _badge(gql: GraphQLClient, t: SeededTenant, name: str, **extra: Any) -> str:
    data = await gql(t.tokens["admin"], BADGE, {"input": {"name": name, "description": "d", **extra}})
    badge: str = data["badgeClassCreate"]["badgeClass"]["id"]
    await gql(t.tokens["admin"], PUBLISH, {"id": badge})
    return badge


async def _issue(gql: GraphQLClient, t: SeededTenant, badge: str, who: str, v: str | None = None) -> dict[str, Any]:
    data = await gql(t.tokens["admin"], ISSUE, {"b": badge, "p": gid("Person", t.people[who].id), "v": v})
    assert data["awardIssue"]["errors"] == []
    award: dict[str, Any] = data["awardIssue"]["award"]
    return award


def _paths(t: SeededTenant, award_id: str) -> list[str]:
    decoded = decode(award_id)
    assert decoded is not None
    raw = decoded[1]
    root = f"/t/{t.slug}"
    return [
        f"{root}/awards/{raw}",
        f"{root}/awards/{raw}/image.svg",
        f"{root}/ob2/assertions/{raw}",
        f"{root}/ob3/credentials/{raw}",
        f"{root}/awards/{raw}/baked/ob2.png",
    ]


async def _statuses(client: httpx.AsyncClient, t: SeededTenant, award_id: str) -> set[int]:
    return {(await client.get(path)).status_code for path in _paths(t, award_id)}


async def test_the_recipient_makes_a_badge_public_and_private_again(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, owner_db: Database
) -> None:
    t = await seeder.tenant()
    badge = await _badge(gql, t, "Rule issued")
    award = await _issue(gql, t, badge, "learner")
    assert (award["visibility"], award["shareable"]) == ("TENANT", False)
    assert await _statuses(client, t, award["id"]) == {404}  # what rule-issued badges were stuck with

    made_public = (await gql(t.tokens["learner"], SET, {"id": award["id"], "v": "PUBLIC"}))["awardVisibilitySet"]
    assert made_public == {"award": {"visibility": "PUBLIC", "shareable": True}, "errors": []}
    assert await _statuses(client, t, award["id"]) == {200}  # page, image, OB 2.0, OB 3.0, baked: at once

    # A colleague who sees the award cannot change it; the issuer can.
    refused = (await gql(t.tokens["manager"], SET, {"id": award["id"], "v": "PRIVATE"}))["awardVisibilitySet"]
    assert refused["errors"] == [{"code": "FORBIDDEN", "field": None}]
    private = (await gql(t.tokens["learner"], SET, {"id": award["id"], "v": "PRIVATE"}))["awardVisibilitySet"]
    assert private["award"] == {"visibility": "PRIVATE", "shareable": False}
    assert await _statuses(client, t, award["id"]) == {404}
    # The recipient still opens their own private badge's documents with their token.
    headers = {"Authorization": f"Bearer {t.tokens['learner']}"}
    assert (await client.get(_paths(t, award["id"])[3], headers=headers)).status_code == 200
    assert (
        await client.get(_paths(t, award["id"])[3], headers={"Authorization": f"Bearer {t.tokens['customer']}"})
    ).status_code == 404
    back = (await gql(t.tokens["issuer"], SET, {"id": award["id"], "v": "TENANT"}))["awardVisibilitySet"]
    assert back["award"]["visibility"] == "TENANT"

    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        kinds = [
            e.payload["type"]
            for e in await s.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.tenant_id == t.id, OutboxEvent.kind == "event.publish")
                .order_by(OutboxEvent.id)
            )
        ]
    assert kinds.count("award.visibility_changed") == 3
    trail = await gql(
        t.tokens["admin"],
        "query($id: ID!) { node(id: $id) { ... on Award { auditTrail { action actor } } } }",
        {"id": award["id"]},
    )
    actions = [e["action"] for e in trail["node"]["auditTrail"]]
    assert actions.count("award.visibility_changed") == 3


async def test_defaults_come_from_the_badge_class_then_the_tenant(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    public_badge = await _badge(gql, t, "Shared by default", defaultVisibility="PUBLIC")
    plain = await _badge(gql, t, "Plain")
    assert (await _issue(gql, t, public_badge, "learner"))["visibility"] == "PUBLIC"
    assert (await _issue(gql, t, plain, "learner"))["visibility"] == "TENANT"
    changed = await gql(t.tokens["admin"], SETTINGS, {"input": {"defaultAwardVisibility": "PRIVATE"}})
    assert changed["tenantSettingsUpdate"]["settings"]["defaultAwardVisibility"] == "PRIVATE"
    assert (await _issue(gql, t, plain, "report"))["visibility"] == "PRIVATE"
    assert (await _issue(gql, t, public_badge, "report"))["visibility"] == "PUBLIC"
    assert (await _issue(gql, t, plain, "lead", "TENANT"))["visibility"] == "TENANT"  # an explicit choice wins
    bad = await gql(t.tokens["admin"], BADGE, {"input": {"name": "X", "description": ""}})
    assert bad["badgeClassCreate"]["errors"] == [{"code": "INVALID", "field": "description"}]


async def test_awards_wait_for_acceptance_when_the_tenant_asks(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    t = await seeder.tenant()
    await gql(t.tokens["admin"], SETTINGS, {"input": {"awardAcceptance": True}})
    badge = await _badge(gql, t, "Needs a yes", defaultVisibility="PUBLIC")
    award = await _issue(gql, t, badge, "learner")
    assert (award["acceptance"], award["shareable"]) == ("PENDING", False)
    colleague = "{ awards { edges { node { id } } } }"
    assert (await gql(t.tokens["lead"], colleague))["awards"]["edges"] == []
    assert await _statuses(client, t, award["id"]) == {404}
    mine = await gql(t.tokens["learner"], "{ awards(filter: {acceptance: PENDING}) { edges { node { id } } } }")
    assert [e["node"]["id"] for e in mine["awards"]["edges"]] == [award["id"]]

    accept = "mutation($id: ID!) { awardAccept(id: $id) { award { acceptance shareable } errors { code field } } }"
    decline = "mutation($id: ID!) { awardDecline(id: $id) { award { acceptance } errors { code field } } }"
    assert (await gql(t.tokens["lead"], accept, {"id": award["id"]}))["awardAccept"]["errors"] == [
        {"code": "NOT_FOUND", "field": "id"}
    ]
    assert (await gql(t.tokens["learner"], decline, {"id": award["id"]}))["awardDecline"]["award"] == {
        "acceptance": "DECLINED"
    }
    assert await _statuses(client, t, award["id"]) == {404}
    accepted = (await gql(t.tokens["learner"], accept, {"id": award["id"]}))["awardAccept"]
    assert accepted == {"award": {"acceptance": "ACCEPTED", "shareable": True}, "errors": []}
    assert await _statuses(client, t, award["id"]) == {200}
    assert [e["node"]["id"] for e in (await gql(t.tokens["lead"], colleague))["awards"]["edges"]] == [award["id"]]
    too_late = (await gql(t.tokens["learner"], decline, {"id": award["id"]}))["awardDecline"]["errors"]
    assert too_late == [{"code": "INVALID", "field": "id"}]


def _mails_to(settings: Settings, address: str) -> list[str]:
    """The "you earned a badge" emails sent to ``address``."""
    assert settings.email_dir is not None
    found = []
    for path in settings.email_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["to"] == address and "Linked" in message["subject"]:
            found.append(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    return found


async def test_every_email_links_to_a_page_that_exists(
    seeder: Seeder, gql: GraphQLClient, client: httpx.AsyncClient, settings: Settings, app_db: Database
) -> None:
    t = await seeder.tenant()
    badge = await _badge(gql, t, "Linked")
    public = await _issue(gql, t, badge, "learner", "PUBLIC")
    tenant_only = await _issue(gql, t, badge, "report")

    async def mailed() -> bool:
        return bool(_mails_to(settings, f"learner@{t.slug}.example")) and bool(
            _mails_to(settings, f"report@{t.slug}.example")
        )

    await run_jobs_until(settings, app_db, mailed)
    [to_learner] = _mails_to(settings, f"learner@{t.slug}.example")
    assert public["verificationUrl"] in to_learner
    [to_report] = _mails_to(settings, f"report@{t.slug}.example")
    help_page = f"{settings.public_url}/t/{t.slug}/sharing"
    assert help_page in to_report and tenant_only["verificationUrl"] not in to_report
    page = await client.get(f"/t/{t.slug}/sharing")
    assert page.status_code == 200 and "make it <strong>public</strong>" in page.text
    assert page.headers["x-frame-options"] == "DENY"

    # With a portal, people are sent there to sign in.
    portal = "https://academy.example.com/badges"
    await gql(t.tokens["admin"], SETTINGS, {"input": {"portalUrl": portal}})
    await _issue(gql, t, badge, "lead")

    async def lead_mailed() -> bool:
        return bool(_mails_to(settings, f"lead@{t.slug}.example"))

    await run_jobs_until(settings, app_db, lead_mailed)
    [to_lead] = _mails_to(settings, f"lead@{t.slug}.example")
    assert portal in to_lead
    bad = await gql(t.tokens["admin"], SETTINGS, {"input": {"portalUrl": "javascript:alert(1)"}})
    assert bad["tenantSettingsUpdate"]["errors"] == [{"code": "INVALID", "field": "portalUrl"}]


async def test_mutations_report_every_error_at_once(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    bad_badge = {"name": " ", "description": "d", "imageUrl": "not a url", "points": -1, "defaultVisibility": None}
    data = await gql(t.tokens["admin"], BADGE, {"input": bad_badge})
    assert data["badgeClassCreate"]["errors"] == [
        {"code": "INVALID", "field": "name"},
        {"code": "INVALID", "field": "imageUrl"},
        {"code": "INVALID", "field": "points"},
    ]
    invite = (
        "mutation($input: PersonInviteInput!) { personInvite(input: $input) { person { id } errors { code field } } }"
    )
    taken = {"email": f"learner@{t.slug}.example", "name": "", "audienceId": gid("Audience", uuid.uuid4())}
    errors = (await gql(t.tokens["admin"], invite, {"input": taken}))["personInvite"]["errors"]
    assert errors == [
        {"code": "INVALID", "field": "name"},
        {"code": "NOT_FOUND", "field": "audienceId"},
        {"code": "DUPLICATE", "field": "email"},
    ]
    people = await gql(t.tokens["admin"], "{ people(first: 100) { edges { node { id } } } }")
    assert len(people["people"]["edges"]) == len(t.people)  # nothing was written
    update = (
        "mutation($input: PersonUpdateInput!) { personUpdate(input: $input) { person { id } errors { code field } } }"
    )
    bad = {
        "id": gid("Person", t.people["learner"].id),
        "email": "not-an-email",
        "name": " ",
        "managerId": gid("Person", uuid.uuid4()),
    }
    errors = (await gql(t.tokens["admin"], update, {"input": bad}))["personUpdate"]["errors"]
    assert errors == [
        {"code": "INVALID", "field": "email"},
        {"code": "INVALID", "field": "name"},
        {"code": "NOT_FOUND", "field": "managerId"},
    ]
    me = await gql(t.tokens["learner"], "{ viewer { email name manager { id } } }")
    assert me["viewer"] == {"email": f"learner@{t.slug}.example", "name": "Learner", "manager": None}
    badge = await _badge(gql, t, "Original")
    change = (
        "mutation($input: BadgeClassUpdateInput!) { badgeClassUpdate(input: $input) {"
        " badgeClass { name } errors { code field } } }"
    )
    wrong = {"id": badge, "name": "", "imageUrl": "nope", "points": 100_001, "validityDays": -1}
    errors = (await gql(t.tokens["admin"], change, {"input": wrong}))["badgeClassUpdate"]["errors"]
    assert [e["field"] for e in errors] == ["name", "imageUrl", "validityDays", "points"]
    named = await gql(
        t.tokens["admin"], "query($id: ID!) { node(id: $id) { ... on BadgeClass { name } } }", {"id": badge}
    )
    assert named["node"] == {"name": "Original"}
