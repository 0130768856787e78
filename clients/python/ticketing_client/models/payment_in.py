from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="PaymentIn")



@_attrs_define
class PaymentIn:
    """ 
        Attributes:
            order_id (str):
            token (str): a Stripe card token
     """

    order_id: str
    token: str





    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        token = self.token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "order_id": order_id,
            "token": token,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_id = d.pop("order_id")

        token = d.pop("token")

        payment_in = cls(
            order_id=order_id,
            token=token,
        )

        return payment_in

