"""Typed settings read from environment variables (and an optional ``.env``).

Every service with a database and the event bus has ``ServiceSettings`` plus its own fields;
the web front end has ``ProcessSettings`` (through ``SetsCookies``) plus its own. ``load()``
turns a missing or malformed variable into one start-up error that names the variable and what was
expected, instead of a traceback from deep inside a driver.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ticketing.shared.services import SERVICES


class ConfigurationError(SystemExit):
    """Raised at start-up for bad configuration; exits with the message instead of a trace."""


Profile = Literal["dev", "production"]


PORTS: dict[str, int] = dict(SERVICES)


def service_port(service: str) -> Any:
    """A service's ``port`` setting, its default from the one list of services."""
    return Field(default=PORTS[service], ge=1, le=65535)


class ProcessSettings(BaseSettings):
    """What every process reads (the web front end too). Variable names are the field names
    in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    # `dev` (what stack:up and the tests set) allows the embedded identity and permission
    # engine, an embedded MongoDB-wire server and insecure cookies; `production` refuses them.
    ticketing_profile: Profile = "production"

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    # Addresses (comma-separated, or *) of the proxies whose X-Forwarded-For is believed.
    forwarded_allow_ips: str = "127.0.0.1"

    def dev_only(self) -> list[str]:
        """What this configuration uses that only the dev profile allows, and what to set."""
        return []

    def check(self) -> None:
        """Rules across several variables (a ValueError names them); a subclass checks its own
        first, then calls this: the production profile's refusals come last."""
        found = self.dev_only() if self.ticketing_profile == "production" else []
        if found:
            raise ValueError(
                "the production profile refuses "
                + "; ".join(found)
                + ". On a developer machine, set TICKETING_PROFILE=dev instead"
            )

    @model_validator(mode="after")
    def _checked(self) -> Self:
        self.check()
        return self

    @property
    def is_dev(self) -> bool:
        return self.ticketing_profile == "dev"


class SetsCookies(ProcessSettings):
    """For a process that sets cookies: auth (the session), web (the session and CSRF token)."""

    # Send cookies over HTTPS only. Unset: on in the production profile, off in dev (where the
    # stack serves plain http://127.0.0.1).
    cookie_secure: bool | None = None

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else not self.is_dev

    def dev_only(self) -> list[str]:
        found = super().dev_only()
        if not self.secure_cookies:
            found.append("cookies without Secure (unset COOKIE_SECURE)")
        return found


