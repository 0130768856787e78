"""Stripe Connect, through its official client: sellers' Express accounts and their onboarding,
and the money that moves after a sale ("separate charges and transfers"): the seller's share
transferred from the buyer's charge, a refund to the buyer, and the reversal of a transfer.
Every call that moves money carries the idempotency key it is given, so a retry after a crash
or an outage gets Stripe's first answer back instead of moving the money twice."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import stripe

from ticketing.payments.charges import Stripe
from ticketing.shared.errors import UpstreamFailed


@dataclass(frozen=True)
class Transfer:
    """The seller's share of one sale: ``cents`` to ``account_id`` from the charge of payment
    intent ``intent_id``, grouped under ``order_id``."""

    account_id: str
    cents: int
    order_id: str
    intent_id: str
    idempotency_key: str


@runtime_checkable  # Litestar checks a dependency against its annotation
class Connect(Protocol):
    """What payments asks of Stripe Connect (``StripeConnect``; a fake in the unit tier). Each
    call raises ``UpstreamFailed`` when Stripe does not do it."""

    async def create_account(self, user_id: str) -> str:
        """A new Express account for seller ``user_id`` (one per seller, however often asked)."""
        ...

    async def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str:
        """Where the seller finishes setting the account up."""
        ...

    async def payouts_enabled(self, account_id: str) -> bool: ...

    async def transfer(self, transfer: Transfer) -> str:
        """The id of the transfer made."""
        ...

    async def refund(self, intent_id: str, cents: int, idempotency_key: str) -> str: ...

    async def reverse(self, transfer_id: str, idempotency_key: str) -> str: ...


class StripeConnect(Stripe):
    """Charges and Connect over one Stripe client."""

    async def create_account(self, user_id: str) -> str:
        params: stripe.params.AccountCreateParams = {
            "type": "express",
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"user_id": user_id},
        }
        with self._span("accounts.create"), _upstream("create the payout account"):
            account = await self.client.v1.accounts.create_async(
                params, {"idempotency_key": f"account-{user_id}"}
            )
        return account.id

    async def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str:
        params: stripe.params.AccountLinkCreateParams = {
            "account": account_id,
            "type": "account_onboarding",
            "return_url": return_url,
            "refresh_url": refresh_url,
        }
        with self._span("account_links.create"), _upstream("make an onboarding link"):
            link = await self.client.v1.account_links.create_async(params)
        return link.url

    async def payouts_enabled(self, account_id: str) -> bool:
        with self._span("accounts.retrieve"), _upstream("read the payout account"):
            account = await self.client.v1.accounts.retrieve_async(account_id)
        return bool(account.payouts_enabled)

    async def transfer(self, transfer: Transfer) -> str:
        with self._span("transfers.create"), _upstream("transfer the seller's share"):
            intent = await self.client.v1.payment_intents.retrieve_async(transfer.intent_id)
            charge = intent.latest_charge
            created = await self.client.v1.transfers.create_async(
                {
                    "amount": transfer.cents,
                    "currency": self.currency,
                    "destination": transfer.account_id,
                    "transfer_group": transfer.order_id,
                    "source_transaction": charge if isinstance(charge, str) else charge.id,  # type: ignore[union-attr]
                    "metadata": {"order_id": transfer.order_id},
                },
                {"idempotency_key": transfer.idempotency_key},
            )
        return created.id

    async def refund(self, intent_id: str, cents: int, idempotency_key: str) -> str:
        with self._span("refunds.create"), _upstream("refund the buyer"):
            refund = await self.client.v1.refunds.create_async(
                {"payment_intent": intent_id, "amount": cents},
                {"idempotency_key": idempotency_key},
            )
        return refund.id

    async def reverse(self, transfer_id: str, idempotency_key: str) -> str:
        with self._span("transfer_reversals.create"), _upstream("reverse the transfer"):
            reversal = await self.client.v1.transfers.reversals.create_async(
                transfer_id, options={"idempotency_key": idempotency_key}
            )
        return reversal.id


@contextlib.contextmanager
def _upstream(doing: str) -> Iterator[None]:
    """Stripe's failures as ``UpstreamFailed``, naming what was being done."""
    try:
        yield
    except stripe.StripeError as exc:
        detail = exc.user_message or type(exc).__name__
        raise UpstreamFailed(f"Stripe did not {doing}: {detail}") from None
