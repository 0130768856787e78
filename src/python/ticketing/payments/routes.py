"""HTTP API of the payments service: /api/payments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from ticketing.payments import use_cases
from ticketing.payments.charges import Charges
from ticketing.payments.models import PaymentStatus
from ticketing.shared.conditional import NOT_MODIFIED, IfNoneMatch, tagged
from ticketing.shared.guards import signed_in
from ticketing.shared.idempotency import IDEMPOTENT
from ticketing.shared.identity import Principal
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.responses import View


class PaymentIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"order_id": "0b7e4c55-2f3a-4d1e-8c9b-6a5d4e3f2a1b", "token": "tok_visa"}
    order_id: Annotated[str, msgspec.Meta(min_length=1)]
    token: Annotated[str, msgspec.Meta(min_length=1, description="a Stripe card token")]


class PaymentOut(View):
    id: str
    order_id: str
    stripe_id: Annotated[str, msgspec.Meta(description="the Stripe PaymentIntent")]
    amount_cents: int
    status: Annotated[
        PaymentStatus,
        msgspec.Meta(
            description="authorized (held on the card); captured once the order is complete,"
            " voided (released) if it was cancelled; capturing and voiding while Stripe"
            " confirms"
        ),
    ]
    created_at: datetime


class PaymentsController(Controller):
    path = "/api/payments"
    tags = ["payments"]
    guards = [signed_in]

    @post("/", operation_id="pay", opt=IDEMPOTENT, responses=problems(402, 403, 404, 409, 502))
    async def pay(
        self,
        data: JSONBody[PaymentIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        charges: NamedDependency[Charges],
    ) -> PaymentOut:
        """Pay for your order: the card is authorised (201, status authorized) and charged
        once the order is complete. 403 someone else's, 409 cancelled, expired or paid,
        402 declined."""
        payment = await use_cases.pay(platform, charges, user.id, data.order_id, data.token)
        return PaymentOut.of(payment)

    @get(
        "/{payment_id:str}",
        operation_id="getPayment",
        responses={**problems(403, 404), **NOT_MODIFIED},
    )
    async def read(
        self,
        payment_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        if_none_match: IfNoneMatch = None,
    ) -> Response[PaymentOut | None]:
        """For the payer and the seller."""
        payment = await use_cases.get(platform, user.id, payment_id)
        return tagged(PaymentOut.of(payment), payment.version, if_none_match)
