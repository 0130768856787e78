from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.dispute_reason import DisputeReason






T = TypeVar("T", bound="DisputeIn")



@_attrs_define
class DisputeIn:
    """ 
        Attributes:
            message (str): what happened
            order_id (str):
            reason (DisputeReason): refused_at_door (not for a ticket admitted at the door), not_as_described or other
     """

    message: str
    order_id: str
    reason: DisputeReason





    def to_dict(self) -> dict[str, Any]:
        message = self.message

        order_id = self.order_id

        reason = self.reason.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "message": message,
            "order_id": order_id,
            "reason": reason,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        order_id = d.pop("order_id")

        reason = DisputeReason(d.pop("reason"))




        dispute_in = cls(
            message=message,
            order_id=order_id,
            reason=reason,
        )

        return dispute_in

