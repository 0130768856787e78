"""The moderation service: screens every new or retitled ticket; admins decide unsure cases."""

from functools import partial

from litestar import Litestar

from ticketing.moderation import events
from ticketing.moderation.models import Case
from ticketing.moderation.routes import ModerationsController
from ticketing.moderation.settings import ModerationSettings
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.web import service_app


def create_app(settings: ModerationSettings) -> Litestar:
    platform = Platform("moderation", settings, [Case])
    events.subscribe(platform)
    return service_app(platform, [ModerationsController], description=__doc__ or "")


run = partial(serve, create_app, ModerationSettings, "moderation")  # the pex_binary's entry point
