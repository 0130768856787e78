from pydantic import Field

from ticketing.shared.settings import ServiceSettings


class OrdersSettings(ServiceSettings):
    port: int = Field(default=8003, ge=1, le=65535)
    # How long a reservation holds a ticket before it expires unpaid.
    order_expiration_seconds: int = Field(default=900, gt=0)
