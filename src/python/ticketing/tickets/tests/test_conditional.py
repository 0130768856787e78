"""Conditional reads of a ticket (shared/conditional.py): its ETag is its version, and a copy
that is still current is answered 304 without a body."""

from ticketing.tickets.tests.world import World, list_ticket


async def test_a_ticket_carries_its_etag_and_a_current_copy_is_not_sent_again(
    world: World,
) -> None:
    ticket = await list_ticket(world, price="20")
    url = f"/api/tickets/{ticket['id']}"
    first = await world.client.get(url)
    etag = first.headers["etag"]
    assert etag == f'"{first.json()["version"]}"'
    for held in (etag, f'"other", W/{etag}', "*"):
        same = await world.client.get(url, headers={"If-None-Match": held})
        assert same.status_code == 304, held
        assert same.content == b""
        assert same.headers["etag"] == etag
    edit = {"title": "Concert, row 2", "price": "20"}
    assert (await world.client.put(url, json=edit, headers=world.seller)).status_code == 200
    changed = await world.client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["title"] == "Concert, row 2"
    assert changed.headers["etag"] != etag
    assert (await world.client.get(url, headers={"If-None-Match": '"999"'})).status_code == 200
    # Another ticket's version is no match for this one's... unless it is the same number: the
    # tag is per resource, as HTTP's caches keep it.
    assert (
        await world.client.get("/api/tickets/nope", headers={"If-None-Match": etag})
    ).status_code == 404
