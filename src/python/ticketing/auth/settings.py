from pydantic import Field

from ticketing.shared.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    port: int = Field(default=8001, ge=1, le=65535)
    # Send the session cookie over HTTPS only; on by default outside a developer's machine.
    cookie_secure: bool = False
