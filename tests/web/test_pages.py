"""Pages a person understands when something is wrong, forms that only this site can post,
and pages anyone can use: labelled, keyboard-operable, and clean under axe."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from ticketing.stack.processes import ServiceProcess
from ticketing.stack.servers import free_port, python_env
from web.people import PASSWORD, Site, fill_listing, reserve, sell, shoot, sign_up, until


def test_field_errors_show_next_to_their_fields(visitor: Page) -> None:
    visitor.goto("/signup")
    visitor.get_by_label("Email").fill("not-an-email")
    visitor.get_by_label("Password").fill(PASSWORD)
    visitor.get_by_role("button", name="Sign up").click()
    expect(visitor.locator("#email-error")).to_contain_text("email must look like")
    expect(visitor.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    sign_up(visitor, "seller")
    fill_listing(visitor, "   ", "0")
    expect(visitor.locator("#title-error, #price-error")).not_to_have_count(0)
    expect(visitor.get_by_label("Asking price")).to_have_value("0")  # what was typed stays


def test_forbidden_and_unknown_things_get_pages_not_traces(browser: Browser, site: Site) -> None:
    seller = browser.new_context(base_url=site.url).new_page()
    other = browser.new_context(base_url=site.url).new_page()
    sign_up(seller, "seller")
    sign_up(other, "other")
    ticket_url = sell(seller, f"Recital {uuid4().hex[:6]}")
    until(seller, ticket_url, "#status", "For sale")
    buyer = browser.new_context(base_url=site.url).new_page()
    sign_up(buyer, "buyer")
    order_url = reserve(buyer, ticket_url)

    other.goto(order_url)
    expect(other.get_by_role("heading", level=1)).to_have_text("Not allowed")
    other.goto("/moderation")
    expect(other.get_by_role("heading", level=1)).to_have_text("Not allowed")
    other.goto("/tickets/no-such-ticket")
    expect(other.get_by_role("heading", level=1)).to_have_text("Not found")
    other.goto("/no/such/page")
    expect(other.get_by_role("heading", level=1)).to_have_text("Not found")
    # A stranger is sent to sign in, not shown someone's order.
    stranger = browser.new_context(base_url=site.url).new_page()
    stranger.goto(order_url)
    expect(stranger).to_have_url(f"{site.url}/signin")


def test_a_form_post_without_the_sites_token_is_refused(visitor: Page, site: Site) -> None:
    sign_up(visitor, "seller")
    session = next(c for c in visitor.context.cookies() if c["name"] == "session_token")
    forged = httpx.post(
        f"{site.url}/tickets/new",
        data={"title": "Forged", "price": "10.00"},
        cookies={"session_token": session["value"]},
    )
    assert forged.status_code == 403
    assert "not sent from this site" in forged.text
    visitor.goto("/?title=Forged")
    expect(visitor.get_by_text("No tickets match.")).to_be_visible()


def test_the_story_works_with_the_keyboard_alone(visitor: Page) -> None:
    email = f"keys-{uuid4().hex[:8]}@example.com"
    visitor.goto("/signup")
    visitor.keyboard.press("Tab")  # the skip link
    visitor.keyboard.press("Enter")
    for _ in range(20):  # tab to the first field
        visitor.keyboard.press("Tab")
        if visitor.evaluate("document.activeElement.id") == "email":
            break
    visitor.keyboard.type(email)
    visitor.keyboard.press("Tab")
    visitor.keyboard.type(PASSWORD)
    visitor.keyboard.press("Enter")
    expect(visitor.locator("#signed-in-as")).to_have_text(email)


PAGES = [
    "/",
    "/signin",
    "/signup",
    "/verify",
    "/forgot",
    "/recover",
    "/account",
    "/tickets/new",
    "/tickets/mine",
    "/orders",
    "/payouts",
    "/door",
    "/no/such/page",
]


def test_every_page_has_no_serious_accessibility_violations(
    visitor: Page, screenshots: Path
) -> None:
    sign_up(visitor, "reader")
    ticket_url = sell(visitor, f"Accessible {uuid4().hex[:6]}")
    found = {}
    ticket = urlsplit(ticket_url).path
    for path in [*PAGES, ticket, f"{ticket}/code"]:
        visitor.goto(path)
        result = Axe().run(visitor)
        found[path] = [
            v["id"] for v in result.response["violations"] if v["impact"] in ("serious", "critical")
        ]
    shoot(visitor, screenshots, "sell")
    assert found == {path: [] for path in found}


def test_a_stopped_backend_gives_a_try_again_page_and_the_web_stays_up(
    browser: Browser, tmp_path: Path
) -> None:
    dead_api = f"http://127.0.0.1:{free_port()}"
    web = ServiceProcess("web", free_port(), tmp_path / "web.log")
    web.start({**python_env(), "TICKETING_PROFILE": "dev", "API_URL": dead_api})
    try:
        deadline = time.monotonic() + 60
        while not web.ready():
            assert web.exited() is None, web.log_tail()
            assert time.monotonic() < deadline, web.log_tail()
            time.sleep(0.2)
        page = browser.new_context(base_url=web.url).new_page()
        response = page.goto("/")
        assert response is not None
        assert response.status == 503
        expect(page.get_by_role("heading", level=1)).to_have_text("Try again in a moment")
        assert httpx.get(f"{web.url}/healthz").status_code == 200
    finally:
        if web.process is not None:
            web.process.terminate()
            web.process.wait(10)
