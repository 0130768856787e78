"""Fakes of payments' third-party ports for the unit tier: a card processor and Stripe Connect
in memory, each keeping Stripe's rule that one idempotency key does one thing."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from ticketing.payments.connect import Transfer
from ticketing.payments.payout_rules import Terms
from ticketing.shared.errors import PaymentDeclined, UpstreamFailed

TERMS = Terms(fee_percent=Decimal(5), fee_fixed=Decimal("0.30"), hold=timedelta(days=2))


@dataclass
class FakeCharges:
    """A card processor in memory: holds by idempotency key, as Stripe's keys behave."""

    holds: dict[str, str] = field(default_factory=dict)  # key -> intent id
    captured: list[str] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    decline: bool = False
    down: bool = False
    during_authorize: list[object] = field(default_factory=list)  # run while "Stripe" works

    async def authorize(self, order_id: str, attempt: int, cents: int, token: str) -> str:
        for step in self.during_authorize:
            await step()  # type: ignore[operator]
        if self.decline:
            raise PaymentDeclined("the card was declined", decline_code="card_declined")
        key = f"order-{order_id}-attempt-{attempt}"
        return self.holds.setdefault(key, f"pi_{len(self.holds) + 1}_{cents}")

    async def capture(self, intent_id: str, payment_id: str) -> None:
        if self.down:
            raise UpstreamFailed("Stripe did not answer")
        self.captured.append(intent_id)

    async def void(self, intent_id: str, payment_id: str) -> None:
        if self.down:
            raise UpstreamFailed("Stripe did not answer")
        self.voided.append(intent_id)


@dataclass
class FakeConnect:
    """Stripe Connect in memory: accounts, and money moved once per idempotency key."""

    accounts: dict[str, bool] = field(default_factory=dict)  # id -> payouts enabled
    transfers: dict[str, Transfer] = field(default_factory=dict)  # key -> transfer
    refunds: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (intent, cents)
    reversals: dict[str, str] = field(default_factory=dict)  # key -> transfer id
    down: bool = False
    lose_answers: bool = False  # Stripe acts, then the answer is lost (a crash, a timeout)

    def _check(self) -> None:
        if self.down:
            raise UpstreamFailed("Stripe did not answer")

    def _answered(self, made: str) -> str:
        if self.lose_answers:
            raise UpstreamFailed("the connection dropped before Stripe's answer")
        return made

    async def create_account(self, user_id: str) -> str:
        self._check()
        self.accounts.setdefault(f"acct_{user_id}", False)
        return f"acct_{user_id}"

    async def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str:
        self._check()
        return f"https://connect.example/{account_id}?return_url={return_url}"

    async def payouts_enabled(self, account_id: str) -> bool:
        self._check()
        return self.accounts[account_id]

    async def transfer(self, transfer: Transfer) -> str:
        self._check()
        self.transfers.setdefault(transfer.idempotency_key, transfer)
        return self._answered(f"tr_{transfer.idempotency_key}")

    async def refund(self, intent_id: str, cents: int, idempotency_key: str) -> str:
        self._check()
        self.refunds.setdefault(idempotency_key, (intent_id, cents))
        return self._answered(f"re_{idempotency_key}")

    async def reverse(self, transfer_id: str, idempotency_key: str) -> str:
        self._check()
        self.reversals.setdefault(idempotency_key, transfer_id)
        return self._answered(f"trr_{idempotency_key}")
