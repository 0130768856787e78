"""The auth service: accounts and sessions, served by the identity port (embedded or Ory)."""

from litestar import Litestar

from ticketing.auth.models import User
from ticketing.auth.routes import UsersController
from ticketing.auth.settings import AuthSettings
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.web import create_app as create_web_app


def create_app(settings: AuthSettings) -> Litestar:
    platform = Platform("auth", settings, [User])
    return create_web_app(platform, [UsersController], description=__doc__ or "")


def run() -> None:
    serve(create_app, AuthSettings, "auth")
