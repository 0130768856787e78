"""The web front end: server-rendered pages over the public REST API. Every flow is plain HTML
forms and links; static/app.js enhances (the reservation countdown), except that Stripe.js card
fields need it (and JavaScript) to make the card token; the test-card form does not."""

from __future__ import annotations

import secrets
from functools import partial
from pathlib import Path
from typing import Any

import structlog
from jinja2 import Environment, PackageLoader, select_autoescape
from litestar import Litestar, Request, Response, get
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import (
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from ticketing.shared import metrics
from ticketing.shared.identity import SESSION_COOKIE
from ticketing.shared.observe import observed
from ticketing.shared.runner import serve
from ticketing.shared.service_app import liveness
from ticketing.shared.telemetry import Telemetry
from ticketing.web.account_pages import CodePages, SettingsPages
from ticketing.web.api import Api, ApiError, BackendDown, CurrentUser, User
from ticketing.web.door_pages import DoorPages
from ticketing.web.moderation_pages import ModerationPages
from ticketing.web.order_pages import OrderPages
from ticketing.web.pages import Member
from ticketing.web.payout_pages import DisputePages, PayoutPages
from ticketing.web.reference import reference
from ticketing.web.settings import WebSettings
from ticketing.web.sign_in_pages import SignInPages
from ticketing.web.ticket_pages import TicketPages
from ticketing.web.two_factor_pages import TwoFactorPages

log = structlog.get_logger(__name__)


class SignInFirst(Exception):
    """A page for signed-in visitors was asked for by a stranger."""


# What each refusal means for the visitor, and what to do next.
ADVICE = {
    400: ("That request was not valid", "Go back, check what you entered and try again."),
    401: ("Sign in first", "Sign in, then try again."),
    402: ("Payment declined", "Try another card."),
    403: ("Not allowed", "This belongs to someone else, or needs an administrator."),
    404: ("Not found", "It may have been removed. Start again from the ticket list."),
    409: ("That cannot be done now", "The ticket or order changed meanwhile; reload it."),
    429: ("Too many attempts", "Wait a moment, then try again."),
    503: ("Try again in a moment", "Part of Ticketing is not answering right now."),
}


def error_page(request: Request[Any, Any, Any], status: int, detail: str | None) -> Template:
    title, advice = ADVICE.get(status, ("Something went wrong", "Try again in a moment."))
    visitor = request.scope.get("state", {}).get("visitor")
    context = {"visitor": visitor, "title": title, "detail": detail, "advice": advice}
    return Template("error.html", context=context, status_code=status)


def _api_error(request: Request[Any, Any, Any], exc: ApiError) -> Response[Any]:
    if exc.status == 401:
        return Redirect("/signin", status_code=303)
    return error_page(request, exc.status, exc.detail)


def _handlers() -> dict[Any, Any]:
    return {
        ApiError: _api_error,
        SignInFirst: lambda request, exc: Redirect("/signin", status_code=303),
        BackendDown: lambda request, exc: error_page(request, 503, None),
        NotFoundException: lambda request, exc: error_page(request, 404, None),
        PermissionDeniedException: lambda request, exc: error_page(
            request, 403, "The form was not sent from this site's own page; reload and resend."
        ),
        ValidationException: lambda request, exc: error_page(request, 400, None),
        Exception: _internal_error,
    }


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", path=request.url.path)
    return error_page(request, 500, None)


def content_security_policy(settings: WebSettings) -> str:
    stripe = settings.card_form == "stripe.js"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'" + (" https://js.stripe.com" if stripe else ""),
            "frame-src " + ("https://js.stripe.com" if stripe else "'none'"),
            "connect-src 'self'" + (" https://api.stripe.com" if stripe else ""),
            "img-src 'self' data:",
            "style-src 'self'",
            # Setting up payouts posts a form that Stripe's onboarding answers.
            f"form-action 'self' {settings.onboarding_origin}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def create_app(settings: WebSettings) -> Litestar:
    telemetry = Telemetry("web")  # OTEL_* from the environment
    api = Api(settings.api_url, settings.api_timeout_seconds, settings.api_routes)
    telemetry.instrument(api.http)  # the trace goes on to the API services
    stripe = Api(settings.stripe_api_base, settings.api_timeout_seconds)
    csp = content_security_policy(settings)

    def token(request: Request[Any, Any, Any]) -> str | None:
        return request.cookies.get(SESSION_COOKIE) or None

    async def visitor(request: Request[Any, Any, Any], token: str | None) -> User | None:
        if not token:
            return None
        found = (await api.get("/api/users/currentuser", token, CurrentUser)).current_user
        request.scope.setdefault("state", {})["visitor"] = found  # for error pages
        return found

    def user(visitor: User | None) -> User:
        if visitor is None:
            raise SignInFirst
        return visitor

    @get("/readyz", include_in_schema=False, sync_to_thread=False)
    def readyz() -> dict[str, str]:
        # Ready while it runs: with the API down it still serves a "try again" page.
        return {"status": "ready", "service": "web"}

    async def close() -> None:
        await api.close()
        await stripe.close()
        await telemetry.close()

    def secure(response: Response[Any]) -> Response[Any]:
        response.headers.update(
            {
                "Content-Security-Policy": csp,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "strict-origin-when-cross-origin",
                "X-Frame-Options": "DENY",
            }
        )
        return response

    environment = Environment(
        loader=PackageLoader("ticketing.web", "templates"), autoescape=select_autoescape()
    )
    static = Path(__file__).parent / "static"
    return Litestar(
        route_handlers=[
            liveness("web"),
            readyz,
            metrics.endpoint(telemetry.metrics),
            SignInPages,
            TicketPages,
            OrderPages,
            ModerationPages,
            PayoutPages,
            DisputePages,
            DoorPages,
            CodePages,
            SettingsPages,
            TwoFactorPages,
            create_static_files_router("/static", [static]),
            *reference(),
        ],
        dependencies={
            "api": Provide(lambda: api, sync_to_thread=False, use_cache=True),
            "stripe": Provide(lambda: stripe, sync_to_thread=False, use_cache=True),
            "settings": Provide(lambda: settings, sync_to_thread=False, use_cache=True),
            "token": Provide(token, sync_to_thread=False),
            "visitor": Provide(visitor),
            "user": Provide(user, sync_to_thread=False),
            "me": Provide(Member, sync_to_thread=False),  # api, token and user
        },
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment)),
        csrf_config=CSRFConfig(
            secret=settings.csrf_secret or secrets.token_urlsafe(32),
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
        ),
        middleware=[observed(telemetry.metrics)],
        plugins=telemetry.http_plugins(),
        after_request=secure,
        exception_handlers=_handlers(),
        on_shutdown=[close],
        state=State({"settings": settings}),
        openapi_config=None,
        debug=False,
    )


run = partial(serve, create_app, WebSettings, "web")  # the pex_binary's entry point
