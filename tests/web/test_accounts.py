"""Accounts in the browser: verifying the address, recovering a forgotten password, and the
account page (name, password, sessions); every code read from the mail the platform sent."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from web.people import PASSWORD, Site, sign_in, sign_up

NEW_PASSWORD = "a brand new secret phrase"


def test_a_new_account_verifies_its_email_with_the_mailed_code(visitor: Page, site: Site) -> None:
    email = sign_up(visitor, "verifier")
    visitor.get_by_role("link", name="Account").click()
    expect(visitor.locator("#email-status")).to_contain_text("not verified yet")
    visitor.get_by_role("link", name="verify it").click()
    expect(visitor.get_by_label("Email")).to_have_value(email)
    code = site.mail.wait_for(email).code
    visitor.get_by_label("Code").fill(f"{(int(code) + 1) % 10**6:06d}")  # one digit off
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.locator("#code-error")).to_contain_text("wrong, expired or used")
    visitor.get_by_label("Code").fill(code)
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Email verified")
    visitor.goto("/account")
    expect(visitor.locator("#email-status")).to_have_text("Your email is verified.")


def test_a_forgotten_password_is_recovered_and_old_sessions_end(
    browser: Browser, site: Site
) -> None:
    laptop = browser.new_context(base_url=site.url).new_page()
    email = sign_up(laptop, "forgetful")
    phone = browser.new_context(base_url=site.url).new_page()
    phone.goto("/signin")
    phone.get_by_role("link", name="Forgot your password?").click()
    phone.get_by_label("Email").fill(email)
    phone.get_by_role("button", name="Send a code").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    code = site.mail.wait_for(email, 2).code  # after the sign-up's verification mail
    phone.get_by_label("Code").fill(code)
    phone.get_by_label("New password").fill("password1")
    phone.get_by_role("button", name="Set the new password").click()
    expect(phone.locator("#password-error")).to_contain_text("commonly used password")
    phone.get_by_label("New password").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Set the new password").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Password changed")

    laptop.goto("/account")  # the laptop's session ended with the recovery
    expect(laptop).to_have_url(f"{site.url}/signin")
    sign_in(laptop, email, PASSWORD)
    expect(laptop.locator("[role=alert]")).to_contain_text("wrong email or password")
    sign_in(laptop, email, NEW_PASSWORD)
    expect(laptop.locator("#signed-in-as")).to_have_text(email)


def test_the_account_page_changes_the_name_and_password_and_ends_sessions(
    browser: Browser, site: Site
) -> None:
    laptop = browser.new_context(base_url=site.url).new_page()
    email = sign_up(laptop, "settler")
    phone = browser.new_context(base_url=site.url).new_page()
    sign_in(phone, email)
    expect(phone.locator("#signed-in-as")).to_have_text(email)

    laptop.goto("/account")
    laptop.get_by_label("First name (optional)").fill("Ada")
    laptop.get_by_label("Last name (optional)").fill("Lovelace")
    laptop.get_by_role("button", name="Save").click()
    expect(laptop.get_by_label("First name (optional)")).to_have_value("Ada")
    expect(laptop.get_by_role("row")).to_have_count(3)  # the header, this session, the phone's
    laptop.get_by_role("button", name="End the session").click()
    expect(laptop.get_by_role("row")).to_have_count(2)
    phone.goto("/account")
    expect(phone).to_have_url(f"{site.url}/signin")

    laptop.get_by_label("Current password").fill("not my password")
    laptop.get_by_label("New password").fill(NEW_PASSWORD)
    laptop.get_by_role("button", name="Change password").click()
    expect(laptop.locator("#current_password-error")).to_contain_text("current password is wrong")
    laptop.get_by_label("Current password").fill(PASSWORD)
    laptop.get_by_label("New password").fill(NEW_PASSWORD)
    laptop.get_by_role("button", name="Change password").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Your account")
    laptop.get_by_role("button", name="Sign out everywhere").click()
    expect(laptop.get_by_role("link", name="Sign in")).to_be_visible()
    sign_in(laptop, email, NEW_PASSWORD)
    expect(laptop.locator("#signed-in-as")).to_have_text(email)
