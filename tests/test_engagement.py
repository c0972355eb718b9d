"""Engagement through GraphQL: points and their ledger, levels, leaderboards, the activity feed,
showcases, the weekly digest, the rules admins set, and isolation between tenants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from insignia.infra.audit import AuditEvent
from insignia.infra.db import Database, count_statements, set_tenant
from insignia.infra.outbox import OutboxEvent
from insignia.infra.settings import Settings
from insignia.platform.credentials.models import Award
from insignia.platform.engagement.models import (
    Congratulation,
    EngagementProfile,
    FeedItem,
    PointEntry,
    PointTotal,
)
from insignia.platform.engagement.points import period_start
from insignia.workers.scheduler import default_tasks
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.support import run_jobs_until

pytestmark = pytest.mark.asyncio

BADGE = (
    'mutation($n: String!, $p: Int!, $v: Int) { badgeClassCreate(input: {name: $n, description: "d", points: $p,'
    " validityDays: $v}) { badgeClass { id } errors { code } } }"
)
PUBLISH = "mutation($id: ID!) { badgeClassPublish(id: $id) { errors { code } } }"
ISSUE = (
    "mutation($b: ID!, $p: ID!, $v: Visibility) { awardIssue(input: {badgeClassId: $b, recipientId: $p, visibility: $v})"
    " { award { id } errors { code } } }"
)
REVOKE = 'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "In error"}) { errors { code } } }'
SUSPEND = 'mutation($id: ID!) { awardSuspend(input: {id: $id, reason: "Check"}) { errors { code } } }'
REINSTATE = "mutation($id: ID!) { awardReinstate(id: $id) { errors { code } } }"
SHARE = (
    "mutation($id: ID!, $v: Visibility!) { awardVisibilitySet(input: {id: $id, visibility: $v}) { errors { code } } }"
)
POINTS = "query($id: ID!) { node(id: $id) { ... on Person { points } } }"
LEDGER = (
    "query($id: ID!) { node(id: $id) { ... on Person { points pointEntries(first: 50) { edges { node {"
    " points source reason badgeClass { name } } } } } } }"
)
SETTINGS = """
mutation($input: EngagementSettingsInput!) { engagementSettingsUpdate(input: $input) {
  settings { levels { name points } firstBadgePoints pathwayPoints beforeGoalPoints expiredAwardsKeepPoints
             defaultParticipation { kind participation } }
  errors { code field message } } }
"""
BOARD = """
query($period: LeaderboardPeriod!, $first: Int, $audience: ID, $company: String, $manager: ID, $pathway: ID) {
  leaderboard(period: $period, first: $first, audienceId: $audience, company: $company, managerId: $manager,
              pathwayId: $pathway) {
    periodStart viewerRank viewerPoints viewerParticipation
    entries { rank displayName points isViewer level person { id name } } } }
"""
FEED = """
query($first: Int, $after: String) { activityFeed(first: $first, after: $after) {
  edges { node { id kind level person { name } award { id } badgeClass { name } pathway { name }
                 congratulations viewerCongratulated congratulatedBy { name } } }
  pageInfo { hasNextPage endCursor } } }
"""
CONGRATULATE = "mutation($id: ID!) { feedItemCongratulate(id: $id) { feedItem { congratulations } errors { code field message } } }"
PROFILE = """
mutation($headline: String, $participation: LeaderboardParticipation, $pinned: [ID!], $digest: Boolean) {
  viewerProfileUpdate(headline: $headline, leaderboardParticipation: $participation, pinnedAwardIds: $pinned,
                      weeklyDigest: $digest) {
    person { id engagement { leaderboardParticipation effectiveParticipation pseudonym weeklyDigest pinnedAwardIds } }
    errors { code field message } } }
"""
SHOWCASE = """
query($id: ID!) { node(id: $id) { ... on Person { showcase { headline audience { name } pinned points level
  nextLevel { name points } awards { id badgeClass { name } } pathwaysCompleted { name } } } } }
