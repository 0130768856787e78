"""The moderation service: screens every new or retitled ticket; admins decide unsure cases."""

from functools import partial

import httpx
from litestar import Litestar

from ticketing.moderation import classifier, events, jobs
from ticketing.moderation.models import Case
from ticketing.moderation.routes import ModerationsController
from ticketing.moderation.settings import ModerationSettings
from ticketing.shared.jobs import Jobs
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.service_app import service_app


def create_app(settings: ModerationSettings) -> Litestar:
    platform = Platform("moderation", settings, [Case])
    http = platform.telemetry.instrument(httpx.AsyncClient())
    platform.on_stop(http.aclose)
    classify = partial(classifier.screen, settings=settings, client=http)
    queue = Jobs(settings.redis_url, settings.moderation_queue, jobs.functions(platform, classify))
    events.subscribe(platform, queue.attach(platform))
    return service_app(platform, [ModerationsController], description=__doc__ or "")


run = partial(serve, create_app, ModerationSettings, "moderation")  # the pex_binary's entry point
