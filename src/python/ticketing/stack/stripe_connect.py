"""The Stripe stand-in's Connect part, in Stripe's wire format: Express accounts and their
onboarding links, transfers from a charge to an account, their reversals, refunds of a
PaymentIntent, and the platform's balance. Onboarding completes at once: the account link's
page marks the account as taking payouts and sends the seller back to the ``return_url`` (the
dev profile's Stripe).
Each method takes the request's form and returns the reply; the stand-in routes them and
keeps their idempotency (stripe_standin.py)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from ticketing.stack.stripe_wire import Json, Reply, invalid


def _metadata(form: Json) -> Json:
    return {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}


def _missing(kind: str, given: str, param: str) -> Reply:
    return invalid(f"No such {kind}: '{given}'", 404, code="resource_missing", param=param)


def _list(url: str) -> Json:
    return {"object": "list", "data": [], "has_more": False, "url": url}


@dataclass
class ConnectState:
    accounts: dict[str, Json] = field(default_factory=dict)
    transfers: dict[str, Json] = field(default_factory=dict)
    refunds: dict[str, Json] = field(default_factory=dict)

    def create_account(self, form: Json) -> Reply:
        if form.get("type", "express") not in ("express", "standard", "custom"):
            return invalid("Invalid type: must be one of express, standard, custom", param="type")
        account: Json = {
            "id": f"acct_{secrets.token_hex(8)}",
            "object": "account",
            "type": form.get("type", "express"),
            "country": "US",
            "default_currency": "usd",
            "email": form.get("email"),
            "created": int(time.time()),
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "capabilities": {"transfers": "inactive"},
            "metadata": _metadata(form),
        }
        self.accounts[str(account["id"])] = account
        return 200, account

    KINDS = ("accounts", "transfers", "refunds")

    def retrieve(self, kind: str, object_id: str) -> Reply:
        """``GET /v1/<kind>/{id}`` of one of ``KINDS``."""
        found = {"accounts": self.accounts, "transfers": self.transfers, "refunds": self.refunds}
        if object_id not in found[kind]:
            return _missing(kind.rstrip("s"), object_id, "id")
        return 200, found[kind][object_id]

    def link(self, form: Json, base_url: str) -> Reply:
        account_id = str(form.get("account", ""))
        if account_id not in self.accounts:
            return _missing("account", account_id, "account")
        if form.get("type") not in ("account_onboarding", "account_update"):
            return invalid("Invalid type: must be account_onboarding", param="type")
        for param in ("return_url", "refresh_url"):
            if not str(form.get(param, "")).startswith(("http://", "https://")):
                return invalid(f"Not a valid URL: {param}", param=param)
        now = int(time.time())
        back = quote(str(form["return_url"]), safe="")
        url = f"{base_url.rstrip('/')}/connect/onboarding/{account_id}?return_url={back}"
        return 200, {"object": "account_link", "created": now, "expires_at": now + 300, "url": url}

    def onboard(self, account_id: str) -> bool:
        """The seller finished onboarding: the account takes transfers and payouts."""
        account = self.accounts.get(account_id)
        if account is None:
            return False
        account.update(
            charges_enabled=True,
            payouts_enabled=True,
            details_submitted=True,
            capabilities={"transfers": "active"},
        )
        return True

    def transfer(self, form: Json, intents: dict[str, Json]) -> Reply:
        amount = str(form.get("amount", ""))
        if not amount.isdigit() or int(amount) < 1:
            return invalid("Invalid positive integer", param="amount")
        destination = str(form.get("destination", ""))
        account = self.accounts.get(destination)
        if account is None:
            return _missing("destination", destination, "destination")
        if account["capabilities"].get("transfers") != "active":
            message = (
                "Your destination account needs to have at least one of the following"
                " capabilities enabled: transfers, crypto_transfers, legacy_payments"
            )
            return invalid(message, code="insufficient_capabilities_for_transfer")
        source = form.get("source_transaction")
        if source is not None:
            charged = [i for i in intents.values() if i["latest_charge"] == source]
            if not charged or charged[0]["status"] != "succeeded":
                return invalid(f"No such charge: '{source}'", code="resource_missing")
            if int(amount) > int(charged[0]["amount_received"]):
                return invalid(
                    "The transfer amount exceeds the source transaction's amount",
                    code="balance_insufficient",
                    param="amount",
                )
        transfer_id = f"tr_{secrets.token_hex(12)}"
        transfer: Json = {
            "id": transfer_id,
            "object": "transfer",
            "amount": int(amount),
            "amount_reversed": 0,
            "currency": form.get("currency", "usd"),
            "created": int(time.time()),
            "destination": destination,
            "metadata": _metadata(form),
            "reversed": False,
            "reversals": _list(f"/v1/transfers/{transfer_id}/reversals"),
            "source_transaction": source,
            "transfer_group": form.get("transfer_group"),
        }
        self.transfers[transfer_id] = transfer
        return 200, transfer

    def reverse(self, transfer_id: str, form: Json) -> Reply:
        transfer = self.transfers.get(transfer_id)
        if transfer is None:
            return _missing("transfer", transfer_id, "id")
        left = int(transfer["amount"]) - int(transfer["amount_reversed"])
        amount = int(form.get("amount") or left)
        if left == 0 or amount > left:
            return invalid(
                "Transfer has already been fully reversed", code="transfer_already_reversed"
            )
        reversal: Json = {
            "id": f"trr_{secrets.token_hex(12)}",
            "object": "transfer_reversal",
            "amount": amount,
            "currency": transfer["currency"],
            "created": int(time.time()),
            "transfer": transfer_id,
            "metadata": _metadata(form),
        }
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        transfer["reversals"]["data"].insert(0, reversal)
        return 200, reversal

    def refund(self, form: Json, intents: dict[str, Json]) -> Reply:
        intent_id = str(form.get("payment_intent", ""))
        intent = intents.get(intent_id)
        if intent is None:
            return _missing("payment_intent", intent_id, "payment_intent")
        if intent["status"] != "succeeded":
            return invalid(
                "This PaymentIntent does not have a successful charge to refund.",
                code="charge_not_refundable",
            )
        left = int(intent["amount_received"]) - int(intent.get("amount_refunded", 0))
        amount = int(form.get("amount") or left)
        if left == 0 or amount > left:
            message = f"Charge {intent['latest_charge']} has already been refunded."
            return invalid(message, code="charge_already_refunded")
        intent["amount_refunded"] = int(intent.get("amount_refunded", 0)) + amount
        refund: Json = {
            "id": f"re_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "currency": intent["currency"],
            "created": int(time.time()),
            "metadata": _metadata(form),
            "payment_intent": intent_id,
            "reason": form.get("reason"),
            "status": "succeeded",
        }
        self.refunds[str(refund["id"])] = refund
        return 200, refund

    def balance(self, intents: dict[str, Json]) -> Reply:
        """The platform's balance: what was captured, less refunds and transfers, plus what
        reversals brought back (all available at once; one currency)."""
        captured = sum(int(i["amount_received"]) for i in intents.values())
        refunded = sum(int(r["amount"]) for r in self.refunds.values())
        sent = sum(int(t["amount"]) - int(t["amount_reversed"]) for t in self.transfers.values())
        amount = captured - refunded - sent
        available = {"amount": amount, "currency": "usd", "source_types": {"card": amount}}
        pending = {"amount": 0, "currency": "usd", "source_types": {"card": 0}}
        body = {"object": "balance", "available": [available], "pending": [pending]}
        return 200, {**body, "livemode": False}


Answer = Callable[[Request[Any, Any, Any], Callable[[Json], Reply]], Awaitable[Response[Json]]]


def connect_handlers(connect: ConnectState, answer: Answer, intents: dict[str, Json]) -> list[Any]:
    """The routes of Connect's part of the API; ``answer`` checks the key and keeps Stripe's
    idempotency (the stand-in's), ``intents`` are the stand-in's PaymentIntents."""

    @post("/v1/accounts")
    async def create_account(request: Request[Any, Any, Any]) -> Response[Json]:
        return await answer(request, connect.create_account)

    @post("/v1/account_links")
    async def link(request: Request[Any, Any, Any]) -> Response[Json]:
        base = str(request.base_url)
        return await answer(request, lambda form: connect.link(form, base))

    @get("/connect/onboarding/{account_id:str}", status_code=302)
    async def onboarding(account_id: FromPath[str], return_url: FromQuery[str]) -> Redirect:
        """The seller's onboarding page: done at once, then back to the platform."""
        connect.onboard(account_id)
        return Redirect(return_url)

    @post("/v1/transfers")
    async def transfer(request: Request[Any, Any, Any]) -> Response[Json]:
        return await answer(request, lambda form: connect.transfer(form, intents))

    @post("/v1/transfers/{transfer_id:str}/reversals")
    async def reverse(
        request: Request[Any, Any, Any], transfer_id: FromPath[str]
    ) -> Response[Json]:
        return await answer(request, lambda form: connect.reverse(transfer_id, form))

    @get([f"/v1/{kind}/{{object_id:str}}" for kind in connect.KINDS])
    async def retrieve(request: Request[Any, Any, Any], object_id: FromPath[str]) -> Response[Json]:
        kind = request.url.path.split("/")[2]
        return await answer(request, lambda _: connect.retrieve(kind, object_id))

    @get("/v1/balance")
    async def balance(request: Request[Any, Any, Any]) -> Response[Json]:
        return await answer(request, lambda _: connect.balance(intents))

    @post("/v1/refunds")
    async def refund(request: Request[Any, Any, Any]) -> Response[Json]:
        return await answer(request, lambda form: connect.refund(form, intents))

    return [create_account, retrieve, link, onboarding, transfer, reverse, refund, balance]
