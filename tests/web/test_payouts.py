"""Getting paid and protected, in Chromium through the nginx edge: the seller sets up payouts
(through the Stripe stand-in's onboarding and back), the sell form states the fee and what the
seller receives, the buyer pays the total with the fee, the seller sees the sale scheduled for
two days after the event; the buyer's dispute puts it on hold and an admin releases it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from playwright.sync_api import Browser, expect

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


def test_the_seller_is_paid_after_the_event_and_the_buyer_protected(
    browser: Browser, site: Site, screenshots: Path
) -> None:
    seller, buyer, admin = (browser.new_context(base_url=site.url).new_page() for _ in range(3))
    sign_up(seller, "seller")
    sign_up(buyer, "buyer")
    site.grant(sign_up(admin, "admin"))

    seller.get_by_role("link", name="Payouts").click()
    expect(seller.locator("#payout-account")).to_contain_text("Set up payouts")
    seller.get_by_role("button", name="Set up payouts").click()  # Stripe's onboarding, and back
    expect(seller).to_have_url(f"{site.url}/payouts")
    expect(seller.locator("#payout-account")).to_have_text(
        "Payouts are set up: your sales are paid to your Stripe account."
    )

    title = f"Cello recital {uuid4().hex[:6]}"
    seller.goto("/tickets/new")
    expect(seller.locator("#fee-terms")).to_contain_text(
        "The platform's fee is 5% of the price plus $0.30; sellers are paid the rest 2 days"
        " after the event."
    )
    starts = datetime.now(UTC) + timedelta(days=30)  # as fill_listing dates it
    fill_listing(seller, title, "45.00")
    expect(seller.get_by_role("heading", level=1)).to_have_text(title)
    ticket_url = seller.url
    until(seller, ticket_url, "#status", "For sale")
    seller.goto(f"{ticket_url}/edit")
    expect(seller.locator("#seller-receives")).to_have_text("$42.45")  # 45.00 - 2.25 - 0.30

    order_url = reserve(buyer, ticket_url)
    expect(buyer.locator("#order-total")).to_have_text(
        "$45.00, including the platform's fee of $2.55"
    )
    pay(buyer, GOOD_CARD)
    until(buyer, order_url, "#order-status", "complete")

    release = (starts + timedelta(days=2)).strftime("%-d %B %Y")
    status = seller.locator("#payouts .payout-status")
    reload_until(
        seller,
        "/payouts",
        lambda: status.count() == 1 and status.inner_text() == f"Scheduled for {release}",
        what=f"the sale scheduled for {release}",
    )
    expect(seller.locator("#payouts tbody td").nth(3)).to_have_text("$42.45")
    shoot(seller, screenshots, "payouts")

    buyer.get_by_label("Something else").check()
    buyer.get_by_label("Tell us more").fill("The seat did not exist.")
    buyer.get_by_role("button", name="Open a dispute").click()
    until(buyer, order_url, "#dispute-status", "open")
    until(seller, "/payouts", "#payouts .payout-status", "On hold: the buyer opened a dispute")

    admin.goto("/")  # the nav of a member of the admin group
    admin.get_by_role("link", name="Disputes").click()
    expect(admin.get_by_text("The seat did not exist.")).to_be_visible()
    shoot(admin, screenshots, "disputes")
    admin.get_by_role("button", name="Release to the seller").click()
    expect(admin.get_by_text("No open disputes.")).to_be_visible()
    until(seller, "/payouts", "#payouts .payout-status", f"Scheduled for {release}")
    until(buyer, order_url, "#dispute-status", "released")


def test_strangers_have_no_disputes_page_and_see_no_ones_payouts(
    browser: Browser, site: Site
) -> None:
    stranger = browser.new_context(base_url=site.url).new_page()
    sign_up(stranger, "stranger")
    expect(stranger.get_by_role("link", name="Disputes")).to_have_count(0)
    stranger.goto("/disputes")
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Not allowed")
    stranger.goto("/payouts")
    expect(stranger.get_by_text("No sales yet.")).to_be_visible()
