from decimal import Decimal

from pydantic import Field, field_validator

from ticketing.shared.settings import ServiceSettings, service_port
from ticketing.tickets.codes import CodeKeys
from ticketing.tickets.rules import DEFAULT_CAP


class TicketsSettings(ServiceSettings):
    port: int = service_port("tickets")
    # The asking price may be at most the face value times this.
    ticket_price_cap: Decimal = Field(default=DEFAULT_CAP, ge=1, le=10, decimal_places=2)
    # The private keys that sign ticket codes: a JSON Web Key Set of Ed25519 keys, the last
    # signing (a Secret in the chart). Unset in the dev profile: a key made at start-up, so
    # codes last as long as the process (the dev stack makes one per checkout instead).
    ticket_code_keys: str = ""
    # Only sellers whose payout account takes payouts may list (409 naming what to do).
    # Unset: required in the production profile, not in dev.
    require_payout_account: bool | None = None

    @field_validator("ticket_code_keys")
    @classmethod
    def _a_key_set(cls, value: str) -> str:
        if value:
            CodeKeys.from_json(value)  # ValueError naming what is wrong
        return value

    @property
    def payee_required(self) -> bool:
        required = self.require_payout_account
        return required if required is not None else not self.is_dev

    def code_keys(self) -> CodeKeys:
        return CodeKeys.from_json(self.ticket_code_keys or CodeKeys.generate("dev"))

    def dev_only(self) -> list[str]:
        found = super().dev_only()
        if not self.ticket_code_keys:
            found.append("ticket codes signed by a key made at start-up (set TICKET_CODE_KEYS)")
        return found
