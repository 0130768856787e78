"""HTTP API of disputes: a buyer opens one on their order (/api/payments/disputes), both
parties read it, admins list and resolve them and cancel a ticket's event."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from ticketing.payments import disputes
from ticketing.payments.connect import Connect
from ticketing.payments.models import DisputeReason
from ticketing.payments.payout_routes import PayoutOut
from ticketing.shared.events import DisputeStatus
from ticketing.shared.guards import member_of, signed_in
from ticketing.shared.identity import Principal
from ticketing.shared.permissions import ADMIN_GROUP
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.responses import View


class DisputeIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {
        "order_id": "0193a8c4-5f2e-7b61-9a5e-3b2f4d8e9c10",
        "reason": "refused_at_door",
        "message": "The scanner said the code was not valid.",
    }
    order_id: Annotated[str, msgspec.Meta(min_length=1)]
    reason: Annotated[
        DisputeReason,
        msgspec.Meta(
            description="refused_at_door (not for a ticket admitted at the door),"
            " not_as_described or other"
        ),
    ]
    message: Annotated[
        str, msgspec.Meta(min_length=1, max_length=2000, pattern=r"\S", description="what happened")
    ]


class DisputeOut(View):
    id: str
    order_id: str
    payout_id: str
    user_id: Annotated[str, msgspec.Meta(description="the buyer who opened it")]
    seller_id: str
    reason: DisputeReason
    message: str
    status: DisputeStatus
    opened_at: datetime
    resolved_at: datetime | None


class Outcome(StrEnum):
    REFUND = "refund"  # the buyer gets the price back (a transfer made is reversed)
    RELEASE = "release"  # the seller is paid as scheduled


class ResolutionIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"outcome": "refund"}
    outcome: Outcome


class DisputesController(Controller):
    path = "/api/payments"
    tags = ["disputes"]

    @post(
        "/disputes",
        guards=[signed_in],
        operation_id="openDispute",
        responses=problems(403, 404, 409),
    )
    async def open(
        self,
        data: JSONBody[DisputeIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> DisputeOut:
        """Dispute your completed order until the hold after its event ends (201): the
        seller's payout is frozen until an admin refunds you or releases it. 409 when the hold
        has ended, a dispute is open already, or the ticket was admitted at the door and the
        reason is refused_at_door."""
        opened = await disputes.open_dispute(
            platform, user.id, data.order_id, data.reason, data.message
        )
        return DisputeOut.of(opened)

    @get(
        "/disputes",
        guards=[member_of(ADMIN_GROUP)],
        operation_id="listDisputes",
        responses=problems(403),
    )
    async def listing(
        self,
        platform: NamedDependency[Platform],
        status: FromQuery[DisputeStatus | None] = None,
    ) -> list[DisputeOut]:
        """For admins: the disputes in ``status`` (open by default), oldest first."""
        found = await disputes.disputes(platform, status or DisputeStatus.OPEN)
        return [DisputeOut.of(d) for d in found]

    @get(
        "/disputes/{dispute_id:str}",
        guards=[signed_in],
        operation_id="getDispute",
        responses=problems(404),
    )
    async def read(
        self,
        dispute_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> DisputeOut:
        """For its buyer, its seller and admins (404 for anyone else)."""
        return DisputeOut.of(await disputes.dispute(platform, user.id, dispute_id))

    @post(
        "/disputes/{dispute_id:str}/resolution",
        status_code=200,
        guards=[member_of(ADMIN_GROUP)],
        operation_id="resolveDispute",
        responses=problems(403, 404, 409),
    )
    async def resolve(
        self,
        dispute_id: FromPath[str],
        data: JSONBody[ResolutionIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        connect: NamedDependency[Connect],
    ) -> DisputeOut:
        """For admins: refund the buyer in full (reversing a transfer already made) or release
        the payout to the seller. 409 if it was resolved already."""
        refund = data.outcome == Outcome.REFUND
        resolved = await disputes.resolve(platform, connect, user.id, dispute_id, refund)
        return DisputeOut.of(resolved)

    @post(
        "/tickets/{ticket_id:str}/event-cancellation",
        status_code=200,
        guards=[member_of(ADMIN_GROUP)],
        operation_id="cancelTicketEvent",
        responses=problems(403),
    )
    async def cancel_event(
        self,
        ticket_id: FromPath[str],
        platform: NamedDependency[Platform],
        connect: NamedDependency[Connect],
    ) -> list[PayoutOut]:
        """For admins: the ticket's event was cancelled. Every buyer of it is refunded in full
        and its sellers' payouts are cancelled (a transfer made is reversed); the payouts as
        they are now (one still transferring is reversed by cancelling again)."""
        payouts = await disputes.cancel_event(platform, connect, ticket_id)
        return [PayoutOut.of(p) for p in payouts]
