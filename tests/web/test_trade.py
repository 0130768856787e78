"""The whole trade in a real browser (Chromium), through the nginx edge: a listing capped by its
face value, the sale, the buyer's ticket with its QR code, the door admitting it once and
refusing the seller's earlier code, and the buyer selling it on."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from playwright.sync_api import Browser, Page, expect

from web.people import (
    GOOD_CARD,
    Site,
    fill_listing,
    pay,
    reload_until,
    reserve,
    shoot,
    sign_up,
    until,
)


def code_text(page: Page, ticket_url: str) -> str:
    """The holder's code as the code page shows it (a QR code, and the same as text)."""
    page.goto(f"{ticket_url}/code")
    expect(page.locator(".qr svg")).to_be_visible()
    return page.get_by_label("The code as text").input_value()


def scan(door: Page, code: str) -> str:
    """Paste a code at the door; the verdict's headline."""
    door.goto("/door")
    door.get_by_label("Ticket code").fill(code)
    door.get_by_role("button", name="Check").click()
    return door.locator("#verdict .headline").inner_text()


def test_the_whole_trade(browser: Browser, site: Site, screenshots: Path) -> None:
    seller, buyer, door = (browser.new_context(base_url=site.url).new_page() for _ in range(3))
    sign_up(seller, "seller")
    sign_up(buyer, "buyer")
    site.grant(sign_up(door, "door"), "door")
    title = f"Quartet night {uuid4().hex[:6]}"

    fill_listing(seller, title, "48.01", face_value="40.00")  # over the cap of 1.20
    expect(seller.locator("#price-error")).to_contain_text("at most 48.00")
    expect(seller.get_by_label("Asking price")).to_have_value("48.01")
    seller.get_by_label("Asking price").fill("48.00")
    seller.get_by_role("button", name="Sell").click()
    expect(seller.get_by_role("heading", level=1)).to_have_text(title)
    ticket_url = seller.url
    expect(seller.locator("#face-value")).to_have_text("$40.00")
    until(seller, ticket_url, "#status", "For sale")
    sellers_code = code_text(seller, ticket_url)  # taken before the sale

    buyer.goto("/")
    expect(buyer.get_by_role("link", name=title)).to_have_count(1)
    order_url = reserve(buyer, ticket_url)
    pay(buyer, GOOD_CARD)
    until(buyer, order_url, "#order-status", "complete")

    # Sold: off the list for sale, shown as sold, and the buyer's.
    until(buyer, ticket_url, "#status", "Sold")
    buyer.goto("/")
    expect(buyer.get_by_role("link", name=title)).to_have_count(0)
    buyer.get_by_role("link", name="My tickets").click()
    expect(buyer.locator("#my-tickets").get_by_role("link", name=title)).to_have_count(1)
    buyers_code = code_text(buyer, ticket_url)
    shoot(buyer, screenshots, "ticket-code")
    seller.goto(f"{ticket_url}/code")
    expect(seller.get_by_role("heading", level=1)).to_have_text("Not allowed")

    assert scan(door, sellers_code) == "Not valid: the ticket changed hands"
    assert scan(door, buyers_code) == "Admit"
    shoot(door, screenshots, "door")
    assert scan(door, buyers_code) == "Already used"
    expect(door.locator("#verdict")).to_contain_text("already admitted at")


def test_the_buyer_sells_it_on_within_the_cap(browser: Browser, site: Site) -> None:
    seller, buyer = (browser.new_context(base_url=site.url).new_page() for _ in range(2))
    sign_up(seller, "seller")
    sign_up(buyer, "buyer")
    fill_listing(seller, f"Sold on {uuid4().hex[:6]}", "20.00")
    ticket_url = seller.url
    until(seller, ticket_url, "#status", "For sale")
    order_url = reserve(buyer, ticket_url)
    pay(buyer, GOOD_CARD)
    until(buyer, order_url, "#order-status", "complete")
    reload_until(
        buyer, ticket_url, buyer.get_by_role("button", name="Sell again").is_visible, what="resale"
    )
    buyer.get_by_label("Asking price").fill("30.00")
    buyer.get_by_role("button", name="Sell again").click()
    expect(buyer.locator("#price-error")).to_contain_text("at most 24.00")
    buyer.get_by_label("Asking price").fill("24.00")
    buyer.get_by_role("button", name="Sell again").click()
    expect(buyer.locator("#status")).to_have_text("For sale")
    expect(buyer.locator("#asking-price")).to_have_text("$24.00")


def test_a_stranger_has_no_door(visitor: Page) -> None:
    sign_up(visitor, "stranger")
    visitor.goto("/door")
    expect(visitor.get_by_role("link", name="Door")).to_have_count(0)
    expect(visitor.get_by_text("Only door staff can admit tickets.")).to_be_visible()
