"""Engagement from every audience's point of view, on the world of ``test_visibility``: employees
(with a manager and reports), two partner companies (Initech with a partner admin, Globex), customer
companies (X Corp, Y Corp, and an audience naming none). Leaderboards, the feed, showcases and points
show nobody a viewer may not see: a partner of Initech never meets a person, a name, a pseudonym or
a rank of Globex, nor a customer of X Corp one of Y Corp."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from insignia.infra.db import Database, set_tenant
from insignia.platform.engagement.models import EngagementProfile
from tests.conftest import GraphQLClient, Seeder, gid
from tests.test_engagement import BOARD, FEED, POINTS, PROFILE, SHOWCASE
from tests.test_visibility import EMPLOYEES, EXPECTED, INITECH, RULES, World, _world

pytestmark = pytest.mark.asyncio

ADJUST = 'mutation($p: ID!, $n: Int!) { pointsAdjust(input: {personId: $p, points: $n, reason: "Seed"}) { errors { code } } }'
PARTNERS = INITECH | {"globex"}
CUSTOMERS = {"customer", "x1", "x2", "y1"}
# Employees take part under their names, partners and customers under pseudonyms (the defaults).
NAMED = EMPLOYEES


async def _engaged_world(seeder: Seeder, owner_db: Database, gql: GraphQLClient) -> tuple[World, dict[str, str]]:
    """The visibility world, everyone with distinct points, everyone's pseudonym by person key."""
    w = await _world(seeder, owner_db, gql)
    for i, key in enumerate(sorted(w.t.people)):
        data = await gql(w.token("admin"), ADJUST, {"p": w.person(key), "n": 100 + i})
        assert data["pointsAdjust"]["errors"] == []
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        by_id = {p.person_id: p.pseudonym for p in await s.scalars(select(EngagementProfile))}
    return w, {key: by_id[person.id] for key, person in w.t.people.items()}


@pytest.fixture
async def engaged(seeder: Seeder, owner_db: Database, gql: GraphQLClient) -> tuple[World, dict[str, str]]:
    return await _engaged_world(seeder, owner_db, gql)


def _names(board: dict[str, Any]) -> set[str]:
    """Every name a board shows: display names and the names of the people behind them."""
    return {e["displayName"] for e in board["entries"]} | {e["person"]["name"] for e in board["entries"] if e["person"]}


def _who(w: World, aliases: dict[str, str], entry: dict[str, Any]) -> str:
    """The person key behind a board entry (by id when named, else by pseudonym)."""
    if entry["person"] is not None:
        return next(k for k in w.t.people if w.person(k) == entry["person"]["id"])
    return next(k for k, alias in aliases.items() if alias == entry["displayName"])


async def test_boards_show_only_people_the_viewer_may_see_by_the_name_they_chose(
    engaged: tuple[World, dict[str, str]], gql: GraphQLClient
) -> None:
    w, aliases = engaged
    for who, expected in EXPECTED.items():
        response = await gql.raw(w.token(who), BOARD, {"period": "ALL_TIME", "first": 100})
        board = response.json()["data"]["leaderboard"]
        seen = [_who(w, aliases, e) for e in board["entries"]]
        assert set(seen) == expected, who
        # Ranks are counted among those shown: 1..n, best first.
        assert [e["rank"] for e in board["entries"]] == list(range(1, len(seen) + 1)), who
        assert board["viewerRank"] == seen.index(who) + 1, who
        for entry, key in zip(board["entries"], seen, strict=True):
            named = key in NAMED or key == who
            assert (entry["person"] is not None) == named, (who, key)
            assert entry["displayName"] == (w.t.people[key].name if named else aliases[key]), (who, key)
        # Nobody outside the viewer's world leaks, by name, pseudonym or id.
        shown = _names(board)
        for outsider in set(w.t.people) - expected:
            assert w.t.people[outsider].name not in shown and aliases[outsider] not in shown, (who, outsider)
            assert w.person(outsider) not in response.text, (who, outsider)


