from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.dispute_reason import DisputeReason
from ..models.dispute_status import DisputeStatus
from typing import cast
import datetime






T = TypeVar("T", bound="DisputeOut")



@_attrs_define
class DisputeOut:
    """ 
        Attributes:
            id (str):
            message (str):
            opened_at (datetime.datetime):
            order_id (str):
            payout_id (str):
            reason (DisputeReason): refused_at_door (not for a ticket admitted at the door), not_as_described or other
            resolved_at (datetime.datetime | None):
            seller_id (str):
            status (DisputeStatus): open (the payout is frozen) -> refunded (the buyer gets the price back) or released (the
                    seller is paid as scheduled).
            user_id (str): the buyer who opened it
     """

    id: str
    message: str
    opened_at: datetime.datetime
    order_id: str
    payout_id: str
    reason: DisputeReason
    resolved_at: datetime.datetime | None
    seller_id: str
    status: DisputeStatus
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        message = self.message

        opened_at = self.opened_at.isoformat()

        order_id = self.order_id

        payout_id = self.payout_id

        reason = self.reason.value

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        seller_id = self.seller_id

        status = self.status.value

        user_id = self.user_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "message": message,
            "opened_at": opened_at,
            "order_id": order_id,
            "payout_id": payout_id,
            "reason": reason,
            "resolved_at": resolved_at,
            "seller_id": seller_id,
            "status": status,
            "user_id": user_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        message = d.pop("message")

        opened_at = datetime.datetime.fromisoformat(d.pop("opened_at"))




        order_id = d.pop("order_id")

        payout_id = d.pop("payout_id")

        reason = DisputeReason(d.pop("reason"))




        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)



                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))


        seller_id = d.pop("seller_id")

        status = DisputeStatus(d.pop("status"))




        user_id = d.pop("user_id")

        dispute_out = cls(
            id=id,
            message=message,
            opened_at=opened_at,
            order_id=order_id,
            payout_id=payout_id,
            reason=reason,
            resolved_at=resolved_at,
            seller_id=seller_id,
            status=status,
            user_id=user_id,
        )


        dispute_out.additional_properties = d
        return dispute_out

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
