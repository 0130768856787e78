from pydantic import Field

from ticketing.shared.settings import ServiceSettings


class ExpirationSettings(ServiceSettings):
    port: int = Field(default=8005, ge=1, le=65535)
    expiration_queue: str = Field(default="ticketing:expirations", min_length=1)
