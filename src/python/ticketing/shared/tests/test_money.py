"""Money as people send it (shared/money.py): either form, exactly, never a binary float."""

from decimal import Decimal
from typing import Any

import msgspec
import pytest

from ticketing.shared.money import Money, decode, schema


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("42.50", "42.50"),
        ("0", "0"),
        ("7", "7"),
        (42, "42"),
        (Decimal("42.5"), "42.5"),  # a JSON number, read from its text
        (Decimal("1E+2"), "1E+2"),
    ],
)
def test_a_number_or_a_plain_decimal_string_is_read_exactly(given: Any, read: str) -> None:
    amount = decode(Money, given)
    assert isinstance(amount, Money)
    assert str(amount) == read


@pytest.mark.parametrize(
    "given",
    [
        42.5,  # a binary float is refused: it may not be what was sent
        True,
        None,
        "42.505",
        "012",
        " 12",
        "1e3",
        "-5",
        "NaN",
        "",
        Decimal("42.505"),
        Decimal("NaN"),
        Decimal("Infinity"),
        [42],
    ],
)
def test_anything_else_is_refused(given: Any) -> None:
    with pytest.raises(ValueError, match="at most two decimals"):
        decode(Money, given)


def test_a_json_number_keeps_its_digits() -> None:
    class Body(msgspec.Struct):
        price: Money

    text = b'{"price": 42.50000000000000001}'
    read = msgspec.json.Decoder(float_hook=Decimal).decode(text)
    assert read["price"] == Decimal("42.50000000000000001")  # not the float 42.5
    with pytest.raises(msgspec.ValidationError, match="price"):
        msgspec.convert(read, Body, dec_hook=decode)


def test_the_schema_names_both_forms() -> None:
    meta = schema("a price", "^[0-9]+$", Decimal("0.50"), Decimal("100"), ["1.00"])
    number, string = meta.extra_json_schema["extra"]["any_of"]  # type: ignore[index]
    assert number == {"type": "number", "multipleOf": 0.01, "minimum": 0.5, "maximum": 100.0}
    assert string == {"type": "string", "pattern": "^[0-9]+$"}
