"""Money as people send it: a JSON number with at most two decimals (``42.5``) or a decimal
string (``"42.50"``), parsed exactly, never through a binary float. A request body's JSON
numbers are read as ``Decimal`` from their text (``ExactRequest``); a field typed
``Annotated[Money, schema(...)]`` takes either form (``decode``) and documents both. Answers
stay as they are: amounts are decimal strings."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import SerializationException
from litestar.types import Empty

# A plain decimal: no sign, exponent, spaces or leading zeros; at most two decimals.
_DECIMAL = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?")
RULE = 'a JSON number with at most two decimals (42.5) or a decimal string ("42.50")'


class Money(Decimal):
    """An amount of money, exactly as sent."""


def _plain(amount: Decimal) -> bool:
    exponent = amount.as_tuple().exponent
    return amount.is_finite() and isinstance(exponent, int) and exponent >= -2


def decode(_: type, value: Any) -> Money:
    """A request's value as Money (a ValueError, hence a 400 naming the field, otherwise):
    an integer, a Decimal read from a JSON number's text, or a plain decimal string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Money(value)
    if isinstance(value, Decimal) and _plain(value):
        return Money(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Money(value)
    raise ValueError(f"expected {RULE}")


def is_money(annotation: Any) -> bool:
    return annotation is Money


TYPE_DECODERS = [(is_money, decode)]


def schema(
    description: str,
    pattern: str,
    minimum: Decimal,
    maximum: Decimal,
    examples: list[str],
    *,
    nullable: bool = False,
) -> msgspec.Meta:
    """What the document says of a money field between ``minimum`` and ``maximum`` whose
    decimal strings match ``pattern`` (the same rule): both forms, and null if ``nullable``.
    ``Annotated[Money, schema(...)]`` (``Annotated[Money | None, schema(..., nullable=True)]``)."""
    forms: list[dict[str, Any]] = [
        {
            "type": "number",
            "multipleOf": 0.01,
            "minimum": float(minimum),  # a bound in the document, never a parsed amount
            "maximum": float(maximum),
        },
        {"type": "string", "pattern": pattern},
    ]
    forms += [{"type": "null"}] if nullable else []
    return msgspec.Meta(
        description=description,
        extra_json_schema={
            "examples": examples,
            "extra": {"any_of": forms, "type": None, "one_of": None},
        },
    )


_EXACT = msgspec.json.Decoder(float_hook=Decimal)


class ExactRequest(Request[Any, Any, Any]):
    """A request whose JSON body reads numbers with decimals as ``Decimal``, from their text
    (Litestar's own ``json``, with another decoder)."""

    async def json(self) -> Any:
        if self._json is Empty:
            if (known := self._connection_state.json) is not Empty:
                self._json = known
            else:
                try:
                    decoded = _EXACT.decode(await self.body() or b"null")
                except msgspec.DecodeError as exc:
                    raise SerializationException(str(exc)) from exc
                self._json = self._connection_state.json = decoded
        return self._json
