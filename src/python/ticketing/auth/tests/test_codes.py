"""One-time codes as plain functions: no server starts here."""

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from ticketing.auth import codes
from ticketing.auth.codes import Purpose, Verdict

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=15)


def test_a_code_is_six_digits_and_stored_only_hashed() -> None:
    code, stored = codes.issue(TTL, NOW)
    assert len(code) == codes.DIGITS
    assert code.isdigit()
    assert code not in msgspec.json.encode(stored).decode()
    assert stored.expires_at == NOW + TTL
    assert codes.key(Purpose.VERIFY, "ada@example.com") != codes.key(
        Purpose.RECOVER, "ada@example.com"
    )


def test_two_codes_differ_in_code_and_salt() -> None:
    issued = [codes.issue(TTL, NOW) for _ in range(20)]
    assert len({code for code, _ in issued}) > 1
    assert len({stored.salt for _, stored in issued}) == 20


def test_the_right_code_within_its_lifetime_is_accepted() -> None:
    code, stored = codes.issue(TTL, NOW)
    assert codes.judge(stored, code, NOW) is Verdict.OK
    assert codes.judge(stored, f" {code} ", NOW + TTL - timedelta(seconds=1)) is Verdict.OK


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=1), timedelta(days=1)])
def test_a_code_expires_at_the_end_of_its_lifetime(offset: timedelta) -> None:
    code, stored = codes.issue(TTL, NOW)
    assert codes.judge(stored, code, NOW + TTL + offset) is Verdict.EXPIRED


def test_a_used_code_is_refused_and_a_wrong_one_says_only_wrong() -> None:
    code, stored = codes.issue(TTL, NOW)
    wrong = f"{(int(code) + 1) % 10**codes.DIGITS:06d}"
    assert codes.judge(stored, wrong, NOW) is Verdict.WRONG
    stored.used = True
    assert codes.judge(stored, code, NOW) is Verdict.USED
    assert codes.judge(stored, wrong, NOW) is Verdict.WRONG  # says nothing about the real one
    assert codes.judge(None, code, NOW) is Verdict.WRONG  # no code for the address


def test_attempts_are_free_up_to_the_limit_then_locked_out() -> None:
    assert [codes.locked_out(n) for n in range(codes.MAX_ATTEMPTS)] == [False] * 5
    assert codes.locked_out(codes.MAX_ATTEMPTS)
    assert codes.locked_out(codes.MAX_ATTEMPTS + 100)
