"""The credential lifecycle over GraphQL: define, publish, earn by rule, issue by hand, revoke,
re-issue, version criteria, expire and remind, and who may see what."""

from __future__ import annotations

import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from insignia.infra.db import Database, set_tenant
from insignia.infra.outbox import OutboxEvent
from insignia.infra.settings import Settings
from insignia.platform.credentials.models import Award
from insignia.workers.scheduler import default_tasks
from tests.conftest import GraphQLClient, SeededTenant, Seeder, gid
from tests.support import run_jobs_until

pytestmark = pytest.mark.asyncio


async def ok(gql: GraphQLClient, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run a mutation that must succeed; returns its payload."""
    data = await gql(token, query, variables)
    [payload] = data.values()
    assert payload["errors"] == [], payload["errors"]
    return payload  # type: ignore[no-any-return]


SKILL = 'mutation($n: String!) { skillCreate(input: {name: $n, frameworkUrl: "https://esco.example/skill/1"}) { skill { id name frameworkUrl } errors { code field message } } }'
COURSE = "mutation($input: CourseCreateInput!) { courseCreate(input: $input) { course { id title skills { name } } errors { code field message } } }"
ASSESSMENT = "mutation($input: AssessmentCreateInput!) { assessmentCreate(input: $input) { assessment { id passingScore } errors { code field message } } }"
BADGE = "mutation($input: BadgeClassCreateInput!) { badgeClassCreate(input: $input) { badgeClass { id status criteriaVersion } errors { code field message } } }"
PUBLISH = "mutation($id: ID!) { badgeClassPublish(id: $id) { badgeClass { id status criteriaVersion } errors { code field message } } }"
COMPLETE = "mutation($input: CompletionRecordInput!) { completionRecord(input: $input) { completion { id course { title } } created errors { code field message } } }"
RESULT = "mutation($input: AssessmentResultRecordInput!) { assessmentResultRecord(input: $input) { assessmentResult { score passed } created errors { code field message } } }"
ISSUE = "mutation($input: AwardIssueInput!) { awardIssue(input: $input) { award { id status visibility issuerKind criteriaVersion expiresAt badgeClass { name } recipient { email } replaces { id } } created errors { code field message } } }"
ELIGIBILITY = "query($p: ID!, $b: ID!) { awardEligibility(personId: $p, badgeClassId: $b) { eligible awarded criteria { description met missing } } }"
MY_AWARDS = "{ viewer { awards { edges { node { id status issuerKind badgeClass { name skills { name } } } } } } }"


class Catalog:
    """A course with a 70%-to-pass exam, and a badge class needing both (exam at 80+)."""

    def __init__(self, t: SeededTenant) -> None:
        self.t = t
        self.issuer = t.tokens["issuer"]

    async def build(self, gql: GraphQLClient, *, validity_days: int | None = 365) -> Catalog:
        self.skill = (await ok(gql, self.issuer, SKILL, {"n": "Forklift safety"}))["skill"]["id"]
        self.course = (
            await ok(
                gql,
                self.issuer,
                COURSE,
                {"input": {"title": "Forklift basics", "skillIds": [self.skill], "estimatedMinutes": 90}},
            )
        )["course"]["id"]
        self.exam = (
            await ok(
                gql,
                self.issuer,
                ASSESSMENT,
                {"input": {"courseId": self.course, "title": "Forklift exam", "kind": "EXAM", "passingScore": 70}},
            )
        )["assessment"]["id"]
        self.badge = (
            await ok(
                gql,
                self.issuer,
                BADGE,
                {
                    "input": {
                        "name": "Certified Forklift Operator",
                        "description": "Operates a forklift safely.",
                        "criteriaNarrative": "Complete the course and score 80 or more in the exam.",
                        "criteria": {
                            "requirements": [{"courseId": self.course}, {"assessmentId": self.exam, "minScore": 80}]
                        },
                        "skillIds": [self.skill],
                        "alignments": [
                            {
                                "targetName": "Forklift operation",
                                "targetUrl": "https://esco.example/occupation/42",
                                "framework": "ESCO",
                                "code": "8344",
                            }
                        ],
                        "validityDays": validity_days,
                        "points": 50,
                    }
                },
            )
        )["badgeClass"]["id"]
        published = await ok(gql, self.issuer, PUBLISH, {"id": self.badge})
        assert published["badgeClass"] == {"id": self.badge, "status": "PUBLISHED", "criteriaVersion": 1}
        return self


async def _awards_of(owner_db: Database, tenant_id: object, recipient_id: object) -> list[Award]:
    async with owner_db.session() as s:
        await set_tenant(s, tenant_id)  # type: ignore[arg-type]
        return list((await s.scalars(select(Award).where(Award.recipient_id == recipient_id))).all())


async def test_learner_earns_a_badge_by_meeting_its_criteria(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    learner = gid("Person", t.people["learner"].id)

    before = (await gql(t.tokens["learner"], ELIGIBILITY, {"p": learner, "b": c.badge}))["awardEligibility"]
    assert before["eligible"] is False and before["awarded"] is False
    assert [x["missing"] for x in before["criteria"]] == [
        "“Forklift basics” is not completed yet",
        "“Forklift exam” has not been taken yet",
    ]

    recorded = await ok(gql, c.issuer, COMPLETE, {"input": {"personId": learner, "courseId": c.course}})
    assert recorded["created"] is True
    await ok(gql, c.issuer, RESULT, {"input": {"personId": learner, "assessmentId": c.exam, "score": 75}})
    await run_jobs_until(settings, app_db, _no_due_jobs(owner_db, t.id))
    middle = (await gql(t.tokens["learner"], ELIGIBILITY, {"p": learner, "b": c.badge}))["awardEligibility"]
    assert [x["met"] for x in middle["criteria"]] == [True, False]
    assert middle["criteria"][1]["missing"] == "Best score in “Forklift exam” is 75, 80 needed"
    assert await _awards_of(owner_db, t.id, t.people["learner"].id) == []

    await ok(gql, c.issuer, RESULT, {"input": {"personId": learner, "assessmentId": c.exam, "score": 88.5}})

    async def awarded() -> bool:
        return len(await _awards_of(owner_db, t.id, t.people["learner"].id)) == 1

    await run_jobs_until(settings, app_db, awarded)
    mine = (await gql(t.tokens["learner"], MY_AWARDS))["viewer"]["awards"]["edges"]
    assert [(e["node"]["status"], e["node"]["issuerKind"], e["node"]["badgeClass"]["name"]) for e in mine] == [
        ("ACTIVE", "rule", "Certified Forklift Operator")
    ]
    assert mine[0]["node"]["badgeClass"]["skills"] == [{"name": "Forklift safety"}]
    after = (await gql(t.tokens["learner"], ELIGIBILITY, {"p": learner, "b": c.badge}))["awardEligibility"]
    assert after["eligible"] is True and after["awarded"] is True

    # The same completion again (a retried call) changes nothing and issues nothing more.
    completion = (await gql(t.tokens["learner"], "{ viewer { completions { edges { node { completedAt } } } } }"))[
        "viewer"
    ]["completions"]["edges"][0]["node"]["completedAt"]
    again = await ok(
        gql, c.issuer, COMPLETE, {"input": {"personId": learner, "courseId": c.course, "completedAt": completion}}
    )
    assert again["created"] is False
    await run_jobs_until(settings, app_db, _no_due_jobs(owner_db, t.id))
    [award] = await _awards_of(owner_db, t.id, t.people["learner"].id)
    assert award.criteria_version == 1 and award.issuer_kind == "rule"
    assert award.expires_at is not None and abs((award.expires_at - award.issued_at) - timedelta(days=365)) < timedelta(
        seconds=1
    )

    progress = (await gql(t.tokens["learner"], "{ viewer { progress { badgeClass { name } eligible awarded } } }"))[
        "viewer"
    ]["progress"]
    assert progress == [{"badgeClass": {"name": "Certified Forklift Operator"}, "eligible": True, "awarded": True}]


def _no_due_jobs(owner_db: Database, tenant_id: object) -> Any:
    async def check() -> bool:
        async with owner_db.session() as s:
            pending = await s.scalars(
                select(OutboxEvent.id).where(
                    OutboxEvent.tenant_id == tenant_id,
                    OutboxEvent.status.in_(["pending", "dispatched"]),
                    OutboxEvent.kind == "credential.evaluate",
                )
            )
            return not pending.all()

    return check


async def test_issue_by_hand_is_idempotent_and_checked(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    learner = gid("Person", t.people["learner"].id)
    first = await ok(
        gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": learner, "visibility": "PUBLIC"}}
    )
    assert first["created"] is True
    assert first["award"]["issuerKind"] == "person" and first["award"]["visibility"] == "PUBLIC"
    second = await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": learner}})
    assert second["created"] is False and second["award"]["id"] == first["award"]["id"]

    async def refused(input_: dict[str, Any]) -> dict[str, Any]:
        data = await gql(t.tokens["issuer"], ISSUE, {"input": input_})
        assert data["awardIssue"]["award"] is None
        [error] = data["awardIssue"]["errors"]
        return error  # type: ignore[no-any-return]

    restricted = (
        await ok(
            gql,
            c.issuer,
            BADGE,
            {
                "input": {
                    "name": "Partners only",
                    "description": "d",
                    "audienceIds": [gid("Audience", t.audiences["partners"])],
                }
            },
        )
    )["badgeClass"]["id"]
    assert (await refused({"badgeClassId": restricted, "recipientId": learner}))[
        "field"
    ] == "badgeClassId"  # still a draft
    await ok(gql, c.issuer, PUBLISH, {"id": restricted})
    error = await refused({"badgeClassId": restricted, "recipientId": learner})
    assert error == {
        "code": "INVALID",
        "field": "recipientId",
        "message": "This badge class is not open to the person's audience.",
    }
    partner = gid("Person", t.people["partner"].id)
    assert (await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": restricted, "recipientId": partner}}))[
        "created"
    ] is True

    needs_evidence = (
        await ok(gql, c.issuer, BADGE, {"input": {"name": "Portfolio", "description": "d", "evidenceRequired": True}})
    )["badgeClass"]["id"]
    await ok(gql, c.issuer, PUBLISH, {"id": needs_evidence})
    assert (await refused({"badgeClassId": needs_evidence, "recipientId": learner}))["field"] == "evidence"
    with_evidence = await ok(
        gql,
        c.issuer,
        ISSUE,
        {
            "input": {
                "badgeClassId": needs_evidence,
                "recipientId": learner,
                "evidence": {"url": "https://portfolio.example/lee"},
            }
        },
    )
    assert with_evidence["created"] is True

    await ok(gql, c.issuer, "mutation($id: ID!) { badgeClassArchive(id: $id) { errors { code } } }", {"id": restricted})
    assert (await refused({"badgeClassId": restricted, "recipientId": partner}))["message"].startswith(
        "The badge class is archived"
    )
    assert (
        await refused({"badgeClassId": c.badge, "recipientId": gid("Person", "00000000-0000-7000-8000-000000000000")})
    )["code"] == "NOT_FOUND"
    assert (await refused({"badgeClassId": "garbage", "recipientId": learner}))["field"] == "badgeClassId"

    learner_try = await gql(
        t.tokens["learner"],
        ISSUE,
        {"input": {"badgeClassId": c.badge, "recipientId": gid("Person", t.people["customer"].id)}},
    )
    assert learner_try["awardIssue"]["errors"][0]["code"] == "FORBIDDEN"

    keyed = {
        "badgeClassId": needs_evidence,
        "recipientId": partner,
        "evidence": {"narrative": "Great work"},
        "idempotencyKey": "lms-123",
    }
    one = await ok(gql, c.issuer, ISSUE, {"input": keyed})
    two = await ok(gql, c.issuer, ISSUE, {"input": keyed})
    assert one["award"]["id"] == two["award"]["id"] and two["created"] is False


async def test_revoke_reissue_and_audit_trail(seeder: Seeder, gql: GraphQLClient, owner_db: Database) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    learner = gid("Person", t.people["learner"].id)
    award = (await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": learner}}))["award"][
        "id"
    ]
    revoke = "mutation($id: ID!, $r: String!) { awardRevoke(input: {id: $id, reason: $r}) { award { status revokedAt revocationReason } errors { code field } } }"
    blank = await gql(c.issuer, revoke, {"id": award, "r": "  "})
    assert blank["awardRevoke"]["errors"] == [{"code": "INVALID", "field": "reason"}]
    revoked = await ok(gql, c.issuer, revoke, {"id": award, "r": "Issued in error"})
    assert revoked["award"]["status"] == "REVOKED" and revoked["award"]["revocationReason"] == "Issued in error"
    twice = await gql(c.issuer, revoke, {"id": award, "r": "again"})
    assert twice["awardRevoke"]["errors"] == [{"code": "INVALID", "field": "id"}]

    reissued = await ok(
        gql,
        c.issuer,
        "mutation($id: ID!) { awardReissue(id: $id) { award { id status replaces { id status } } created errors { code } } }",
        {"id": award},
    )
    assert reissued["created"] is True
    assert reissued["award"]["status"] == "ACTIVE"
    assert reissued["award"]["replaces"] == {"id": award, "status": "REVOKED"}

    trail = (
        await gql(
            c.issuer,
            "query($id: ID!) { node(id: $id) { ... on Award { auditTrail { action actor before after } } } }",
            {"id": award},
        )
    )["node"]["auditTrail"]
    assert [e["action"] for e in trail] == ["award.issued", "award.revoked"]
    assert trail[1]["before"]["revokedAt"] is None and trail[1]["after"]["revocationReason"] == "Issued in error"
    assert trail[0]["actor"] == f"person:{t.people['issuer'].id}"
    async with owner_db.session() as s:
        events = (
            await s.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.tenant_id == t.id, OutboxEvent.kind == "event.publish")
                .order_by(OutboxEvent.id)
            )
        ).all()
        types = [e.payload["type"] for e in events if e.payload["type"].startswith("award.")]
    assert types == ["award.issued", "award.revoked", "award.issued"]


async def test_suspend_and_reinstate(
    seeder: Seeder, gql: GraphQLClient, owner_db: Database, app_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    learner = gid("Person", t.people["learner"].id)
    award = (await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": learner}}))["award"][
        "id"
    ]
    suspend = "mutation($id: ID!, $r: String!) { awardSuspend(input: {id: $id, reason: $r}) { award { status suspendedAt suspensionReason } errors { code field } } }"
    reinstate = "mutation($id: ID!) { awardReinstate(id: $id) { award { status suspendedAt } errors { code field } } }"
    listed = "query($s: AwardStatus!) { awards(filter: {status: $s}) { edges { node { id } } } }"

    async def with_status(status: str) -> list[str]:
        return [e["node"]["id"] for e in (await gql(c.issuer, listed, {"s": status}))["awards"]["edges"]]

    for token, variables, expected in (
        (t.tokens["learner"], {"id": award, "r": "x"}, [{"code": "FORBIDDEN", "field": None}]),
        (c.issuer, {"id": award, "r": " "}, [{"code": "INVALID", "field": "reason"}]),
        (c.issuer, {"id": award, "r": "x" * 1001}, [{"code": "INVALID", "field": "reason"}]),
        (c.issuer, {"id": gid("Award", uuid.uuid4()), "r": "x"}, [{"code": "NOT_FOUND", "field": "id"}]),
    ):
        assert (await gql(token, suspend, variables))["awardSuspend"] == {"award": None, "errors": expected}
    not_suspended = await gql(c.issuer, reinstate, {"id": award})
    assert not_suspended["awardReinstate"]["errors"] == [{"code": "INVALID", "field": "id"}]
    assert await with_status("ACTIVE") == [award] and await with_status("SUSPENDED") == []

    held = await ok(gql, c.issuer, suspend, {"id": award, "r": "Exam under review"})
    assert held["award"]["status"] == "SUSPENDED" and held["award"]["suspensionReason"] == "Exam under review"
    assert await with_status("SUSPENDED") == [award] and await with_status("ACTIVE") == []
    twice = await gql(c.issuer, suspend, {"id": award, "r": "again"})
    assert twice["awardSuspend"]["errors"] == [{"code": "INVALID", "field": "id"}]
    # While it is on hold, nobody gets a second copy of the badge around it.
    again = await gql(c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": learner}})
    [refused] = again["awardIssue"]["errors"]
    assert (refused["code"], refused["field"]) == ("INVALID", "recipientId") and "suspended" in refused["message"]
    reissue = await gql(
        c.issuer, "mutation($id: ID!) { awardReissue(id: $id) { errors { code field } } }", {"id": award}
    )
    assert reissue["awardReissue"]["errors"] == [{"code": "INVALID", "field": "id"}]
    by_learner = await gql(t.tokens["learner"], reinstate, {"id": award})
    assert by_learner["awardReinstate"]["errors"] == [{"code": "FORBIDDEN", "field": None}]

    back = await ok(gql, c.issuer, reinstate, {"id": award})
    assert back["award"] == {"status": "ACTIVE", "suspendedAt": None}
    await ok(gql, c.issuer, suspend, {"id": award, "r": "Second review"})
    revoked = await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Cheated"}) { award { status suspendedAt } errors { code } } }',
        {"id": award},
    )
    assert revoked["award"] == {"status": "REVOKED", "suspendedAt": None}  # revocation ends the hold for good
    for mutation, variables in ((suspend, {"id": award, "r": "x"}), (reinstate, {"id": award})):
        data = await gql(c.issuer, mutation, variables)
        assert next(iter(data.values()))["errors"] == [{"code": "INVALID", "field": "id"}]

    trail = (
        await gql(
            c.issuer,
            "query($id: ID!) { node(id: $id) { ... on Award { auditTrail { action before after } } } }",
            {"id": award},
        )
    )["node"]["auditTrail"]
    assert [e["action"] for e in trail] == [
        "award.issued",
        "award.suspended",
        "award.reinstated",
        "award.suspended",
        "award.revoked",
    ]
    assert trail[1]["after"]["suspensionReason"] == "Exam under review" and trail[2]["after"]["suspendedAt"] is None
    async with owner_db.session() as s:
        events = (
            await s.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.tenant_id == t.id, OutboxEvent.kind == "event.publish")
                .order_by(OutboxEvent.id)
            )
        ).all()
        types = [e.payload["type"] for e in events if e.payload["type"].startswith("award.")]
    assert types == ["award.issued", "award.suspended", "award.reinstated", "award.suspended", "award.revoked"]

    # The recipient is told each time, with the reason (theirs to know).
    def told() -> list[str]:
        assert settings.email_dir is not None
        mails = [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in settings.email_dir.glob("*.eml")
        ]
        return sorted(
            f"{m['subject']} | {m.get_body(('plain',)).get_content()}"  # type: ignore[union-attr]
            for m in mails
            if m["to"] == f"learner@{t.slug}.example"
            and "Certified Forklift Operator" in m["subject"]
            and "earned" not in m["subject"]
        )

    async def all_told() -> bool:
        return len(told()) == 4

    await run_jobs_until(settings, app_db, all_told)
    mails = told()
    assert [m.split(" | ")[0] for m in mails] == [
        "Your badge “Certified Forklift Operator” is suspended",
        "Your badge “Certified Forklift Operator” is suspended",
        "Your badge “Certified Forklift Operator” is valid again",
        "Your badge “Certified Forklift Operator” was revoked",
    ]
    assert "Reason: Exam under review" in "".join(mails) and "Reason: Cheated" in mails[3]

    # An expired award that was renewed is history: the renewal is the one to suspend.
    customer = gid("Person", t.people["customer"].id)
    old = (await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": customer}}))["award"]
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        await s.execute(
            update(Award)
            .where(Award.recipient_id == t.people["customer"].id)
            .values(expires_at=datetime.now(UTC) - timedelta(days=1))
        )
        await s.commit()
    renewed = await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": customer}})
    assert renewed["created"] is True
    history = await gql(c.issuer, suspend, {"id": old["id"], "r": "x"})
    assert history["awardSuspend"]["errors"] == [{"code": "INVALID", "field": "id"}]


async def test_criteria_versions_and_explicit_reevaluation(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    learner, customer = gid("Person", t.people["learner"].id), gid("Person", t.people["customer"].id)
    award = (await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": learner}}))["award"]
    assert award["criteriaVersion"] == 1
    # The customer finished the course only; the rule then changes to "course only".
    await ok(gql, c.issuer, COMPLETE, {"input": {"personId": customer, "courseId": c.course}})
    await run_jobs_until(settings, app_db, _no_due_jobs(owner_db, t.id))
    assert await _awards_of(owner_db, t.id, t.people["customer"].id) == []
    changed = await ok(
        gql,
        c.issuer,
        "mutation($id: ID!, $c: ID!) { badgeClassUpdate(input: {id: $id, criteria: {requirements: [{courseId: $c}]}}) { badgeClass { criteriaVersion criteria { mode requirements { kind targetId } } } errors { code } } }",
        {"id": c.badge, "c": c.course},
    )
    assert changed["badgeClass"]["criteriaVersion"] == 2
    assert changed["badgeClass"]["criteria"]["requirements"] == [{"kind": "COURSE", "targetId": c.course}]
    # Nobody is re-evaluated until an admin asks.
    await run_jobs_until(settings, app_db, _no_due_jobs(owner_db, t.id))
    assert await _awards_of(owner_db, t.id, t.people["customer"].id) == []
    await ok(
        gql,
        t.tokens["admin"],
        "mutation($id: ID!) { badgeClassReevaluate(id: $id) { errors { code } } }",
        {"id": c.badge},
    )

    async def customer_awarded() -> bool:
        return len(await _awards_of(owner_db, t.id, t.people["customer"].id)) == 1

    await run_jobs_until(settings, app_db, customer_awarded)
    [new] = await _awards_of(owner_db, t.id, t.people["customer"].id)
    assert new.criteria_version == 2
    [old] = await _awards_of(owner_db, t.id, t.people["learner"].id)
    assert old.criteria_version == 1
    trail = await gql(
        c.issuer,
        "query($id: ID!) { node(id: $id) { ... on Award { badgeClass { criteriaVersion } } } }",
        {"id": award["id"]},
    )
    assert trail["node"]["badgeClass"]["criteriaVersion"] == 2


async def _published_master(gql: GraphQLClient, c: Catalog, criteria: dict[str, Any]) -> str:
    """A published "Warehouse Master" badge class with these criteria (they name the Catalog's badge)."""
    master = (
        await ok(
            gql, c.issuer, BADGE, {"input": {"name": "Warehouse Master", "description": "d", "criteria": criteria}}
        )
    )["badgeClass"]["id"]
    await ok(gql, c.issuer, PUBLISH, {"id": master})
    return master  # type: ignore[no-any-return]


def _holds_two(owner_db: Database, t: SeededTenant) -> Any:
    async def check() -> bool:
        return len(await _awards_of(owner_db, t.id, t.people["learner"].id)) == 2

    return check


async def test_badges_that_require_badges_and_n_of(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    course2 = (await ok(gql, c.issuer, COURSE, {"input": {"title": "Pallet jacks"}}))["course"]["id"]
    course3 = (await ok(gql, c.issuer, COURSE, {"input": {"title": "Loading docks"}}))["course"]["id"]
    master = await _published_master(
        gql,
        c,
        {
            "requirements": [{"badgeClassId": c.badge}],
            "groups": [{"mode": "N_OF", "n": 1, "requirements": [{"courseId": course2}, {"courseId": course3}]}],
        },
    )
    learner = gid("Person", t.people["learner"].id)
    await ok(gql, c.issuer, COMPLETE, {"input": {"personId": learner, "courseId": course3}})
    await ok(gql, c.issuer, COMPLETE, {"input": {"personId": learner, "courseId": c.course}})
    await ok(gql, c.issuer, RESULT, {"input": {"personId": learner, "assessmentId": c.exam, "score": 95}})
    await run_jobs_until(settings, app_db, _holds_two(owner_db, t))
    explained = (await gql(t.tokens["learner"], ELIGIBILITY, {"p": learner, "b": master}))["awardEligibility"]
    assert explained["awarded"] is True
    assert [x["description"] for x in explained["criteria"]] == [
        "Hold the badge “Certified Forklift Operator”",
        "1 of: Complete the course “Pallet jacks”; Complete the course “Loading docks”",
    ]


async def test_a_suspended_badge_does_not_count_until_reinstated(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    course2 = (await ok(gql, c.issuer, COURSE, {"input": {"title": "Pallet jacks"}}))["course"]["id"]
    master = await _published_master(gql, c, {"requirements": [{"badgeClassId": c.badge}, {"courseId": course2}]})
    learner = gid("Person", t.people["learner"].id)
    forklift = (await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": learner}}))["award"][
        "id"
    ]
    await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { awardSuspend(input: {id: $id, reason: "Review"}) { errors { code } } }',
        {"id": forklift},
    )
    await run_jobs_until(settings, app_db, _no_due_jobs(owner_db, t.id))
    await ok(gql, c.issuer, COMPLETE, {"input": {"personId": learner, "courseId": course2}})
    await run_jobs_until(settings, app_db, _no_due_jobs(owner_db, t.id))
    explained = (await gql(t.tokens["learner"], ELIGIBILITY, {"p": learner, "b": master}))["awardEligibility"]
    assert explained["eligible"] is False and explained["awarded"] is False
    assert len(await _awards_of(owner_db, t.id, t.people["learner"].id)) == 1

    # Reinstated, the badge counts again, and what it unlocks is awarded without another record.
    await ok(gql, c.issuer, "mutation($id: ID!) { awardReinstate(id: $id) { errors { code } } }", {"id": forklift})

    await run_jobs_until(settings, app_db, _holds_two(owner_db, t))
    assert (await gql(t.tokens["learner"], ELIGIBILITY, {"p": learner, "b": master}))["awardEligibility"]["awarded"]


async def test_bad_definitions_and_records_are_refused(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    learner = gid("Person", t.people["learner"].id)

    async def error_of(query: str, input_: dict[str, Any]) -> dict[str, Any]:
        data = await gql(c.issuer, query, {"input": input_})
        [payload] = data.values()
        [error] = payload["errors"]
        return error  # type: ignore[no-any-return]

    assert (await error_of(RESULT, {"personId": learner, "assessmentId": c.exam, "score": 150}))["field"] == "score"
    assert (await error_of(RESULT, {"personId": learner, "assessmentId": c.exam, "score": -1}))["field"] == "score"
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    assert (await error_of(COMPLETE, {"personId": learner, "courseId": c.course, "completedAt": future}))[
        "field"
    ] == "completedAt"
    assert (await error_of(COMPLETE, {"personId": learner, "courseId": c.exam}))["field"] == "courseId"
    too_many = {
        "name": "Bad",
        "description": "d",
        "criteria": {"mode": "N_OF", "n": 5, "requirements": [{"courseId": c.course}]},
    }
    assert (await error_of(BADGE, too_many))["field"] == "criteria.n"
    both = {
        "name": "Bad2",
        "description": "d",
        "criteria": {"requirements": [{"courseId": c.course, "badgeClassId": c.badge}]},
    }
    assert (await error_of(BADGE, both))["field"] == "criteria.requirements.0"
    dup = {"name": "Certified Forklift Operator", "description": "d"}
    assert (await error_of(BADGE, dup))["code"] == "DUPLICATE"
    assert (await error_of(COURSE, {"title": "X", "activityId": "not an iri"}))["field"] == "activityId"
    assert (await error_of(ASSESSMENT, {"courseId": c.course, "title": "Y", "kind": "QUIZ", "passingScore": 101}))[
        "field"
    ] == "passingScore"
    badges = (await gql(c.issuer, "{ badgeClasses { edges { node { name } } } }"))["badgeClasses"]["edges"]
    assert [b["node"]["name"] for b in badges] == ["Certified Forklift Operator"]


async def test_who_sees_which_awards(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    private = (
        await ok(
            gql,
            c.issuer,
            ISSUE,
            {
                "input": {
                    "badgeClassId": c.badge,
                    "recipientId": gid("Person", t.people["report"].id),
                    "visibility": "PRIVATE",
                }
            },
        )
    )["award"]["id"]
    shared = (
        await ok(
            gql,
            c.issuer,
            ISSUE,
            {"input": {"badgeClassId": c.badge, "recipientId": gid("Person", t.people["lead"].id)}},
        )
    )["award"]["id"]
    customers = (
        await ok(
            gql,
            c.issuer,
            ISSUE,
            {"input": {"badgeClassId": c.badge, "recipientId": gid("Person", t.people["customer"].id)}},
        )
    )["award"]["id"]
    query = "{ awards { edges { node { id } } } }"

    def ids(data: dict[str, Any]) -> set[str]:
        return {e["node"]["id"] for e in data["awards"]["edges"]}

    # An employee sees a colleague's shared award, never a customer's (another population).
    assert ids(await gql(t.tokens["learner"], query)) == {shared}
    assert ids(await gql(t.tokens["customer"], query)) == {customers}
    assert (await gql(t.tokens["learner"], "query($id: ID!) { node(id: $id) { id } }", {"id": private}))["node"] is None
    assert ids(await gql(t.tokens["report"], query)) == {private, shared}
    assert ids(await gql(t.tokens["manager"], query)) == {
        private,
        shared,
    }  # the report is the manager's (indirect) report
    assert ids(await gql(t.tokens["issuer"], query)) == {private, shared, customers}
    progress = await gql.raw(
        t.tokens["learner"],
        "query($p: ID!, $b: ID!) { awardEligibility(personId: $p, badgeClassId: $b) { eligible } }",
        {"p": gid("Person", t.people["report"].id), "b": c.badge},
    )
    assert progress.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    managed = await gql(
        t.tokens["manager"],
        "query($p: ID!, $b: ID!) { awardEligibility(personId: $p, badgeClassId: $b) { awarded } }",
        {"p": gid("Person", t.people["report"].id), "b": c.badge},
    )
    assert managed["awardEligibility"]["awarded"] is True
    filtered = await gql(
        c.issuer,
        "query($a: ID!) { awards(filter: {audienceId: $a, status: ACTIVE}) { edges { node { id } } } }",
        {"a": gid("Audience", t.audiences["customers"])},
    )
    assert ids(filtered) == {customers}
    none_yet = await gql(
        c.issuer,
        "query($d: DateTime!) { awards(filter: {issuedAfter: $d}) { edges { node { id } } } }",
        {"d": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
    )
    assert ids(none_yet) == set()


async def test_expiry_and_reminders(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql, validity_days=30)
    learner, customer = t.people["learner"].id, t.people["customer"].id
    for person in (learner, customer):
        await ok(gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": gid("Person", person)}})
    now = datetime.now(UTC)
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        await s.execute(
            update(Award).where(Award.recipient_id == learner).values(expires_at=now - timedelta(minutes=1))
        )
        await s.execute(update(Award).where(Award.recipient_id == customer).values(expires_at=now + timedelta(days=5)))
        await s.commit()
    tasks = {task.name: task for task in default_tasks(app_db, settings)}
    await tasks["awards.expire"].run()
    await tasks["awards.remind"].run()
    await tasks["awards.remind"].run()  # already reminded: nothing more

    [expired] = await _awards_of(owner_db, t.id, learner)
    assert expired.expired_at is not None
    status = await gql(t.tokens["learner"], MY_AWARDS)
    assert status["viewer"]["awards"]["edges"][0]["node"]["status"] == "EXPIRED"
    [reminded] = await _awards_of(owner_db, t.id, customer)
    assert reminded.reminders_sent == [7, 30] and reminded.expired_at is None
    async with owner_db.session() as s:
        jobs = (
            await s.scalars(select(OutboxEvent).where(OutboxEvent.tenant_id == t.id).order_by(OutboxEvent.id))
        ).all()
    emails = [j.payload for j in jobs if j.kind == "email.send" and j.payload["template"] == "award_expiring"]
    assert [(e["to"], e["context"]["days_left"]) for e in emails] == [(f"customer@{t.slug}.example", 4)]
    published = [j.payload["type"] for j in jobs if j.kind == "event.publish"]
    assert "award.expired" in published
    trail = await gql(
        c.issuer,
        "query($id: ID!) { node(id: $id) { ... on Award { auditTrail { action actor } } } }",
        {"id": gid("Award", expired.id)},
    )
    assert trail["node"]["auditTrail"][-1] == {"action": "award.expired", "actor": "scheduler"}

    # Renewal: issuing again after expiry gives a new award that links to the old one.
    renewed = await ok(
        gql, c.issuer, ISSUE, {"input": {"badgeClassId": c.badge, "recipientId": gid("Person", learner)}}
    )
    assert renewed["created"] is True and renewed["award"]["replaces"] == {"id": gid("Award", expired.id)}

    async def mail_sent() -> bool:
        assert settings.email_dir is not None
        texts = [p.read_text() for p in settings.email_dir.glob("*.eml")]
        reminded = any("expires on" in x and f"customer@{t.slug}.example" in x for x in texts)
        congratulated = any("You earned the badge" in x and f"learner@{t.slug}.example" in x for x in texts)
        return reminded and congratulated

    await run_jobs_until(settings, app_db, mail_sent)


async def test_nested_award_list_has_a_fixed_statement_budget(seeder: Seeder, gql: GraphQLClient) -> None:
    from insignia.infra.db import count_statements

    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    query = "{ awards(first: 50) { edges { node { status badgeClass { name skills { name } audiences { name } } recipient { name audience { name } } } } } }"

    async def statements() -> int:
        async with count_statements() as counter:
            await gql(c.issuer, query)
        return counter[0]

    for person in ("learner", "customer"):
        await ok(
            gql,
            c.issuer,
            ISSUE,
            {"input": {"badgeClassId": c.badge, "recipientId": gid("Person", t.people[person].id)}},
        )
    few = await statements()
    for person in ("partner", "report", "lead", "manager"):
        await ok(
            gql,
            c.issuer,
            ISSUE,
            {"input": {"badgeClassId": c.badge, "recipientId": gid("Person", t.people[person].id)}},
        )
    assert await statements() == few
    # auth 2 + awards page 1 + badge classes 1 + skills 1 + audience links 1 + recipients 1 + audiences 1
    assert few == 8


async def test_rule_engine_respects_revocation_n_of_and_recertification(
    seeder: Seeder, gql: GraphQLClient, app_db: Database, owner_db: Database, settings: Settings
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql, validity_days=30)
    other = (await ok(gql, c.issuer, COURSE, {"input": {"title": "Ladders"}}))["course"]["id"]
    either = (
        await ok(
            gql,
            c.issuer,
            BADGE,
            {
                "input": {
                    "name": "Either",
                    "description": "d",
                    "criteria": {"mode": "N_OF", "n": 1, "requirements": [{"courseId": c.course}, {"courseId": other}]},
                }
            },
        )
    )["badgeClass"]["id"]
    await ok(gql, c.issuer, PUBLISH, {"id": either})
    learner = gid("Person", t.people["learner"].id)
    await ok(
        gql,
        c.issuer,
        COMPLETE,
        {"input": {"personId": learner, "courseId": other, "completedAt": "2026-01-05T10:00:00Z"}},
    )

    async def one_award() -> bool:
        return len(await _awards_of(owner_db, t.id, t.people["learner"].id)) == 1

    await run_jobs_until(settings, app_db, one_award)  # 1 of 2 is enough
    explained = (await gql(t.tokens["learner"], ELIGIBILITY, {"p": learner, "b": either}))["awardEligibility"]
    assert explained["eligible"] is True
    assert [x["met"] for x in explained["criteria"]] == [True, False, True]

    # An issuer revokes it: new activity does not bring it back by itself.
    [award] = await _awards_of(owner_db, t.id, t.people["learner"].id)
    await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { awardRevoke(input: {id: $id, reason: "Cheated"}) { errors { code } } }',
        {"id": gid("Award", award.id)},
    )
    await ok(
        gql,
        c.issuer,
        COMPLETE,
        {"input": {"personId": learner, "courseId": c.course, "completedAt": "2026-01-06T10:00:00Z"}},
    )
    await run_jobs_until(settings, app_db, _no_due_jobs(owner_db, t.id))
    assert [a.revoked_at is not None for a in await _awards_of(owner_db, t.id, t.people["learner"].id)] == [True]

    # Recertification: an expired award is renewed only by activity after it was issued.
    customer = gid("Person", t.people["customer"].id)
    await ok(
        gql,
        c.issuer,
        COMPLETE,
        {"input": {"personId": customer, "courseId": other, "completedAt": "2026-01-05T10:00:00Z"}},
    )

    async def customer_awarded() -> bool:
        return len(await _awards_of(owner_db, t.id, t.people["customer"].id)) == 1

    await run_jobs_until(settings, app_db, customer_awarded)
    async with owner_db.session() as s:
        await set_tenant(s, t.id)
        await s.execute(
            update(Award)
            .where(Award.recipient_id == t.people["customer"].id)
            .values(expires_at=datetime.now(UTC) - timedelta(days=1))
        )
        await s.commit()
    await ok(gql, c.issuer, "mutation($id: ID!) { badgeClassReevaluate(id: $id) { errors { code } } }", {"id": either})
    await run_jobs_until(settings, app_db, _no_due_jobs(owner_db, t.id))
    assert len(await _awards_of(owner_db, t.id, t.people["customer"].id)) == 1  # old activity: no renewal
    await ok(gql, c.issuer, COMPLETE, {"input": {"personId": customer, "courseId": other}})  # completed again, now

    async def renewed() -> bool:
        return len(await _awards_of(owner_db, t.id, t.people["customer"].id)) == 2

    await run_jobs_until(settings, app_db, renewed)
    awards = sorted(await _awards_of(owner_db, t.id, t.people["customer"].id), key=lambda a: a.id)
    assert awards[1].replaces_award_id == awards[0].id and awards[0].superseded_at is not None


async def test_skills_courses_and_assessments_can_be_changed_and_deleted_when_unused(
    seeder: Seeder, gql: GraphQLClient
) -> None:
    t = await seeder.tenant()
    c = await Catalog(t).build(gql)
    upd = await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { skillUpdate(input: {id: $id, name: "Forklift operation", frameworkUrl: ""}) { skill { name frameworkUrl } errors { code } } }',
        {"id": c.skill},
    )
    assert upd["skill"] == {"name": "Forklift operation", "frameworkUrl": None}
    course = await ok(
        gql,
        c.issuer,
        'mutation($id: ID!) { courseUpdate(input: {id: $id, title: "Forklift basics II", skillIds: [], estimatedMinutes: 120}) { course { title skills { name } } errors { code } } }',
        {"id": c.course},
    )
    assert course["course"] == {"title": "Forklift basics II", "skills": []}
    exam = await ok(
        gql,
        c.issuer,
        "mutation($id: ID!) { assessmentUpdate(input: {id: $id, passingScore: 75, kind: PRACTICAL}) { assessment { passingScore } errors { code } } }",
        {"id": c.exam},
    )
    assert exam["assessment"] == {"passingScore": 75.0}
    bad = await gql(
        c.issuer,
        "mutation($id: ID!) { assessmentUpdate(input: {id: $id, passingScore: 120}) { errors { code field } } }",
        {"id": c.exam},
    )
    assert bad["assessmentUpdate"]["errors"] == [{"code": "INVALID", "field": "passingScore"}]

    # Required by the badge class's criteria: refused, nothing deleted.
    for name, type_id in (("courseDelete", c.course), ("assessmentDelete", c.exam)):
        refused = await gql(
            c.issuer, f"mutation($id: ID!) {{ {name}(id: $id) {{ errors {{ code field message }} }} }}", {"id": type_id}
        )
        assert (
            refused[name]["errors"][0]["field"] == "id"
            and "Certified Forklift Operator" in refused[name]["errors"][0]["message"]
        )
    spare = (await ok(gql, c.issuer, COURSE, {"input": {"title": "Spare"}}))["course"]["id"]
    await ok(gql, c.issuer, COMPLETE, {"input": {"personId": gid("Person", t.people["learner"].id), "courseId": spare}})
    used = await gql(
        c.issuer, "mutation($id: ID!) { courseDelete(id: $id) { errors { code message } } }", {"id": spare}
    )
    assert "completions" in used["courseDelete"]["errors"][0]["message"]
    empty = (await ok(gql, c.issuer, COURSE, {"input": {"title": "Empty"}}))["course"]["id"]
    await ok(
        gql, c.issuer, "mutation($id: ID!) { courseDelete(id: $id) { course { id } errors { code } } }", {"id": empty}
    )
    assert (await gql(c.issuer, "query($id: ID!) { node(id: $id) { id } }", {"id": empty}))["node"] is None
    await ok(
        gql, c.issuer, "mutation($id: ID!) { skillDelete(id: $id) { skill { id } errors { code } } }", {"id": c.skill}
    )
    badge = await gql(
        c.issuer, "query($id: ID!) { node(id: $id) { ... on BadgeClass { skills { name } } } }", {"id": c.badge}
    )
    assert badge["node"]["skills"] == []
    learner = await gql(
        t.tokens["learner"], "mutation($id: ID!) { skillDelete(id: $id) { errors { code } } }", {"id": c.skill}
    )
    assert learner["skillDelete"]["errors"] == [{"code": "FORBIDDEN"}]
