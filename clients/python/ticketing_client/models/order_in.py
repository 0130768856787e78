from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="OrderIn")



@_attrs_define
class OrderIn:
    """ 
        Attributes:
            ticket_id (str):
     """

    ticket_id: str





    def to_dict(self) -> dict[str, Any]:
        ticket_id = self.ticket_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "ticket_id": ticket_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ticket_id = d.pop("ticket_id")

        order_in = cls(
            ticket_id=ticket_id,
        )

        return order_in

