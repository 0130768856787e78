from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ResaleIn")



@_attrs_define
class ResaleIn:
    """ 
        Attributes:
            price (float | str): from 0.50 (Stripe's minimum charge in USD) to 1000000, with at most two decimals: a JSON
                number (12.5) or a decimal string ("12.50"); at most the face value times the price cap (TICKET_PRICE_CAP, 1.20
                by default), else 400 with `rule`: price-cap and `max_price`
     """

    price: float | str





    def to_dict(self) -> dict[str, Any]:
        price: float | str
        price = self.price


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "price": price,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_price(data: object) -> float | str:
            return cast(float | str, data)

        price = _parse_price(d.pop("price"))


        resale_in = cls(
            price=price,
        )

        return resale_in

