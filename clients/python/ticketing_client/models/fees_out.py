from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="FeesOut")



@_attrs_define
class FeesOut:
    """ 
        Attributes:
            currency (str):
            fee_fixed (str): added to the percentage, per sale
            fee_percent (str): of the price, per sale
            payout_hold_days (int): the seller is paid this long after the event starts
            fee (None | str | Unset): the fee on price
            price (None | str | Unset):
            seller_receives (None | str | Unset): price - fee
     """

    currency: str
    fee_fixed: str
    fee_percent: str
    payout_hold_days: int
    fee: None | str | Unset = UNSET
    price: None | str | Unset = UNSET
    seller_receives: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        fee_fixed = self.fee_fixed

        fee_percent = self.fee_percent

        payout_hold_days = self.payout_hold_days

        fee: None | str | Unset
        if isinstance(self.fee, Unset):
            fee = UNSET
        else:
            fee = self.fee

        price: None | str | Unset
        if isinstance(self.price, Unset):
            price = UNSET
        else:
            price = self.price

        seller_receives: None | str | Unset
        if isinstance(self.seller_receives, Unset):
            seller_receives = UNSET
        else:
            seller_receives = self.seller_receives


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "currency": currency,
            "fee_fixed": fee_fixed,
            "fee_percent": fee_percent,
            "payout_hold_days": payout_hold_days,
        })
        if fee is not UNSET:
            field_dict["fee"] = fee
        if price is not UNSET:
            field_dict["price"] = price
        if seller_receives is not UNSET:
            field_dict["seller_receives"] = seller_receives

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        fee_fixed = d.pop("fee_fixed")

        fee_percent = d.pop("fee_percent")

        payout_hold_days = d.pop("payout_hold_days")

        def _parse_fee(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fee = _parse_fee(d.pop("fee", UNSET))


        def _parse_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        price = _parse_price(d.pop("price", UNSET))


        def _parse_seller_receives(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        seller_receives = _parse_seller_receives(d.pop("seller_receives", UNSET))


        fees_out = cls(
            currency=currency,
            fee_fixed=fee_fixed,
            fee_percent=fee_percent,
            payout_hold_days=payout_hold_days,
            fee=fee,
            price=price,
            seller_receives=seller_receives,
        )


        fees_out.additional_properties = d
        return fees_out

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
