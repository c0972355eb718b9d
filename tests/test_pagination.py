"""Connections: totalCount where it is cheap, and paging backward with last/before."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQLClient, Seeder

pytestmark = pytest.mark.asyncio

PEOPLE = """query($first: Int, $after: String, $last: Int, $before: String) {
  people(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { email } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }"""


async def test_total_count_and_paging_both_ways(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    admin = t.tokens["admin"]
    everyone = (await gql(admin, PEOPLE, {"first": 100}))["people"]
    emails = [e["node"]["email"] for e in everyone["edges"]]
    assert everyone["totalCount"] == len(emails) == len(t.people)

    forward = (await gql(admin, PEOPLE, {"first": 3}))["people"]
    assert [e["node"]["email"] for e in forward["edges"]] == emails[:3]
    assert forward["pageInfo"]["hasNextPage"] is True
    assert forward["pageInfo"]["startCursor"] == forward["edges"][0]["cursor"]
    assert forward["totalCount"] == len(emails)  # of the whole list, not the page

    last = (await gql(admin, PEOPLE, {"last": 3}))["people"]
    assert [e["node"]["email"] for e in last["edges"]] == emails[-3:]
    assert last["pageInfo"]["hasPreviousPage"] is True
    before = (await gql(admin, PEOPLE, {"last": 3, "before": last["pageInfo"]["startCursor"]}))["people"]
    assert [e["node"]["email"] for e in before["edges"]] == emails[-6:-3]
    # Walking back to the start: the first page has nothing before it.
    cursor, pages = last["pageInfo"]["startCursor"], [last]
    while pages[-1]["pageInfo"]["hasPreviousPage"]:
        pages.append((await gql(admin, PEOPLE, {"last": 3, "before": cursor}))["people"])
        cursor = pages[-1]["pageInfo"]["startCursor"]
    walked = [e["node"]["email"] for page in reversed(pages) for e in page["edges"]]
    assert walked == emails

    # Both cursors bound a window.
    window = await gql(
        admin, PEOPLE, {"first": 10, "after": forward["edges"][0]["cursor"], "before": last["edges"][0]["cursor"]}
    )
    assert [e["node"]["email"] for e in window["people"]["edges"]] == emails[1:-3]


async def test_total_count_follows_filters_and_visibility(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    # A learner sees fewer people than an admin, and the count says so.
    seen = (await gql(t.tokens["customer"], "{ people(first: 100) { totalCount edges { node { id } } } }"))["people"]
    assert seen["totalCount"] == len(seen["edges"]) < len(t.people)


async def test_first_and_last_together_are_refused(seeder: Seeder, gql: GraphQLClient) -> None:
    t = await seeder.tenant()
    response = await gql.raw(t.tokens["admin"], "{ people(first: 2, last: 2) { edges { node { id } } } }")
    assert response.json()["errors"][0]["extensions"] == {"code": "INVALID", "field": "last"}
    too_many = await gql.raw(t.tokens["admin"], "{ people(last: 101) { edges { node { id } } } }")
    assert too_many.json()["errors"][0]["extensions"]["field"] == "last"
