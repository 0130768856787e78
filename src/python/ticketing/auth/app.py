"""The auth service: accounts and sessions, served by the identity port (embedded or Ory)."""

from datetime import timedelta
from functools import partial

from litestar import Litestar
from litestar.di import Provide
from redis.asyncio import Redis

from ticketing.auth.account_routes import AccountController
from ticketing.auth.accounts import AccountsPort
from ticketing.auth.codes import StoredCode
from ticketing.auth.embedded import EmbeddedAccounts
from ticketing.auth.factor_routes import SecondFactorController
from ticketing.auth.factors import SecondFactorPort
from ticketing.auth.factors_embedded import EmbeddedFactors
from ticketing.auth.factors_kratos import KratosFactors
from ticketing.auth.kratos import KratosAccounts
from ticketing.auth.mail import SmtpSender
from ticketing.auth.models import PendingFlow, PendingSignIn, UsedCode, User
from ticketing.auth.routes import UsersController
from ticketing.auth.settings import AuthSettings
from ticketing.auth.throttle import CodeLimits, SignInThrottle
from ticketing.shared.identity import IdentityPort
from ticketing.shared.ory import KratosIdentity
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.service_app import service_app


def build_accounts(settings: AuthSettings, identity: IdentityPort) -> AccountsPort:
    if isinstance(identity, KratosIdentity):
        return KratosAccounts(identity)
    sender = SmtpSender(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_tls,
        settings.mail_from,
        settings.smtp_username,
        settings.smtp_password,
    )
    return EmbeddedAccounts(sender, timedelta(seconds=settings.code_ttl_seconds))


def build_factors(identity: IdentityPort) -> SecondFactorPort:
    if isinstance(identity, KratosIdentity):
        return KratosFactors(identity)
    return EmbeddedFactors()


def create_app(settings: AuthSettings) -> Litestar:
    platform = Platform("auth", settings, [User, StoredCode, PendingFlow, PendingSignIn, UsedCode])
    redis = Redis.from_url(settings.redis_url)
    platform.checks["redis"] = redis.ping
    platform.on_stop(redis.aclose)
    throttle = SignInThrottle(redis, settings.sign_in_key_prefix)
    limits = CodeLimits(
        redis,
        f"{settings.sign_in_key_prefix}:codes",
        settings.code_interval_seconds,
        settings.code_ttl_seconds,
    )
    accounts = build_accounts(settings, platform.identity)
    factors = build_factors(platform.identity)
    return service_app(
        platform,
        [UsersController, AccountController, SecondFactorController],
        description=__doc__ or "",
        dependencies={
            "throttle": Provide(lambda: throttle, sync_to_thread=False),
            "limits": Provide(lambda: limits, sync_to_thread=False),
            "accounts": Provide(lambda: accounts, sync_to_thread=False),
            "factors": Provide(lambda: factors, sync_to_thread=False),
        },
    )


run = partial(serve, create_app, AuthSettings, "auth")  # the pex_binary's entry point
