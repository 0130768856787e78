"""Stripe's wire shapes the stand-in answers with: its error objects, and card tokens made
from Stripe's test cards (4242424242424242 succeeds, 4000000000000002 is declined when used;
the ready-made tokens ``tok_visa`` and ``tok_chargeDeclined`` behave the same)."""

from __future__ import annotations

import secrets
import time
from typing import Any

SUCCEEDS, DECLINED = "4242424242424242", "4000000000000002"
TEST_TOKENS = {"tok_visa": SUCCEEDS, "tok_chargeDeclined": DECLINED}

Json = dict[str, Any]
Reply = tuple[int, Json]


def error(status: int, kind: str, message: str, **extra: Any) -> Reply:
    return status, {"error": {"type": kind, "message": message, **extra}}


def card_error(code: str, message: str, param: str, **extra: Any) -> Reply:
    return error(402, "card_error", message, code=code, param=param, **extra)


def invalid(message: str, status: int = 400, **extra: Any) -> Reply:
    return error(status, "invalid_request_error", message, **extra)


def luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def card_token(form: Json) -> tuple[Reply, str]:
    """A single-use token for the card in ``form`` and the card's number, or Stripe's error
    (with an empty number) for a card that is malformed or not one of Stripe's test cards."""
    number = str(form.get("card[number]", "")).replace(" ", "")
    month, year = str(form.get("card[exp_month]", "")), str(form.get("card[exp_year]", ""))
    cvc = str(form.get("card[cvc]", ""))
    checks = [
        (
            number.isdigit() and luhn(number),
            "incorrect_number",
            "number",
            "number is incorrect",
        ),
        (
            month.isdigit() and 1 <= int(month) <= 12,
            "invalid_expiry_month",
            "exp_month",
            "expiration month is invalid",
        ),
        (
            year.isdigit() and int(year) >= time.gmtime().tm_year,
            "invalid_expiry_year",
            "exp_year",
            "expiration year is invalid",
        ),
        (
            cvc.isdigit() and len(cvc) in (3, 4),
            "invalid_cvc",
            "cvc",
            "security code is invalid",
        ),
    ]
    for ok, code, param, problem in checks:
        if not ok:
            return card_error(code, f"Your card's {problem}.", param), ""
    if number not in (SUCCEEDS, DECLINED):
        message = "Your card was declined. Your request was in test mode, but used a non test card."
        return card_error("card_declined", message, "number"), ""
    card = {
        "id": f"card_{secrets.token_hex(12)}",
        "object": "card",
        "brand": "Visa",
        "country": "US",
        "exp_month": int(month),
        "exp_year": int(year),
        "funding": "credit",
        "last4": number[-4:],
    }
    token = {
        "id": f"tok_{secrets.token_hex(12)}",
        "object": "token",
        "type": "card",
        "card": card,
        "created": int(time.time()),
        "livemode": False,
        "used": False,
    }
    return (200, token), number
