"""The list's newest-first order is the primary key's (UUIDv7 ids), and tickets listed before
ids were time-ordered (uuid4) keep their place in it."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from ticketing.shared.ids import is_time_ordered
from ticketing.stack.story import listing as a_listing
from ticketing.testing.fakes import MovableClock
from ticketing.tickets import listing
from ticketing.tickets.models import Ticket
from ticketing.tickets.tests.world import World, list_ticket, stored

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def every_title(world: World, **params: Any) -> list[str]:
    """The titles of every ticket, a page of one at a time, following the cursors."""
    titles: list[str] = []
    cursor = None
    while True:
        query = {
            "for_sale": "false",
            "limit": 1,
            **params,
            **({"cursor": cursor} if cursor else {}),
        }
        response = await world.client.get("/api/tickets", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        titles += [t["title"] for t in page["results"]]
        if (cursor := page["next"]) is None:
            return titles


async def legacy_ticket(world: World, like: str, title: str, created_at: datetime) -> str:
    """A ticket as stored before ids were time-ordered: a uuid4 id and no listing key."""
    tickets = Ticket.get_pymongo_collection()
    document = await tickets.find_one({"_id": like})
    assert document is not None
    ticket_id = str(uuid4())
    del document["listing_key"], document["for_sale_until"]
    document.update(_id=ticket_id, title=title, created_at=created_at, status="approved")
    await tickets.insert_one(document)
    return ticket_id


async def test_new_ids_are_time_ordered_and_an_older_ticket_keeps_its_place(world: World) -> None:
    clock = MovableClock(START)
    world.platform.clock = clock
    first = await list_ticket(world, "First")
    assert is_time_ordered(first["id"])
    assert UUID(first["id"]).version == 7
    older = await legacy_ticket(world, first["id"], "Older", START + timedelta(minutes=1))
    clock.move(timedelta(minutes=2))
    last = await list_ticket(world, "Last")
    assert first["id"] < last["id"]  # the primary key's order is the listing's

    assert await every_title(world, for_sale="true") == []  # without its derived fields
    assert await listing.key_older_tickets() == 1
    assert await every_title(world, for_sale="true") == ["Older"]  # approved, to come
    assert await listing.key_older_tickets() == 0  # safe to re-run: nothing left to key
    assert await every_title(world) == ["Last", "Older", "First"]
    assert await every_title(world, sort="oldest") == ["First", "Older", "Last"]
    response = await world.client.get(f"/api/tickets/{older}")
    assert (response.status_code, response.json()["title"]) == (200, "Older")
    # Its key is the one the model makes for it, so a save in between writes the same.
    key = (await stored(older)).listing_key
    assert await Ticket.get_pymongo_collection().find_one({"listing_key": key}, ["_id"]) == {
        "_id": older
    }


async def test_an_older_ticket_saved_before_it_is_keyed_gets_its_key(world: World) -> None:
    made = await list_ticket(world, "Made")
    older = await legacy_ticket(world, made["id"], "Older", datetime.now(UTC) - timedelta(days=1))
    ticket = await stored(older)
    await ticket.save_versioned()  # as any use case writes it
    assert await listing.key_older_tickets() == 0
    assert await every_title(world) == ["Made", "Older"]


async def test_a_page_shows_each_ticket_as_its_own_page_does(world: World) -> None:
    made = await list_ticket(world, "Gig", price="12.5")
    page = (await world.client.get("/api/tickets", params={"for_sale": "false"})).json()
    alone = (await world.client.get(f"/api/tickets/{made['id']}")).json()
    assert page["results"] == [alone]
    assert alone == made  # as the listing answered it, the price's cents kept
    assert alone["price"] == "12.50"


async def test_a_page_has_an_etag_and_a_copy_that_is_current_gets_304(world: World) -> None:
    made = await list_ticket(world, "Gig")
    every = {"for_sale": "false"}
    first = await world.client.get("/api/tickets", params=every)
    etag = first.headers["ETag"]
    again = await world.client.get(
        "/api/tickets", params=every, headers={"If-None-Match": f'"x", W/{etag}'}
    )
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", etag)

    edit = a_listing("Gig", "25.00")
    changed = await world.client.put(f"/api/tickets/{made['id']}", json=edit, headers=world.seller)
    assert changed.status_code == 200, changed.text
    after = await world.client.get("/api/tickets", params=every, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert after.json()["results"][0]["price"] == "25.00"
