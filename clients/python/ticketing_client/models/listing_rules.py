from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ListingRules")



@_attrs_define
class ListingRules:
    """ 
        Attributes:
            price_cap (str): the price may be at most the face value times this
            price_max (str):
            price_min (str):
     """

    price_cap: str
    price_max: str
    price_min: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        price_cap = self.price_cap

        price_max = self.price_max

        price_min = self.price_min


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "price_cap": price_cap,
            "price_max": price_max,
            "price_min": price_min,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        price_cap = d.pop("price_cap")

        price_max = d.pop("price_max")

        price_min = d.pop("price_min")

        listing_rules = cls(
            price_cap=price_cap,
            price_max=price_max,
            price_min=price_min,
        )


        listing_rules.additional_properties = d
        return listing_rules

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
