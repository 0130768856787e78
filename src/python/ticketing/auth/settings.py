from typing import Self

from pydantic import Field, model_validator

from ticketing.auth.mail import Tls
from ticketing.shared.settings import ServiceSettings, SetsCookies, service_port


class AuthSettings(SetsCookies, ServiceSettings):
    port: int = service_port("auth")
    # Failed sign-ins and codes are counted in Redis under this prefix (see throttle.py).
    sign_in_key_prefix: str = Field(default="ticketing:signin", pattern="^[A-Za-z0-9:_-]+$")
    # Sign-in needs a verified email address. Unset: on in production, off in dev.
    require_verified_email: bool | None = None
    # One-time codes (verification, recovery): how long one works, and how long an address
    # waits between two codes (0: no wait).
    code_ttl_seconds: int = Field(default=15 * 60, gt=0)
    code_interval_seconds: int = Field(default=60, ge=0)
    # Mail (the embedded engine sends codes; in Ory mode Kratos' courier does). The default
    # host and port are the dev stack's mail catcher, which production refuses.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_tls: Tls = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    mail_from: str = Field(default="Ticketing <no-reply@ticketing.dev>", min_length=3)

    @property
    def verified_email_required(self) -> bool:
        if self.require_verified_email is not None:
            return self.require_verified_email
        return not self.is_dev

    @model_validator(mode="after")
    def _login_needs_tls(self) -> Self:
        if self.smtp_username and self.smtp_tls == "none":
            raise ValueError("SMTP_USERNAME is set but SMTP_TLS is none: a login needs TLS")
        return self

    def dev_only(self) -> list[str]:
        found = super().dev_only()
        if not self.uses_ory and "smtp_host" not in self.model_fields_set:
            found.append("mail to the dev stack's mail catcher (set SMTP_HOST and SMTP_PORT)")
        return found
