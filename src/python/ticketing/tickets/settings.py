from pydantic import Field

from ticketing.shared.settings import ServiceSettings


class TicketsSettings(ServiceSettings):
    port: int = Field(default=8002, ge=1, le=65535)
