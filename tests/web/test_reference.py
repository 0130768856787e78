"""The API reference page at /api/docs, in Chromium: Swagger UI over the public document, its
assets from this site (the page's Content-Security-Policy allows no other)."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_the_reference_page_shows_every_operation_by_its_id(visitor: Page) -> None:
    requested: list[str] = []
    visitor.on("request", lambda request: requested.append(request.url))
    visitor.goto("/api/docs")
    expect(visitor.get_by_text("Ticketing API").first).to_be_visible()
    for operation_id in ("placeOrder", "pay", "listTickets", "signUp"):
        expect(visitor.get_by_text(operation_id, exact=True).first).to_be_attached()
    origin = visitor.url.split("/api/docs")[0]
    assert requested
    assert all(url.startswith(origin) or url.startswith("data:") for url in requested), requested
