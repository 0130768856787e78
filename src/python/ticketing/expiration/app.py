"""The expiration service: no public API; health, readiness, metrics and its AsyncAPI document."""

from functools import partial

from litestar import Litestar

from ticketing.expiration import events, jobs
from ticketing.expiration.settings import ExpirationSettings
from ticketing.shared.jobs import Jobs
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.service_app import service_app


def create_app(settings: ExpirationSettings) -> Litestar:
    platform = Platform("expiration", settings, [])
    queue = Jobs(settings.redis_url, settings.expiration_queue, jobs.functions(platform.bus))
    events.subscribe(platform, queue.attach(platform))
    return service_app(platform, [], description=__doc__ or "")


run = partial(serve, create_app, ExpirationSettings, "expiration")  # the pex_binary's entry point
