"""The account rules as plain functions: no server starts here."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from ticketing.auth import factors, passwords, rules
from ticketing.shared.errors import InvalidInput


def test_failed_sign_ins_are_free_then_lock_out_longer_each_time() -> None:
    free = rules.FREE_ATTEMPTS["account"]
    assert [rules.lockout_seconds(n, free) for n in range(free + 1)] == [0] * (free + 1)
    assert [rules.lockout_seconds(free + n, free) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert rules.lockout_seconds(free + 500, free) == rules.LOCKOUT_CAP_SECONDS


def test_an_address_gets_more_free_attempts_than_an_account() -> None:
    assert rules.FREE_ATTEMPTS["address"] > rules.FREE_ATTEMPTS["account"]


@pytest.mark.parametrize("email", ["Ada@Example.com ", "ada@example.com"])
def test_emails_are_normalised(email: str) -> None:
    assert rules.checked_email(email) == "ada@example.com"


@pytest.mark.parametrize("email", ["ada", "ada@example", "a b@example.com", "x" * 250 + "@ex.com"])
def test_bad_emails_are_refused_naming_the_field(email: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        rules.checked_email(email)
    assert raised.value.extra["field"] == "email"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short", "length"),
        ("a" * 129, "length"),
        ("ada@example.com", "not-email"),
        (" ADA@example.com ", "not-email"),
        ("aaaaaaaaaaaa", "common"),
        ("password1", "common"),
        ("Sunshine", "common"),  # compared case-folded
        ("qwertyuiop", "common"),
    ],
)
def test_bad_passwords_are_refused_naming_the_rule(password: str, rule: str) -> None:
    with pytest.raises(InvalidInput, match="password must") as raised:
        passwords.checked_password(password, "ada@example.com")
    assert raised.value.extra == {"field": "password", "rule": rule}


def test_the_bundled_list_is_the_common_passwords_of_the_minimum_length_or_more() -> None:
    common = passwords.common_passwords()
    assert len(common) == 11_611
    assert min(len(p) for p in common) == passwords.MIN_LENGTH
    assert "12345678" in common


def test_a_good_password_passes() -> None:
    assert passwords.checked_password("correct horse", "ada@example.com") == "correct horse"


def test_the_stated_rules_name_every_limit() -> None:
    assert f"{passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters" in passwords.RULES
    assert "common" in passwords.RULES


def test_a_totp_code_is_right_for_its_step_and_one_either_side() -> None:
    secret = factors.new_secret()
    totp = pyotp.TOTP(secret)
    now = datetime(2026, 12, 8, 1, 0, 15, tzinfo=UTC)
    step = int(totp.timecode(now))
    for drift in (-1, 0, 1):
        code = totp.at(now + timedelta(seconds=30 * drift))
        assert factors.totp_step(secret, code, now) == step + drift
    assert factors.totp_step(secret, totp.at(now + timedelta(minutes=2)), now) is None
    assert factors.totp_step(secret, " " + totp.at(now) + " ", now) == step  # as pasted
    for wrong in ("", "12345", "abcdef", "1234567"):
        assert factors.totp_step(secret, wrong, now) is None


def test_backup_codes_are_ten_distinct_and_typed_loosely() -> None:
    codes = factors.new_backup_codes()
    assert len(set(codes)) == factors.BACKUP_CODES == 10
    assert all(len(c) == 8 and c.isalnum() and c == c.lower() for c in codes)
    assert factors.normal_backup_code(" AB12-cd34 ") == "ab12cd34"
    assert not any(factors.is_totp_code(c) for c in codes)  # eight characters, never six


def test_the_enrolment_uri_names_the_issuer_and_the_account() -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    shown = factors.enrolment(secret, "ada@example.com")
    assert shown.uri == (
        f"otpauth://totp/Ticketing:ada%40example.com?secret={secret}&issuer=Ticketing"
    )
    assert shown.qr_svg.startswith("<svg")
    assert "Authenticator app QR code" in shown.qr_svg
