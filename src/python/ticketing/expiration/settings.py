from pydantic import Field

from ticketing.shared.settings import ServiceSettings, service_port


class ExpirationSettings(ServiceSettings):
    port: int = service_port("expiration")
    expiration_queue: str = Field(default="ticketing:expirations", min_length=1)
