"""The user story in a real browser (Chromium), through the nginx edge, two people at once."""

from __future__ import annotations

import re
from pathlib import Path
from uuid import uuid4

from playwright.sync_api import Browser, Page, expect

from web.people import (
    DECLINED_CARD,
    GOOD_CARD,
    Site,
    pay,
    reload_until,
    reserve,
    sell,
    shoot,
    sign_up,
    until,
)


def test_a_seller_and_a_buyer_complete_a_sale(
    browser: Browser, site: Site, screenshots: Path
) -> None:
    seller = browser.new_context(base_url=site.url).new_page()
    buyer = browser.new_context(base_url=site.url).new_page()
    seller_email = sign_up(seller, "seller")
    buyer_email = sign_up(buyer, "buyer")
    title = f"Jazz night {uuid4().hex[:6]}"

    ticket_url = sell(seller, title, "45.00")
    expect(seller.locator("#status")).to_have_text("Waiting for moderation")
    until(seller, ticket_url, "#status", "For sale")
    expect(seller.get_by_role("button", name="Reserve")).to_be_disabled()
    expect(seller.locator("#reserve-why")).to_have_text("This is your own ticket.")
    shoot(seller, screenshots, "ticket")

    buyer.goto("/")
    buyer.get_by_label("Search").fill(title.upper())
    buyer.get_by_role("button", name="Search").click()
    expect(buyer.get_by_role("link", name=title)).to_have_count(1)
    shoot(buyer, screenshots, "tickets")
    buyer.get_by_role("link", name=title).click()
    order_url = reserve(buyer, buyer.url)
    expect(buyer.locator("#order-status")).to_have_text("created")
    expect(buyer.locator("#countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    shoot(buyer, screenshots, "order")

    pay(buyer, GOOD_CARD)
    until(buyer, order_url, "#order-status", "complete")
    expect(buyer.get_by_role("heading", name="Receipt")).to_be_visible()
    shoot(buyer, screenshots, "receipt")
    buyer.get_by_role("link", name="My orders").click()
    expect(buyer.get_by_role("row").filter(has_text=title)).to_contain_text("complete")

    # Each sees only themself, however their requests interleave through the web server.
    expect(seller.locator("#signed-in-as")).to_have_text(seller_email)
    buyer.reload()
    expect(buyer.locator("#signed-in-as")).to_have_text(buyer_email)

    # Sold: the ticket is the buyer's now, and the seller can no longer change it.
    until(seller, ticket_url, "#status", "Sold")
    expect(seller.get_by_role("link", name="Edit this ticket")).to_have_count(0)
    seller.goto(f"{ticket_url}/edit")
    seller.get_by_label("Title").fill("Changed after the sale")
    seller.get_by_role("button", name="Save").click()
    expect(seller.get_by_role("heading", level=1)).to_have_text("Not allowed")


def approved_ticket(seller: Page, name: str) -> str:
    url = sell(seller, f"{name} {uuid4().hex[:6]}", "20.00")
    until(seller, url, "#status", "For sale")
    return url


def test_a_declined_card_shows_the_decline_and_another_card_works(
    browser: Browser, site: Site
) -> None:
    seller = browser.new_context(base_url=site.url).new_page()
    buyer = browser.new_context(base_url=site.url).new_page()
    sign_up(seller, "seller")
    sign_up(buyer, "buyer")
    order_url = reserve(buyer, approved_ticket(seller, "Opera"))
    pay(buyer, DECLINED_CARD)
    expect(buyer.locator("#card-error")).to_contain_text("declined")
    expect(buyer.locator("#order-status")).to_have_text("created")
    pay(buyer, GOOD_CARD)
    until(buyer, order_url, "#order-status", "complete")


def test_a_reservation_runs_out_before_the_visitors_eyes(browser: Browser, site: Site) -> None:
    seller = browser.new_context(base_url=site.url).new_page()
    buyer = browser.new_context(base_url=site.url).new_page()
    sign_up(seller, "seller")
    sign_up(buyer, "buyer")
    ticket_url = approved_ticket(seller, "Matinee")
    reserve(buyer, ticket_url)
    buyer.evaluate("window.sameDocument = true")
    # The countdown reaches zero and the page shows the cancellation without a reload.
    expect(buyer.locator("#order-status")).to_have_text("cancelled", timeout=60_000)
    assert buyer.evaluate("window.sameDocument") is True
    expect(buyer.get_by_role("button", name="Pay")).to_have_count(0)
    # The ticket is free again: the buyer can reserve it once more.
    until(buyer, ticket_url, "#status", "For sale")
    reserve(buyer, ticket_url)
    expect(buyer.locator("#order-status")).to_have_text("created")


def test_an_admin_approves_a_ticket_held_for_review(browser: Browser, site: Site) -> None:
    seller = browser.new_context(base_url=site.url).new_page()
    admin = browser.new_context(base_url=site.url).new_page()
    sign_up(seller, "seller")
    admin_email = sign_up(admin, "admin")
    site.grant(admin_email)
    site.classifier.scores = {"harassment": 0.5, "violence": 0.01}  # unsure: a human decides
    try:
        title = f"Borderline {uuid4().hex[:6]}"
        ticket_url = sell(seller, title)
        case = admin.get_by_role("region", name=title)
        reload_until(admin, "/moderation", case.is_visible, what=f"the case of {title!r}")
    finally:
        site.classifier.scores = {"harassment": 0.01, "violence": 0.01}
    case.get_by_role("button", name="Approve").click()
    expect(admin.get_by_role("region", name=title)).to_have_count(0)
    until(seller, ticket_url, "#status", "For sale")
