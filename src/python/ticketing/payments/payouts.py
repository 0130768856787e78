"""What payments does for sellers: their payout accounts (Stripe Connect), the ledger line of
every sale, and the release of the seller's share after the event (docs/payments.md)."""

from __future__ import annotations

import contextlib

import structlog

from ticketing.payments import payout_rules as rules
from ticketing.payments.connect import Connect, Transfer
from ticketing.payments.models import (
    OrderReplica,
    Payment,
    PaymentStatus,
    Payout,
    PayoutAccount,
    PayoutStatus,
)
from ticketing.payments.payout_rules import Terms
from ticketing.shared.context import Context
from ticketing.shared.errors import DomainError, NotFound, UpstreamFailed
from ticketing.shared.persistence import DuplicateKeyError, StaleVersion
from ticketing.shared.store import Insert, Save, found

log = structlog.get_logger(__name__)

BOOKED = {PaymentStatus.CAPTURING, PaymentStatus.CAPTURED}


async def book(ctx: Context, terms: Terms, payment_id: str) -> None:
    """Write the ledger line of a sale whose payment is being (or was) captured; once per
    order, however often the completion is delivered."""
    payment = await ctx.store.get(Payment, payment_id)
    if payment is None or payment.status not in BOOKED:
        return
    if await ctx.store.find(Payout, order_id=payment.order_id):
        return
    order = await found(ctx.store, OrderReplica, payment.order_id, "order")
    account = await ctx.store.get(PayoutAccount, order.seller_id)
    with contextlib.suppress(DuplicateKeyError):  # a concurrent delivery booked it
        await ctx.store.commit(Insert(rules.booked(payment, order, account, terms)))


# --- payout accounts ---------------------------------------------------------------------------


async def open_account(ctx: Context, connect: Connect, user_id: str) -> PayoutAccount:
    """The seller's payout account, made on Stripe the first time (one however often asked:
    Stripe's idempotency key and our unique id agree)."""
    account = await ctx.store.get(PayoutAccount, user_id)
    if account is not None:
        return account
    stripe_id = await connect.create_account(user_id)
    account = PayoutAccount(id=user_id, stripe_account_id=stripe_id, created_at=ctx.clock.now())
    try:
        await ctx.store.commit(Insert(account))
    except DuplicateKeyError:  # a concurrent request recorded it first
        return await found(ctx.store, PayoutAccount, user_id, "payout account")
    return account


async def onboarding_link(
    ctx: Context, connect: Connect, user_id: str, return_url: str, refresh_url: str
) -> str:
    account = await open_account(ctx, connect, user_id)
    return await connect.onboarding_link(account.stripe_account_id, return_url, refresh_url)


async def account(ctx: Context, connect: Connect, user_id: str) -> PayoutAccount:
    """The seller's payout account, as Stripe says it is now: once it takes payouts, that is
    announced (seller.payouts_enabled) and the payouts waiting for it are scheduled."""
    stored = await ctx.store.get(PayoutAccount, user_id)
    if stored is None:
        raise NotFound("you have no payout account: set one up with POST /api/payments/accounts")
    if stored.payouts_enabled:
        return stored
    try:
        if not await connect.payouts_enabled(stored.stripe_account_id):
            return stored
    except UpstreamFailed as exc:  # the account is as we last knew it
        log.warning("payout account not refreshed", user_id=user_id, error=exc.detail)
        return stored
    waiting = await ctx.store.find(Payout, seller_id=user_id, status=PayoutStatus.PENDING)
    stored.payouts_enabled = True
    changes = [Save(p) for p in waiting if rules.scheduled(p)]
    try:
        await ctx.store.commit(Save(stored, rules.enabled_event), *changes)
    except StaleVersion:  # another request recorded it (or a payout moved): read what it did
        return await found(ctx.store, PayoutAccount, user_id, "payout account")
    return stored


# --- payouts -----------------------------------------------------------------------------------


async def payouts_of(ctx: Context, user_id: str) -> list[Payout]:
    """The seller's payouts, newest first."""
    return await ctx.store.find(Payout, sort=["-created_at", "id"], seller_id=user_id)


async def payout(ctx: Context, user_id: str, payout_id: str) -> Payout:
    found_payout = await found(ctx.store, Payout, payout_id, "payout")
    rules.check_seller(found_payout, user_id)
    return found_payout


async def release_due(ctx: Context, connect: Connect) -> None:
    """Transfer every seller's share that is due (and retry every transfer Stripe has not
    confirmed): the durable sweep, run every few seconds; its state is the payouts' status, so
    a restart loses nothing, and the idempotency key per payout means a retry never pays
    twice."""
    for unconfirmed in await ctx.store.find(Payout, status=PayoutStatus.TRANSFERRING):
        await _transfer_now(ctx, connect, unconfirmed)
    now = ctx.clock.now()
    for scheduled in await ctx.store.find(Payout, status=PayoutStatus.SCHEDULED):
        if rules.due(scheduled, now) and await _captured(ctx, scheduled):
            await release(ctx, connect, scheduled)


async def _captured(ctx: Context, payout: Payout) -> bool:
    payment = await ctx.store.get(Payment, payout.payment_id)
    return payment is not None and payment.status == PaymentStatus.CAPTURED


async def release(ctx: Context, connect: Connect, payout: Payout) -> None:
    """Decide the transfer by compare-and-set (a dispute opened meanwhile wins, and of two
    sweeps one decides), then make it."""
    if not rules.transferring(payout, ctx.clock.now()):
        return
    try:
        await ctx.store.commit(Save(payout))
    except StaleVersion:  # held by a dispute, or released by another sweep
        return
    await _transfer_now(ctx, connect, payout)


async def _transfer_now(ctx: Context, connect: Connect, payout: Payout) -> None:
    account = await found(ctx.store, PayoutAccount, payout.seller_id, "payout account")
    transfer = Transfer(
        account.stripe_account_id,
        payout.net_cents,
        payout.order_id,
        payout.intent_id,
        rules.transfer_key(payout),
    )
    try:
        transfer_id = await connect.transfer(transfer)
    except DomainError as exc:  # stays transferring: the next sweep retries with the same key
        log.warning("transfer deferred", payout_id=payout.id, error=exc.detail)
        return
    rules.paid(payout, transfer_id)
    with contextlib.suppress(StaleVersion):  # another sweep recorded the same transfer
        await ctx.store.commit(Save(payout))
    ctx.metrics.counter("ticketing_payouts_transferred", "Sellers' shares transferred").inc()
