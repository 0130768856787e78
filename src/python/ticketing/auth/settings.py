from pydantic import Field

from ticketing.shared.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    port: int = Field(default=8001, ge=1, le=65535)
    # Send the session cookie over HTTPS only. Unset: on in the production profile, off in dev
    # (where the stack serves plain http://127.0.0.1).
    cookie_secure: bool | None = None
    # Failed sign-ins are counted in Redis under this prefix (see throttle.py).
    sign_in_key_prefix: str = Field(default="ticketing:signin", pattern="^[A-Za-z0-9:_-]+$")

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else not self.is_dev

    def dev_only(self) -> list[str]:
        insecure = ["session cookies without Secure (unset COOKIE_SECURE)"]
        return super().dev_only() + (insecure if not self.secure_cookies else [])
