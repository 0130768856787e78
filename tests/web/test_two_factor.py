"""Two-factor sign-in in the browser: an authenticator app enrolled from the account page,
its codes computed here as the app would (pyotp) from the key the page shows; signing in then
asks for a code, a backup code works once, a wrong code is refused, and turning it off needs
a code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from playwright.sync_api import Browser, Page, expect

from web.people import Site, sign_in, sign_up


def wrong_code(totp: pyotp.TOTP) -> str:
    valid = {totp.at(datetime.now(UTC) + timedelta(seconds=30 * step)) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()


def test_an_app_and_backup_codes_sign_in_and_a_wrong_code_does_not(
    browser: Browser, site: Site
) -> None:
    page = browser.new_context(base_url=site.url).new_page()
    email = sign_up(page, "careful")
    page.goto("/account")
    expect(page.locator("#two-factor-status")).to_contain_text("is off")
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(wrong_code(totp))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#code-error")).to_contain_text("wrong or used")
    expect(page.locator("#totp-secret")).to_have_text(secret)  # the same key, shown again
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    backup = [code.strip() for code in page.locator("#backup-codes li").all_inner_texts()]
    assert len(set(backup)) == len(backup) >= 10
    page.goto("/account")
    expect(page.locator("#two-factor-status")).to_contain_text(
        f"is on: signing in asks for a code from your authenticator app. Backup codes left:"
        f" {len(backup)}."
    )

    sign_out(page)
    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.goto("/account")  # the password alone signs nobody in
    expect(page).to_have_url(f"{site.url}/signin")
    page.goto("/signin/code")
    enter_code(page, wrong_code(totp))
    expect(page.locator("#code-error")).to_contain_text("wrong or used")
    enter_code(page, backup[0])
    expect(page.locator("#signed-in-as")).to_have_text(email)

    sign_out(page)
    sign_in(page, email)
    enter_code(page, backup[0])  # used already
    expect(page.locator("#code-error")).to_contain_text("wrong or used")
    enter_code(page, totp.at(datetime.now(UTC) + timedelta(seconds=30)))  # not used yet
    expect(page.locator("#signed-in-as")).to_have_text(email)

    page.goto("/account")
    page.get_by_label("Code from the app, or a backup code").fill(wrong_code(totp))
    page.get_by_role("button", name="Turn off two-factor sign-in").click()
    expect(page.locator("#code-error")).to_contain_text("wrong or used")
    page.get_by_label("Code from the app, or a backup code").fill(backup[1])
    page.get_by_role("button", name="Turn off two-factor sign-in").click()
    expect(page.locator("#two-factor-status")).to_contain_text("is off")
    sign_out(page)
    sign_in(page, email)
    expect(page.locator("#signed-in-as")).to_have_text(email)  # the password alone again