"""


async def _ok(gql: GraphQLClient, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    data = await gql(token, query, variables or {})
    [payload] = data.values()
    assert payload["errors"] == [], payload["errors"]
    return payload  # type: ignore[no-any-return]


@dataclass
class World:
    t: SeededTenant
    badges: dict[str, str] = field(default_factory=dict)

    @property
    def admin(self) -> str:
        return self.t.tokens["admin"]

    def person(self, key: str) -> str:
        return gid("Person", self.t.people[key].id)

    async def issue(self, gql: GraphQLClient, badge: str, who: str, visibility: str | None = None) -> str:
        variables = {"b": self.badges[badge], "p": self.person(who), "v": visibility}
        award: str = (await _ok(gql, self.admin, ISSUE, variables))["award"]["id"]
        return award

    async def points(self, gql: GraphQLClient, who: str, viewer: str = "admin") -> int | None:
        found: int | None = (await gql(self.t.tokens[viewer], POINTS, {"id": self.person(who)}))["node"]["points"]
        return found


async def _world(seeder: Seeder, gql: GraphQLClient, **validity: int) -> World:
    w = World(await seeder.tenant("eng"))
    for name, points in (("Alpha", 10), ("Beta", 25), ("Gamma", 40)):
        made = await _ok(gql, w.admin, BADGE, {"n": name, "p": points, "v": validity.get(name)})
        w.badges[name] = made["badgeClass"]["id"]
        await gql(w.admin, PUBLISH, {"id": w.badges[name]})
    return w


async def _jobs(settings: Settings, app_db: Database, owner_db: Database, t: SeededTenant) -> None:
    async def idle() -> bool:
        async with owner_db.session() as s:
            await set_tenant(s, t.id)
            pending = await s.scalar(
                select(OutboxEvent.id)
                .where(OutboxEvent.tenant_id == t.id, OutboxEvent.status.in_(("pending", "dispatched")))
                .limit(1)
            )
            return pending is None

    await run_jobs_until(settings, app_db, idle)


async def _published(owner_db: Database, t: SeededTenant, event_type: str) -> list[dict[str, Any]]:
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        events = await s.scalars(
            select(OutboxEvent).where(OutboxEvent.tenant_id == t.id, OutboxEvent.kind == "event.publish")
        )
        out: list[dict[str, Any]] = []
        for e in events:
            if e.payload["type"] != event_type:
                continue
            out += [i["data"] for i in e.payload["items"]] if "items" in e.payload else [e.payload["data"]]
        return out


async def test_points_follow_awards_and_the_ledger_explains_them(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    w = await _world(seeder, gql)
    alpha = await w.issue(gql, "Alpha", "learner")
    assert await w.points(gql, "learner") == 10
    assert await w.issue(gql, "Alpha", "learner") == alpha  # issuing again changes nothing
    beta = await w.issue(gql, "Beta", "learner")
    assert await w.points(gql, "learner") == 35
    await _ok(gql, w.admin, SUSPEND, {"id": beta})
    assert await w.points(gql, "learner") == 10  # a suspended award does not count
    await _ok(gql, w.admin, REINSTATE, {"id": beta})
    assert await w.points(gql, "learner") == 35
    await _ok(gql, w.admin, REVOKE, {"id": alpha})
    assert await w.points(gql, "learner") == 25  # a revoked award takes its points back

    ledger = (await gql(w.t.tokens["learner"], LEDGER, {"id": w.person("learner")}))["node"]
    assert [(e["node"]["points"], e["node"]["source"], e["node"]["reason"], e["node"]["badgeClass"]["name"])
            for e in ledger["pointEntries"]["edges"]] == [
        (-10, "AWARD", "award.revoked", "Alpha"),
        (25, "AWARD", "award.reinstated", "Beta"),
        (-25, "AWARD", "award.suspended", "Beta"),
        (25, "AWARD", "award.issued", "Beta"),
        (10, "AWARD", "award.issued", "Alpha"),
    ]  # fmt: skip
    assert sum(e["node"]["points"] for e in ledger["pointEntries"]["edges"]) == ledger["points"]
    # A colleague sees the points of someone who takes part visibly, never their ledger.
    colleague = (await gql(w.t.tokens["lead"], LEDGER, {"id": w.person("learner")}))["node"]
    assert colleague == {"points": 25, "pointEntries": None}

    # Expired awards keep their points unless the organisation says otherwise (then a job re-counts).
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        await s.execute(
            update(Award).where(Award.recipient_id == w.t.people["learner"].id, Award.revoked_at.is_(None))
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )  # fmt: skip
        await s.commit()
    tasks = {task.name: task for task in default_tasks(app_db, settings)}
    await tasks["awards.expire"].run()
    assert await w.points(gql, "learner") == 25
    await _ok(gql, w.admin, SETTINGS, {"input": {"expiredAwardsKeepPoints": False}})
    await _jobs(settings, app_db, owner_db, w.t)
    assert await w.points(gql, "learner") == 0
    await _ok(gql, w.admin, SETTINGS, {"input": {"expiredAwardsKeepPoints": True}})
    await _jobs(settings, app_db, owner_db, w.t)
    assert await w.points(gql, "learner") == 25
    reasons = [e["node"]["reason"] for e in (await gql(w.admin, LEDGER, {"id": w.person("learner")}))["node"][
        "pointEntries"]["edges"]]  # fmt: skip
    assert reasons[:2] == ["settings.expired_points", "settings.expired_points"]

    # Totals are recomputed from the ledger on request.
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        await s.execute(update(PointTotal).where(PointTotal.person_id == w.t.people["learner"].id).values(points=999))
        await s.commit()
    assert await w.points(gql, "learner") == 999
    denied = await gql(w.t.tokens["issuer"], "mutation { pointsRecompute { queued errors { code } } }")
    assert denied["pointsRecompute"] == {"queued": False, "errors": [{"code": "FORBIDDEN"}]}
    await _ok(gql, w.admin, "mutation { pointsRecompute { queued errors { code } } }")
    await _jobs(settings, app_db, owner_db, w.t)
    assert await w.points(gql, "learner") == 25
    board = (await gql(w.t.tokens["learner"], BOARD, {"period": "WEEK"}))["leaderboard"]
    assert board["viewerPoints"] == 25  # the week's bucket too


async def test_rules_first_badge_and_levels(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    w = await _world(seeder, gql)
    levels = [{"name": "Bronze", "points": 30}, {"name": "Silver", "points": 60}]
    saved = await _ok(gql, w.admin, SETTINGS, {"input": {"levels": levels, "firstBadgePoints": 5}})
    assert saved["settings"]["levels"] == levels and saved["settings"]["firstBadgePoints"] == 5
    assert saved["settings"]["defaultParticipation"] == [
        {"kind": "EMPLOYEE", "participation": "VISIBLE"},
        {"kind": "PARTNER", "participation": "PSEUDONYMOUS"},
        {"kind": "CUSTOMER", "participation": "PSEUDONYMOUS"},
    ]
    await w.issue(gql, "Alpha", "learner")
    assert await w.points(gql, "learner") == 15  # 10 and the first-badge bonus
    beta = await w.issue(gql, "Beta", "learner")
    assert await w.points(gql, "learner") == 40
    showcase = (await gql(w.t.tokens["lead"], SHOWCASE, {"id": w.person("learner")}))["node"]["showcase"]
    assert (showcase["level"], showcase["nextLevel"]) == ("Bronze", {"name": "Silver", "points": 60})
    await _ok(gql, w.admin, REVOKE, {"id": beta})
    assert (await gql(w.t.tokens["lead"], SHOWCASE, {"id": w.person("learner")}))["node"]["showcase"]["level"] is None
    await w.issue(gql, "Beta", "learner")  # Bronze again: announced only the first time
    reached = await _published(owner_db, w.t, "person.level_reached")
    assert [(r["personId"], r["level"], r["points"]) for r in reached] == [
        (str(w.t.people["learner"].id), "Bronze", 40)
    ]
    feed = (await gql(w.t.tokens["lead"], FEED, {"first": 10}))["activityFeed"]["edges"]
    assert [(e["node"]["kind"], e["node"]["level"]) for e in feed if e["node"]["kind"] == "LEVEL_REACHED"] == [
        ("LEVEL_REACHED", "Bronze")
    ]
    # Webhook endpoints may subscribe to it.
    hook = (
        'mutation { webhookEndpointCreate(input: {url: "https://hooks.example/x", eventTypes: ["person.level_reached"]})'
        " { errors { code } } }"
    )
    assert (await gql(w.admin, hook))["webhookEndpointCreate"]["errors"] == []

    # Bad rules: every error at once, under the field sent; nothing changes.
    bad = await gql(
        w.admin,
        SETTINGS,
        {
            "input": {
                "levels": [{"name": "Gold", "points": 0}, {"name": "gold", "points": 10}, {"name": "", "points": 10}],
                "firstBadgePoints": -1,
                "defaultParticipation": [
                    {"kind": "PARTNER", "participation": "VISIBLE"},
                    {"kind": "PARTNER", "participation": "HIDDEN"},
                ],
            }
        },
    )
    assert [(e["code"], e["field"]) for e in bad["engagementSettingsUpdate"]["errors"]] == [
        ("INVALID", "levels.0.points"),
        ("INVALID", "levels.1.name"),
        ("INVALID", "levels.2.name"),
        ("INVALID", "levels.2.points"),
        ("INVALID", "firstBadgePoints"),
        ("INVALID", "defaultParticipation.1.kind"),
    ]
    current = (await gql(w.t.tokens["learner"], "{ engagementSettings { levels { name } firstBadgePoints } }"))[
        "engagementSettings"
    ]
    assert current == {"levels": [{"name": "Bronze"}, {"name": "Silver"}], "firstBadgePoints": 5}
    denied = await gql(w.t.tokens["learner"], SETTINGS, {"input": {"firstBadgePoints": 1}})
    assert denied["engagementSettingsUpdate"]["errors"][0]["code"] == "FORBIDDEN"
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        actions = [e.action for e in await s.scalars(select(AuditEvent).where(AuditEvent.subject_id == w.t.id))]
    assert actions.count("engagement.settings_updated") == 1


async def test_admin_adjustments_and_bulk_issue(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    w = await _world(seeder, gql)
    adjust = """
    mutation($input: PointsAdjustInput!) { pointsAdjust(input: $input) {
      entry { points source reason } errors { code field } } }
    """
    made = await _ok(
        gql, w.admin, adjust, {"input": {"personId": w.person("report"), "points": 7, "reason": "Mentoring"}}
    )
    assert made["entry"] == {"points": 7, "source": "ADJUSTMENT", "reason": "Mentoring"}
    bad = await gql(w.admin, adjust, {"input": {"personId": "nope", "points": 0, "reason": " "}})
    assert [(e["code"], e["field"]) for e in bad["pointsAdjust"]["errors"]] == [
        ("NOT_FOUND", "personId"),
        ("INVALID", "points"),
        ("INVALID", "reason"),
    ]
    denied = await gql(
        w.t.tokens["issuer"], adjust, {"input": {"personId": w.person("report"), "points": 1, "reason": "x"}}
    )
    assert denied["pointsAdjust"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        audited = (await s.scalars(select(AuditEvent).where(AuditEvent.action == "points.adjusted"))).all()
    assert [(a.subject_id, a.after["points"]) for a in audited] == [(w.t.people["report"].id, 7)]  # type: ignore[index]

    bulk = (
        "mutation($b: ID!, $p: [ID!]!) { awardIssueBulk(input: {badgeClassId: $b, recipientIds: $p})"
        " { errors { code } } }"
    )
    people = ["learner", "report", "lead"]
    await _ok(gql, w.admin, bulk, {"b": w.badges["Gamma"], "p": [w.person(k) for k in people]})
    await _jobs(settings, app_db, owner_db, w.t)
    assert [await w.points(gql, k) for k in people] == [40, 47, 40]
    feed = (await gql(w.t.tokens["manager"], FEED, {"first": 10}))["activityFeed"]["edges"]
    assert sorted(e["node"]["person"]["name"] for e in feed) == ["Lead", "Learner", "Report"]


async def test_leaderboards_rank_scope_and_privacy_choices(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    w = await _world(seeder, gql)
    for badge, who in (
        ("Gamma", "learner"),
        ("Alpha", "report"),
        ("Beta", "report"),
        ("Alpha", "lead"),
        ("Alpha", "manager"),
        ("Beta", "manager"),
        ("Gamma", "partner"),
        ("Beta", "customer"),
    ):
        await w.issue(gql, badge, who)  # fmt: skip

    async def board(who: str, **variables: Any) -> dict[str, Any]:
        found: dict[str, Any] = (await gql(w.t.tokens[who], BOARD, {"period": "ALL_TIME", **variables}))["leaderboard"]
        return found

    def ranks(found: dict[str, Any]) -> list[tuple[int, str, int]]:
        return [(e["rank"], e["displayName"], e["points"]) for e in found["entries"]]

    mine = await board("report")
    assert ranks(mine) == [(1, "Learner", 40), (2, "Manager", 35), (2, "Report", 35), (4, "Lead", 10)]
    assert (mine["viewerRank"], mine["viewerPoints"], mine["viewerParticipation"]) == (2, 35, "VISIBLE")
    assert [e["isViewer"] for e in mine["entries"]] == [False, False, True, False]
    assert mine["entries"][0]["person"] == {"id": w.person("learner"), "name": "Learner"}
    top = await board("lead", first=1)
    assert ranks(top) == [(1, "Learner", 40)] and (top["viewerRank"], top["viewerPoints"]) == (4, 10)
    nothing = await board("issuer")
    assert (nothing["viewerRank"], nothing["viewerPoints"]) == (None, 0)
    # The partner and the customer see their own company only (and themselves by name).
    assert ranks(await board("partner")) == [(1, "Partner", 40)]
    assert ranks(await board("customer")) == [(1, "Customer", 25)]
    # Periods: the week's board counts this week's points only.
    week = await board("report", period="WEEK")
    assert week["periodStart"] == (date.today() - timedelta(days=date.today().weekday())).isoformat()
    assert ranks(week) == ranks(mine)
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        last_week = period_start("week", datetime.now(UTC).date()) - timedelta(days=7)
        await s.execute(
            update(PointTotal)
            .where(PointTotal.person_id == w.t.people["learner"].id, PointTotal.period == "week")
            .values(period_start=last_week)
        )
        await s.commit()
    assert [e[1] for e in ranks(await board("report", period="WEEK"))] == ["Manager", "Report", "Lead"]
    assert ranks(await board("report", period="MONTH")) == ranks(mine)

    # A pseudonymous person is shown by a pseudonym that is the same everywhere; a hidden one not at all.
    chose = await _ok(gql, w.t.tokens["manager"], PROFILE, {"participation": "PSEUDONYMOUS"})
    alias = chose["person"]["engagement"]["pseudonym"]
    assert alias and "Manager" not in alias
    await _ok(gql, w.t.tokens["lead"], PROFILE, {"participation": "HIDDEN"})
    seen = await board("report")
    assert ranks(seen) == [(1, "Learner", 40), (2, alias, 35), (2, "Report", 35)]
    assert seen["entries"][1]["person"] is None
    assert (await board("report", audience=gid("Audience", w.t.audiences["employees"])))["entries"][1][
        "displayName"
    ] == alias
    assert ranks(await board("manager"))[1] == (2, "Manager", 35)  # oneself, by name
    hidden = await board("lead")
    assert (hidden["viewerRank"], hidden["viewerParticipation"]) == (4, "HIDDEN")  # where they would stand
    assert "Lead" not in [e["displayName"] for e in hidden["entries"]]
    # Colleagues see no points on a pseudonymous person's profile (the pseudonym would mean little).
    assert await w.points(gql, "manager", viewer="learner") is None
    assert await w.points(gql, "manager", viewer="report") is None
    assert await w.points(gql, "manager", viewer="manager") == 35  # themselves
    assert await w.points(gql, "manager", viewer="admin") == 35

    # Scopes: a team (its members, managers and admins), an audience or company one may see.
    team = await board("report", manager=w.person("lead"))
    assert [e["displayName"] for e in team["entries"]] == ["Report"]
    assert (await board("manager", manager=w.person("lead")))["entries"][0]["displayName"] == "Report"
    errors = [
        ("learner", {"manager": w.person("lead")}, "FORBIDDEN", "managerId"),
        ("partner", {"manager": w.person("lead")}, "NOT_FOUND", "managerId"),
        ("learner", {"company": "Initech"}, "FORBIDDEN", "company"),
        ("learner", {"company": "Nobody Inc"}, "NOT_FOUND", "company"),
        ("partner", {"audience": gid("Audience", w.t.audiences["customers"])}, "FORBIDDEN", "audienceId"),
        ("learner", {"audience": gid("Audience", w.t.audiences["partners"])}, "FORBIDDEN", "audienceId"),
        (
            "learner",
            {"audience": gid("Audience", w.t.audiences["partners"]), "company": "Initech"},
            "INVALID",
            "company",
        ),
        ("learner", {"first": 0}, "INVALID", "first"),
        ("learner", {"first": 101}, "INVALID", "first"),
    ]
    for who, variables, code, at in errors:
        response = await gql.raw(w.t.tokens[who], BOARD, {"period": "ALL_TIME", **variables})
        [error] = response.json()["errors"]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, at), (who, variables, error)
    assert ranks(await board("partner", company="initech")) == [(1, "Partner", 40)]
    assert len((await board("admin", company="Initech"))["entries"]) == 1
    # Someone deactivated leaves every board, and the ranks below them move up.
    deactivate = "mutation($id: ID!) { personDeactivate(id: $id) { errors { code } } }"
    await _ok(gql, w.admin, deactivate, {"id": w.person("learner")})
    after = await board("report")
    assert ranks(after) == [(1, alias, 35), (1, "Report", 35)] and after["viewerRank"] == 1
    assert (await board("admin", audience=gid("Audience", w.t.audiences["employees"])))["entries"][0]["points"] == 35


async def test_feed_shows_shared_awards_of_visible_participants_and_takes_congratulations(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    w = await _world(seeder, gql)
    alpha = await w.issue(gql, "Alpha", "learner")
    gamma = await w.issue(gql, "Gamma", "learner", visibility="PRIVATE")
    beta = await w.issue(gql, "Beta", "report")
    await w.issue(gql, "Beta", "partner")  # partners take part pseudonymously by default: not in the feed

    async def feed(who: str, **variables: Any) -> list[dict[str, Any]]:
        data = await gql(w.t.tokens[who], FEED, {"first": 20, **variables})
        return [e["node"] for e in data["activityFeed"]["edges"]]

    seen = await feed("lead")
    assert [(n["person"]["name"], n["badgeClass"]["name"], n["award"]["id"]) for n in seen] == [
        ("Report", "Beta", beta),
        ("Learner", "Alpha", alpha),
    ]  # newest first; the private award is not there
    assert gamma not in {n["award"]["id"] for n in await feed("learner")}  # not even for its recipient
    # The partner sees only Initech, whose people take part pseudonymously: their own item only.
    assert [n["person"]["name"] for n in await feed("partner")] == ["Partner"]
    first = (await gql(w.t.tokens["lead"], FEED, {"first": 1}))["activityFeed"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await gql(w.t.tokens["lead"], FEED, {"first": 1, "after": first["pageInfo"]["endCursor"]}))["activityFeed"]
    assert [e["node"]["award"]["id"] for e in rest["edges"]] == [alpha]

    item = seen[1]["id"]
    assert (await _ok(gql, w.t.tokens["lead"], CONGRATULATE, {"id": item}))["feedItem"]["congratulations"] == 1
    assert (await _ok(gql, w.t.tokens["lead"], CONGRATULATE, {"id": item}))["feedItem"]["congratulations"] == 1
    await _ok(gql, w.t.tokens["manager"], CONGRATULATE, {"id": item})
    mine = next(n for n in await feed("learner") if n["id"] == item)
    assert mine["congratulatedBy"] == [{"name": "Lead"}, {"name": "Manager"}] and mine["congratulations"] == 2
    theirs = next(n for n in await feed("lead") if n["id"] == item)
    assert (theirs["congratulatedBy"], theirs["viewerCongratulated"]) == (None, True)
    # Refused, writing nothing: oneself; an item one may not see (as one that does not exist).
    own = (await gql(w.t.tokens["learner"], CONGRATULATE, {"id": item}))["feedItemCongratulate"]
    assert [(e["code"], e["field"]) for e in own["errors"]] == [("INVALID", "id")]
    hidden = (await gql(w.t.tokens["partner"], CONGRATULATE, {"id": item}))["feedItemCongratulate"]["errors"]
    missing = (await gql(w.t.tokens["partner"], CONGRATULATE, {"id": gid("FeedItem", w.t.id)}))["feedItemCongratulate"][
        "errors"
    ]
    assert hidden == missing and hidden[0]["code"] == "NOT_FOUND"
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert (await gql(w.t.tokens["partner"], node, {"id": item}))["node"] is None
    assert (await gql(w.t.tokens["lead"], node, {"id": item}))["node"] == {"id": item}
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        assert len((await s.scalars(select(Congratulation))).all()) == 2

    # The feed follows the award: private, revoked or suspended, it is gone; shared again, back.
    await _ok(gql, w.t.tokens["learner"], SHARE, {"id": alpha, "v": "PRIVATE"})
    assert [n["award"]["id"] for n in await feed("lead")] == [beta]
    await _ok(gql, w.t.tokens["learner"], SHARE, {"id": alpha, "v": "PUBLIC"})
    await _ok(gql, w.admin, REVOKE, {"id": beta})
    assert [n["award"]["id"] for n in await feed("lead")] == [alpha]
    # ...and the person's choice: pseudonymous or hidden, out of everyone else's feed.
    await _ok(gql, w.t.tokens["learner"], PROFILE, {"participation": "PSEUDONYMOUS"})
    assert await feed("lead") == []
    assert [n["award"]["id"] for n in await feed("learner")] == [alpha]  # still theirs to see


async def test_feed_reads_cost_a_fixed_number_of_statements(seeder: Seeder, gql: GraphQLClient) -> None:
    w = await _world(seeder, gql)
    await _ok(gql, w.t.tokens["lead"], PROFILE, {"participation": "VISIBLE"})

    async def statements() -> int:
        async with count_statements() as counter:
            await gql(w.t.tokens["manager"], FEED, {"first": 50})
        return counter[0]

    await w.issue(gql, "Alpha", "learner")
    few = await statements()
    for badge in ("Beta", "Gamma"):
        for who in ("learner", "report", "lead"):
            await w.issue(gql, badge, who)
    assert await statements() == few


async def test_showcase_and_profile_choices(seeder: Seeder, gql: GraphQLClient, owner_db: Database) -> None:
    w = await _world(seeder, gql)
    alpha = await w.issue(gql, "Alpha", "learner")
    beta = await w.issue(gql, "Beta", "learner", visibility="PUBLIC")
    gamma = await w.issue(gql, "Gamma", "learner", visibility="PRIVATE")
    theirs = await w.issue(gql, "Alpha", "report")
    chosen = await _ok(
        gql, w.t.tokens["learner"], PROFILE, {"headline": "Safety first", "pinned": [alpha], "digest": True}
    )
    assert chosen["person"]["engagement"]["pinnedAwardIds"] == [alpha]
    assert chosen["person"]["engagement"]["weeklyDigest"] is True
    assert chosen["person"]["engagement"]["effectiveParticipation"] == "VISIBLE"

    async def showcase(viewer: str) -> dict[str, Any]:
        found: dict[str, Any] = (await gql(w.t.tokens[viewer], SHOWCASE, {"id": w.person("learner")}))["node"][
            "showcase"
        ]
        return found

    seen = await showcase("lead")
    assert [a["id"] for a in seen["awards"]] == [alpha, beta]  # pinned first, then newest; never the private one
    assert (seen["headline"], seen["audience"], seen["pinned"], seen["points"]) == (
        "Safety first",
        {"name": "Employees"},
        1,
        75,
    )
    assert [a["id"] for a in (await showcase("learner"))["awards"]] == [alpha, beta]  # what others see
    assert (await gql(w.t.tokens["partner"], SHOWCASE, {"id": w.person("learner")}))["node"] is None
    other = "query($id: ID!) { node(id: $id) { ... on Person { engagement { pseudonym } } } }"
    assert (await gql(w.t.tokens["lead"], other, {"id": w.person("learner")}))["node"]["engagement"] is None

    # Every mistake at once; nothing written.
    bad = await gql(
        w.t.tokens["learner"],
        PROFILE,
        {"headline": "x" * 201, "participation": "HIDDEN", "pinned": [beta, gamma, "nope", theirs, beta]},
    )
    assert [(e["code"], e["field"]) for e in bad["viewerProfileUpdate"]["errors"]] == [
        ("NOT_FOUND", "pinnedAwardIds.2"),
        ("INVALID", "headline"),
        ("INVALID", "pinnedAwardIds.1"),
        ("NOT_FOUND", "pinnedAwardIds.3"),
        ("INVALID", "pinnedAwardIds.4"),
    ]
    again = await showcase("lead")
    assert (again["headline"], [a["id"] for a in again["awards"]]) == ("Safety first", [alpha, beta])
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        profile = await s.scalar(
            select(EngagementProfile).where(EngagementProfile.person_id == w.t.people["learner"].id)
        )
        assert profile is not None and profile.participation is None
    too_many = await gql(w.t.tokens["learner"], PROFILE, {"pinned": [alpha] * 13})
    assert too_many["viewerProfileUpdate"]["errors"][0]["field"] == "pinnedAwardIds"
    # A pinned award made private leaves the showcase; unpinning is an empty list.
    await _ok(gql, w.t.tokens["learner"], SHARE, {"id": alpha, "v": "PRIVATE"})
    assert [a["id"] for a in (await showcase("lead"))["awards"]] == [beta]
    cleared = await _ok(gql, w.t.tokens["learner"], PROFILE, {"pinned": []})
    assert cleared["person"]["engagement"]["pinnedAwardIds"] == []


async def test_pathway_completion_points_feed_and_scope(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    from tests.test_pathways import COMPLETE, ENROL, GOAL, _track
    from tests.test_pathways import ISSUE as PATH_ISSUE

    track = await _track(seeder, gql)
    t, admin, learner = track.t, track.t.tokens["admin"], track.t.tokens["learner"]
    me = gid("Person", t.people["learner"].id)
    await _ok(gql, admin, SETTINGS, {"input": {"pathwayPoints": 30, "beforeGoalPoints": 20}})
    await _ok(gql, learner, ENROL, {"input": {"pathwayId": track.pathway}})
    soon = (date.today() + timedelta(days=30)).isoformat()
    await _ok(gql, learner, GOAL, {"input": {"pathwayId": track.pathway, "targetDate": soon}})
    basics = (await _ok(gql, admin, PATH_ISSUE, {"b": track.a, "p": me}))["award"]["id"]
    await _ok(gql, admin, COMPLETE, {"p": me, "c": track.course})
    await _ok(gql, admin, PATH_ISSUE, {"b": track.b, "p": me})
    await _jobs(settings, app_db, owner_db, t)
    ledger = (await gql(admin, LEDGER, {"id": me}))["node"]
    assert ledger["points"] == 50
    assert sorted((e["node"]["source"], e["node"]["points"]) for e in ledger["pointEntries"]["edges"]) == [
        ("BEFORE_GOAL", 20),
        ("PATHWAY", 30),
    ]
    feed = (await gql(t.tokens["lead"], FEED, {"first": 10}))["activityFeed"]["edges"]
    completed = [e["node"] for e in feed if e["node"]["kind"] == "PATHWAY_COMPLETED"]
    assert [(n["person"]["name"], n["pathway"]["name"]) for n in completed] == [("Learner", "Onboarding")]
    scoped = (await gql(t.tokens["learner"], BOARD, {"period": "ALL_TIME", "pathway": track.pathway}))["leaderboard"]
    assert [(e["displayName"], e["points"]) for e in scoped["entries"]] == [("Learner", 50)]
    showcase = (await gql(t.tokens["lead"], SHOWCASE, {"id": me}))["node"]["showcase"]
    assert [p["name"] for p in showcase["pathwaysCompleted"]] == ["Onboarding"]
    missing = await gql.raw(t.tokens["learner"], BOARD, {"period": "ALL_TIME", "pathway": gid("Pathway", t.id)})
    assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    # Completion lost: the bonuses go back (each once); the feed item stays history.
    await _ok(gql, admin, REVOKE, {"id": basics})
    await _jobs(settings, app_db, owner_db, t)
    assert await _points_of(gql, admin, me) == 0
    await _ok(gql, admin, PATH_ISSUE, {"b": track.a, "p": me})
    await _jobs(settings, app_db, owner_db, t)
    assert await _points_of(gql, admin, me) == 50
    feed = (await gql(t.tokens["lead"], FEED, {"first": 10}))["activityFeed"]["edges"]
    assert len([e for e in feed if e["node"]["kind"] == "PATHWAY_COMPLETED"]) == 1


async def _points_of(gql: GraphQLClient, token: str, person: str) -> int | None:
    found: int | None = (await gql(token, POINTS, {"id": person}))["node"]["points"]
    return found


async def test_weekly_digest_lists_what_the_team_achieved(
    seeder: Seeder, gql: GraphQLClient, settings: Settings, app_db: Database, owner_db: Database
) -> None:
    w = await _world(seeder, gql)
    await _ok(gql, w.t.tokens["report"], PROFILE, {"digest": True})  # reports to lead
    await _ok(gql, w.t.tokens["learner"], PROFILE, {"digest": False})
    await w.issue(gql, "Alpha", "lead")  # the report's manager
    await w.issue(gql, "Beta", "learner")  # not on the report's team
    await w.issue(gql, "Gamma", "lead", visibility="PRIVATE")  # not shared: not in anyone's digest
    tasks = {task.name: task for task in default_tasks(app_db, settings)}
    await tasks["engagement.digests"].run()
    await tasks["engagement.digests"].run()  # one a week

    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        emails = [
            e.payload
            for e in await s.scalars(
                select(OutboxEvent).where(OutboxEvent.tenant_id == w.t.id, OutboxEvent.kind == "email.send")
            )
            if e.payload["template"] == "engagement_digest"
        ]
    assert [(e["to"], [i["who"] + " " + i["what"] for i in e["context"]["items"]]) for e in emails] == [
        (f"report@{w.t.slug}.example", ["Lead earned the badge “Alpha”"])
    ]

    async def sent() -> bool:
        assert settings.email_dir is not None
        return any(
            "What your team achieved this week" in p.read_text() and f"report@{w.t.slug}.example" in p.read_text()
            for p in settings.email_dir.glob("*.eml")
        )

    await run_jobs_until(settings, app_db, sent)


async def test_engagement_of_another_tenant_is_invisible_and_untouchable(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database
) -> None:
    b = await _world(seeder, gql)
    b_award = await b.issue(gql, "Alpha", "learner")
    await b.issue(gql, "Beta", "report")
    await _ok(gql, b.admin, SETTINGS, {"input": {"levels": [{"name": "B-level", "points": 5}]}})
    b_item = (await gql(b.t.tokens["lead"], FEED, {"first": 5}))["activityFeed"]["edges"][0]["node"]["id"]
    await _ok(gql, b.t.tokens["lead"], CONGRATULATE, {"id": b_item})
    a = await _world(seeder, gql)
    await a.issue(gql, "Alpha", "learner")
    a_key = (
        await gql(
            a.admin,
            'mutation { apiKeyCreate(input: {name: "all", scopes: [PEOPLE_READ, AWARDS_READ]}) { secret } }',
        )
    )["apiKeyCreate"]["secret"]

    async def snapshot() -> Any:
        async with owner_db.session() as s:
            await set_tenant(s, b.t.id)
            return (
                [(e.id, e.points) for e in await s.scalars(select(PointEntry).order_by(PointEntry.id))],
                sorted((x.period, x.person_id, x.points) for x in await s.scalars(select(PointTotal))),
                sorted(
                    (p.person_id, p.participation, p.pinned_award_ids)
                    for p in await s.scalars(select(EngagementProfile))
                ),
                [i.id for i in await s.scalars(select(FeedItem).order_by(FeedItem.id))],
                [(c.feed_item_id, c.person_id) for c in await s.scalars(select(Congratulation))],
            )

    before = await snapshot()
    b_strings = {b_item, b_award, b.t.slug, "B-level"} | {b.person(k) for k in b.t.people}
    for credential in (a.admin, a_key):
        for query, variables in (
            (FEED, {"first": 100}),
            (BOARD, {"period": "ALL_TIME", "first": 100}),
            ("{ engagementSettings { levels { name } } }", {}),
        ):
            response = await gql.raw(credential, query, variables)
            assert response.status_code == 200
            for leaked in b_strings:
                assert leaked not in response.text, (leaked, query)
        assert (await gql(credential, "query($id: ID!) { node(id: $id) { id } }", {"id": b_item}))["node"] is None
        for variables in (
            {"audience": gid("Audience", b.t.audiences["employees"])},
            {"manager": b.person("lead")},
            {"pathway": gid("Pathway", b.t.id)},
        ):
            response = await gql.raw(credential, BOARD, {"period": "WEEK", **variables})
            assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND", variables
    admin = a.admin
    attempts = [
        ("feedItemCongratulate", CONGRATULATE, {"id": b_item}, a.t.tokens["lead"]),
        (
            "pointsAdjust",
            'mutation($p: ID!) { pointsAdjust(input: {personId: $p, points: 5, reason: "x"}) { errors { code } } }',
            {"p": b.person("learner")},
            admin,
        ),
        ("viewerProfileUpdate", PROFILE, {"pinned": [b_award]}, a.t.tokens["learner"]),
    ]
    for name, mutation, variables, token in attempts:
        errors = (await gql(token, mutation, variables))[name]["errors"]
        assert errors and errors[0]["code"] == "NOT_FOUND", (name, errors)
    assert await snapshot() == before


async def test_feed_pages_are_the_same_when_older_items_come_person_by_person(
    seeder: Seeder, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from insignia.platform.engagement import feed as feed_service

    w = await _world(seeder, gql)
    await w.issue(gql, "Alpha", "partner")  # Initech takes part pseudonymously: not in others' feeds
    for badge in ("Alpha", "Beta", "Gamma"):
        for who in ("learner", "report", "lead", "customer"):
            await w.issue(gql, badge, who, visibility="PRIVATE" if (badge, who) == ("Beta", "report") else None)

    async def pages(who: str) -> list[list[str]]:
        out, after = [], None
        while True:
            data = (await gql(w.t.tokens[who], FEED, {"first": 2, "after": after}))["activityFeed"]
            out.append([e["node"]["id"] for e in data["edges"]])
            if not data["pageInfo"]["hasNextPage"]:
                return out
            after = data["pageInfo"]["endCursor"]

    viewers = ("manager", "partner", "customer")
    whole = {who: await pages(who) for who in viewers}
    assert [len(p) for p in whole["manager"]] == [2, 2, 2, 2]  # 3 badges x 3 employees, less the private one
    assert sum(len(p) for p in whole["partner"]) == 1 and sum(len(p) for p in whole["customer"]) == 3
    monkeypatch.setattr(feed_service, "WINDOW", 3)  # most pages now come from the person-by-person path
    for who in viewers:
        assert await pages(who) == whole[who], who
