"""Audiences and people through GraphQL, as admins, managers and learners see them."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQLClient, Seeder, gid

pytestmark = pytest.mark.asyncio


PEOPLE = "query($first: Int, $after: String, $filter: PersonFilter) { people(first: $first, after: $after, filter: $filter) { edges { cursor node { email } } pageInfo { hasNextPage endCursor } } }"
INVITE = """
mutation($input: PersonInviteInput!) {
  personInvite(input: $input) {
    person { id email name roles active audience { name kind } manager { email } }
    errors { code field message }
  }
}
"""


async def test_viewer_shows_the_signed_in_person(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    data = await gql(
        t.tokens["report"], "{ viewer { email name roles active audience { kind } manager { name email } } }"
    )
    assert data["viewer"] == {
        "email": f"report@{t.slug}.example",
        "name": "Report",
        "roles": ["LEARNER"],
        "active": True,
        "audience": {"kind": "EMPLOYEE"},
        # Their manager is a colleague to them: name, not email.
        "manager": {"name": "Lead", "email": None},
    }


async def test_admin_invites_a_partner_learner_with_a_manager(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    data = await gql(
        t.tokens["admin"],
        INVITE,
        {
            "input": {
                "email": "  New.Person@Example.COM ",
                "name": "New Person",
                "audienceId": gid("Audience", t.audiences["partners"]),
                "managerId": gid("Person", t.people["manager"].id),
                "roles": ["LEARNER", "ISSUER"],
            }
        },
    )
    payload = data["personInvite"]
    assert payload["errors"] == []
    person = payload["person"]
    assert person["email"] == "new.person@example.com"
    assert person["roles"] == ["LEARNER", "ISSUER"]
    assert person["audience"] == {"name": "Partners", "kind": "PARTNER"}
    assert person["manager"] == {"email": f"manager@{t.slug}.example"}
    # It is really saved: the admin finds them by search.
    found = await gql(t.tokens["admin"], PEOPLE, {"filter": {"search": "new.person"}})
    assert [e["node"]["email"] for e in found["people"]["edges"]] == ["new.person@example.com"]


async def test_duplicate_email_is_refused_and_nothing_is_written(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    data = await gql(
        t.tokens["admin"],
        INVITE,
        {
            "input": {
                "email": f"LEARNER@{t.slug}.example",
                "name": "Dup",
                "audienceId": gid("Audience", t.audiences["employees"]),
            }
        },
    )
    assert data["personInvite"]["person"] is None
    assert data["personInvite"]["errors"] == [
        {
            "code": "DUPLICATE",
            "field": "email",
            "message": f"Someone with the email learner@{t.slug}.example is already in this organisation.",
        }
    ]
    found = await gql(t.tokens["admin"], PEOPLE, {"filter": {"search": "Dup"}})
    assert found["people"]["edges"] == []


async def test_people_is_paginated_with_cursors(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(t.tokens["admin"], PEOPLE, {"first": 3, "after": after}))["people"]
        seen += [e["node"]["email"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(p.email for p in t.people.values())
    assert len(seen) == len(set(seen))


async def test_people_filters(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    managers = await gql(t.tokens["admin"], PEOPLE, {"filter": {"role": "MANAGER"}})
    assert {e["node"]["email"].split("@")[0] for e in managers["people"]["edges"]} == {"manager", "lead"}
    customers = await gql(
        t.tokens["admin"], PEOPLE, {"filter": {"audienceId": gid("Audience", t.audiences["customers"])}}
    )
    assert [e["node"]["email"].split("@")[0] for e in customers["people"]["edges"]] == ["customer"]


async def test_manager_sees_direct_and_indirect_reports_in_full(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    data = await gql(t.tokens["manager"], PEOPLE, {"filter": {"reportsOnly": True}})
    assert {e["node"]["email"].split("@")[0] for e in data["people"]["edges"]} == {"lead", "report"}
    lead = await gql(t.tokens["lead"], PEOPLE, {"filter": {"reportsOnly": True}})
    assert {e["node"]["email"].split("@")[0] for e in lead["people"]["edges"]} == {"report"}
    # Other employees are colleagues: listed, without their email; partners and customers are not listed.
    everyone = await gql(t.tokens["manager"], "{ people { edges { node { name email } } } }")
    emails = {e["node"]["name"]: e["node"]["email"] for e in everyone["people"]["edges"]}
    assert emails == {
        "admin": None,
        "Manager": f"manager@{t.slug}.example",
        "Lead": f"lead@{t.slug}.example",
        "Report": f"report@{t.slug}.example",
        "Issuer": None,
        "Learner": None,
    }
    # node() follows the same rule.
    other = await gql(
        t.tokens["manager"],
        "query($id: ID!) { node(id: $id) { ... on Person { name email roles } } }",
        {"id": gid("Person", t.people["learner"].id)},
    )
    assert other["node"] == {"name": "Learner", "email": None, "roles": None}
    partner = await gql(
        t.tokens["manager"], "query($id: ID!) { node(id: $id) { id } }", {"id": gid("Person", t.people["partner"].id)}
    )
    assert partner["node"] is None
    mine = await gql(
        t.tokens["manager"],
        "query($id: ID!) { node(id: $id) { ... on Person { email } } }",
        {"id": gid("Person", t.people["report"].id)},
    )
    assert mine["node"] == {"email": f"report@{t.slug}.example"}


async def test_learner_lists_colleagues_only_and_cannot_change_anything(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    body = await gql(t.tokens["learner"], "{ people { edges { node { name email roles manager { name } } } } }")
    nodes = {e["node"]["name"]: e["node"] for e in body["people"]["edges"]}
    assert set(nodes) == {"admin", "Manager", "Lead", "Report", "Issuer", "Learner"}
    assert nodes["Report"] == {"name": "Report", "email": None, "roles": None, "manager": None}
    assert nodes["Learner"]["email"] == f"learner@{t.slug}.example"
    # Filters cannot find out what the learner may not see: roles and emails of colleagues.
    admins = await gql(t.tokens["learner"], PEOPLE, {"filter": {"role": "ADMIN"}})
    assert admins["people"]["edges"] == []
    by_email = await gql(t.tokens["learner"], PEOPLE, {"filter": {"search": f"admin@{t.slug}"}})
    assert by_email["people"]["edges"] == []
    data = await gql(
        t.tokens["learner"],
        INVITE,
        {
            "input": {
                "email": "sneaky@example.com",
                "name": "S",
                "audienceId": gid("Audience", t.audiences["employees"]),
            }
        },
    )
    assert data["personInvite"]["errors"][0]["code"] == "FORBIDDEN"


async def test_update_person_and_refuse_management_cycles(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    update = "mutation($input: PersonUpdateInput!) { personUpdate(input: $input) { person { name roles manager { email } } errors { code field } } }"
    ok = await gql(
        t.tokens["admin"],
        update,
        {
            "input": {
                "id": gid("Person", t.people["learner"].id),
                "name": "Renamed",
                "roles": ["MANAGER"],
                "managerId": gid("Person", t.people["lead"].id),
            }
        },
    )
    assert ok["personUpdate"] == {
        "person": {"name": "Renamed", "roles": ["MANAGER"], "manager": {"email": f"lead@{t.slug}.example"}},
        "errors": [],
    }
    # The manager reporting to their own (indirect) report: refused.
    cycle = await gql(
        t.tokens["admin"],
        update,
        {"input": {"id": gid("Person", t.people["manager"].id), "managerId": gid("Person", t.people["report"].id)}},
    )
    assert cycle["personUpdate"] == {"person": None, "errors": [{"code": "INVALID", "field": "managerId"}]}
    cleared = await gql(
        t.tokens["admin"], update, {"input": {"id": gid("Person", t.people["learner"].id), "managerId": None}}
    )
    assert cleared["personUpdate"]["person"]["manager"] is None


async def test_deactivation_stops_the_persons_tokens_at_once(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    token = t.tokens["learner"]
    assert (await gql.raw(token, "{ viewer { email } }")).status_code == 200
    data = await gql(
        t.tokens["admin"],
        "mutation($id: ID!) { personDeactivate(id: $id) { person { active } errors { code } } }",
        {"id": gid("Person", t.people["learner"].id)},
    )
    assert data["personDeactivate"] == {"person": {"active": False}, "errors": []}
    response = await gql.raw(token, "{ viewer { email } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_last_admin_cannot_be_deactivated_or_demoted(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    admin_id = gid("Person", t.people["admin"].id)
    data = await gql(
        t.tokens["admin"],
        "mutation($id: ID!) { personDeactivate(id: $id) { person { active } errors { code } } }",
        {"id": admin_id},
    )
    assert data["personDeactivate"] == {"person": None, "errors": [{"code": "INVALID"}]}
    demote = await gql(
        t.tokens["admin"],
        "mutation($id: ID!) { personUpdate(input: {id: $id, roles: [LEARNER]}) { errors { code } } }",
        {"id": admin_id},
    )
    assert demote["personUpdate"]["errors"] == [{"code": "INVALID"}]
    assert (await gql.raw(t.tokens["admin"], "{ viewer { roles } }")).json()["data"]["viewer"]["roles"] == [
        "ADMIN",
        "LEARNER",
    ]


async def test_audiences_create_and_update(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    created = await gql(
        t.tokens["admin"],
        'mutation { audienceCreate(input: {kind: PARTNER, name: "Resellers", partnerCompany: "Hooli"}) { audience { id kind name partnerCompany } errors { code } } }',
    )
    audience = created["audienceCreate"]["audience"]
    assert audience["partnerCompany"] == "Hooli" and audience["kind"] == "PARTNER"
    updated = await gql(
        t.tokens["admin"],
        'mutation($id: ID!) { audienceUpdate(input: {id: $id, name: "Resellers EU", partnerCompany: null}) { audience { name partnerCompany } errors { code } } }',
        {"id": audience["id"]},
    )
    assert updated["audienceUpdate"] == {"audience": {"name": "Resellers EU", "partnerCompany": None}, "errors": []}
    dup = await gql(
        t.tokens["admin"],
        'mutation { audienceCreate(input: {kind: CUSTOMER, name: "Customers"}) { audience { id } errors { code field } } }',
    )
    assert dup["audienceCreate"] == {"audience": None, "errors": [{"code": "DUPLICATE", "field": "name"}]}
    wrong = await gql(
        t.tokens["admin"],
        'mutation { audienceCreate(input: {kind: EMPLOYEE, name: "Shops", partnerCompany: "X"}) { audience { id } errors { code field } } }',
    )
    assert wrong["audienceCreate"] == {"audience": None, "errors": [{"code": "INVALID", "field": "partnerCompany"}]}
    names = [a["name"] for a in (await gql(t.tokens["learner"], "{ audiences { name } }"))["audiences"]]
    assert "Shops" not in names and "Resellers EU" in names


async def test_a_failed_mutation_does_not_undo_a_successful_one_in_the_same_request(
    seeder: Seeder, gql: GraphQLClient
) -> None:
    t = await seeder.tenant()
    data = await gql(
        t.tokens["admin"],
        'mutation { ok: audienceCreate(input: {kind: CUSTOMER, name: "Retail"}) { errors { code } }'
        ' bad: audienceCreate(input: {kind: CUSTOMER, name: "Retail"}) { errors { code } } }',
    )
    assert data == {"ok": {"errors": []}, "bad": {"errors": [{"code": "DUPLICATE"}]}}
    names = [a["name"] for a in (await gql(t.tokens["admin"], "{ audiences { name } }"))["audiences"]]
    assert names.count("Retail") == 1
