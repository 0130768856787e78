"""The auth service: accounts and sessions, served by the identity port (embedded or Ory)."""

from litestar import Litestar
from litestar.di import Provide
from redis.asyncio import Redis

from ticketing.auth.models import User
from ticketing.auth.routes import UsersController
from ticketing.auth.settings import AuthSettings
from ticketing.auth.throttle import SignInThrottle
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.web import create_app as create_web_app


def create_app(settings: AuthSettings) -> Litestar:
    platform = Platform("auth", settings, [User])
    redis = Redis.from_url(settings.redis_url)
    platform.checks["redis"] = redis.ping
    platform.on_stop(redis.aclose)
    throttle = SignInThrottle(redis, settings.sign_in_key_prefix)
    return create_web_app(
        platform,
        [UsersController],
        description=__doc__ or "",
        dependencies={"throttle": Provide(lambda: throttle, sync_to_thread=False)},
    )


def run() -> None:
    serve(create_app, AuthSettings, "auth")