async def test_a_partner_never_meets_another_company_and_may_not_ask_for_it(
    engaged: tuple[World, dict[str, str]], gql: GraphQLClient
) -> None:
    w, aliases = engaged
    globex = (w.t.people["globex"].name, aliases["globex"], w.person("globex"))
    for who in ("partner", "partner2", "partneradmin"):
        for query, variables in (
            (BOARD, {"period": "ALL_TIME", "first": 100}),
            (BOARD, {"period": "WEEK", "first": 100, "audience": gid("Audience", w.t.audiences["partners"])}),
            (BOARD, {"period": "MONTH", "first": 100, "company": "Initech"}),
            (FEED, {"first": 100}),
            (SHOWCASE, {"id": w.person("globex")}),
            (POINTS, {"id": w.person("globex")}),
        ):
            text = (await gql.raw(w.token(who), query, variables)).text
            for leaked in globex:
                assert leaked not in text, (who, query, leaked)
        for variables, field in (
            ({"company": "Globex"}, "company"),
            ({"audience": gid("Audience", w.t.audiences["globex"])}, "audienceId"),
            ({"audience": gid("Audience", w.t.audiences["employees"])}, "audienceId"),
            ({"manager": w.person("manager")}, "managerId"),
        ):
            response = await gql.raw(w.token(who), BOARD, {"period": "ALL_TIME", **variables})
            [error] = response.json()["errors"]
            assert error["extensions"]["field"] == field, (who, variables)
            assert error["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}
            assert response.json()["data"] is None
    # The same holds for customers of different companies.
    for who, outsider in (("x1", "y1"), ("y1", "x2"), ("customer", "x1")):
        board = (await gql(w.token(who), BOARD, {"period": "ALL_TIME", "first": 100}))["leaderboard"]
        assert not {aliases[outsider], w.t.people[outsider].name} & _names(board)
        forbidden = await gql.raw(
            w.token(who), BOARD, {"period": "ALL_TIME", "company": "Y Corp" if who != "y1" else "X Corp"}
        )
        assert forbidden.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # A partner's own company board: only Initech, ranked among itself.
    initech = await gql(w.token("partner"), BOARD, {"period": "ALL_TIME", "company": "Initech", "first": 100})
    assert {_who(w, aliases, e) for e in initech["leaderboard"]["entries"]} == INITECH


async def test_the_feed_and_profiles_follow_the_policy_and_each_choice(
    engaged: tuple[World, dict[str, str]], gql: GraphQLClient
) -> None:
    w, aliases = engaged
    for who, expected in EXPECTED.items():
        items = (await gql(w.token(who), FEED, {"first": 100}))["activityFeed"]["edges"]
        names = {e["node"]["person"]["name"] for e in items}
        # Awards of people seen who take part visibly (employees), and one's own.
        visible = {w.t.people[k].name for k in expected if k in NAMED or k == who}
        assert not names & set(aliases.values()), who  # the feed names people; it never pairs them with a pseudonym
        assert names == visible, who
        for key in w.t.people:
            showcase = (await gql(w.token(who), SHOWCASE, {"id": w.person(key)}))["node"]
            assert (showcase is not None) == (key in expected), (who, key)
            points = (await gql(w.token(who), POINTS, {"id": w.person(key)}))["node"]
            if key not in expected:
                assert points is None
            else:
                shown = key in NAMED or key == who or (who == "partneradmin" and key in INITECH)
                assert (points["points"] is not None) == shown, (who, key)

    # A partner who chooses to take part visibly appears by name to their company, never beyond it.
    await gql(w.token("partner2"), PROFILE, {"participation": "VISIBLE"})
    board = (await gql(w.token("partner"), BOARD, {"period": "ALL_TIME", "first": 100}))["leaderboard"]
    assert "Partner2" in {e["displayName"] for e in board["entries"]}
    assert "Partner2" in {
        e["node"]["person"]["name"]
        for e in (await gql(w.token("partner"), FEED, {"first": 100}))["activityFeed"]["edges"]
    }
    assert "Partner2" not in (await gql.raw(w.token("globex"), BOARD, {"period": "ALL_TIME", "first": 100})).text
    assert "Partner2" not in (await gql.raw(w.token("learner"), FEED, {"first": 100})).text
    # Hidden: off everyone else's board and feed, not counted in their ranks.
    await gql(w.token("report"), PROFILE, {"participation": "HIDDEN"})
    learner = (await gql(w.token("learner"), BOARD, {"period": "ALL_TIME", "first": 100}))["leaderboard"]
    assert "Report" not in {e["displayName"] for e in learner["entries"]}
    assert len(learner["entries"]) == len(EMPLOYEES) - 1
    assert "Report" not in (await gql.raw(w.token("manager"), FEED, {"first": 100})).text


async def test_loosened_rules_show_other_companies_by_pseudonym_only(
    engaged: tuple[World, dict[str, str]], gql: GraphQLClient
) -> None:
    w, aliases = engaged
    # The tenant lets partners see every partner: Globex's person appears, under their pseudonym.
    rules = [{"viewer": "PARTNER", "subject": "PARTNER", "reach": "ALL"}]
    assert (await gql(w.token("admin"), RULES, {"rules": rules}))["tenantSettingsUpdate"]["errors"] == []
    board = (await gql(w.token("partner"), BOARD, {"period": "ALL_TIME", "first": 100}))["leaderboard"]
    assert {_who(w, aliases, e) for e in board["entries"]} == PARTNERS
    text = (await gql.raw(w.token("partner"), BOARD, {"period": "ALL_TIME", "first": 100})).text
    assert aliases["globex"] in text and w.t.people["globex"].name not in text and w.person("globex") not in text
    assert (await gql(w.token("partner"), BOARD, {"period": "ALL_TIME", "company": "Globex"}))["leaderboard"]
    # Customers never see partners, whatever partners may see.
    assert not PARTNERS & {
        _who(w, aliases, e)
        for e in (await gql(w.token("x1"), BOARD, {"period": "ALL_TIME", "first": 100}))["leaderboard"]["entries"]
    }
    assert CUSTOMERS  # (the customer companies are checked in the tests above)


async def test_the_policy_asked_from_denormalised_rows_sees_exactly_the_same_people(
    seeder: Seeder, owner_db: Database, gql: GraphQLClient
) -> None:
    """Boards and the feed ask the policy through ``visible_on`` (a row's person and audience) and
    ``visible_ids`` (driven from people): for every viewer, the very people of ``visible_condition``,
    with deactivated people and loosened rules."""
    from sqlalchemy import update

    from insignia.tenants import visibility
    from insignia.tenants.auth import Principal, Scope, person_principal
    from insignia.tenants.models import Person

    w = await _world(seeder, owner_db, gql)
    async with owner_db.session() as s:
        await set_tenant(s, w.t.id)
        await s.execute(update(Person).where(Person.id == w.t.people["report"].id).values(active=False))
        await s.commit()

    async def compare() -> None:
        async with owner_db.session() as s:
            await set_tenant(s, w.t.id)
            people = {p.id: p for p in await s.scalars(select(Person))}
            principals = [person_principal(p) for p in people.values()]
            principals += [
                Principal(tenant_id=w.t.id, api_key_id=w.t.id, scopes=frozenset({Scope.AWARDS_READ.value})),
                Principal(tenant_id=w.t.id, api_key_id=w.t.id, scopes=frozenset({Scope.BADGES_WRITE.value})),
            ]
            for principal in principals:
                visibility.forget(s)
                viewer = await visibility.viewer_of(s, principal)
                expected = set(await s.scalars(select(Person.id).where(visibility.visible_condition(viewer))))
                on_rows = set(
                    await s.scalars(
                        select(Person.id).where(visibility.visible_on(viewer, Person.id, Person.audience_id))
                    )
                )
                driven = visibility.visible_ids(viewer)
                from_people = {row[0] for row in await s.execute(driven)} if driven is not None else set(people)
                label = principal.person.email if principal.person else principal.scopes
                assert on_rows == expected, label
                assert from_people == expected, label

    await compare()
    rules = [
        {"viewer": "PARTNER", "subject": "PARTNER", "reach": "ALL"},
        {"viewer": "CUSTOMER", "subject": "EMPLOYEE", "reach": "ALL"},
    ]
    assert (await gql(w.token("admin"), RULES, {"rules": rules}))["tenantSettingsUpdate"]["errors"] == []
    await compare()
