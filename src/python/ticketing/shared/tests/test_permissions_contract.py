"""One contract for the permission port, passed by the embedded engine (over a real
MongoDB-wire server) and by the Keto adapter (against Keto in a container where Docker
answers, else the Keto stand-in speaking its REST wire format: see the test ids)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from ory_keto_client.exceptions import ApiException as KetoError
from pymongo import AsyncMongoClient

from ticketing.shared.ory import KetoPermissions
from ticketing.shared.permissions import (
    ADMIN_GROUP,
    EmbeddedPermissions,
    PermissionPort,
    RelationTuple,
    UnknownRelation,
)
from ticketing.testing import ory_servers


@pytest.fixture(params=["embedded", f"keto-{ory_servers.KIND}"])
async def permissions(
    request: pytest.FixtureRequest, isolated: dict[str, Any]
) -> AsyncIterator[PermissionPort]:
    if request.param == "embedded":
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(isolated["mongodb_url"])
        engine = EmbeddedPermissions(client, isolated["embedded_auth_database"])
        await engine.init()
        yield engine
        await client.close()
        return
    async with ory_servers.keto() as (read, write):
        yield KetoPermissions(read, write, ory_servers.API_KEY)


async def marketplace(permissions: PermissionPort) -> None:
    """Seller s holds ticket t; buyer b owns order o of t, which s sells, and payment p of o."""
    await permissions.write(
        [
            RelationTuple("Ticket", "t", "owners", "s"),
            RelationTuple("Order", "o", "owners", "b"),
            RelationTuple("Order", "o", "sellers", "s"),
            RelationTuple("Order", "o", "parents", "t"),
            RelationTuple("Payment", "p", "owners", "b"),
            RelationTuple("Payment", "p", "parents", "o"),
        ]
    )


@pytest.mark.parametrize(
    ("namespace", "obj", "permit", "allowed"),
    [
        ("Ticket", "t", "edit", {"s"}),
        ("Order", "o", "view", {"b", "s"}),  # the buyer and the seller
        ("Order", "o", "edit", {"b"}),
        ("Payment", "p", "view", {"b", "s"}),
        ("Payment", "p", "edit", {"b"}),
    ],
)
async def test_the_model_grants_exactly_these(
    permissions: PermissionPort, namespace: str, obj: str, permit: str, allowed: set[str]
) -> None:
    await permissions.ping()
    await marketplace(permissions)
    for user in ("s", "b", "stranger"):
        assert await permissions.check(namespace, obj, permit, user) == (user in allowed), user


async def test_once_sold_the_buyer_holds_the_ticket_and_its_next_holder_sees_no_earlier_sale(
    permissions: PermissionPort,
) -> None:
    await marketplace(permissions)
    seller, buyer = (RelationTuple("Ticket", "t", "owners", u) for u in ("s", "b"))
    await permissions.delete([seller])
    await permissions.write([buyer])  # the sale moves the ticket: b holds it
    assert not await permissions.check("Ticket", "t", "edit", "s")
    assert await permissions.check("Ticket", "t", "edit", "b")
    assert await permissions.check("Order", "o", "view", "s")  # the seller keeps the sale
    await permissions.delete([buyer])
    await permissions.write([RelationTuple("Ticket", "t", "owners", "c")])  # b resells to c
    assert not await permissions.check("Order", "o", "view", "c")
    assert not await permissions.check("Payment", "p", "view", "c")


async def test_writing_twice_is_harmless_and_delete_revokes(permissions: PermissionPort) -> None:
    owner = RelationTuple("Ticket", "t", "owners", "s")
    await permissions.write([owner])
    await permissions.write([owner])
    assert await permissions.objects("Ticket", "owners", "s") == ["t"]
    await permissions.delete([owner])
    assert not await permissions.check("Ticket", "t", "edit", "s")
    assert await permissions.objects("Ticket", "owners", "s") == []


async def test_group_membership(permissions: PermissionPort) -> None:
    await permissions.write([RelationTuple("Group", ADMIN_GROUP, "members", "a")])
    assert await permissions.check("Group", ADMIN_GROUP, "members", "a")
    assert not await permissions.check("Group", ADMIN_GROUP, "members", "b")


async def test_a_relation_outside_the_model_is_refused(permissions: PermissionPort) -> None:
    with pytest.raises(UnknownRelation):
        await permissions.write([RelationTuple("Ticket", "t", "viewers", "u")])
    with pytest.raises(UnknownRelation):
        await permissions.write([RelationTuple("Concert", "c", "owners", "u")])


async def test_keto_calls_carry_the_api_key() -> None:
    """Ory Network wants the project's API key on Keto's APIs, as the stand-in does (a
    self-hosted Keto in a container takes no key)."""
    grant = [RelationTuple("Group", ADMIN_GROUP, "members", "ada")]
    async with ory_servers.keto() as (read, write):
        await KetoPermissions(read, write, ory_servers.API_KEY).write(grant)
        assert await KetoPermissions(read, write, ory_servers.API_KEY).check(
            "Group", ADMIN_GROUP, "members", "ada"
        )
        if ory_servers.KIND == "standin":
            unkeyed = KetoPermissions(read, write)
            with pytest.raises(KetoError) as refused:
                await unkeyed.check("Group", ADMIN_GROUP, "members", "ada")
            assert refused.value.status == 401