def on_ory_network(url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    return host == "oryapis.com" or host.endswith(".oryapis.com")


class ServiceSettings(ProcessSettings):
    """What every service with a database and the event bus reads."""

    mongodb_url: str = Field(default="mongodb://127.0.0.1:27017", pattern="^mongodb(\\+srv)?://")
    # Each service keeps its own database, named <prefix>_<service>.
    mongodb_database_prefix: str = Field(default="ticketing", pattern="^[A-Za-z0-9_-]+$")
    rabbitmq_url: str = Field(default="amqp://guest:guest@127.0.0.1:5672/", pattern="^amqps?://")
    # Topic exchange the events travel on; queues are named after it, so another name
    # gives a fully separate event bus on the same broker (the tests use that).
    event_exchange: str = Field(default="ticketing", pattern="^[A-Za-z0-9_.-]+$")
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", pattern="^rediss?://")
    # An event whose handler could not finish is tried again after this delay; while a
    # dependency is down, the delay doubles up to the maximum, and the event waits for as
    # long as the outage lasts.
    event_retry_delay_ms: int = Field(default=500, gt=0)
    event_retry_max_delay_ms: int = Field(default=30_000, gt=0)

    # Identity and permissions: Ory when these are set, the embedded engine otherwise.
    kratos_public_url: str | None = None
    kratos_admin_url: str | None = None
    keto_read_url: str | None = None
    keto_write_url: str | None = None
    kratos_webhook_secret: str | None = None
    # API keys (Ory Network's, or of an Ory behind a gateway that wants one), sent as bearer
    # tokens to Kratos' admin API and to Keto. An *.oryapis.com URL without its key is refused
    # in production: the admin calls would fail.
    ory_kratos_api_key: str | None = None
    ory_keto_api_key: str | None = None
    # Database of the embedded identity and permission engine, shared by all services
    # the way one Kratos and one Keto are.
    embedded_auth_database: str = Field(default="ticketing_auth_engine", pattern="^[A-Za-z0-9_-]+$")
    session_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)

    def check(self) -> None:
        ory = {
            "KRATOS_PUBLIC_URL": self.kratos_public_url,
            "KRATOS_ADMIN_URL": self.kratos_admin_url,
            "KETO_READ_URL": self.keto_read_url,
            "KETO_WRITE_URL": self.keto_write_url,
        }
        given = [name for name, value in ory.items() if value]
        if given and len(given) != len(ory):
            missing = [name for name in ory if name not in given]
            raise ValueError(
                f"Ory is half configured: {', '.join(given)} set but {', '.join(missing)} missing;"
                " set all four to use Ory, or none for the embedded engine"
            )
        super().check()

    def dev_only(self) -> list[str]:
        found = super().dev_only()
        if "mongodb_url" not in self.model_fields_set:
            found.append(
                "the local MongoDB default, where the dev stack runs its embedded server"
                " (set MONGODB_URL)"
            )
        if not self.uses_ory:
            found.append(
                "the embedded identity and permission engine (set KRATOS_PUBLIC_URL,"
                " KRATOS_ADMIN_URL, KETO_READ_URL and KETO_WRITE_URL to use Ory)"
            )
        keyed = {
            "ORY_KRATOS_API_KEY": (self.ory_kratos_api_key, self.kratos_admin_url),
            "ORY_KETO_API_KEY": (self.ory_keto_api_key, self.keto_read_url, self.keto_write_url),
        }
        for name, (key, *urls) in keyed.items():
            if not key and any(on_ory_network(url) for url in urls):
                found.append(f"Ory Network without its API key (set {name})")
        return found

    @property
    def uses_ory(self) -> bool:
        return bool(self.kratos_public_url)

    def database_name(self, service: str) -> str:
        return f"{self.mongodb_database_prefix}_{service}"


def local_names(state_dir: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The names a local stack keeps its state under on shared servers (event exchange and
    so queues, databases, job queues, Redis keys), derived from its state directory, so two
    checkouts run side by side on one machine. A variable set in ``env`` wins."""
    digest = hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:8]
    tag = f"ticketing_{digest}"
    names = {
        "EVENT_EXCHANGE": tag,
        "MONGODB_DATABASE_PREFIX": tag,
        "EMBEDDED_AUTH_DATABASE": f"{tag}_auth_engine",
        "EXPIRATION_QUEUE": f"{tag}:expirations",
        "MODERATION_QUEUE": f"{tag}:moderation",
        "SIGN_IN_KEY_PREFIX": f"{tag}:signin",
    }
    given = env or {}
    return {name: given.get(name) or value for name, value in names.items()}


S = TypeVar("S", bound=BaseSettings)


def load(settings_type: type[S], env_file: Path | None = None) -> S:
    """Build settings from the environment (then ``env_file``, if given), or stop with a
    message naming each bad variable."""
    try:
        return settings_type(_env_file=env_file) if env_file else settings_type()
    except ValidationError as exc:
        problems = []
        prefix = str(settings_type.model_config.get("env_prefix") or "")
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper()
            name = f"{prefix}{name}" if name else name
            if not name:  # a rule across several variables: its message names them
                problems.append(f"  {error['msg'].removeprefix('Value error, ')}")
            elif "SECRET" in name or "KEY" in name:
                problems.append(f"  {name}: {error['msg']}")
            else:
                problems.append(f"  {name}: {error['msg']} (got {error.get('input')!r})")
        raise ConfigurationError(
            f"{settings_type.__name__}: invalid configuration\n" + "\n".join(problems)
        ) from None
