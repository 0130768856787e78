from pydantic import Field

from ticketing.shared.settings import ServiceSettings, service_port


class OrdersSettings(ServiceSettings):
    port: int = service_port("orders")
    # How long a reservation holds a ticket before it expires unpaid.
    order_expiration_seconds: int = Field(default=900, gt=0)
