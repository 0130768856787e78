"""What a person does on the site, as Playwright steps: by label and button name, as a
screen reader would find them, so the tests also prove the pages are labelled."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from playwright.sync_api import Page, expect

from ticketing.stack.mail_catcher import MailCatcher
from ticketing.stack.processes import Services
from ticketing.stack.servers import python_env
from ticketing.testing.classifier_standin import ClassifierStandIn

PASSWORD = "correct horse battery staple"
GOOD_CARD, DECLINED_CARD = "4242 4242 4242 4242", "4000 0000 0000 0002"


@dataclass
class Site:
    url: str
    services: Services
    classifier: ClassifierStandIn
    env: dict[str, str]
    mail: MailCatcher  # the mail the platform sent

    def grant(self, email: str, group: str = "admin") -> None:
        """Make ``email`` a member of ``group`` with the admin command, as an operator would."""
        command = [sys.executable, "-m", "ticketing.auth.admin", "grant", email, "--group", group]
        done = subprocess.run(command, env={**python_env(), **self.env}, capture_output=True)
        assert done.returncode == 0, done.stderr


def sign_up(page: Page, name: str) -> str:
    email = f"{name}-{uuid4().hex[:8]}@example.com"
    page.goto("/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#signed-in-as")).to_have_text(email)
    return email


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def fill_listing(page: Page, title: str, price: str, face_value: str | None = None) -> None:
    """The sell form: an event a month from now, its face value the price unless given."""
    page.goto("/tickets/new")
    page.get_by_label("Title").fill(title)
    starts = datetime.now(UTC) + timedelta(days=30)
    page.get_by_label("Event starts (UTC)").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Venue").fill("Town Hall")
    page.get_by_label("Face value").fill(face_value or price)
    page.get_by_label("Asking price").fill(price)
    page.get_by_role("button", name="Sell").click()


def sell(page: Page, title: str, price: str = "45.00", face_value: str | None = None) -> str:
    """List a ticket; the URL of its page."""
    fill_listing(page, title, price, face_value)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def until(page: Page, url: str, selector: str, text: str, within: float = 30.0) -> None:
    """Reload ``url`` until ``selector`` shows ``text`` (events take a moment to travel)."""

    def shown() -> bool:
        return page.locator(selector).inner_text() == text

    reload_until(page, url, shown, within, f"{selector} showing {text!r}")


def reload_until(
    page: Page, url: str, shown: Callable[[], bool], within: float = 30.0, what: str = "it"
) -> None:
    """Reload ``url`` until ``shown()`` holds on the page (``what`` names it in a failure)."""
    deadline = time.monotonic() + within
    while True:
        page.goto(url)
        if shown():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} never showed {what} within {within}s")
        page.wait_for_timeout(300)


def reserve(page: Page, ticket_url: str) -> str:
    """Reserve the ticket; the URL of the order page."""
    page.goto(ticket_url)
    page.get_by_role("button", name="Reserve").click()
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]+$"))
    return page.url


def pay(page: Page, card: str) -> None:
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay").click()


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
