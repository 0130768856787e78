"""Moderation against real RabbitMQ, Redis (arq) and MongoDB-wire servers; the content
classifier is a stand-in speaking the OpenAI moderation wire format."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from redis.asyncio import Redis

from ticketing.moderation.app import create_app
from ticketing.moderation.models import Case, CaseStatus
from ticketing.moderation.settings import ModerationSettings
from ticketing.shared import deadletters, events
from ticketing.shared.messaging import MAX_ATTEMPTS, queue_name
from ticketing.shared.permissions import ADMIN_GROUP, RelationTuple
from ticketing.shared.platform import Platform
from ticketing.testing.classifier_standin import ClassifierStandIn
from ticketing.testing.events import EventTap, inject
from ticketing.testing.fixtures import eventually, running, sign_up
from ticketing.testing.proxy import Outage

VERDICTS: list[type[events.Event]] = [events.TicketApproved, events.TicketRejected]


@dataclass
class World:
    client: httpx.AsyncClient
    platform: Platform
    tickets_view: EventTap  # what the tickets service would receive
    isolated: dict[str, Any]

    async def listed(self, title: str, ticket_id: str = "t1", version: int = 0) -> None:
        created = events.TicketCreated(
            id=ticket_id, version=version, title=title, price=Decimal("10"), user_id="seller"
        )
        await inject(self.isolated, created)

    async def retitled(self, title: str, version: int, title_changed: bool = True) -> None:
        updated = events.TicketUpdated(
            id="t1",
            version=version,
            title=title,
            price=Decimal("10"),
            user_id="seller",
            title_changed=title_changed,
        )
        await inject(self.isolated, updated)

    async def verdict(self) -> events.TicketApproved | events.TicketRejected:
        async with asyncio.timeout(15):
            while True:
                event = await self.tickets_view.received.get()
                if isinstance(event, events.TicketApproved | events.TicketRejected):
                    return event


async def start(isolated: dict[str, Any], **settings: Any) -> tuple[Any, EventTap]:
    app = create_app(ModerationSettings(**isolated, **settings))
    tap = await EventTap(isolated, "tickets").start(VERDICTS)
    return app, tap


@pytest.fixture
async def world(isolated: dict[str, Any]) -> AsyncIterator[World]:
    app, tap = await start(isolated)
    async with running(app) as client:
        yield World(client, app.state.platform, tap, isolated)
    await tap.stop()


@pytest.fixture
async def standin() -> AsyncIterator[ClassifierStandIn]:
    server = await ClassifierStandIn().start()
    yield server
    await server.stop()


@pytest.fixture
async def classified(isolated: dict[str, Any], standin: ClassifierStandIn) -> AsyncIterator[World]:
    app, tap = await start(
        isolated,
        moderation_classifier_url=standin.url,
        moderation_classifier_api_key=standin.api_key,
    )
    async with running(app) as client:
        yield World(client, app.state.platform, tap, isolated)
    await tap.stop()


async def test_a_clean_title_is_approved(world: World) -> None:
    await world.listed("Jazz at the park")
    verdict = await world.verdict()
    assert isinstance(verdict, events.TicketApproved)
    assert (verdict.id, verdict.version) == ("t1", 0)
    case = await Case.get(verdict.case_id)
    assert case is not None
    assert (case.status, case.decided_by) == (CaseStatus.APPROVED, "wordlist")


async def test_a_listed_word_rejects_with_the_reason(world: World) -> None:
    await world.listed("Cheap COUNTERFEIT passes")
    verdict = await world.verdict()
    assert isinstance(verdict, events.TicketRejected)
    assert verdict.reason == "the title contains a listed word: counterfeit"


async def test_words_match_whole_words_only(world: World) -> None:
    await world.listed("Scampi festival")  # contains "scam" but not the word
    assert isinstance(await world.verdict(), events.TicketApproved)


async def test_duplicate_listing_events_open_one_case(world: World) -> None:
    await world.listed("Rock night")
    await world.listed("Rock night")
    await world.verdict()
    assert await world.tickets_view.silent(1.5)
    assert await Case.find(Case.ticket_id == "t1").count() == 1


async def test_a_rejected_ticket_retitled_is_screened_again(world: World) -> None:
    await world.listed("Stolen seats")
    assert isinstance(await world.verdict(), events.TicketRejected)
    await world.retitled("Stolen seats", version=2, title_changed=False)  # a price change
    assert await world.tickets_view.silent(1.5)
    await world.retitled("Front row seats", version=3)
    approved = await world.verdict()
    assert isinstance(approved, events.TicketApproved)
    assert approved.version == 3


async def test_an_older_title_arriving_late_is_not_screened(world: World) -> None:
    await world.retitled("Newest title", version=4)
    assert isinstance(await world.verdict(), events.TicketApproved)
    await world.listed("Original title", version=0)
    assert await world.tickets_view.silent(1.5)
    assert await Case.find(Case.ticket_id == "t1").count() == 1


async def test_classifier_stand_in_low_scores_approve(
    classified: World, standin: ClassifierStandIn
) -> None:
    await classified.listed("Opera gala")
    verdict = await classified.verdict()
    assert isinstance(verdict, events.TicketApproved)
    assert standin.inputs == ["Opera gala"]
    case = await Case.get(verdict.case_id)
    assert case is not None
    assert case.decided_by == "classifier"
    assert case.category_scores == standin.scores


async def test_classifier_stand_in_high_score_rejects_naming_the_category(
    classified: World, standin: ClassifierStandIn
) -> None:
    standin.scores = {"harassment": 0.05, "hate": 0.93}
    await classified.listed("Some title")
    verdict = await classified.verdict()
    assert isinstance(verdict, events.TicketRejected)
    assert verdict.reason == "classifier: hate scored 0.93"


async def test_classifier_stand_in_unsure_score_goes_to_review(
    classified: World, standin: ClassifierStandIn
) -> None:
    standin.scores = {"violence": 0.5}
    await classified.listed("Fight night")
    case = await eventually(lambda: _case_in("t1", CaseStatus.REVIEW))
    assert case.reason == "classifier unsure: violence scored 0.50"
    assert await classified.tickets_view.silent(1.0)  # nothing is announced until an admin decides


async def test_a_classifier_outage_leaves_the_case_pending_and_retries(
    classified: World, standin: ClassifierStandIn
) -> None:
    standin.down = True
    await classified.listed("Blues evening")
    pending = await eventually(lambda: _case_with_reason("t1"))
    assert pending.status == CaseStatus.PENDING
    assert "waiting for the classifier" in (pending.reason or "")
    assert await classified.tickets_view.silent(1.5)  # never approved by default
    standin.down = False
    verdict = await classified.verdict()
    assert isinstance(verdict, events.TicketApproved)


async def test_a_screening_job_that_finds_the_database_down_runs_again_later(
    isolated: dict[str, Any], standin: ClassifierStandIn
) -> None:
    outage, via_proxy = await Outage.in_front_of(isolated["mongodb_url"])
    app, tap = await start(
        {**isolated, "mongodb_url": via_proxy},
        moderation_classifier_url=standin.url,
        moderation_classifier_api_key=standin.api_key,
    )
    direct: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(isolated["mongodb_url"])
    cases = direct[app.state.platform.settings.database_name("moderation")]["cases"]
    redis = Redis.from_url(isolated["redis_url"])
    async with running(app) as client:
        world = World(client, app.state.platform, tap, isolated)
        standin.down = True  # the first try waits for the classifier ...
        await world.listed("Jazz night")

        async def waiting() -> dict[str, Any] | None:
            return await cases.find_one({"ticket_id": "t1", "reason": {"$ne": None}})

        case = await eventually(waiting)
        await outage.cut()  # ... and the next ones find the database gone
        standin.down = False

        async def tried_after_the_outage() -> bool:  # arq counts a job's tries under this key
            tries = int(await redis.get(f"arq:retry:screen-{case['_id']}") or 0)
            return tries >= 3  # a try that failed on the database was not the last

        await eventually(tried_after_the_outage, within=40)
        await outage.restore()
        verdict = await world.verdict()
        assert (type(verdict), verdict.id) == (events.TicketApproved, "t1")
    await tap.stop()
    await outage.cut()
    await redis.aclose()
    await direct.close()


async def test_admins_list_read_and_decide_cases(
    classified: World, standin: ClassifierStandIn
) -> None:
    platform, client = classified.platform, classified.client
    admin, admin_headers = await sign_up(platform.identity, "admin@example.com")
    _, someone = await sign_up(platform.identity, "someone@example.com")
    await platform.permissions.write([RelationTuple("Group", ADMIN_GROUP, "members", admin.id)])
    standin.scores = {"violence": 0.6}
    await classified.listed("Fight club", ticket_id="t1")
    await classified.listed("Boxing final", ticket_id="t2")
    await eventually(lambda: _case_in("t2", CaseStatus.REVIEW))
    first = await eventually(lambda: _case_in("t1", CaseStatus.REVIEW))

    for headers in (someone, {}):
        denied = await client.get("/api/moderations", headers=headers)
        assert denied.status_code in (401, 403)
        assert (
            await client.post(f"/api/moderations/{first.id}/approve", headers=headers)
        ).status_code in (
            401,
            403,
        )
    listed = await client.get(
        "/api/moderations", params={"status": "review"}, headers=admin_headers
    )
    assert [c["ticket_id"] for c in listed.json()] == ["t1", "t2"]
    assert (
        await client.get("/api/moderations", params={"status": "approved"}, headers=admin_headers)
    ).json() == []
    bad = await client.get("/api/moderations", params={"status": "maybe"}, headers=admin_headers)
    assert bad.status_code == 400
    read = await client.get(f"/api/moderations/{first.id}", headers=admin_headers)
    assert read.json()["reason"] == "classifier unsure: violence scored 0.60"
    assert (await client.get("/api/moderations/nope", headers=admin_headers)).status_code == 404

    approved = await client.post(f"/api/moderations/{first.id}/approve", headers=admin_headers)
    assert approved.status_code == 200
    assert approved.json()["decided_by"] == admin.id
    event = await classified.verdict()
    assert isinstance(event, events.TicketApproved)
    assert event.id == "t1"
    again = await client.post(
        f"/api/moderations/{first.id}/reject", json={"reason": "no"}, headers=admin_headers
    )
    assert again.status_code == 409

    second = await _case_in("t2", CaseStatus.REVIEW)
    assert second is not None
    url = f"/api/moderations/{second.id}/reject"
    assert (await client.post(url, json={"reason": ""}, headers=admin_headers)).status_code == 400
    rejected = await client.post(url, json={"reason": "violent imagery"}, headers=admin_headers)
    assert rejected.status_code == 200
    event = await classified.verdict()
    assert isinstance(event, events.TicketRejected)
    assert (event.id, event.reason) == ("t2", "violent imagery")


async def _case_in(ticket_id: str, status: CaseStatus) -> Case | None:
    case = await Case.find_one(Case.ticket_id == ticket_id)
    return case if case is not None and case.status == status else None


async def _case_with_reason(ticket_id: str) -> Case | None:
    case = await Case.find_one(Case.ticket_id == ticket_id)
    return case if case is not None and case.reason else None


@pytest.mark.parametrize("offset", [str(2**64), str(2**63), "-1"])
async def test_an_offset_out_of_bounds_is_a_400_naming_it(world: World, offset: str) -> None:
    admin, headers = await sign_up(world.platform.identity, "admin@example.com")
    await world.platform.permissions.write(
        [RelationTuple("Group", ADMIN_GROUP, "members", admin.id)]
    )
    response = await world.client.get(
        "/api/moderations", params={"offset": offset}, headers=headers
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["offset"]


async def test_a_ticket_listed_while_redis_is_down_longer_than_the_retry_budget_is_screened(
    isolated: dict[str, Any],
) -> None:
    outage, via_proxy = await Outage.in_front_of(isolated["redis_url"])
    # Short delays stand in for a long outage: the event outlives MAX_ATTEMPTS tries.
    app, tap = await start(
        {**isolated, "redis_url": via_proxy}, event_retry_delay_ms=10, event_retry_max_delay_ms=40
    )
    bus = app.state.platform.bus
    queue = queue_name(isolated["event_exchange"], "moderation", events.TicketCreated.SUBJECT)
    async with running(app) as client:
        world = World(client, app.state.platform, tap, isolated)
        await outage.cut()
        await world.listed("Clean gig")

        async def outlasted_the_old_budget() -> bool:
            return bus.waits[queue] > MAX_ATTEMPTS

        await eventually(outlasted_the_old_budget, within=60)
        await outage.restore()
        verdict = await world.verdict()
        assert (type(verdict), verdict.id) == (events.TicketApproved, "t1")
    await tap.stop()
    await outage.cut()
    parked = await deadletters.count(isolated["rabbitmq_url"], isolated["event_exchange"])
    assert sum(parked.values()) == 0
