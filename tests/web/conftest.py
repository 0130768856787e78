"""The whole platform as stack:up runs it (every service its own process, the web front end,
the nginx edge), and Chromium driven by Playwright against it, as a visitor uses the site.

Stand-ins: the Stripe stand-in (its own process, Stripe's wire format) and an OpenAI
moderation stand-in (in this process) so a ticket can be held for review.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from ticketing.stack.edge import Edge
from ticketing.stack.edge_config import EdgeSettings
from ticketing.stack.servers import free_port
from ticketing.testing.classifier_standin import ClassifierStandIn
from ticketing.testing.platform import platform_processes
from ticketing.testing.real_servers import Servers
from web.people import Site

# Long enough to pay in the browser, short enough to watch a reservation run out.
EXPIRATION_SECONDS = 15
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def in_thread(app: Any) -> tuple[str, uvicorn.Server]:
    """Serve an ASGI app on a free port from a thread of its own (the tests here are sync)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        threading.Event().wait(0.05)
    return f"http://127.0.0.1:{port}", server


@pytest.fixture(scope="module")
def site(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    classifier = ClassifierStandIn()
    classifier_url, classifier_server = in_thread(classifier.app())
    port = free_port()
    env = {
        "ORDER_EXPIRATION_SECONDS": str(EXPIRATION_SECONDS),
        "MODERATION_CLASSIFIER_URL": classifier_url,
        "MODERATION_CLASSIFIER_API_KEY": classifier.api_key,
        "API_URL": f"http://127.0.0.1:{port}",
    }
    try:
        with platform_processes(servers, tmp_path_factory.mktemp("logs"), **env) as running:
            settings = EdgeSettings(auth_rate_per_second=1000)  # many sign-ups, one address
            run_dir = tmp_path_factory.mktemp("edge")
            edge = Edge(running.urls(), run_dir, port=port, settings=settings).start()
            try:
                yield Site(edge.url, running.services, classifier, running.env, servers.mail)
            finally:
                edge.stop()
    finally:
        classifier_server.should_exit = True


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail(
            "no Chromium for the browser tests: install it (apt-get install chromium; .ci/run"
            " does) or point CHROMIUM at one"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where page screenshots go: TICKETING_SCREENSHOTS (CI keeps it), else a scratch folder."""
    folder = Path(os.environ.get("TICKETING_SCREENSHOTS") or "screenshots").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def visitor(browser: Browser, site: Site) -> Iterator[Page]:
    """A new visitor: their own browser context (cookies), nothing shared with another."""
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    yield page
    context.close()


def pytest_report_header() -> str:
    return "web: the platform behind the real nginx edge, driven in Chromium by Playwright"
